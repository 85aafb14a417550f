"""Which participant a person is on a peer assist: one answer for the board, the API and analysis.

A person may hold several roles on one peer assist (a colleague who visits and also takes the
notes; a guest invited twice). They act in their most capable role, by ``ROLE_RANK``; between
two records of the same role the older one counts. The live board, the planning pages and API,
and the analysis all ask ``participant_of``, so nobody is a note taker on the board and a
visitor in the analysis.
"""

from __future__ import annotations

from collections.abc import Iterable

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import Guest, User
from peerassist.assists.models import Participant, PeerAssist

Role = Participant.Role

# The one role order, most capable first: who a person acts as, and how people are listed.
ROLE_RANK: tuple[Role, ...] = (
    Role.FACILITATOR,
    Role.HOST_LEAD,
    Role.HOST_MEMBER,
    Role.NOTE_TAKER,
    Role.SPONSOR,
    Role.VISITOR,
    Role.OBSERVER,
)
_RANK = {role: index for index, role in enumerate(ROLE_RANK)}


def role_rank(role: str) -> int:
    """A role's place in ``ROLE_RANK`` (0 is the most capable), for sorting people."""
    return _RANK[Role(role)]


def participant_pick(participants: Iterable[Participant]) -> Participant | None:
    """The record one person acts in, out of all of theirs (already loaded): the most
    capable role, then the oldest record."""
    return min(participants, key=lambda p: (role_rank(p.role), p.pk), default=None)


def participant_of(actor: Actor | None, assist: PeerAssist) -> Participant | None:
    """The actor's participant record on this peer assist, in their most capable role;
    ``None`` for the signed-out and for people who are not on it. One query."""
    if isinstance(actor, Guest):
        rows = Participant.objects.filter(assist=assist, guest=actor)
    elif isinstance(actor, User):
        # A withdrawn invitation (a person from another organisation) is no role here.
        rows = Participant.objects.filter(assist=assist, user=actor, revoked_at__isnull=True)
    else:
        return None
    return participant_pick(rows)
