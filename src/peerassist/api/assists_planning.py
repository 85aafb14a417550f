"""Planning a peer assist over JSON: the plan, agenda, participants, invitations, status,
logistics and attachments. Same services as the pages.

Guests and colleagues on the list reply to their own invitation (``POST /{id}/rsvp``).
Guests may otherwise only read its briefing (``GET /{id}/briefing``); every other route
here answers them 403, and 404 for another peer assist. Mounted at ``/assists`` next to
the live board's router (assists_live.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.responses import Status

from peerassist.accounts.models import Guest, User
from peerassist.api.answers import (
    ALREADY_DONE,
    GUEST_NOT_ALLOWED,
    HOST_TEAM_ONLY,
    IDS_IN_INPUT,
    PARTICIPANTS_ONLY,
    PLANNERS_ONLY,
    RULES,
    STATUS_CONFLICT,
    UPLOAD_TOO_LARGE,
    answers,
)
from peerassist.api.auth import ApiRequest
from peerassist.api.openapi import LocalTime
from peerassist.assists.access import AssistNeed, access_peer_assist, assist_can_plan
from peerassist.assists.lifecycle import assist_status_set
from peerassist.assists.models import AgendaItem, Attachment, Participant, PeerAssist
from peerassist.assists.models import Status as AssistStatus
from peerassist.assists.participants import participant_of
from peerassist.assists.planning import agenda as agenda_services
from peerassist.assists.planning import invitations, logistics, services
from peerassist.assists.planning.selectors import PlanPresenter, plan_overview
from peerassist.core.errors import Forbidden, Invalid
from peerassist.projects.access import ProjectNeed, access_project

router = Router(tags=["peer assist planning"])

GUESTS_ONLY = "Visitors can use their invitation and the briefing pack only."


def _assist(request: ApiRequest, assist_id: int, need: AssistNeed) -> PeerAssist:
    """The peer assist for a person with an account; guests get 403 (404 for another one)."""
    actor = request.auth
    assist = access_peer_assist(actor, assist_id, need=need)
    if isinstance(actor, Guest):
        raise Forbidden(GUESTS_ONLY, code="guest_not_allowed")
    return assist


def _user(request: ApiRequest) -> User:
    actor = request.auth
    if not isinstance(actor, User):
        raise Forbidden(GUESTS_ONLY, code="guest_not_allowed")
    return actor


# --- Schemas ---------------------------------------------------------------------------------


class PlanIn(Schema):
    title: str = Field(max_length=200)
    purpose: str = Field("", max_length=5000)
    open_decisions: str = Field("", max_length=5000)
    deliverables: str = Field("", max_length=5000)
    ground_rules: str | None = Field(None, max_length=3000)
    mode: str = PeerAssist.Mode.IN_PERSON
    venue: str = Field("", max_length=300)
    video_link: str = Field("", max_length=500)
    date: dt.date | None = None
    starts_at: LocalTime | None = None
    ends_at: LocalTime | None = None
    bar_id: int | None = None


class PlanCreateIn(PlanIn):
    project_id: int
    planner_facilitates: bool = False


class PlanPatch(Schema):
    title: str | None = Field(None, max_length=200)
    purpose: str | None = Field(None, max_length=5000)
    open_decisions: str | None = Field(None, max_length=5000)
    deliverables: str | None = Field(None, max_length=5000)
    ground_rules: str | None = Field(None, max_length=3000)
    mode: str | None = None
    venue: str | None = Field(None, max_length=300)
    video_link: str | None = Field(None, max_length=500)
    date: dt.date | None = None
    starts_at: LocalTime | None = None
    ends_at: LocalTime | None = None
    bar_id: int | None = None


class WarningOut(Schema):
    code: str
    message: str
    reason: str


class MoveOut(Schema):
    value: str
    label: str


class AssistOut(Schema):
    id: int
    project_id: int
    bar_id: int | None
    title: str
    purpose: str
    open_decisions: str
    deliverables: str
    ground_rules: str
    mode: str
    venue: str
    video_link: str
    date: dt.date | None
    starts_at: LocalTime | None
    ends_at: LocalTime | None
    status: str
    total_minutes: int
    warnings: list[WarningOut]
    allowed_moves: list[MoveOut]
    can_plan: bool


class AgendaItemIn(Schema):
    title: str = Field(max_length=1000)
    phase: str
    lead: str = AgendaItem.Lead.ALL
    minutes: int = 15
    guidance: str | None = Field(None, max_length=2000)


class AgendaItemOut(Schema):
    id: int
    order: int
    title: str
    phase: str
    lead: str
    minutes: int
    guidance: str


class AgendaOut(Schema):
    items: list[AgendaItemOut]
    total_minutes: int
    warnings: list[WarningOut]


class TemplateIn(Schema):
    template: str


class MoveIn(Schema):
    direction: str


class ParticipantIn(Schema):
    """Either ``user_id`` (a colleague) or ``name`` and ``email`` (an external visitor)."""

    role: str = Participant.Role.VISITOR
    user_id: int | None = None
    name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    organisation_name: str = Field("", max_length=200)
    job_title: str = Field("", max_length=150)
    experience: str = Field("", max_length=2000)


class ParticipantOut(Schema):
    id: int
    role: str
    display_name: str
    organisation_name: str
    job_title: str
    experience: str
    kind: str
    email: str = Field(description="Empty unless the asker is on the host team.")
    rsvp: str
    attendance: str = Field(description="in_room, online, or empty while not said.")
    invited_at: dt.datetime | None
    invitation_sent_at: dt.datetime | None = Field(
        description="When the mail server took the latest invitation; empty, or earlier "
        "than invited_at, while its e-mail waits for the task worker."
    )
    invitation_active: bool | None


class StatusIn(Schema):
    to_status: str
    reason: str = Field("", max_length=500)


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    by: str
    at: dt.datetime
    reason: str


class StatusOut(Schema):
    status: str
    allowed_moves: list[MoveOut]
    history: list[StatusChangeOut]


class LogisticsItemOut(Schema):
    key: str
    label: str
    hint: str
    done: bool


class LogisticsIn(Schema):
    ticks: dict[str, bool]


class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    download_url: str


class RsvpIn(Schema):
    rsvp: str
    consent: bool = False
    attendance: str = ""


class BriefingOut(Schema):
    id: int
    title: str
    purpose: str
    open_decisions: list[str]
    deliverables: str
    project_title: str
    project_aim: str
    learning_needs: list[str]
    agenda: list[AgendaItemOut]
    total_minutes: int
    when: str
    mode: str
    venue: str
    logistics: list[LogisticsItemOut]
    attachments: list[AttachmentOut]


# --- Shapers -----------------------------------------------------------------------------------


def _assist_out(assist: PeerAssist, actor: Any) -> dict[str, Any]:
    plan = PlanPresenter(plan_overview(assist), actor)
    return {
        **{
            name: getattr(assist, name)
            for name in (
                "id",
                "project_id",
                "bar_id",
                "title",
                "purpose",
                "open_decisions",
                "deliverables",
                "ground_rules",
                "mode",
                "venue",
                "video_link",
                "date",
                "starts_at",
                "ends_at",
                "status",
            )
        },
        "total_minutes": plan.total_minutes,
        "warnings": [w.__dict__ for w in plan.warnings],
        "allowed_moves": [m.__dict__ for m in plan.moves],
        "can_plan": plan.can_plan,
    }


def _agenda_out(assist: PeerAssist) -> dict[str, Any]:
    plan = PlanPresenter(plan_overview(assist))
    return {
        "items": plan.agenda,
        "total_minutes": plan.total_minutes,
        "warnings": [w.__dict__ for w in plan.warnings],
    }


def _participant_out(p: Participant, *, contact: bool = True) -> dict[str, Any]:
    """One participant; ``contact=False`` (a visitor asking) keeps name, role and organisation
    and leaves out e-mail, experience and the invitation's state."""
    guest = p.guest
    if not contact:
        return {
            "id": p.pk,
            "role": p.role,
            "display_name": p.display_name,
            "organisation_name": p.organisation_name,
            "job_title": p.job_title,
            "experience": "",
            "kind": "guest" if guest else "colleague",
            "email": "",
            "rsvp": "",
            "attendance": "",
            "invited_at": None,
            "invitation_sent_at": None,
            "invitation_active": None,
        }
    return {
        "id": p.pk,
        "role": p.role,
        "display_name": p.display_name,
        "organisation_name": p.organisation_name,
        "job_title": p.job_title,
        "experience": p.experience,
        "kind": "guest" if guest else "colleague",
        "email": guest.email if guest else (p.user.email if p.user else ""),
        "rsvp": p.rsvp,
        "attendance": p.attendance,
        "invited_at": p.invited_at,
        "invitation_sent_at": p.invitation_sent_at,
        # A person with an account whose invitation was withdrawn (from another organisation).
        "invitation_active": guest.is_active if guest else (False if p.revoked_at else None),
    }


def _attachment_out(a: Attachment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "original_name": a.original_name,
        "content_type": a.content_type,
        "size": a.size,
        "download_url": reverse("assists:attachment_download", args=[a.assist_id, a.pk]),
    }


def _fields(data: dict[str, Any]) -> services.PlanFields:
    return services.PlanFields(**data)


# --- The plan ---------------------------------------------------------------------------------


@router.post("", response={201: AssistOut}, summary="Plan a peer assist for a project")
@answers(GUEST_NOT_ALLOWED, HOST_TEAM_ONLY, IDS_IN_INPUT)
def assist_create(request: ApiRequest, payload: PlanCreateIn) -> Status[dict[str, Any]]:
    user = _user(request)
    project = access_project(user, payload.project_id, need=ProjectNeed.EDIT)
    data = payload.dict(exclude={"project_id", "planner_facilitates"})
    assist = services.assist_create(
        project=project,
        by_user=user,
        fields=_fields(data),
        planner_facilitates=payload.planner_facilitates,
    )
    return Status(201, _assist_out(assist, user))


@router.get("/{assist_id}", response=AssistOut, summary="One peer assist's plan, with warnings")
@answers(GUEST_NOT_ALLOWED)
def assist_get(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    assist = _assist(request, assist_id, AssistNeed.VIEW)
    return _assist_out(assist, request.auth)


@router.patch("/{assist_id}", response=AssistOut, summary="Change the plan")
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY)
def assist_patch(request: ApiRequest, assist_id: int, payload: PlanPatch) -> dict[str, Any]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    current = {
        "title": assist.title,
        "purpose": assist.purpose,
        "open_decisions": assist.open_decisions,
        "deliverables": assist.deliverables,
        "ground_rules": assist.ground_rules,
        "mode": assist.mode,
        "venue": assist.venue,
        "video_link": assist.video_link,
        "date": assist.date,
        "starts_at": assist.starts_at,
        "ends_at": assist.ends_at,
        "bar_id": assist.bar_id,
    }
    nullable = {"date", "starts_at", "ends_at", "bar_id"}
    current.update(
        {
            k: v
            for k, v in payload.dict(exclude_unset=True).items()
            if v is not None or k in nullable
        }
    )
    assist = services.assist_update(assist=assist, fields=_fields(current))
    return _assist_out(assist, request.auth)


# --- Agenda --------------------------------------------------------------------------------------


@router.get("/{assist_id}/agenda", response=AgendaOut, summary="The agenda, its total and warnings")
@answers(GUEST_NOT_ALLOWED)
def agenda_get(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    return _agenda_out(_assist(request, assist_id, AssistNeed.VIEW))


@router.post(
    "/{assist_id}/agenda/template", response=AgendaOut, summary="Replace the agenda with a template"
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY)
def agenda_template(request: ApiRequest, assist_id: int, payload: TemplateIn) -> dict[str, Any]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    agenda_services.agenda_apply_template(assist=assist, template_key=payload.template)
    return _agenda_out(assist)


@router.post("/{assist_id}/agenda", response={201: AgendaItemOut}, summary="Add an agenda item")
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY)
def agenda_add(request: ApiRequest, assist_id: int, payload: AgendaItemIn) -> Status[AgendaItem]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    data = payload.dict()
    data["guidance"] = data["guidance"] or ""
    item = agenda_services.agenda_item_add(assist=assist, **data)
    return Status(201, item)


@router.patch(
    "/{assist_id}/agenda/{item_id}", response=AgendaItemOut, summary="Change an agenda item"
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY)
def agenda_update(
    request: ApiRequest, assist_id: int, item_id: int, payload: AgendaItemIn
) -> AgendaItem:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    return agenda_services.agenda_item_update(assist=assist, item_id=item_id, **payload.dict())


@router.delete(
    "/{assist_id}/agenda/{item_id}", response={204: None}, summary="Remove an agenda item"
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY)
def agenda_delete(request: ApiRequest, assist_id: int, item_id: int) -> Status[None]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    agenda_services.agenda_item_delete(assist=assist, item_id=item_id)
    return Status(204, None)


@router.post(
    "/{assist_id}/agenda/{item_id}/move", response=AgendaOut, summary="Move an item up or down"
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY)
def agenda_move(
    request: ApiRequest, assist_id: int, item_id: int, payload: MoveIn
) -> dict[str, Any]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    agenda_services.agenda_item_move(assist=assist, item_id=item_id, direction=payload.direction)
    return _agenda_out(assist)


# --- Participants and invitations --------------------------------------------------------------


@router.get("/{assist_id}/participants", response=list[ParticipantOut], summary="Who takes part")
@answers(GUEST_NOT_ALLOWED)
def participants_list(request: ApiRequest, assist_id: int) -> list[dict[str, Any]]:
    assist = _assist(request, assist_id, AssistNeed.VIEW)
    # Only the host team sees contact details; an invited visitor with an account sees
    # who takes part (name, role, organisation), never their e-mail addresses.
    contact = assist_can_plan(request.auth, assist)
    return [
        _participant_out(p, contact=contact)
        for p in assist.participants.select_related("user", "guest").order_by("id")
    ]


@router.post(
    "/{assist_id}/participants",
    response={201: ParticipantOut},
    summary="Add a colleague or an external visitor",
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY, IDS_IN_INPUT, ALREADY_DONE)
def participants_add(
    request: ApiRequest, assist_id: int, payload: ParticipantIn
) -> Status[dict[str, Any]]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    if payload.user_id is not None:
        participant = services.participant_add_colleague(
            assist=assist, user_id=payload.user_id, role=payload.role, experience=payload.experience
        )
    elif payload.name or payload.email:
        participant = services.participant_add_guest(
            assist=assist,
            name=payload.name,
            email=payload.email,
            role=payload.role,
            organisation_name=payload.organisation_name,
            job_title=payload.job_title,
            experience=payload.experience,
        )
    else:
        raise Invalid(
            "Give a colleague's user_id, or an external visitor's name and email.",
            code="unknown_participant",
        )
    return Status(201, _participant_out(participant))


@router.delete(
    "/{assist_id}/participants/{participant_id}",
    response={204: None},
    summary="Remove a participant",
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY, STATUS_CONFLICT)
def participants_remove(request: ApiRequest, assist_id: int, participant_id: int) -> Status[None]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    services.participant_remove(assist=assist, participant_id=participant_id)
    return Status(204, None)


@router.post(
    "/{assist_id}/invitations/send",
    response=list[ParticipantOut],
    summary="Invite everyone not yet invited (the e-mails are queued)",
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY, STATUS_CONFLICT)
def invitations_send(request: ApiRequest, assist_id: int) -> list[dict[str, Any]]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    sent = invitations.invitations_send(assist=assist, by_user=_user(request))
    return [_participant_out(p) for p in sent]


@router.post(
    "/{assist_id}/invitations/{participant_id}/resend",
    response=ParticipantOut,
    summary="Queue an invitation again (a new link)",
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY, RULES)
def invitation_resend(request: ApiRequest, assist_id: int, participant_id: int) -> dict[str, Any]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    return _participant_out(
        invitations.invitation_resend(assist=assist, participant_id=participant_id)
    )


@router.post(
    "/{assist_id}/invitations/{participant_id}/revoke",
    response=ParticipantOut,
    summary="Withdraw a visitor's invitation",
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY, RULES)
def invitation_revoke(request: ApiRequest, assist_id: int, participant_id: int) -> dict[str, Any]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    return _participant_out(
        invitations.invitation_revoke(assist=assist, participant_id=participant_id)
    )


@router.post(
    "/{assist_id}/rsvp",
    response=ParticipantOut,
    summary="Reply to your invitation (a guest, or a colleague on the list)",
)
@answers(PARTICIPANTS_ONLY, STATUS_CONFLICT)
def rsvp(request: ApiRequest, assist_id: int, payload: RsvpIn) -> dict[str, Any]:
    """``rsvp`` is accepted, tentative or declined. A guest who comes (or may) gives
    ``consent`` to record their notes; a colleague's account covers it, so it is ignored."""
    actor = request.auth
    assist = access_peer_assist(actor, assist_id)
    if isinstance(actor, User):
        return _participant_out(
            services.colleague_reply(
                assist=assist, user=actor, rsvp=payload.rsvp, attendance=payload.attendance
            )
        )
    visitor = participant_of(actor, assist) if isinstance(actor, Guest) else None
    if visitor is None:
        raise Forbidden("Only an invited visitor replies here.", code="not_a_guest")
    return _participant_out(
        services.invitation_reply(
            participant=visitor,
            rsvp=payload.rsvp,
            consent=payload.consent,
            attendance=payload.attendance,
        )
    )


# --- Status ---------------------------------------------------------------------------------------


def _status_out(assist: PeerAssist) -> dict[str, Any]:
    plan = PlanPresenter(plan_overview(assist))
    return {
        "status": assist.status,
        "allowed_moves": [m.__dict__ for m in plan.moves],
        "history": [
            {
                "from_status": c.from_status,
                "to_status": c.to_status,
                "by": str(c.by_user) if c.by_user else "",
                "at": c.at,
                "reason": c.reason,
            }
            for c in plan.overview.history
        ],
    }


@router.get("/{assist_id}/status", response=StatusOut, summary="Status, allowed moves and history")
@answers(GUEST_NOT_ALLOWED)
def status_get(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    return _status_out(_assist(request, assist_id, AssistNeed.VIEW))


@router.post(
    "/{assist_id}/status", response=StatusOut, summary="Move the status (refused with the reason)"
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY, STATUS_CONFLICT)
def status_set(request: ApiRequest, assist_id: int, payload: StatusIn) -> dict[str, Any]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    if payload.to_status not in AssistStatus.values:
        raise Invalid(
            f"Unknown status. Use one of: {', '.join(AssistStatus.values)}.", code="bad_status"
        )
    assist = assist_status_set(
        assist=assist, to_status=payload.to_status, by_user=_user(request), reason=payload.reason
    )
    return _status_out(assist)


# --- Logistics -----------------------------------------------------------------------------------


def _logistics_out(assist: PeerAssist) -> list[dict[str, Any]]:
    ticks = logistics.logistics_ticks(assist)
    return [
        {"key": i.key, "label": i.label, "hint": i.hint, "done": ticks.get(i.key, False)}
        for i in logistics.logistics_checklist(assist.mode)
    ]


@router.get(
    "/{assist_id}/logistics", response=list[LogisticsItemOut], summary="The logistics checklist"
)
@answers(GUEST_NOT_ALLOWED)
def logistics_get(request: ApiRequest, assist_id: int) -> list[dict[str, Any]]:
    return _logistics_out(_assist(request, assist_id, AssistNeed.VIEW))


@router.put(
    "/{assist_id}/logistics", response=list[LogisticsItemOut], summary="Tick checklist items"
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY)
def logistics_put(
    request: ApiRequest, assist_id: int, payload: LogisticsIn
) -> list[dict[str, Any]]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    assist = logistics.logistics_set(assist=assist, ticks=payload.ticks)
    return _logistics_out(assist)


# --- Attachments and the briefing pack -------------------------------------------------------


@router.get(
    "/{assist_id}/attachments", response=list[AttachmentOut], summary="Papers in the briefing pack"
)
@answers(GUEST_NOT_ALLOWED)
def attachments_list(request: ApiRequest, assist_id: int) -> list[dict[str, Any]]:
    assist = _assist(request, assist_id, AssistNeed.VIEW)
    return [_attachment_out(a) for a in assist.attachments.order_by("created_at", "id")]


@router.post(
    "/{assist_id}/attachments",
    response={201: AttachmentOut},
    summary="Upload a paper (multipart, field 'file')",
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY, RULES, UPLOAD_TOO_LARGE)
def attachments_add(request: ApiRequest, assist_id: int) -> Status[dict[str, Any]]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    if int(request.META.get("CONTENT_LENGTH") or 0) > settings.MAX_UPLOAD_BYTES + 64 * 1024:
        raise services.TooLarge(services.upload_limit_message())
    upload = request.FILES.get("file")
    if upload is None:
        raise Invalid("Send the file as multipart form data in the field 'file'.", code="no_file")
    attachment = services.attachment_add(assist=assist, by_user=_user(request), upload=upload)
    return Status(201, _attachment_out(attachment))


@router.delete(
    "/{assist_id}/attachments/{attachment_id}", response={204: None}, summary="Remove a paper"
)
@answers(GUEST_NOT_ALLOWED, PLANNERS_ONLY)
def attachments_delete(request: ApiRequest, assist_id: int, attachment_id: int) -> Status[None]:
    assist = _assist(request, assist_id, AssistNeed.PLAN)
    services.attachment_delete(assist=assist, attachment_id=attachment_id)
    return Status(204, None)


@router.get("/{assist_id}/briefing", response=BriefingOut, summary="The briefing pack (guests too)")
def briefing_get(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    assist = access_peer_assist(request.auth, assist_id)
    plan = PlanPresenter(plan_overview(assist), request.auth)
    return {
        "id": assist.pk,
        "title": assist.title,
        "purpose": assist.purpose,
        "open_decisions": list(plan.open_decisions),
        "deliverables": assist.deliverables,
        "project_title": assist.project.title,
        "project_aim": assist.project.aim,
        "learning_needs": [n.question for n in plan.learning_needs],
        "agenda": plan.agenda,
        "total_minutes": plan.total_minutes,
        "when": plan.when_label,
        "mode": assist.mode,
        "venue": assist.venue,
        "logistics": _logistics_out(assist),
        "attachments": [_attachment_out(a) for a in plan.attachments],
    }
