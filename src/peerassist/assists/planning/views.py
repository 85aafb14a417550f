"""Planning pages: the plan, agenda, people and invitations, logistics, status, briefing pack,
and the guest's invitation page. Thin: parse, call a service, redirect or re-render.

Every form posts and works without JavaScript; htmx only swaps the changed section.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerassist.accounts.models import Guest, User
from peerassist.assists.access import AssistNeed, access_peer_assist, assist_outsider
from peerassist.assists.ground_rules import HANDBOOK_GROUND_RULES
from peerassist.assists.lifecycle import assist_status_set
from peerassist.assists.models import PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.assists.planning import agenda as agenda_services
from peerassist.assists.planning import invitations, logistics, services
from peerassist.assists.planning.briefing import briefing_pdf
from peerassist.assists.planning.forms import (
    AgendaItemForm,
    AgendaTemplateForm,
    AttachmentForm,
    ColleagueForm,
    GuestReplyForm,
    NewPlanForm,
    PlanForm,
    StatusForm,
    VisitorForm,
    add_service_error,
)
from peerassist.assists.planning.selectors import PlanPresenter, plan_overview
from peerassist.core.errors import DomainError, Forbidden, NotFound
from peerassist.projects.access import ProjectNeed, access_project

View = Callable[..., HttpResponse]
GUESTS_ONLY_SEE = (
    "Visitors can see their invitation and the briefing pack of their peer assist only."
)


def _assist(request: HttpRequest, assist_id: int, need: AssistNeed) -> PeerAssist:
    try:
        return access_peer_assist(getattr(request, "actor", None), assist_id, need=need)
    except NotFound as error:
        raise Http404(error.detail) from None
    except Forbidden as error:
        raise PermissionDenied(error.detail) from None


def planner_page(need: AssistNeed) -> Callable[[View], View]:
    """Pages for people with accounts: sign in first; guests are shown the door (403).

    A person from another organisation invited as herself reads these pages as a visitor
    (no contact details; ``access_peer_assist``) and never plans (``assist_can_plan``)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(
            request: HttpRequest, assist_id: int, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            actor = getattr(request, "actor", None)
            if actor is None:
                return redirect_to_login(request.get_full_path())
            assist = _assist(request, assist_id, need)
            if isinstance(actor, Guest):
                raise PermissionDenied(GUESTS_ONLY_SEE)
            return view(request, assist, *args, **kwargs)

        return wrapped

    return decorate


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _plan_url(assist: PeerAssist, name: str = "plan") -> str:
    return reverse(f"assists:{name}", args=[assist.pk])


def _presenter(request: HttpRequest, assist: PeerAssist) -> PlanPresenter:
    return PlanPresenter(plan_overview(assist), getattr(request, "actor", None))


def _briefing_page(
    request: HttpRequest, plan: PlanPresenter, form: AttachmentForm | None, status: int = 200
) -> HttpResponse:
    context = {
        "plan": plan,
        "form": form,
        "is_guest": isinstance(getattr(request, "actor", None), Guest),
        "max_upload_mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "assists/briefing.html", context, status=status)


# --- The plan ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest, project_id: int) -> HttpResponse:
    """A new peer assist for a project; only the host team and knowledge managers."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        project = access_project(_user(request), project_id, need=ProjectNeed.EDIT)
    except NotFound as error:
        raise Http404(error.detail) from None
    except Forbidden as error:
        raise PermissionDenied(error.detail) from None
    form = NewPlanForm(
        request.POST or None,
        project=project,
        initial={
            "title": f"Peer assist: {project.title}"[:200],
            "ground_rules": HANDBOOK_GROUND_RULES,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            assist = services.assist_create(
                project=project,
                by_user=_user(request),
                fields=form.plan_fields(),
                planner_facilitates=form.cleaned_data["planner_facilitates"],
            )
        except DomainError as error:
            add_service_error(form, error.code, error.detail)
        else:
            messages.success(request, "Peer assist created. Next, choose an agenda.")
            return redirect(_plan_url(assist))
    return render(
        request, "assists/plan_form.html", {"form": form, "project": project, "assist": None}
    )


@require_GET
@planner_page(AssistNeed.VIEW)
def plan(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    return render(request, "assists/plan.html", {"plan": _presenter(request, assist)})


@require_http_methods(["GET", "POST"])
@planner_page(AssistNeed.PLAN)
def plan_edit(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    form = PlanForm(
        request.POST or None, project=assist.project, initial=PlanForm.initial_for(assist)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assist_update(assist=assist, fields=form.plan_fields())
        except DomainError as error:
            add_service_error(form, error.code, error.detail)
        else:
            messages.success(request, "Plan saved.")
            return redirect(_plan_url(assist))
    return render(
        request,
        "assists/plan_form.html",
        {"form": form, "project": assist.project, "assist": assist},
    )


@require_POST
@planner_page(AssistNeed.PLAN)
def plan_status(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            assist_status_set(
                assist=assist,
                to_status=form.cleaned_data["to_status"],
                by_user=_user(request),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            return render(
                request,
                "assists/plan.html",
                {"plan": _presenter(request, assist), "status_error": error.detail},
                status=409,
            )
        messages.success(request, "Status changed.")
    return redirect(_plan_url(assist))


# --- Agenda --------------------------------------------------------------------------------


def _agenda_page(
    request: HttpRequest,
    assist: PeerAssist,
    *,
    template_form: AgendaTemplateForm | None = None,
    item_form: AgendaItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "assists/plan_agenda.html",
        {
            "plan": _presenter(request, assist),
            "template_form": template_form or AgendaTemplateForm(),
            "item_form": item_form or AgendaItemForm(initial={"minutes": 15}),
        },
        status=status,
    )


@require_GET
@planner_page(AssistNeed.VIEW)
def agenda(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    return _agenda_page(request, assist)


@require_POST
@planner_page(AssistNeed.PLAN)
def agenda_template(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    form = AgendaTemplateForm(request.POST)
    if form.is_valid():
        agenda_services.agenda_apply_template(
            assist=assist, template_key=form.cleaned_data["template"]
        )
        messages.success(request, "Agenda set from the template. Edit the items below.")
        return redirect(_plan_url(assist, "agenda"))
    return _agenda_page(request, assist, template_form=form, status=400)


@require_POST
@planner_page(AssistNeed.PLAN)
def agenda_add(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            agenda_services.agenda_item_add(assist=assist, **form.cleaned_data)
        except DomainError as error:
            add_service_error(form, error.code, error.detail)
        else:
            return redirect(_plan_url(assist, "agenda") + "#agenda")
    return _agenda_page(request, assist, item_form=form, status=400)


@require_http_methods(["GET", "POST"])
@planner_page(AssistNeed.PLAN)
def agenda_item(request: HttpRequest, assist: PeerAssist, item_id: int) -> HttpResponse:
    item = assist.agenda_items.filter(pk=item_id).first()
    if item is None:
        raise Http404("No such agenda item.")
    form = AgendaItemForm(
        request.POST or None,
        initial={
            "title": item.title,
            "phase": item.phase,
            "lead": item.lead,
            "minutes": item.minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            agenda_services.agenda_item_update(assist=assist, item_id=item.pk, **form.cleaned_data)
        except DomainError as error:
            add_service_error(form, error.code, error.detail)
        else:
            return redirect(_plan_url(assist, "agenda") + "#agenda")
    return render(
        request,
        "assists/plan_agenda_item.html",
        {"assist": assist, "item": item, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@planner_page(AssistNeed.PLAN)
def agenda_move(request: HttpRequest, assist: PeerAssist, item_id: int) -> HttpResponse:
    try:
        agenda_services.agenda_item_move(
            assist=assist, item_id=item_id, direction=request.POST.get("direction", "")
        )
    except NotFound as error:
        raise Http404(error.detail) from None
    except DomainError as error:
        messages.error(request, error.detail)
    return redirect(_plan_url(assist, "agenda") + "#agenda")


@require_POST
@planner_page(AssistNeed.PLAN)
def agenda_delete(request: HttpRequest, assist: PeerAssist, item_id: int) -> HttpResponse:
    try:
        agenda_services.agenda_item_delete(assist=assist, item_id=item_id)
    except NotFound as error:
        raise Http404(error.detail) from None
    messages.success(request, "Agenda item removed.")
    return redirect(_plan_url(assist, "agenda") + "#agenda")


# --- People and invitations -------------------------------------------------------------------


def _people_page(
    request: HttpRequest,
    assist: PeerAssist,
    *,
    colleague_form: ColleagueForm | None = None,
    visitor_form: VisitorForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "assists/plan_people.html",
        {
            "plan": _presenter(request, assist),
            "colleague_form": colleague_form
            or ColleagueForm(organisation_id=assist.organisation_id, prefix="colleague"),
            "visitor_form": visitor_form or VisitorForm(prefix="visitor"),
            "guest_days": settings.GUEST_INVITATION_MAX_AGE_DAYS,
        },
        status=status,
    )


@require_GET
@planner_page(AssistNeed.VIEW)
def people(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    """The people page; ``?visitor-name=…`` or ``?colleague-user=…`` pre-fill the forms (the
    people finder's "Invite as visitor" links), nothing is saved until the planner submits."""
    return _people_page(
        request,
        assist,
        colleague_form=ColleagueForm(
            organisation_id=assist.organisation_id,
            prefix="colleague",
            initial=_prefilled(request, "colleague"),
        ),
        visitor_form=VisitorForm(prefix="visitor", initial=_prefilled(request, "visitor")),
    )


def _prefilled(request: HttpRequest, prefix: str) -> dict[str, str]:
    start = f"{prefix}-"
    return {
        key.removeprefix(start): str(request.GET.get(key, ""))[:2000]
        for key in request.GET
        if key.startswith(start)
    }


@require_POST
@planner_page(AssistNeed.PLAN)
def people_add_colleague(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    form = ColleagueForm(request.POST, organisation_id=assist.organisation_id, prefix="colleague")
    if form.is_valid():
        try:
            participant = services.participant_add_colleague(
                assist=assist,
                user_id=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                experience=form.cleaned_data["experience"],
            )
        except DomainError as error:
            add_service_error(form, error.code, error.detail)
        else:
            messages.success(request, f"{participant.display_name} added.")
            return redirect(_plan_url(assist, "people"))
    return _people_page(request, assist, colleague_form=form, status=400)


@require_POST
@planner_page(AssistNeed.PLAN)
def people_add_visitor(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    form = VisitorForm(request.POST, prefix="visitor")
    if form.is_valid():
        try:
            participant = services.participant_add_guest(assist=assist, **form.cleaned_data)
        except DomainError as error:
            add_service_error(form, error.code, error.detail)
        else:
            messages.success(
                request,
                f"{participant.display_name} added. Send the invitations when the list is ready.",
            )
            return redirect(_plan_url(assist, "people"))
    return _people_page(request, assist, visitor_form=form, status=400)


def _people_action(
    request: HttpRequest, assist: PeerAssist, action: Callable[[], str]
) -> HttpResponse:
    try:
        messages.success(request, action())
    except NotFound as error:
        raise Http404(error.detail) from None
    except DomainError as error:
        messages.error(request, error.detail)
        return _people_page(request, assist, status=error.status)
    return redirect(_plan_url(assist, "people"))


@require_POST
@planner_page(AssistNeed.PLAN)
def people_remove(request: HttpRequest, assist: PeerAssist, participant_id: int) -> HttpResponse:
    def act() -> str:
        services.participant_remove(assist=assist, participant_id=participant_id)
        return "Removed from the list."

    return _people_action(request, assist, act)


@require_POST
@planner_page(AssistNeed.PLAN)
def invitation_resend(
    request: HttpRequest, assist: PeerAssist, participant_id: int
) -> HttpResponse:
    def act() -> str:
        participant = invitations.invitation_resend(assist=assist, participant_id=participant_id)
        return (
            f"Invitation to {participant.display_name} queued to be e-mailed again. The list "
            "shows when it has gone."
        )

    return _people_action(request, assist, act)


@require_POST
@planner_page(AssistNeed.PLAN)
def invitation_revoke(
    request: HttpRequest, assist: PeerAssist, participant_id: int
) -> HttpResponse:
    def act() -> str:
        participant = invitations.invitation_revoke(assist=assist, participant_id=participant_id)
        return f"{participant.display_name}'s invitation withdrawn; their link no longer works."

    return _people_action(request, assist, act)


@require_POST
@planner_page(AssistNeed.PLAN)
def invitations_send(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    def act() -> str:
        sent = invitations.invitations_send(assist=assist, by_user=_user(request))
        return (
            f"{len(sent)} invitation{'s' if len(sent) != 1 else ''} queued to be e-mailed. "
            "The list shows when each one has gone."
        )

    return _people_action(request, assist, act)


# --- Logistics -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@planner_page(AssistNeed.VIEW)
def logistics_page(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    presenter = _presenter(request, assist)
    if request.method == "POST":
        if not presenter.can_plan:
            raise PermissionDenied(
                "Only the host team, the facilitator and knowledge managers can tick the checklist."
            )
        ticked = set(request.POST.getlist("done"))
        keys = [row.item.key for row in presenter.logistics]
        logistics.logistics_set(assist=assist, ticks={k: k in ticked for k in keys})
        messages.success(request, "Checklist saved.")
        return redirect(_plan_url(assist, "logistics"))
    return render(request, "assists/plan_logistics.html", {"plan": presenter})


# --- Briefing pack and attachments ----------------------------------------------------------


def _briefing_assist(request: HttpRequest, assist_id: int) -> PeerAssist:
    """Anyone who may see the peer assist, including its own guests, reads the pack."""
    if getattr(request, "actor", None) is None:
        raise Http404("No such peer assist.")
    return _assist(request, assist_id, AssistNeed.VIEW)


@require_GET
def briefing(request: HttpRequest, assist_id: int) -> HttpResponse:
    if getattr(request, "actor", None) is None:
        return redirect_to_login(request.get_full_path())
    assist = _briefing_assist(request, assist_id)
    presenter = _presenter(request, assist)
    form = AttachmentForm() if presenter.can_plan else None
    return _briefing_page(request, presenter, form)


@require_GET
def briefing_pdf_view(request: HttpRequest, assist_id: int) -> HttpResponse:
    assist = _briefing_assist(request, assist_id)
    pdf = briefing_pdf(_presenter(request, assist))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="briefing-pack-{assist.pk}.pdf"'
    return response


@require_POST
@planner_page(AssistNeed.PLAN)
def attachment_upload(request: HttpRequest, assist: PeerAssist) -> HttpResponse:
    presenter = _presenter(request, assist)
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.MAX_UPLOAD_BYTES + 64 * 1024:
        # Refuse before reading the body: the file is not parsed or stored.
        form = AttachmentForm(data={})
        form.is_valid()
        form.errors["file"] = form.error_class([services.upload_limit_message()])
        return _briefing_page(request, presenter, form, 413)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                assist=assist,
                by_user=_user(request),
                upload=form.cleaned_data["file"],
            )
        except DomainError as error:
            add_service_error(form, error.code, error.detail)
            return _briefing_page(request, presenter, form, error.status)
        messages.success(request, "File added to the briefing pack.")
        return redirect(_plan_url(assist, "briefing"))
    return _briefing_page(request, presenter, form, 400)


@require_GET
def attachment_download(request: HttpRequest, assist_id: int, attachment_id: int) -> FileResponse:
    assist = _briefing_assist(request, assist_id)
    try:
        attachment = services.attachment_get(assist=assist, attachment_id=attachment_id)
    except NotFound as error:
        raise Http404(error.detail) from None
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@planner_page(AssistNeed.PLAN)
def attachment_delete(request: HttpRequest, assist: PeerAssist, attachment_id: int) -> HttpResponse:
    try:
        services.attachment_delete(assist=assist, attachment_id=attachment_id)
    except NotFound as error:
        raise Http404(error.detail) from None
    messages.success(request, "File removed from the briefing pack.")
    return redirect(_plan_url(assist, "briefing"))


# --- The guest's invitation page -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, assist_id: int) -> HttpResponse:
    """Where an admitted guest lands: purpose, agenda, privacy, consent and their reply."""
    actor = getattr(request, "actor", None)
    assist = _assist(request, assist_id, AssistNeed.VIEW)
    if isinstance(actor, User):
        # Somebody invited as herself replies on the peer assist's page, as colleagues do.
        return redirect(_plan_url(assist, "detail" if assist_outsider(actor, assist) else "plan"))
    assert isinstance(actor, Guest)
    participant = participant_of(actor, assist)
    if participant is None:
        raise Http404("No such invitation.")
    initial = {
        "rsvp": participant.rsvp,
        "consent": actor.consent_given_at is not None,
        "attendance": participant.attendance,
    }
    form = GuestReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.invitation_reply(
            participant=participant,
            rsvp=form.cleaned_data["rsvp"],
            consent=form.cleaned_data["consent"],
            attendance=form.cleaned_data["attendance"],
        )
        messages.success(request, "Thank you. Your reply has been sent to the host team.")
        return redirect(_plan_url(assist, "invitation"))
    return render(
        request,
        "assists/invitation.html",
        {"plan": _presenter(request, assist), "participant": participant, "form": form},
        status=400 if form.errors else 200,
    )


def guest_landing(guest: Guest) -> str:
    """Registered with accounts/guests for scope kind "peer_assist"."""
    return reverse("assists:invitation", args=[guest.scope_id])
