"""Who reads what was shared back: the visitors' gate to the action list and the report.

A visitor admitted by link (a guest) sees the report and the action list of their own peer
assist only once the host team has shared them back (docs/adr/0005-report-content.md); the
report's door (``reports.access.access_report``) asks this module.
"""

from __future__ import annotations

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import Guest, User
from peerassist.assists.models import Participant, PeerAssist
from peerassist.core.errors import Forbidden, NotFound
from peerassist.followup.models import ShareBack


def assist_is_shared_back(assist: PeerAssist) -> bool:
    return ShareBack.objects.filter(assist=assist).exists()


def share_back_guest_gate(actor: Actor | None, assist: PeerAssist) -> None:
    """Forbidden for a guest until the host team has shared the report back."""
    if isinstance(actor, Guest) and not assist_is_shared_back(assist):
        raise Forbidden(
            "The host team has not shared the report back yet. You will get an e-mail with "
            "a link when they do.",
            code="not_shared_back",
        )


def visitor_for_share_back(actor: Actor | None, assist: PeerAssist) -> Participant:
    """The actor's visitor record, once the action list has been shared back; else 403/404."""
    participant = None
    if isinstance(actor, Guest):
        participant = Participant.objects.filter(assist=assist, guest=actor).first()
    elif isinstance(actor, User):
        participant = Participant.objects.filter(
            assist=assist, user=actor, role=Participant.Role.VISITOR, revoked_at__isnull=True
        ).first()
    if participant is None:
        raise NotFound("No such shared action list.")
    if not assist_is_shared_back(assist):
        raise Forbidden(
            "The host team has not shared the action list back yet. You will get an e-mail "
            "when they do.",
            code="not_shared_back",
        )
    return participant
