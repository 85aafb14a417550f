"""Follow-up pages: action lists, status changes, calendars, share-back and the AAR.

Thin: each view resolves what it shows through an access function, calls a selector or a
service from ``followup/action_lists.py`` / ``followup/services.py`` and renders;
``core.decorators.domain_errors`` turns NotFound / Forbidden into the 404 / 403 pages. Every form
posts and works without JavaScript; htmx only swaps the changed row in place.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.accounts.models import User
from peerassist.accounts.services import guest_from_token
from peerassist.analysis.models import Action, AfterActionReview
from peerassist.analysis.services import action_update
from peerassist.assists.access import access_peer_assist, assist_can_plan
from peerassist.assists.models import PeerAssist
from peerassist.core.decorators import domain_errors
from peerassist.core.errors import Conflict, Forbidden, Invalid, NotFound
from peerassist.core.forms import NhsForm
from peerassist.followup.access import visitor_for_share_back
from peerassist.followup.action_lists import (
    ActionFilter,
    ActionScope,
    access_followup_action,
    action_list,
    actions_ics,
    actions_updatable_ids,
    due_text,
)
from peerassist.followup.models import ShareBackComment
from peerassist.followup.report_source import report_source
from peerassist.followup.selectors import share_back_history
from peerassist.followup.services import (
    AAR_FIELDS,
    aar_save,
    share_back_comment_add,
    share_back_send,
)
from peerassist.projects.access import access_project
from peerassist.projects.models import Project

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Any:
    return getattr(request, "actor", None)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- Action lists ------------------------------------------------------------------------


def _filters(request: HttpRequest, project: Project | None) -> ActionFilter:
    try:
        scope = ActionScope(request.GET.get("scope", "open"))
    except ValueError:
        scope = ActionScope.OPEN
    status = request.GET.get("status", "")
    return ActionFilter(
        scope=scope,
        status=status if status in Action.Status.values else "",
        project_id=project.pk if project else None,
        query=request.GET.get("q", "")[:200].strip(),
    )


def _rows(request: HttpRequest, actions: list[Action]) -> list[dict[str, Any]]:
    editable = actions_updatable_ids(_actor(request), actions)
    today = timezone.localdate()
    return [
        {
            "action": a,
            "can_update": a.pk in editable,
            "due_words": due_text(a.due_date, today),
            "overdue": a.is_open and a.due_date is not None and a.due_date < today,
        }
        for a in actions
    ]


def _render_list(request: HttpRequest, project: Project | None) -> HttpResponse:
    filters = _filters(request, project)
    page = Paginator(action_list(actor=_actor(request), filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "analysis/actions.html",
        {
            "project": project,
            "filters": filters,
            "scopes": list(ActionScope),
            "statuses": Action.Status.choices,
            "page": page,
            "rows": _rows(request, list(page.object_list)),
            "ics_url": (
                reverse("followup:project_actions_ics", args=[project.pk])
                if project
                else reverse("followup:actions_ics_mine")
            ),
        },
    )


@login_required
@require_GET
def action_index(request: HttpRequest) -> HttpResponse:
    """The organisation's actions: mine, overdue, due soon, open or all, with filters."""
    return _render_list(request, None)


@login_required
@require_GET
@domain_errors
def project_actions(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)  # type: ignore[arg-type]
    return _render_list(request, project)


@login_required
@require_POST
@domain_errors
def action_status(request: HttpRequest, action_id: int) -> HttpResponse:
    """Change one action's status; htmx gets the new row back, others a redirect."""
    action = access_followup_action(request.user, action_id)  # type: ignore[arg-type]
    error_text = ""
    try:
        action = action_update(
            actor=request.user,  # type: ignore[arg-type]
            action=action,
            status=request.POST.get("status", ""),
        )
    except Invalid as error:
        error_text = error.detail
    if request.headers.get("HX-Request"):
        action = access_followup_action(request.user, action.pk)  # type: ignore[arg-type]
        row = _rows(request, [action])[0]
        return render(
            request,
            "analysis/actions_row.html",
            {
                "row": row,
                "statuses": Action.Status.choices,
                "error": error_text,
                "updated": not error_text,
                "next": _safe_next(request, ""),
            },
            status=400 if error_text else 200,
        )
    if error_text:
        messages.error(request, error_text)
    else:
        messages.success(request, f"Action marked as {action.get_status_display().lower()}.")
    return redirect(_safe_next(request, reverse("followup:actions")))


def _ics_response(actions: list[Action], name: str, filename: str) -> HttpResponse:
    response = HttpResponse(actions_ics(actions, name=name), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def actions_ics_mine(request: HttpRequest) -> HttpResponse:
    """My open actions' due dates as a calendar file."""
    actions = list(
        action_list(actor=request.user, filters=ActionFilter(scope=ActionScope.MINE)).filter(  # type: ignore[arg-type]
            status__in=Action.OPEN_STATUSES
        )
    )
    return _ics_response(actions, "My Peer Assist actions", "my-actions.ics")


@login_required
@require_GET
@domain_errors
def project_actions_ics(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(request.user, project_id)  # type: ignore[arg-type]
    actions = list(
        action_list(
            actor=request.user,  # type: ignore[arg-type]
            filters=ActionFilter(scope=ActionScope.ALL, project_id=project.pk),
        )
    )
    return _ics_response(actions, f"Actions: {project.title}", f"project-{project.pk}-actions.ics")


# --- Share back --------------------------------------------------------------------------


class ShareBackForm(NhsForm):
    message = forms.CharField(
        label="A message to the visitors (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="It goes at the top of the e-mail, above the action list.",
    )
    again = forms.BooleanField(
        label="Send again, although the visitors already have it", required=False
    )


class CommentForm(NhsForm):
    text = forms.CharField(
        label="Your comments for the host team",
        max_length=ShareBackComment.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write your comment before sending it."},
    )


def _host_assist(request: HttpRequest, assist_id: int) -> PeerAssist:
    assist = access_peer_assist(_actor(request), assist_id)
    if not assist_can_plan(_actor(request), assist):
        raise Forbidden(
            "Only the host team and the facilitator can share the action list back.",
            code="not_host_team",
        )
    return assist


@require_http_methods(["GET", "POST"])
@domain_errors
def share_back(request: HttpRequest, assist_id: int) -> HttpResponse:
    """The host team's page: what was sent to whom, visitors' replies, and "Send now"."""
    assist = _host_assist(request, assist_id)
    form = ShareBackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            share_back_send(
                assist=assist,
                by=request.user,  # type: ignore[arg-type]
                message=form.cleaned_data["message"],
                again=form.cleaned_data["again"],
            )
        except (Conflict, Invalid) as error:
            form.add_error(None, error.detail)
        else:
            messages.success(request, "The action list and report are on their way.")
            return redirect("followup:share_back", assist_id=assist.pk)
    history = share_back_history(assist)
    return render(
        request,
        "analysis/actions_share_back.html",
        {
            "assist": assist,
            "form": form,
            "rounds": history.rounds,
            "deliveries": history.deliveries,
            "comments": history.comments,
        },
        status=400 if form.errors else 200,
    )


@require_GET
def shared_enter(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the share-back e-mail: admit the guest in this browser, show their page."""
    try:
        guest = guest_from_token(token)
    except NotFound as error:
        return render(request, "accounts/guest_invalid.html", {"reason": error.detail}, status=404)
    if request.user.is_authenticated:
        return redirect("followup:shared", assist_id=guest.scope_id)
    request.session.cycle_key()
    request.session[GUEST_SESSION_KEY] = guest.pk
    return redirect("followup:shared", assist_id=guest.scope_id)


@require_http_methods(["GET", "POST"])
@domain_errors
def shared(request: HttpRequest, assist_id: int) -> HttpResponse:
    """The visitors' page after share-back: the action list, the report and a reply form."""
    actor = _actor(request)
    assist = access_peer_assist(actor, assist_id)
    participant = visitor_for_share_back(actor, assist)
    form = CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            share_back_comment_add(
                assist=assist, participant=participant, text=form.cleaned_data["text"]
            )
        except Invalid as error:
            form.add_error("text", error.detail)
        else:
            messages.success(request, "Thank you. The host team can now read your comments.")
            return redirect("followup:shared", assist_id=assist.pk)
    report = report_source().present(assist)
    mine = ShareBackComment.objects.filter(assist=assist, participant=participant)
    return render(
        request,
        "analysis/actions_shared.html",
        {"assist": assist, "report": report, "form": form, "my_comments": list(mine)},
        status=400 if form.errors else 200,
    )


# --- After Action Review -----------------------------------------------------------------


class AarForm(NhsForm):
    supposed_to_happen = forms.CharField(
        label="What was supposed to happen?",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The peer assist's intended results. The BAR's are shown beside it.",
    )
    actually_happened = forms.CharField(
        label="What actually happened?",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    why_different = forms.CharField(
        label="Why was there a difference?",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    what_we_learn = forms.CharField(
        label="What do we learn from it?",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any((data.get(name) or "").strip() for name in AAR_FIELDS):
            raise forms.ValidationError("Answer at least one of the four questions.")
        return data


@require_http_methods(["GET", "POST"])
@domain_errors
def aar(request: HttpRequest, assist_id: int) -> HttpResponse:
    """The optional After Action Review of the peer assist, beside its BAR's intentions."""
    actor = _actor(request)
    assist = access_peer_assist(actor, assist_id)
    if not isinstance(actor, User):
        raise Http404("No such After Action Review.")
    can_edit = assist_can_plan(actor, assist)
    review = AfterActionReview.objects.filter(assist=assist).select_related("bar").first()
    initial = {name: getattr(review, name) for name in AAR_FIELDS} if review else {}
    form = AarForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise Forbidden("Only the host team and the facilitator can write the review.")
        if form.is_valid():
            try:
                aar_save(assist=assist, by=actor, answers=form.cleaned_data)
            except Invalid as error:
                form.add_error(None, error.detail)
            else:
                messages.success(request, "After Action Review saved.")
                return redirect("followup:aar", assist_id=assist.pk)
    bar = (review.bar if review and review.bar else None) or assist.bar
    return render(
        request,
        "analysis/aar.html",
        {"assist": assist, "form": form, "review": review, "bar": bar, "can_edit": can_edit},
        status=400 if form.errors else 200,
    )
