"""The doors to a peer assist's analysis: who sees it, who groups and codes, who votes.

Rules (one condition per line, so coverage shows each case):

- Anyone who may see the peer assist (``access_peer_assist``) may watch its analysis.
- The **host team** works on it: participants in host-team roles (facilitator, host lead,
  host member, note taker) and the project's members. Visitors, sponsors, observers, guests
  and colleagues who are not on the host team watch read-only.
- **Votes** are cast by host-team participants, each only as themselves: no route takes a
  voter id, so nobody can vote for somebody else.
- Only the **facilitator** sets the voting budget and opens or closes voting.
- A closed peer assist keeps its analysis as a record: nobody changes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from peerassist.accounts.actors import Actor, actor_is_knowledge_manager
from peerassist.accounts.models import User
from peerassist.analysis.models import Action, CfirConstruct, Determinant, Theme
from peerassist.assists.access import AssistNeed, access_peer_assist
from peerassist.assists.models import Note, Participant, PeerAssist, Status
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import HOST_TEAM
from peerassist.core.access import ensure_id
from peerassist.core.errors import Forbidden, NotFound
from peerassist.projects.models import ProjectMember

Role = Participant.Role
HOST_TEAM_ROLES = HOST_TEAM  # one host team for the board and the analysis
READ_ONLY_STATUSES = {Status.CLOSED}


@dataclass(frozen=True)
class AnalysisAccess:
    """What one actor may do in one peer assist's analysis (computed once per request)."""

    assist: PeerAssist
    actor: Actor | None
    participant: Participant | None
    can_edit: bool
    can_vote: bool
    is_facilitator: bool
    is_knowledge_manager: bool

    @property
    def read_only_reason(self) -> str:
        if self.assist.status in READ_ONLY_STATUSES:
            return "This peer assist is closed: its analysis is kept as a record."
        if self.participant is not None and self.participant.role in {
            Role.VISITOR,
            Role.SPONSOR,
        }:
            return (
                "The host team analyses the notes on its own; visitors can watch but not "
                "change anything."
            )
        return (
            "Only the host team can group notes, vote, code enablers and barriers or add actions."
        )


def analysis_access(actor: Actor | None, assist_id: object) -> AnalysisAccess:
    """The peer assist's analysis as this actor sees it; NotFound outside their reach."""
    assist = access_peer_assist(actor, ensure_id(assist_id, "peer assist"), need=AssistNeed.VIEW)
    participant = participant_of(actor, assist)
    open_for_work = assist.status not in READ_ONLY_STATUSES
    in_host_roles = participant is not None and participant.role in HOST_TEAM_ROLES
    project_member = (
        isinstance(actor, User)
        and ProjectMember.objects.filter(project_id=assist.project_id, user=actor).exists()
    )
    return AnalysisAccess(
        assist=assist,
        actor=actor,
        participant=participant,
        can_edit=open_for_work and (in_host_roles or project_member),
        can_vote=open_for_work and in_host_roles,
        is_facilitator=open_for_work
        and participant is not None
        and participant.role == Role.FACILITATOR,
        is_knowledge_manager=actor_is_knowledge_manager(actor, assist.organisation_id),
    )


def access_analysis(
    actor: Actor | None, assist_id: object, *, edit: bool = False
) -> AnalysisAccess:
    """As ``analysis_access``; with ``edit`` the actor must be on the host team (else 403)."""
    access = analysis_access(actor, assist_id)
    if edit:
        ensure_can_edit(access)
    return access


def ensure_can_edit(access: AnalysisAccess) -> None:
    if not access.can_edit:
        raise Forbidden(access.read_only_reason, code="analysis_read_only")


def ensure_can_vote(access: AnalysisAccess) -> Participant:
    if not access.can_vote or access.participant is None:
        raise Forbidden(
            "Only the host team and the facilitator vote on themes, each with their own dots.",
            code="not_a_voter",
        )
    return access.participant


def ensure_facilitator(access: AnalysisAccess) -> Participant:
    if not access.is_facilitator or access.participant is None:
        raise Forbidden(
            "Only the facilitator sets the dot budget and opens or closes voting.",
            code="not_facilitator",
        )
    return access.participant


def access_theme(access: AnalysisAccess, theme_id: object) -> Theme:
    """A theme of this peer assist; anything else is NotFound."""
    pk = ensure_id(theme_id, "theme")
    theme = Theme.objects.filter(pk=pk, assist=access.assist).first()
    if theme is None:
        raise NotFound("No such theme in this peer assist.")
    return theme


def access_note(access: AnalysisAccess, note_id: object) -> Note:
    """A live (not deleted) note of this peer assist; anything else is NotFound."""
    pk = ensure_id(note_id, "note")
    note = Note.objects.filter(pk=pk, assist=access.assist, deleted_at__isnull=True).first()
    if note is None:
        raise NotFound("No such note in this peer assist.")
    return note


def access_determinant(access: AnalysisAccess, determinant_id: object) -> Determinant:
    pk = ensure_id(determinant_id, "enabler or barrier")
    determinant = Determinant.objects.filter(pk=pk, assist=access.assist).first()
    if determinant is None:
        raise NotFound("No such enabler or barrier in this peer assist.")
    return determinant


def access_action(access: AnalysisAccess, action_id: object) -> Action:
    pk = ensure_id(action_id, "action")
    action = Action.objects.filter(pk=pk, assist=access.assist).first()
    if action is None:
        raise NotFound("No such action in this peer assist.")
    return action


def constructs_for(organisation_id: int) -> list[CfirConstruct]:
    """The standard CFIR 2.0 constructs and the organisation's own, in list order."""
    from django.db.models import Q

    return list(
        CfirConstruct.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=organisation_id)
        ).order_by("organisation_id", "order", "code")
    )


def ensure_knowledge_manager(actor: Actor | None, organisation_id: int) -> None:
    if not actor_is_knowledge_manager(actor, organisation_id):
        raise Forbidden(
            "Only the organisation's knowledge managers can add constructs of their own.",
            code="not_knowledge_manager",
        )
