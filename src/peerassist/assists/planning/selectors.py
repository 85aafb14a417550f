"""Reads and presenters for the planning pages and the briefing pack.

``plan_overview`` loads everything a planning page shows in a fixed number of queries;
``PlanPresenter`` turns it into labels, totals, warnings and allowed moves for templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone
from django.utils.formats import date_format

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import Membership, User
from peerassist.assists.access import assist_can_plan
from peerassist.assists.lifecycle import ALLOWED
from peerassist.assists.models import (
    AgendaItem,
    Attachment,
    Participant,
    PeerAssist,
    Status,
    StatusChange,
)
from peerassist.assists.participants import role_rank
from peerassist.assists.planning.agenda import agenda_host_presentation_minutes
from peerassist.assists.planning.checks import (
    PlanFacts,
    PlanWarning,
    open_decisions_list,
    plan_warnings,
)
from peerassist.assists.planning.logistics import (
    ChecklistItem,
    logistics_checklist,
    logistics_ticks,
)
from peerassist.projects.models import LearningNeed

Role = Participant.Role


@dataclass
class PlanOverview:
    assist: PeerAssist
    agenda: list[AgendaItem]
    participants: list[Participant]
    attachments: list[Attachment]
    history: list[StatusChange]
    learning_needs: list[LearningNeed]
    host_user_ids: set[int] = field(default_factory=set)
    # Participants' accounts that belong to the host organisation (the rest are invited
    # from other organisations as themselves).
    member_user_ids: set[int] = field(default_factory=set)


def plan_overview(assist: PeerAssist) -> PlanOverview:
    """Everything the planning page and the briefing pack show, in a fixed number of queries."""
    project = assist.project
    needs: list[LearningNeed] = (
        list(LearningNeed.objects.filter(bar_id=assist.bar_id)) if assist.bar_id else []
    )
    participants = list(assist.participants.select_related("user", "guest").order_by("id"))
    return PlanOverview(
        assist=assist,
        agenda=list(assist.agenda_items.all()),
        participants=participants,
        member_user_ids=set(
            Membership.objects.filter(
                organisation_id=assist.organisation_id,
                user_id__in=[p.user_id for p in participants if p.user_id],
            ).values_list("user_id", flat=True)
        ),
        attachments=list(assist.attachments.order_by("created_at", "id")),
        history=list(
            StatusChange.objects.filter(assist=assist)
            .select_related("by_user")
            .order_by("at", "id")
        ),
        learning_needs=needs,
        host_user_ids=set(project.members.values_list("user_id", flat=True)),
    )


def plan_facts(overview: PlanOverview) -> PlanFacts:
    assist = overview.assist
    facilitators = [p for p in overview.participants if p.role == Role.FACILITATOR]
    visitors = [
        p
        for p in overview.participants
        if p.role == Role.VISITOR and p.rsvp != Participant.Rsvp.DECLINED
    ]
    ticks = logistics_ticks(assist)
    host_ids = overview.host_user_ids | {
        p.user_id for p in overview.participants if p.is_host and p.user_id is not None
    }
    return PlanFacts(
        total_minutes=sum(i.minutes for i in overview.agenda),
        host_presentation_minutes=agenda_host_presentation_minutes(overview.agenda),
        session_date=assist.date,
        key_decision_date=assist.project.key_decision_date,
        project_start_date=assist.project.start_date,
        facilitator_in_host_team=any(
            p.user_id is not None and p.user_id in host_ids for p in facilitators
        ),
        visitor_count=len(visitors),
        has_briefing_pack=bool(overview.attachments) or ticks.get("briefing_sent", False),
        open_decisions=open_decisions_list(assist.open_decisions),
        has_agenda=bool(overview.agenda),
        has_facilitator=bool(facilitators),
        has_note_taker=any(p.role == Role.NOTE_TAKER for p in overview.participants),
    )


@dataclass(frozen=True)
class StatusMove:
    value: str
    label: str


@dataclass(frozen=True)
class HistoryRow:
    from_label: str
    to_label: str
    by: str
    at: str
    reason: str


@dataclass(frozen=True)
class ParticipantRow:
    participant: Participant
    kind: str
    rsvp_label: str
    rsvp_tag: str
    link_state: str
    email: str
    email_state: str = ""
    can_revoke: bool = False  # a guest's link, or an outsider's invitation, still standing


def invitation_email_state(participant: Participant) -> str:
    """Whether the latest invitation has left, for the planners: the worker sends it later."""
    if participant.invited_at is None:
        return ""
    if participant.guest is not None and participant.guest.revoked_at is not None:
        return ""
    if participant.revoked_at is not None:
        return ""
    sent_at = participant.invitation_sent_at
    if sent_at is None or sent_at < participant.invited_at:
        return "Invitation e-mail queued, not sent yet"
    return f"Invitation e-mailed {date_format(timezone.localtime(sent_at), 'j F Y, H:i')}"


@dataclass(frozen=True)
class YourInvitation:
    """What the peer assist page tells a colleague on its list about their own invitation."""

    roles: str
    invited: bool
    rsvp: str  # their answer (accepted, tentative, declined), or "" before they reply

    @property
    def answer(self) -> str:
        return Participant.Rsvp(self.rsvp).label if self.rsvp else ""


def your_invitation(actor: Actor | None, assist: PeerAssist) -> YourInvitation | None:
    """The signed-in colleague's place on the list, or None for guests and people not on it
    (guests reply on their invitation page)."""
    if not isinstance(actor, User):
        return None
    rows = list(
        Participant.objects.filter(assist=assist, user=actor, revoked_at__isnull=True).order_by(
            "id"
        )
    )
    if not rows:
        return None
    roles = [Participant.Role(p.role).label.lower() for p in rows]
    replied = [p.rsvp for p in rows if p.rsvp in REPLIED]
    return YourInvitation(
        roles=" and ".join([", ".join(roles[:-1]), roles[-1]] if len(roles) > 1 else roles),
        invited=any(p.rsvp != Participant.Rsvp.NOT_INVITED for p in rows),
        rsvp=replied[0] if replied else "",
    )


@dataclass(frozen=True)
class LogisticsRow:
    item: ChecklistItem
    done: bool


REPLIED = {Participant.Rsvp.ACCEPTED, Participant.Rsvp.TENTATIVE, Participant.Rsvp.DECLINED}
RSVP_TAGS = {
    Participant.Rsvp.NOT_INVITED: "nhsuk-tag--grey",
    Participant.Rsvp.PENDING: "nhsuk-tag--blue",
    Participant.Rsvp.ACCEPTED: "nhsuk-tag--green",
    Participant.Rsvp.DECLINED: "nhsuk-tag--red",
    Participant.Rsvp.TENTATIVE: "nhsuk-tag--yellow",
}


class PlanPresenter:
    """What the planning templates show, worked out once."""

    def __init__(self, overview: PlanOverview, actor: Actor | None = None) -> None:
        self.overview = overview
        self.assist = overview.assist
        self.actor = actor

    @cached_property
    def can_plan(self) -> bool:
        return assist_can_plan(self.actor, self.assist)

    @cached_property
    def warnings(self) -> list[PlanWarning]:
        return plan_warnings(plan_facts(self.overview))

    @property
    def agenda(self) -> list[AgendaItem]:
        return self.overview.agenda

    @property
    def total_minutes(self) -> int:
        return sum(i.minutes for i in self.overview.agenda)

    @property
    def total_label(self) -> str:
        return minutes_label(self.total_minutes)

    @property
    def status_label(self) -> str:
        return Status(self.assist.status).label

    @property
    def moves(self) -> list[StatusMove]:
        allowed = ALLOWED.get(self.assist.status, set())
        return [StatusMove(s.value, s.label) for s in Status if s.value in allowed]

    @property
    def history(self) -> list[HistoryRow]:
        return [
            HistoryRow(
                from_label=Status(c.from_status).label,
                to_label=Status(c.to_status).label,
                by=str(c.by_user) if c.by_user else "The system",
                at=date_format(timezone.localtime(c.at), "j F Y, H:i"),
                reason=c.reason,
            )
            for c in self.overview.history
        ]

    @property
    def when_label(self) -> str:
        assist = self.assist
        if assist.date is None:
            return "Date not set"
        text = date_format(assist.date, "l j F Y")
        if assist.starts_at and assist.ends_at:
            text += f", {assist.starts_at:%H:%M} to {assist.ends_at:%H:%M}"
        elif assist.starts_at:
            text += f", from {assist.starts_at:%H:%M}"
        return text

    @property
    def open_decisions(self) -> tuple[str, ...]:
        return open_decisions_list(self.assist.open_decisions)

    @property
    def participants(self) -> list[ParticipantRow]:
        rows = []
        for p in sorted(self.overview.participants, key=lambda p: (role_rank(p.role), p.pk)):
            guest = p.guest
            if guest is not None:
                if guest.revoked_at is not None and not guest.email:
                    link = "Walked in on the day: no invitation link"
                elif guest.revoked_at is not None:
                    link = "Invitation withdrawn"
                elif guest.expires_at <= timezone.now():
                    link = "Link expired"
                elif guest.accepted_at is not None:
                    link = "Consent given"
                else:
                    link = ""
                email = guest.email
            elif p.revoked_at is not None:
                link = "Invitation withdrawn"
                email = p.user.email if p.user else ""
            else:
                link = ""
                email = p.user.email if p.user else ""
            rows.append(
                ParticipantRow(
                    participant=p,
                    kind=(
                        "External visitor"
                        if guest is not None
                        else "Colleague"
                        if p.user_id in self.overview.member_user_ids
                        else "From another organisation (own account)"
                    ),
                    rsvp_label=Participant.Rsvp(p.rsvp).label,
                    rsvp_tag=RSVP_TAGS[Participant.Rsvp(p.rsvp)],
                    link_state=link,
                    email=email,
                    email_state=invitation_email_state(p),
                    can_revoke=(
                        guest.revoked_at is None
                        if guest is not None
                        else p.revoked_at is None and p.user_id not in self.overview.member_user_ids
                    ),
                )
            )
        return rows

    @property
    def visitors(self) -> list[Participant]:
        return [p for p in self.overview.participants if p.role == Role.VISITOR]

    @property
    def not_invited_count(self) -> int:
        return sum(1 for p in self.overview.participants if p.rsvp == Participant.Rsvp.NOT_INVITED)

    @property
    def logistics(self) -> list[LogisticsRow]:
        ticks = logistics_ticks(self.assist)
        return [
            LogisticsRow(item, ticks.get(item.key, False))
            for item in logistics_checklist(self.assist.mode)
        ]

    @property
    def logistics_done(self) -> int:
        return sum(1 for row in self.logistics if row.done)

    @property
    def learning_needs(self) -> list[LearningNeed]:
        return self.overview.learning_needs

    @property
    def attachments(self) -> list[Attachment]:
        return self.overview.attachments


def minutes_label(minutes: int) -> str:
    """``225`` → "3 hours 45 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def size_label(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
