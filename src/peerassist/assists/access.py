"""The door to peer assists, for users and guests alike."""

from __future__ import annotations

from enum import Enum

from peerassist.accounts.actors import Actor, actor_is_knowledge_manager, actor_membership
from peerassist.accounts.models import Guest, User
from peerassist.assists.models import Participant, PeerAssist
from peerassist.core.access import ensure_id
from peerassist.core.errors import Forbidden, NotFound

GUEST_SCOPE = "peer_assist"


class AssistNeed(Enum):
    VIEW = "view"
    PLAN = "plan"


def access_peer_assist(
    actor: Actor | None, assist_id: int, *, need: AssistNeed = AssistNeed.VIEW
) -> PeerAssist:
    """The peer assist, if the actor may see it; PLAN needs the host team or a KM.

    Users see their organisation's peer assists and any they take part in (a person from
    another organisation invited as herself, while her invitation stands); a guest sees only
    the one their invitation names. Anything else is NotFound, so ids do not leak.
    """
    assist_id = ensure_id(assist_id, "peer assist")
    assist = (
        PeerAssist.objects.select_related("project", "organisation").filter(pk=assist_id).first()
    )
    if assist is None or actor is None:
        raise NotFound("No such peer assist.")
    if isinstance(actor, Guest):
        if not (
            actor.scope_kind == GUEST_SCOPE and actor.scope_id == assist.pk and actor.is_active
        ):
            raise NotFound("No such peer assist.")
    elif actor_membership(actor, assist.organisation_id) is None and not (
        assist.participants.filter(user=actor, revoked_at__isnull=True).exists()
    ):
        raise NotFound("No such peer assist.")
    if need is AssistNeed.PLAN and not assist_can_plan(actor, assist):
        raise Forbidden(
            "Only the host team, the facilitator and the organisation's knowledge managers can "
            "plan this peer assist.",
            code="not_host_team",
        )
    return assist


def assist_can_plan(actor: Actor | None, assist: PeerAssist) -> bool:
    """The host team, the organisation's knowledge managers and a facilitator from within it.

    A facilitator from another organisation runs the session like a guest facilitator does
    and never plans: the people page would show her the host organisation's staff list.
    """
    if not isinstance(actor, User):
        return False
    if actor_membership(actor, assist.organisation_id) is None:
        return False
    if actor_is_knowledge_manager(actor, assist.organisation_id):
        return True
    if assist.project.members.filter(user=actor).exists():
        return True
    return assist.participants.filter(user=actor, role=Participant.Role.FACILITATOR).exists()


def assist_outsider(actor: Actor | None, assist: PeerAssist) -> bool:
    """A signed-in person from another organisation, here only by her own invitation.

    She reads this peer assist as a visitor does (its page, plan and people without contact
    details, briefing, board, report) and nothing else of the host organisation: she never
    plans (``assist_can_plan``), and the peer assist's page leaves out the host team's links.
    """
    return isinstance(actor, User) and actor_membership(actor, assist.organisation_id) is None
