"""Every write to lessons, their review, the lessons learned log and report, and retrospects.

Views and the API parse input and call these; ``lessons.access`` decides who reaches what and
``lessons.visibility`` who sees which lesson.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from peerassist.accounts.actors import Actor, actor_membership
from peerassist.accounts.models import Membership, User
from peerassist.analysis.models import CfirConstruct
from peerassist.core.errors import Forbidden, Invalid
from peerassist.lessons.access import (
    ensure_can_edit_lesson,
    ensure_can_review_lesson,
)
from peerassist.lessons.models import (
    Lesson,
    LessonReview,
    LessonsLogEntry,
    LessonsReport,
    Retrospect,
)
from peerassist.lessons.visibility import lesson_is_insider
from peerassist.projects.access import project_can_edit
from peerassist.projects.models import Project

log = logging.getLogger(__name__)

# --- citations ----------------------------------------------------------------------------

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")
GUIDELINE_RE = re.compile(
    r"^(?:NICE\s+)?(?:NG|CG|QS|PH|TA|DG|IPG|MTG|HTG|ESG|KTT|SC)\s?\d{1,4}$"
    r"|^SIGN\s?\d{1,4}$|^WHO[\s-][A-Z0-9./-]{2,40}$",
    re.IGNORECASE,
)
MAX_CITATIONS = 30
CITATION_HELP = (
    "a DOI (10.1136/bmj.n71), a web address (https://…) or a guideline id (for example NICE NG64)"
)


def citation_kind(text: str) -> str | None:
    """'doi', 'url' or 'guideline' for a valid citation, None otherwise."""
    value = text.strip()
    lower = value.lower()
    for prefix in DOI_PREFIXES:
        if lower.startswith(prefix):
            return "doi" if DOI_RE.match(value[len(prefix) :].strip()) else None
    if DOI_RE.match(value):
        return "doi"
    if lower.startswith(("http://", "https://")):
        parsed = urlparse(value)
        if parsed.netloc and "." in parsed.netloc and " " not in value:
            return "url"
        return None
    if GUIDELINE_RE.match(value):
        return "guideline"
    return None


def citations_clean(text: str) -> str:
    """One citation a line, each checked; raises Invalid naming the first bad line."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_CITATIONS:
        raise Invalid(f"Give at most {MAX_CITATIONS} citations.", code="citations")
    for number, line in enumerate(lines, start=1):
        if citation_kind(line) is None:
            shown = line if len(line) <= 60 else line[:59] + "…"
            raise Invalid(
                f"Citation {number} (“{shown}”) is not {CITATION_HELP}.", code="citations"
            )
    return "\n".join(lines)


def citation_links(text: str) -> list[tuple[str, str | None]]:
    """(label, href or None) for each citation line, for display."""
    items: list[tuple[str, str | None]] = []
    for line in (text or "").splitlines():
        line = line.strip()
        kind = citation_kind(line)
        if kind == "url":
            items.append((line, line))
        elif kind == "doi":
            doi = line
            for prefix in DOI_PREFIXES:
                if doi.lower().startswith(prefix):
                    doi = doi[len(prefix) :]
            items.append((line, f"https://doi.org/{doi.strip()}"))
        elif line:
            items.append((line, None))
    return items


# --- lessons ------------------------------------------------------------------------------

LESSON_TEXT_FIELDS = (
    "title",
    "context",
    "what_happened",
    "lesson",
    "recommendation",
    "care_setting",
    "service",
    "population",
)
LESSON_FIELDS = (*LESSON_TEXT_FIELDS, "valence", "evidence_level", "citations", "visibility")


def _clean_lesson_fields(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name in LESSON_TEXT_FIELDS:
        if name in values:
            value = values[name]
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise Invalid(f"{name.replace('_', ' ').capitalize()} must be text.", code=name)
            value = value.strip()
            model_field = cast(models.Field, Lesson._meta.get_field(name))
            limit = model_field.max_length
            if limit and len(value) > limit:
                raise Invalid(
                    f"{str(model_field.verbose_name).capitalize()} must be "
                    f"{limit:,} characters or fewer.",
                    code=name,
                )
            cleaned[name] = value
    for name, choices in (
        ("valence", Lesson.Valence),
        ("evidence_level", Lesson.Evidence),
        ("visibility", Lesson.Visibility),
    ):
        if name in values:
            if values[name] not in choices.values:
                allowed = ", ".join(choices.values)
                raise Invalid(f"Choose a {name.replace('_', ' ')}: {allowed}.", code=name)
            cleaned[name] = values[name]
    if "citations" in values:
        cleaned["citations"] = citations_clean(values["citations"] or "")
    return cleaned


def _check_complete(lesson: Lesson) -> None:
    if not lesson.title.strip():
        raise Invalid("Enter a title for the lesson.", code="title")
    if not lesson.lesson.strip():
        raise Invalid("Enter the lesson: what others should know.", code="lesson")
    if lesson.evidence_level == Lesson.Evidence.RESEARCH and not lesson.citations.strip():
        raise Invalid(
            "Add at least one citation for research or guidance, or choose Experience only.",
            code="citations",
        )
    if lesson.visibility == Lesson.Visibility.PROJECT and lesson.project_id is None:
        raise Invalid(
            "A lesson without a project cannot be for the project team only; choose "
            "Our organisation instead.",
            code="visibility",
        )


def _constructs(construct_ids: list[int] | None, organisation_id: int) -> list[CfirConstruct]:
    if not construct_ids:
        return []
    try:
        wanted = {int(c) for c in construct_ids}
    except (TypeError, ValueError):
        raise Invalid("Constructs must be chosen from the CFIR list.", code="constructs") from None
    found = list(
        CfirConstruct.objects.filter(pk__in=wanted).filter(organisation__isnull=True)
        | CfirConstruct.objects.filter(pk__in=wanted, organisation_id=organisation_id)
    )
    if len(found) != len(wanted):
        raise Invalid("One of the chosen constructs does not exist.", code="constructs")
    return found


def _ensure_public_token(lesson: Lesson) -> None:
    if lesson.visibility == Lesson.Visibility.PUBLIC and not lesson.public_token:
        lesson.public_token = secrets.token_urlsafe(24)


@transaction.atomic
def lesson_create(
    *,
    actor: User,
    organisation_id: int | None = None,
    project: Project | None = None,
    construct_ids: list[int] | None = None,
    source_kind: str = Lesson.Source.DIRECT,
    source_id: int | None = None,
    assist_id: int | None = None,
    **values: Any,
) -> Lesson:
    """A new draft lesson by ``actor``; with a project, only its host team or a KM may."""
    if project is not None:
        if not project_can_edit(actor, project):
            raise Forbidden(
                "Only the host team and knowledge managers write lessons for this project.",
                code="not_host_team",
            )
        organisation_id = project.organisation_id
    if organisation_id is None or actor_membership(actor, organisation_id) is None:
        raise Invalid("Choose one of your organisations for the lesson.", code="organisation")
    if source_kind not in Lesson.Source.values:
        raise Invalid("Unknown source of the lesson.", code="source_kind")
    unknown = set(values) - set(LESSON_FIELDS)
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", code="unknown_field")
    cleaned = _clean_lesson_fields(values)
    lesson = Lesson(
        organisation_id=organisation_id,
        project=project,
        assist_id=assist_id,
        author=actor,
        source_kind=source_kind,
        source_id=source_id,
        status=Lesson.Status.DRAFT,
        **cleaned,
    )
    _check_complete(lesson)
    _ensure_public_token(lesson)
    lesson.save()
    lesson.constructs.set(_constructs(construct_ids, organisation_id))
    return lesson


@transaction.atomic
def lesson_update(
    *,
    actor: User,
    lesson: Lesson,
    changes: dict[str, Any],
    construct_ids: list[int] | None = None,
) -> Lesson:
    """Change a draft or returned lesson (knowledge managers may change any).

    ``changes`` maps field names to new values (a dict, because one field is called lesson).
    """
    values = changes
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    ensure_can_edit_lesson(actor, lesson)
    unknown = set(values) - set(LESSON_FIELDS)
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", code="unknown_field")
    for name, value in _clean_lesson_fields(values).items():
        setattr(lesson, name, value)
    _check_complete(lesson)
    _ensure_public_token(lesson)
    lesson.save()
    if construct_ids is not None:
        lesson.constructs.set(_constructs(construct_ids, lesson.organisation_id))
    return lesson


@transaction.atomic
def lesson_submit(*, actor: User, lesson: Lesson) -> Lesson:
    """Send a draft or returned lesson to the organisation's knowledge managers."""
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    if lesson.status == Lesson.Status.SUBMITTED and lesson_is_insider(actor, lesson):
        return lesson  # a retried request changes nothing
    if lesson.status not in (Lesson.Status.DRAFT, Lesson.Status.RETURNED):
        raise Invalid(
            f"This lesson is {lesson.get_status_display().lower()} and cannot be submitted.",
            code="not_submittable",
        )
    ensure_can_edit_lesson(actor, lesson)
    _check_complete(lesson)
    lesson.status = Lesson.Status.SUBMITTED
    lesson.save(update_fields=["status", "updated_at"])
    LessonReview.objects.create(
        lesson=lesson, decision=LessonReview.Decision.SUBMITTED, actor=actor
    )
    reviewers = list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=lesson.organisation_id,
            memberships__role__in=[Membership.Role.KNOWLEDGE_MANAGER, Membership.Role.ADMIN],
        )
        .exclude(pk=actor.pk)
        .values_list("email", flat=True)
        .distinct()
    )
    _mail_on_commit(
        reviewers,
        f"Lesson to review: {lesson.title}",
        "lessons/email/submitted.txt",
        {"lesson": lesson, "author": actor, "path": reverse("lessons:review", args=[lesson.pk])},
    )
    return lesson


DECISIONS = {
    "approve": (Lesson.Status.APPROVED, LessonReview.Decision.APPROVED),
    "return": (Lesson.Status.RETURNED, LessonReview.Decision.RETURNED),
    "reject": (Lesson.Status.REJECTED, LessonReview.Decision.REJECTED),
}


@transaction.atomic
def lesson_review(*, actor: User, lesson: Lesson, decision: str, comment: str = "") -> Lesson:
    """A knowledge manager approves, returns (with comments) or rejects a submitted lesson."""
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    ensure_can_review_lesson(actor, lesson)
    if decision not in DECISIONS:
        raise Invalid("Choose approve, return or reject.", code="decision")
    status, record = DECISIONS[decision]
    if lesson.status == status:
        return lesson  # retried
    if lesson.status != Lesson.Status.SUBMITTED:
        raise Invalid("Only lessons awaiting review can be decided.", code="not_submitted")
    comment = (comment or "").strip()
    if len(comment) > 5000:
        raise Invalid("Comments must be 5,000 characters or fewer.", code="comment")
    if decision in ("return", "reject") and not comment:
        raise Invalid("Say what the author should change or why it is rejected.", code="comment")
    now = timezone.now()
    lesson.status = status
    lesson.review_comment = comment
    lesson.reviewed_by = actor
    lesson.reviewed_at = now
    fields = ["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"]
    if status == Lesson.Status.APPROVED:
        lesson.published_at = lesson.published_at or now
        _ensure_public_token(lesson)
        fields += ["published_at", "public_token"]
    lesson.save(update_fields=fields)
    LessonReview.objects.create(lesson=lesson, decision=record, actor=actor, comment=comment)
    author = lesson.author
    if author is not None and author.is_active and author.pk != actor.pk:
        _mail_on_commit(
            [author.email],
            f"Your lesson was {record.label.lower()}: {lesson.title}",
            "lessons/email/decided.txt",
            {
                "lesson": lesson,
                "decision": record.label,
                "comment": comment,
                "path": reverse("lessons:detail", args=[lesson.pk]),
            },
        )
    return lesson


@transaction.atomic
def lesson_delete(*, actor: User, lesson: Lesson) -> None:
    """Remove a lesson that was never approved (approved lessons stay as the record)."""
    lesson = Lesson.objects.select_for_update().get(pk=lesson.pk)
    ensure_can_edit_lesson(actor, lesson)
    if lesson.status == Lesson.Status.APPROVED:
        raise Invalid("Approved lessons cannot be deleted.", code="approved")
    lesson.delete()


def _mail_on_commit(to: list[str], subject: str, template: str, context: dict[str, Any]) -> None:
    if not to:
        return
    body = render_to_string(
        template, {**context, "site_url": getattr(settings, "SITE_URL", "").rstrip("/")}
    )

    def send() -> None:
        try:
            send_mail(subject[:200], body, None, to)
        except Exception:  # an e-mail outage must not undo the review
            log.exception("lesson e-mail to %d people failed", len(to))

    transaction.on_commit(send)


# --- publish from a source ----------------------------------------------------------------


@dataclass
class LessonDraft:
    """Pre-filled values for a new lesson, taken from where it was learned."""

    source_kind: str
    source_id: int | None
    project: Project | None
    assist_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    construct_ids: list[int] = field(default_factory=list)


def _valence_from_score(valence: str) -> str:
    if valence in ("+1", "+2"):
        return Lesson.Valence.ENABLER
    if valence in ("-1", "-2"):
        return Lesson.Valence.BARRIER
    return Lesson.Valence.MIXED


def lesson_draft_from_source(kind: str, obj: Any) -> LessonDraft:
    """Pre-fill a lesson from a theme, determinant, after action review, retrospect or log entry.

    Reads only; the caller has already checked the actor may see ``obj``. The result feeds
    the lesson form (``values`` as initial data) and then ``lesson_create``.
    """
    if kind == Lesson.Source.THEME:
        assist = obj.assist
        return LessonDraft(
            kind,
            obj.pk,
            assist.project,
            assist.pk,
            {"title": obj.title, "lesson": obj.summary, "context": assist.purpose},
        )
    if kind == Lesson.Source.DETERMINANT:
        description = obj.description or ""
        return LessonDraft(
            kind,
            obj.pk,
            obj.project,
            obj.assist_id,
            {
                "title": description.split("\n")[0][:200],
                "what_happened": description,
                "valence": _valence_from_score(obj.valence),
            },
            [c.pk for c in obj.constructs.all()],
        )
    if kind == Lesson.Source.AAR:
        return LessonDraft(
            kind,
            obj.pk,
            obj.project,
            obj.assist_id,
            {
                "title": f"Learning from {obj.project.title}"[:200],
                "context": obj.supposed_to_happen,
                "what_happened": "\n\n".join(
                    t for t in (obj.actually_happened, obj.why_different) if t
                ),
                "lesson": obj.what_we_learn,
            },
        )
    if kind == Lesson.Source.RETROSPECT:
        return LessonDraft(
            kind,
            obj.pk,
            obj.project,
            None,
            {
                "title": f"{obj.title}: {obj.project.title}"[:200],
                "context": obj.objectives,
                "what_happened": "\n\n".join(
                    t for t in (obj.went_well, obj.went_well_why, obj.could_be_better) if t
                ),
                "recommendation": obj.do_differently,
            },
        )
    if kind == Lesson.Source.LOG:
        return LessonDraft(
            kind,
            obj.pk,
            obj.project,
            None,
            {
                "title": obj.text.split("\n")[0][:200],
                "what_happened": obj.text,
                "valence": Lesson.Valence.ENABLER
                if obj.kind == LessonsLogEntry.Kind.WENT_WELL
                else Lesson.Valence.BARRIER
                if obj.kind == LessonsLogEntry.Kind.COULD_IMPROVE
                else Lesson.Valence.MIXED,
            },
        )
    raise Invalid("Lessons can be published from a theme, determinant, AAR, retrospect or log.")


def lesson_source_object(actor: Actor, kind: str, source_id: object) -> Any:
    """The source object for ``lesson_draft_from_source`` if the actor may write lessons from it."""
    from peerassist.core.access import ensure_id
    from peerassist.core.errors import NotFound
    from peerassist.lessons.access import access_log_entry, access_retrospect
    from peerassist.projects.access import ProjectNeed, access_project

    pk = ensure_id(source_id, "source")
    if kind == Lesson.Source.RETROSPECT:
        return access_retrospect(actor, pk, need=ProjectNeed.EDIT)
    if kind == Lesson.Source.LOG:
        return access_log_entry(actor, pk, need=ProjectNeed.EDIT)
    from peerassist.analysis.models import AfterActionReview, Determinant, Theme

    model: Any = {
        Lesson.Source.THEME: Theme,
        Lesson.Source.DETERMINANT: Determinant,
        Lesson.Source.AAR: AfterActionReview,
    }.get(kind)  # type: ignore[call-overload]
    if model is None:
        raise NotFound("No such source.")
    if model is Theme:
        obj = model.objects.select_related("assist__project").filter(pk=pk).first()
        project_id = obj.assist.project_id if obj else None
    else:
        obj = model.objects.select_related("project").filter(pk=pk).first()
        project_id = obj.project_id if obj else None
    if obj is None or project_id is None:
        raise NotFound("No such source.")
    try:
        access_project(actor, project_id, need=ProjectNeed.EDIT)
    except NotFound:
        raise NotFound("No such source.") from None
    return obj


# --- lessons learned log, report, retrospect ----------------------------------------------


def _text(value: Any, what: str, limit: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(f"{what} must be text.")
    value = value.strip()
    if required and not value:
        raise Invalid(f"Enter {what.lower()}.")
    if len(value) > limit:
        raise Invalid(f"{what} must be {limit:,} characters or fewer.")
    return value


@transaction.atomic
def log_entry_create(
    *,
    actor: User,
    project: Project,
    text: str,
    kind: str = LessonsLogEntry.Kind.WENT_WELL,
    happened_on: date | None = None,
) -> LessonsLogEntry:
    """A quick entry in the project's lessons learned log (host team or KM)."""
    if not project_can_edit(actor, project):
        raise Forbidden("Only the host team and knowledge managers add to the log.")
    if kind not in LessonsLogEntry.Kind.values:
        raise Invalid("Choose what kind of entry this is.", code="kind")
    return LessonsLogEntry.objects.create(
        project=project,
        kind=kind,
        text=_text(text, "What you noticed", 2000, required=True),
        happened_on=happened_on,
        author=actor,
    )


@transaction.atomic
def log_entry_delete(*, actor: User, entry: LessonsLogEntry) -> None:
    if not project_can_edit(actor, entry.project):
        raise Forbidden("Only the host team and knowledge managers change the log.")
    entry.delete()


@transaction.atomic
def lessons_report_create(
    *,
    actor: User,
    project: Project,
    title: str,
    phase: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
    summary: str = "",
    next_steps: str = "",
) -> LessonsReport:
    """A lessons learned report for a phase or the whole project."""
    if not project_can_edit(actor, project):
        raise Forbidden("Only the host team and knowledge managers write the report.")
    if period_start and period_end and period_end < period_start:
        raise Invalid("The end of the period must be on or after its start.", code="period_end")
    return LessonsReport.objects.create(
        project=project,
        title=_text(title, "A title", 200, required=True),
        phase=_text(phase, "Phase", 120),
        period_start=period_start,
        period_end=period_end,
        summary=_text(summary, "Summary", 10000),
        next_steps=_text(next_steps, "Next steps", 10000),
        created_by=actor,
    )


RETROSPECT_FIELDS = (
    "title",
    "objectives",
    "went_well",
    "went_well_why",
    "could_be_better",
    "do_differently",
)


@transaction.atomic
def retrospect_save(
    *,
    actor: User,
    project: Project,
    retrospect: Retrospect | None = None,
    held_on: date | None = None,
    **values: Any,
) -> Retrospect:
    """Create or update a retrospect's answers (host team or KM)."""
    if not project_can_edit(actor, project):
        raise Forbidden("Only the host team and knowledge managers run the retrospect.")
    unknown = set(values) - set(RETROSPECT_FIELDS)
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", code="unknown_field")
    if retrospect is None:
        retrospect = Retrospect(project=project, created_by=actor)
    for name in RETROSPECT_FIELDS:
        if name in values:
            limit = 200 if name == "title" else 10000
            setattr(
                retrospect, name, _text(values[name], name.replace("_", " ").capitalize(), limit)
            )
    if not retrospect.title:
        retrospect.title = "Retrospect"
    retrospect.held_on = held_on if held_on is not None else retrospect.held_on
    if not any(getattr(retrospect, n) for n in RETROSPECT_FIELDS[1:]):
        raise Invalid("Answer at least one of the retrospect questions.", code="objectives")
    retrospect.save()
    return retrospect


@transaction.atomic
def retrospect_draft_lessons(*, actor: User, retrospect: Retrospect) -> list[Lesson]:
    """One draft lesson for each thing the team would do differently (one per line).

    Running it again does not duplicate lessons already drafted from the same line.
    """
    lines = [ln.strip(" -•*\t") for ln in retrospect.do_differently.splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        raise Invalid(
            "Write what you would do differently (one per line) to draft lessons from it.",
            code="do_differently",
        )
    existing = set(
        Lesson.objects.filter(
            source_kind=Lesson.Source.RETROSPECT, source_id=retrospect.pk
        ).values_list("recommendation", flat=True)
    )
    context = retrospect.objectives[:10000]
    what_happened = "\n\n".join(t for t in (retrospect.went_well, retrospect.could_be_better) if t)[
        :10000
    ]
    made = []
    for line in lines[:20]:
        if line in existing:
            continue
        made.append(
            lesson_create(
                actor=actor,
                project=retrospect.project,
                source_kind=Lesson.Source.RETROSPECT,
                source_id=retrospect.pk,
                title=line[:200],
                context=context,
                what_happened=what_happened,
                lesson=line,
                recommendation=line,
                care_setting=retrospect.project.care_setting,
                service=retrospect.project.service,
                visibility=Lesson.Visibility.ORGANISATION,
            )
        )
    return made
