"""Project pages: projects, host teams, learning tools, Before Action Reviews and enablers.

Views parse input, call ``projects.services`` and render; ``projects.access`` decides who
reaches what. Every form posts and works without JavaScript; ``bar.js`` only adds autosave.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from peerassist.accounts.actors import actor_organisation_ids
from peerassist.accounts.models import Organisation, User
from peerassist.core.decorators import domain_errors
from peerassist.core.errors import Invalid, NotFound
from peerassist.projects import services
from peerassist.projects.access import (
    ProjectNeed,
    access_bar,
    access_enabler,
    access_project,
    project_can_edit,
)
from peerassist.projects.forms import (
    BAR_QUESTIONS,
    BarForm,
    EnablerForm,
    LearningNeedForm,
    MemberForm,
    ProjectForm,
)
from peerassist.projects.models import BeforeActionReview, LearningNeed
from peerassist.projects.panels import project_panels
from peerassist.projects.presenters import project_summary_rows, project_warnings
from peerassist.projects.related import related_for_need
from peerassist.projects.selectors import (
    bar_learning_needs,
    organisation_people,
    project_enablers,
    project_learning_events,
    project_list,
    project_list_with_team,
    project_missing_enablers,
    project_team,
)
from peerassist.projects.suggestions import suggested_enablers
from peerassist.projects.tools import TOOLS, tool_by_slug, tool_start_url

EDIT = ProjectNeed.EDIT
View = Callable[..., HttpResponse]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_error(form: Any, error: Invalid, field: str | None = None) -> None:
    form.add_error(field if field in form.fields else None, error.detail)


# --- projects -----------------------------------------------------------------------------


@login_required
@domain_errors
def project_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    page = Paginator(project_list_with_team(actor=_user(request), query=query), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "projects/list.html", {"page": page, "query": query})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    organisations = list(
        Organisation.objects.filter(pk__in=actor_organisation_ids(_user(request))).order_by("name")
    )
    if not organisations:
        raise PermissionDenied("You need to belong to an organisation to start a project.")
    form = ProjectForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=_user(request), **form.cleaned_data)
        except Invalid as error:
            _form_error(form, error)
        else:
            messages.success(request, "Project started. You are its host lead.")
            return redirect("projects:detail", project.pk)
    return render(request, "projects/form.html", {"form": form, "project": None})


@login_required
@domain_errors
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = _user(request)
    project = access_project(actor, project_id)
    bars = list(project.bars.order_by("-created_at"))
    context = {
        "project": project,
        "can_edit": project_can_edit(actor, project),
        "summary_rows": project_summary_rows(project),
        "warnings": project_warnings(project),
        "team": list(project_team(project)),
        "events": project_learning_events(actor, project),
        "assists": project.peer_assists.order_by("-date", "-created_at"),
        "draft_bar": next((b for b in bars if b.status == BeforeActionReview.Status.DRAFT), None),
        "missing_enablers": list(project_missing_enablers(project)),
        "enabler_count": project.enablers.count(),
        "panels": project_panels(actor, project),
    }
    return render(request, "projects/detail.html", context)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(_user(request), project_id, need=EDIT)
    initial = {
        name: getattr(project, name)
        for name in (
            "title",
            "aim",
            "care_setting",
            "service",
            "stage",
            "start_date",
            "key_decision_date",
        )
    }
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=_user(request), project=project, **form.cleaned_data)
        except Invalid as error:
            _form_error(form, error)
        else:
            messages.success(request, "Project saved.")
            return redirect("projects:detail", project.pk)
    return render(request, "projects/form.html", {"form": form, "project": project})


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def project_team_page(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = _user(request)
    need = EDIT if request.method == "POST" else ProjectNeed.VIEW
    project = access_project(actor, project_id, need=need)
    people = list(organisation_people(project))
    form = MemberForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.project_member_add(
                actor=actor,
                project=project,
                user_id=form.cleaned_data["user_id"],
                role=form.cleaned_data["role"],
            )
        except Invalid as error:
            _form_error(form, error, "user_id")
        else:
            messages.success(
                request,
                f"{member.user.full_name} is on the host team "
                f"as {member.get_role_display().lower()}.",
            )
            return redirect("projects:team", project.pk)
    context = {
        "project": project,
        "team": list(project_team(project)),
        "form": form,
        "can_edit": project_can_edit(actor, project),
    }
    return render(request, "projects/team.html", context)


@login_required
@domain_errors
@require_POST
def project_member_remove(request: HttpRequest, project_id: int, member_id: int) -> HttpResponse:
    project = access_project(_user(request), project_id, need=EDIT)
    try:
        services.project_member_remove(actor=_user(request), project=project, member_id=member_id)
    except Invalid as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, "Removed from the host team.")
    return redirect("projects:team", project.pk)


# --- learning tools -----------------------------------------------------------------------


@login_required
@domain_errors
def tools_index(request: HttpRequest) -> HttpResponse:
    return render(request, "projects/tools.html", {"tools": TOOLS})


@login_required
@domain_errors
def tool_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tool = tool_by_slug(slug)
    if tool is None:
        raise Http404("No such learning tool.")
    projects = list(project_list(actor=_user(request))[:200])
    error = ""
    chosen = request.GET.get("project")
    if chosen is not None:
        try:
            project = access_project(_user(request), chosen)  # type: ignore[arg-type]
        except NotFound:
            error = "Choose one of your organisation's projects."
        else:
            return HttpResponseRedirect(tool_start_url(tool, project))
    return render(
        request,
        "projects/tool_detail.html",
        {"tool": tool, "projects": projects, "picker_error": error},
    )


# --- Before Action Reviews ----------------------------------------------------------------


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def bar_start(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(_user(request), project_id, need=EDIT)
    if request.method == "POST":
        bar = services.bar_create(actor=_user(request), project=project)
        return redirect("projects:bar", project.pk, bar.pk)
    drafts = list(project.bars.filter(status=BeforeActionReview.Status.DRAFT))
    return render(request, "projects/bar_start.html", {"project": project, "drafts": drafts})


class BarPost:
    """What one submit of the BAR page asks for, parsed from the buttons and fields."""

    def __init__(self, request: HttpRequest, needs: list[LearningNeed]) -> None:
        data = request.POST
        self.action = data.get("action", "save")
        self.move = data.get("move", "")
        self.delete = data.get("delete", "")
        self.challenge = data.get("challenge", "")
        self.need_edits: dict[int, dict[str, str]] = {}
        for need in needs:
            question = data.get(f"need-{need.pk}-question")
            priority = data.get(f"need-{need.pk}-priority")
            if question is None and priority is None:
                continue
            edits = {}
            if question is not None and question.strip() != need.question:
                edits["question"] = question
            if priority is not None and priority != need.priority:
                edits["priority"] = priority
            if edits:
                self.need_edits[need.pk] = edits

    def submission(
        self,
        actor: User,
        bar: BeforeActionReview,
        answers: dict[str, Any],
        new_need: dict[str, Any] | None,
    ) -> services.BarSubmission:
        """The service's input; an enabler named by the challenge button is reached here."""
        move_id, _, direction = self.move.partition(":")
        challenge = None
        if self.challenge:
            challenge = access_enabler(actor, bar.project_id, self.challenge, need=EDIT)  # type: ignore[arg-type]
        return services.BarSubmission(
            answers=answers,
            complete=self.action == "complete",
            need_edits=self.need_edits,
            new_need=new_need,
            move=(_int(move_id), direction) if self.move else None,
            delete=_int(self.delete) if self.delete else None,
            challenge=challenge,
        )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def bar_edit(request: HttpRequest, project_id: int, bar_id: int) -> HttpResponse:
    """The BAR: four questions and the learning needs, in one form that never drops typed text.

    Every button (save, add a need, move, delete, add an enabler to the challenges) saves all
    the answers as typed first, in one transaction: a rejected submit saves nothing and the
    page comes back with every field as the person left it.
    """
    actor = _user(request)
    need = EDIT if request.method == "POST" else ProjectNeed.VIEW
    bar = access_bar(actor, project_id, bar_id, need=need)
    project = bar.project
    needs = list(bar_learning_needs(bar))
    form = BarForm(
        request.POST or None,
        initial={q["name"]: getattr(bar, q["name"]) for q in BAR_QUESTIONS},
    )
    # A question typed in "Add a learning need" is added by whichever button was pressed.
    wants_new_need = request.method == "POST" and (
        request.POST.get("action") == "add_need" or bool(request.POST.get("question", "").strip())
    )
    need_form = LearningNeedForm(request.POST if wants_new_need else None)
    need_errors: dict[int, str] = {}
    typed_needs: dict[int, dict[str, str]] = {}
    if request.method == "POST":
        post = BarPost(request, needs)
        typed_needs = post.need_edits
        forms_ok = form.is_valid() & (not wants_new_need or need_form.is_valid())
        if forms_ok:
            try:
                submission = post.submission(
                    actor,
                    bar,
                    form.cleaned_data,
                    need_form.cleaned_data if wants_new_need else None,
                )
                message = services.bar_submit(actor=actor, bar=bar, submission=submission)
            except services.LearningNeedsInvalid as error:
                need_errors = error.errors
            except Invalid as error:
                form.add_error(None, error.detail)
            else:
                messages.success(request, message)
                anchor = "#learning-needs" if post.action != "save" or post.move else ""
                url = reverse("projects:bar", args=[project.pk, bar.pk])
                return HttpResponseRedirect(url + anchor)
        if need_errors:
            form.add_error(
                None, "Check the learning needs: a question cannot be empty or too long."
            )
    rows = [
        {
            "need": n,
            "question": typed_needs.get(n.pk, {}).get("question", n.question),
            "priority": typed_needs.get(n.pk, {}).get("priority", n.priority),
            "error": need_errors.get(n.pk, ""),
            "related": related_for_need(actor, n),
            "first": i == 0,
            "last": i == len(needs) - 1,
        }
        for i, n in enumerate(needs)
    ]
    questions = [{**q, "field": form[q["name"]]} for q in BAR_QUESTIONS]
    context = {
        "project": project,
        "bar": bar,
        "form": form,
        "need_form": need_form,
        "questions": questions,
        "rows": rows,
        "priorities": LearningNeed.Priority.choices,
        "missing_enablers": list(project_missing_enablers(project)),
        "can_edit": project_can_edit(actor, project),
    }
    return render(request, "projects/bar.html", context)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


# --- enablers -----------------------------------------------------------------------------


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def enablers_page(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = _user(request)
    need = EDIT if request.method == "POST" else ProjectNeed.VIEW
    project = access_project(actor, project_id, need=need)
    people = list(organisation_people(project))
    form = EnablerForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.enabler_create(actor=actor, project=project, **form.cleaned_data)
        except Invalid as error:
            _form_error(form, error, "owner_id" if error.code == "unknown_person" else None)
        else:
            messages.success(request, "Enabler recorded.")
            return redirect(reverse("projects:enablers", args=[project.pk]) + "#enablers")
    enablers = list(project_enablers(project))
    recorded = {e.description for e in enablers}
    context = {
        "project": project,
        "enablers": enablers,
        "form": form,
        "suggestions": [s for s in suggested_enablers() if s.description not in recorded],
        "can_edit": project_can_edit(actor, project),
        "has_bar": project.bars.exists(),
    }
    return render(request, "projects/enablers.html", context)


@login_required
@domain_errors
@require_POST
def enabler_add_suggested(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access_project(_user(request), project_id, need=EDIT)
    try:
        enabler = services.enabler_add_suggested(
            actor=_user(request), project=project, key=request.POST.get("key", "")
        )
    except Invalid as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request, f"Added “{enabler.description}” as missing. Set its status and owner."
        )
    return redirect(reverse("projects:enablers", args=[project.pk]) + "#enablers")


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def enabler_edit(request: HttpRequest, project_id: int, enabler_id: int) -> HttpResponse:
    enabler = access_enabler(_user(request), project_id, enabler_id, need=EDIT)
    project = enabler.project
    people = list(organisation_people(project))
    initial = {
        "description": enabler.description,
        "category": enabler.category,
        "status": enabler.status,
        "owner_id": enabler.owner_id,
        "notes": enabler.notes,
    }
    form = EnablerForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            services.enabler_update(actor=_user(request), enabler=enabler, **form.cleaned_data)
        except Invalid as error:
            _form_error(form, error, "owner_id" if error.code == "unknown_person" else None)
        else:
            messages.success(request, "Enabler saved.")
            return redirect(reverse("projects:enablers", args=[project.pk]) + "#enablers")
    return render(
        request,
        "projects/enabler_edit.html",
        {"project": project, "enabler": enabler, "form": form},
    )


@login_required
@domain_errors
@require_POST
def enabler_delete(request: HttpRequest, project_id: int, enabler_id: int) -> HttpResponse:
    enabler = access_enabler(_user(request), project_id, enabler_id, need=EDIT)
    services.enabler_delete(actor=_user(request), enabler=enabler)
    messages.success(request, f"Removed “{enabler.description}”.")
    return redirect(reverse("projects:enablers", args=[project_id]) + "#enablers")


@login_required
@domain_errors
@require_POST
def enabler_to_need(request: HttpRequest, project_id: int, enabler_id: int) -> HttpResponse:
    enabler = access_enabler(_user(request), project_id, enabler_id, need=EDIT)
    need = services.learning_need_from_enabler(actor=_user(request), enabler=enabler)
    messages.success(request, f"Added the learning need “{need.question}”.")
    return redirect(reverse("projects:bar", args=[project_id, need.bar_id]) + "#learning-needs")
