from django.apps import AppConfig


class AssistsConfig(AppConfig):
    name = "peerassist.assists"
    label = "assists"

    def ready(self) -> None:
        from peerassist.accounts.erasure import register_erasure
        from peerassist.accounts.guests import register_guest_landing
        from peerassist.assists.erasure import participants_anonymise
        from peerassist.assists.live.framing import framing_watch
        from peerassist.assists.planning.home import invitations_home_section
        from peerassist.assists.planning.views import guest_landing
        from peerassist.core.home import register_home_section

        # An admitted guest lands on their invitation page (purpose, agenda, consent, reply).
        register_guest_landing("peer_assist", guest_landing)
        # A colleague sees the invitations still waiting for their reply on the home page.
        register_home_section(invitations_home_section)
        # An erased person's places on participant lists lose their name.
        register_erasure(participants_anonymise)
        # An edit to the purpose, ground rules or the BAR reaches open boards and walls.
        framing_watch()
