"""The home page's "Invitations waiting for your reply": peer assists a colleague has been
invited to and not yet answered, each linking to the reply form on its page."""

from __future__ import annotations

from django.utils import timezone

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import User
from peerassist.assists.models import Participant, PeerAssist
from peerassist.assists.planning.invitations import INVITABLE_STATUSES
from peerassist.core.home import HomeSection

HOME_INVITATIONS = 5


def invitations_home_section(actor: Actor) -> HomeSection | None:
    """Peer assists still ahead where the signed-in person's reply is awaited, soonest first."""
    if not isinstance(actor, User):
        return None
    assists = list(
        PeerAssist.objects.filter(
            participants__user=actor,
            participants__rsvp=Participant.Rsvp.PENDING,
            participants__revoked_at__isnull=True,
            status__in=INVITABLE_STATUSES,
        )
        .exclude(date__lt=timezone.localdate())
        .distinct()
        .order_by("date", "starts_at", "id")[:HOME_INVITATIONS]
    )
    if not assists:
        return None
    return HomeSection(
        key="invitations",
        title="Invitations waiting for your reply",
        template="assists/home_section.html",
        context={"assists": assists},
        order=10,
    )
