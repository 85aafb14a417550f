from django.apps import AppConfig


class AssistsConfig(AppConfig):
    name = "peerassist.assists"
    label = "assists"

    def ready(self) -> None:
        from peerassist.accounts.guests import register_guest_landing
        from peerassist.assists.views_planning import guest_landing

        # An admitted guest lands on their invitation page (purpose, agenda, consent, reply).
        register_guest_landing("peer_assist", guest_landing)
