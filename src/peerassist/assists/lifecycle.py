"""The life of a peer assist: draft → planning → invited → scheduled → live → analysis →
actions agreed → follow-up → closed.

Moves not in ``ALLOWED`` are refused with the reason; every move is recorded (who, when, why).
"""

from __future__ import annotations

from django.db import transaction

from peerassist.accounts.models import User
from peerassist.assists.models import PeerAssist, Status, StatusChange
from peerassist.core.errors import Conflict

ALLOWED: dict[str, set[str]] = {
    Status.DRAFT: {Status.PLANNING, Status.CLOSED},
    Status.PLANNING: {Status.DRAFT, Status.INVITED, Status.SCHEDULED, Status.CLOSED},
    Status.INVITED: {Status.PLANNING, Status.SCHEDULED, Status.LIVE, Status.CLOSED},
    Status.SCHEDULED: {Status.INVITED, Status.PLANNING, Status.LIVE, Status.CLOSED},
    Status.LIVE: {Status.ANALYSIS, Status.SCHEDULED},
    Status.ANALYSIS: {Status.LIVE, Status.ACTIONS_AGREED},
    Status.ACTIONS_AGREED: {Status.ANALYSIS, Status.FOLLOW_UP, Status.CLOSED},
    Status.FOLLOW_UP: {Status.ACTIONS_AGREED, Status.CLOSED},
    Status.CLOSED: {Status.FOLLOW_UP},
}

WHY_NOT: dict[str, str] = {
    Status.LIVE: "A peer assist can go live only once it has been planned and scheduled "
    "or its invitations have been sent.",
    Status.ANALYSIS: "Analysis follows the live session.",
    Status.ACTIONS_AGREED: "Actions are agreed after the host team's analysis.",
    Status.FOLLOW_UP: "Follow-up starts once actions are agreed.",
    Status.INVITED: "Invitations can be sent only while planning.",
}

# Statuses in which the live board accepts notes.
BOARD_OPEN = {Status.PLANNING, Status.INVITED, Status.SCHEDULED, Status.LIVE, Status.ANALYSIS}


def assist_can_move(assist: PeerAssist, to_status: str) -> bool:
    return to_status in ALLOWED.get(assist.status, set())


@transaction.atomic
def assist_status_set(
    *, assist: PeerAssist, to_status: str, by_user: User | None, reason: str = ""
) -> PeerAssist:
    """Move the peer assist to ``to_status``, or raise Conflict saying why it cannot."""
    assist = PeerAssist.objects.select_for_update().get(pk=assist.pk)
    if assist.status == to_status:
        return assist
    if not assist_can_move(assist, to_status):
        current = Status(assist.status).label.lower()
        target = Status(to_status).label.lower()
        why = WHY_NOT.get(to_status, "")
        raise Conflict(
            f"A peer assist cannot move from “{current}” to “{target}”. {why}".strip(),
            code="illegal_status_change",
        )
    StatusChange.objects.create(
        assist=assist,
        from_status=assist.status,
        to_status=to_status,
        by_user=by_user,
        reason=reason[:500],
    )
    assist.status = to_status
    assist.save(update_fields=["status", "updated_at"])
    return assist
