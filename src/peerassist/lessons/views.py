"""Lesson pages: write, review, read and export lessons; the log, report and retrospect tools.

Views parse input, call ``lessons.services`` and render. Which lessons anybody sees is decided
by ``lessons.visibility`` only; the public-link page is the one door for people without an
account. Every form posts and works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from peerassist.accounts.actors import actor_organisation_ids
from peerassist.accounts.models import Organisation, User
from peerassist.core.access import ensure_id
from peerassist.core.decorators import domain_errors
from peerassist.core.errors import Invalid, NotFound
from peerassist.lessons import insights as insights_mod
from peerassist.lessons import services
from peerassist.lessons.access import (
    LessonNeed,
    access_lesson,
    access_lessons_report,
    access_log_entry,
    access_retrospect,
    lesson_can_edit,
    lesson_can_review,
)
from peerassist.lessons.csv_export import csv_response
from peerassist.lessons.forms import (
    LessonForm,
    LogEntryForm,
    ReportForm,
    RetrospectForm,
    ReviewForm,
)
from peerassist.lessons.models import Lesson, LessonsLogEntry
from peerassist.lessons.presenters import (
    STATUS_TAGS,
    VALENCE_TAGS,
    lesson_citations,
    lesson_provenance,
)
from peerassist.lessons.selectors import (
    constructs_by_domain,
    lesson_list,
    lesson_reviews,
    project_lessons,
    project_log,
    review_queue,
)
from peerassist.lessons.visibility import lesson_is_insider, public_lesson
from peerassist.projects.access import ProjectNeed, access_project, project_can_edit

View = Callable[..., HttpResponseBase]
EDIT = ProjectNeed.EDIT
PAGE_SIZE = 20


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise NotFound("No such page.")
    return request.user


def _form_error(form: Any, error: Invalid) -> None:
    form.add_error(error.code if error.code in form.fields else None, error.detail)


def _tags() -> dict[str, Any]:
    return {"status_tags": STATUS_TAGS, "valence_tags": VALENCE_TAGS}


# --- lessons ------------------------------------------------------------------------------


@login_required
@domain_errors
def lesson_index(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    valence = request.GET.get("valence", "")
    valence = valence if valence in Lesson.Valence.values else ""
    status = request.GET.get("status", "")
    status = status if status in Lesson.Status.values else ""
    query = request.GET.get("q", "")[:200].strip()
    mine = request.GET.get("mine") == "1"
    construct = request.GET.get("construct", "")[:20]
    lessons = lesson_list(
        actor, status=status, valence=valence, query=query, mine=mine, construct_code=construct
    )
    page = Paginator(lessons, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lessons/list.html",
        {
            "page": page,
            "valence": valence,
            "status": status,
            "query": query,
            "mine": mine,
            "construct": construct,
            "valences": Lesson.Valence.choices,
            "statuses": Lesson.Status.choices,
            "queue_count": review_queue(actor).count(),
            **_tags(),
        },
    )


def _lesson_form_page(
    request: HttpRequest, form: LessonForm, lesson: Lesson | None, context: dict[str, Any]
) -> HttpResponse:
    chosen = form.chosen_constructs()
    open_domains = {
        domain
        for domain, constructs in form.construct_groups.items()
        if any(str(c.pk) in chosen for c in constructs)
    }
    return render(
        request,
        "lessons/form.html",
        {"form": form, "lesson": lesson, "chosen": chosen, "open_domains": open_domains, **context},
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def lesson_create(request: HttpRequest) -> HttpResponse:
    """Write a lesson directly, for a project, or pre-filled from a source (?source=&id=)."""
    actor = _user(request)
    source = request.GET.get("source", "") or request.POST.get("source", "")
    source_id = request.GET.get("id", "") or request.POST.get("source_id", "")
    project_id = request.GET.get("project", "") or request.POST.get("project", "")
    draft: services.LessonDraft | None = None
    if source and source != Lesson.Source.DIRECT:
        obj = services.lesson_source_object(actor, source, source_id)
        draft = services.lesson_draft_from_source(source, obj)
        project = draft.project
    elif project_id:
        project = access_project(actor, ensure_id(project_id, "project"), need=EDIT)
    else:
        project = None
    organisations = list(
        Organisation.objects.filter(pk__in=actor_organisation_ids(actor)).order_by("name")
    )
    if not organisations:
        raise PermissionDenied("You need to belong to an organisation to write lessons.")
    initial: dict[str, Any] = {}
    if project is not None:
        initial.update(care_setting=project.care_setting, service=project.service)
    if draft is not None:
        initial.update({k: v for k, v in draft.values.items() if v})
        initial["constructs"] = draft.construct_ids
    groups = constructs_by_domain(actor)
    form = LessonForm(request.POST or None, initial=initial, construct_groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = services.lesson_create(
                actor=actor,
                organisation_id=organisations[0].pk if project is None else None,
                project=project,
                source_kind=draft.source_kind if draft else Lesson.Source.DIRECT,
                source_id=draft.source_id if draft else None,
                assist_id=draft.assist_id if draft else None,
                **form.service_values(),
            )
        except Invalid as error:
            _form_error(form, error)
        else:
            messages.success(
                request, "Lesson saved as a draft. Submit it for review when it is ready."
            )
            return redirect("lessons:detail", lesson.pk)
    return _lesson_form_page(
        request,
        form,
        None,
        {
            "project": project,
            "source": draft.source_kind if draft else "",
            "source_id": draft.source_id if draft else "",
            "source_label": Lesson.Source(draft.source_kind).label if draft else "",
            "organisation": organisations[0] if project is None else project.organisation,
        },
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def lesson_edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    actor = _user(request)
    lesson = access_lesson(actor, lesson_id, need=LessonNeed.EDIT)
    initial = {name: getattr(lesson, name) for name in services.LESSON_FIELDS}
    initial["constructs"] = [c.pk for c in lesson.constructs.all()]
    form = LessonForm(
        request.POST or None, initial=initial, construct_groups=constructs_by_domain(actor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            values = form.service_values()
            services.lesson_update(
                actor=actor,
                lesson=lesson,
                construct_ids=values.pop("construct_ids"),
                changes=values,
            )
        except Invalid as error:
            _form_error(form, error)
        else:
            messages.success(request, "Lesson updated.")
            return redirect("lessons:detail", lesson.pk)
    return _lesson_form_page(
        request, form, lesson, {"project": lesson.project, "organisation": lesson.organisation}
    )


@login_required
@domain_errors
def lesson_detail(request: HttpRequest, lesson_id: int) -> HttpResponse:
    actor = _user(request)
    lesson = access_lesson(actor, lesson_id)
    inside = lesson_is_insider(actor, lesson)
    same_org = lesson.organisation_id in actor_organisation_ids(actor)
    return render(
        request,
        "lessons/detail.html",
        {
            "lesson": lesson,
            "constructs": list(lesson.constructs.order_by("order")),
            "provenance": lesson_provenance(lesson, inside=same_org),
            "citations": lesson_citations(lesson),
            "reviews": list(lesson_reviews(lesson)) if inside else [],
            "inside": inside,
            "can_edit": lesson_can_edit(actor, lesson),
            "can_review": lesson_can_review(actor, lesson),
            "public_url": request.build_absolute_uri(f"/lessons/public/{lesson.public_token}/")
            if lesson.visibility == Lesson.Visibility.PUBLIC
            and lesson.status == Lesson.Status.APPROVED
            and lesson.public_token
            else "",
            **_tags(),
        },
    )


@login_required
@domain_errors
@require_POST
def lesson_submit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    actor = _user(request)
    lesson = access_lesson(actor, lesson_id)
    try:
        services.lesson_submit(actor=actor, lesson=lesson)
    except Invalid as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, "Submitted. A knowledge manager will review the lesson.")
    return redirect("lessons:detail", lesson.pk)


@login_required
@domain_errors
@require_POST
def lesson_delete(request: HttpRequest, lesson_id: int) -> HttpResponse:
    actor = _user(request)
    lesson = access_lesson(actor, lesson_id, need=LessonNeed.EDIT)
    try:
        services.lesson_delete(actor=actor, lesson=lesson)
    except Invalid as error:
        messages.error(request, error.detail)
        return redirect("lessons:detail", lesson.pk)
    messages.success(request, "Lesson deleted.")
    return redirect("lessons:list")


@login_required
@domain_errors
def lesson_review_queue(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    return render(
        request, "lessons/review_queue.html", {"lessons": list(review_queue(actor)), **_tags()}
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def lesson_review(request: HttpRequest, lesson_id: int) -> HttpResponse:
    actor = _user(request)
    lesson = access_lesson(actor, lesson_id, need=LessonNeed.REVIEW)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_review(
                actor=actor,
                lesson=lesson,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except Invalid as error:
            _form_error(form, error)
        else:
            messages.success(request, "Decision recorded; the author has been told.")
            return redirect("lessons:detail", lesson.pk)
    return render(
        request,
        "lessons/review.html",
        {
            "form": form,
            "lesson": lesson,
            "constructs": list(lesson.constructs.order_by("order")),
            "citations": lesson_citations(lesson),
            "reviews": list(lesson_reviews(lesson)),
            **_tags(),
        },
    )


def lesson_public(request: HttpRequest, token: str) -> HttpResponse:
    """The public link: approved public lessons only, for anyone holding the link."""
    lesson = public_lesson(token)
    if lesson is None:
        raise Http404("No such lesson.")
    response = render(
        request,
        "lessons/public.html",
        {
            "lesson": lesson,
            "constructs": list(lesson.constructs.order_by("order")),
            "citations": lesson_citations(lesson),
            **_tags(),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


EXPORT_HEADER = [
    "id",
    "title",
    "organisation",
    "project",
    "status",
    "visibility",
    "valence",
    "constructs",
    "context",
    "what happened",
    "lesson",
    "recommendation",
    "care setting",
    "service",
    "population",
    "evidence",
    "citations",
    "published",
]


@login_required
@domain_errors
def lesson_export(request: HttpRequest) -> HttpResponseBase:
    """Every lesson the user may see, as CSV (cells that look like formulas are defused)."""
    actor = _user(request)
    rows = (
        [
            lesson.pk,
            lesson.title,
            lesson.organisation.name,
            lesson.project.title if lesson.project else "",
            lesson.get_status_display(),
            lesson.get_visibility_display(),
            lesson.get_valence_display(),
            "; ".join(f"{c.code} {c.name}" for c in lesson.constructs.all()),
            lesson.context,
            lesson.what_happened,
            lesson.lesson,
            lesson.recommendation,
            lesson.care_setting,
            lesson.service,
            lesson.population,
            lesson.get_evidence_level_display(),
            lesson.citations.replace("\n", "; "),
            lesson.published_at.date().isoformat() if lesson.published_at else "",
        ]
        for lesson in lesson_list(actor).iterator(chunk_size=500)
    )
    return csv_response("lessons.csv", EXPORT_HEADER, rows)


# --- insights -----------------------------------------------------------------------------


def _insights_scope(request: HttpRequest, actor: User) -> tuple[str, int | None, list[Any]]:
    organisations = list(
        Organisation.objects.filter(pk__in=actor_organisation_ids(actor)).order_by("name")
    )
    wanted = request.GET.get("scope", "")
    if wanted == "shared" or not organisations:
        return "shared", None, organisations
    org_id = next((o.pk for o in organisations if f"org-{o.pk}" == wanted), organisations[0].pk)
    scope = "organisation"
    return scope, org_id, organisations


@login_required
@domain_errors
def insights(request: HttpRequest) -> HttpResponse:
    actor = _user(request)
    scope, org_id, organisations = _insights_scope(request, actor)
    data = insights_mod.insights_for(actor, scope=scope, organisation_id=org_id)
    return render(
        request,
        "lessons/insights.html",
        {
            "data": data,
            "scope": scope,
            "organisation_id": org_id,
            "organisations": organisations,
            "charts": insights_mod.insights_charts(data),
        },
    )


@login_required
@domain_errors
def insights_csv(request: HttpRequest) -> HttpResponseBase:
    actor = _user(request)
    scope, org_id, _ = _insights_scope(request, actor)
    data = insights_mod.insights_for(actor, scope=scope, organisation_id=org_id)
    header, rows = insights_mod.insights_rows(data)
    return csv_response("insights.csv", header, rows)


# --- lessons learned log ------------------------------------------------------------------


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def log_page(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = _user(request)
    project = access_project(actor, project_id)
    can_edit = project_can_edit(actor, project)
    form = LogEntryForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only the host team and knowledge managers add to the log.")
        if form.is_valid():
            try:
                services.log_entry_create(actor=actor, project=project, **form.cleaned_data)
            except Invalid as error:
                _form_error(form, error)
            else:
                messages.success(request, "Added to the lessons learned log.")
                return redirect("lessons:log", project.pk)
    entries = Paginator(project_log(project.pk), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "lessons/log.html",
        {
            "project": project,
            "form": form,
            "page": entries,
            "can_edit": can_edit,
            "kinds": LessonsLogEntry.Kind,
        },
    )


@login_required
@domain_errors
@require_POST
def log_entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = _user(request)
    entry = access_log_entry(actor, entry_id, need=EDIT)
    services.log_entry_delete(actor=actor, entry=entry)
    messages.success(request, "Log entry removed.")
    return redirect("lessons:log", entry.project_id)


# --- lessons learned report ---------------------------------------------------------------


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def reports_page(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = _user(request)
    project = access_project(actor, project_id)
    can_edit = project_can_edit(actor, project)
    form = ReportForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only the host team and knowledge managers write the report.")
        if form.is_valid():
            try:
                report = services.lessons_report_create(
                    actor=actor, project=project, **form.cleaned_data
                )
            except Invalid as error:
                _form_error(form, error)
            else:
                messages.success(request, "Report created from the log and the lessons.")
                return redirect("lessons:report", report.pk)
    return render(
        request,
        "lessons/reports.html",
        {
            "project": project,
            "form": form,
            "reports": list(project.lessons_reports.all()),
            "can_edit": can_edit,
        },
    )


@login_required
@domain_errors
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = _user(request)
    report = access_lessons_report(actor, report_id)
    entries = project_log(report.project_id)
    lessons = project_lessons(actor, report.project_id)
    if report.period_start:
        entries = entries.filter(created_at__date__gte=report.period_start)
        lessons = lessons.filter(created_at__date__gte=report.period_start)
    if report.period_end:
        entries = entries.filter(created_at__date__lte=report.period_end)
        lessons = lessons.filter(created_at__date__lte=report.period_end)
    entry_list = list(entries)
    grouped = [
        (label, [e for e in entry_list if e.kind == value])
        for value, label in LessonsLogEntry.Kind.choices
    ]
    return render(
        request,
        "lessons/report.html",
        {
            "report": report,
            "project": report.project,
            "grouped": grouped,
            "lessons": list(lessons),
            "retrospects": list(report.project.retrospects.all()),
            **_tags(),
        },
    )


# --- retrospect ---------------------------------------------------------------------------


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def retrospect_create(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = _user(request)
    project = access_project(actor, project_id, need=EDIT)
    form = RetrospectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retrospect = services.retrospect_save(actor=actor, project=project, **form.cleaned_data)
        except Invalid as error:
            _form_error(form, error)
        else:
            messages.success(request, "Retrospect saved.")
            return redirect("lessons:retrospect", retrospect.pk)
    return render(
        request, "lessons/retrospect_form.html", {"form": form, "project": project, "obj": None}
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def retrospect_page(request: HttpRequest, retrospect_id: int) -> HttpResponse:
    actor = _user(request)
    retrospect = access_retrospect(actor, retrospect_id)
    can_edit = project_can_edit(actor, retrospect.project)
    editing = request.GET.get("edit") == "1" or request.method == "POST"
    if editing and not can_edit:
        raise PermissionDenied("Only the host team and knowledge managers run the retrospect.")
    initial = {f: getattr(retrospect, f) for f in (*services.RETROSPECT_FIELDS, "held_on")}
    form = RetrospectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.retrospect_save(
                actor=actor, project=retrospect.project, retrospect=retrospect, **form.cleaned_data
            )
        except Invalid as error:
            _form_error(form, error)
        else:
            messages.success(request, "Retrospect saved.")
            return redirect("lessons:retrospect", retrospect.pk)
    if editing:
        return render(
            request,
            "lessons/retrospect_form.html",
            {"form": form, "project": retrospect.project, "obj": retrospect},
        )
    drafted = lesson_list(actor).filter(
        source_kind=Lesson.Source.RETROSPECT, source_id=retrospect.pk
    )
    return render(
        request,
        "lessons/retrospect.html",
        {
            "retrospect": retrospect,
            "project": retrospect.project,
            "can_edit": can_edit,
            "drafted": list(drafted),
            **_tags(),
        },
    )


@login_required
@domain_errors
@require_POST
def retrospect_draft_lessons(request: HttpRequest, retrospect_id: int) -> HttpResponse:
    actor = _user(request)
    retrospect = access_retrospect(actor, retrospect_id, need=EDIT)
    try:
        made = services.retrospect_draft_lessons(actor=actor, retrospect=retrospect)
    except Invalid as error:
        messages.error(request, error.detail)
    else:
        if made:
            messages.success(
                request,
                f"{len(made)} draft lesson{'s' if len(made) != 1 else ''} made. Check each one, "
                "code it against CFIR and submit it for review.",
            )
        else:
            messages.success(request, "Every line already has a draft lesson.")
    return redirect("lessons:retrospect", retrospect.pk)


# --- publish a theme or determinant in one step (lessons/publishing.py) -------------------


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def lesson_publish(request: HttpRequest, kind: str, source_id: int) -> HttpResponse:
    """Show what a theme or determinant would publish; on POST write it and send it for review."""
    from peerassist.lessons import publishing

    actor = _user(request)
    if kind not in publishing.KINDS:
        raise NotFound("No such source.")
    source = services.lesson_source_object(actor, kind, source_id)
    existing = publishing.lesson_already_published(kind, source)
    errors: list[str] = []
    visibility = request.POST.get("visibility", Lesson.Visibility.ORGANISATION)
    if request.method == "POST":
        try:
            lesson, created = publishing.lesson_publish_from_analysis(
                actor=actor, kind=kind, source=source, visibility=visibility
            )
        except Invalid as error:
            errors.append(error.detail)
        else:
            messages.success(
                request,
                "Lesson published and sent to your knowledge managers for review."
                if created
                else "This was already published as a lesson: here it is.",
            )
            return redirect("lessons:detail", lesson.pk)
    return render(
        request,
        "lessons/publish.html",
        {
            "publication": publishing.publication_of(kind, source),
            "existing": existing,
            "visibility": visibility,
            "visibilities": [
                (value, label)
                for value, label in Lesson.Visibility.choices
                if value != Lesson.Visibility.PUBLIC
            ],
            "errors": errors,
            "kind_label": Lesson.Source(kind).label.lower(),
        },
        status=400 if errors else 200,
    )
