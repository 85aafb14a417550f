"""Lessons: write, review and read lessons; the log, reports, retrospects and insights.

Every route calls the same services and selectors as the pages. Which lessons anybody sees
is decided by ``lessons.visibility`` only (search lives in ``api/lessons_search.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from peerassist.accounts.actors import actor_organisation_ids
from peerassist.accounts.models import User
from peerassist.api.answers import (
    AUTHOR_OR_EDITORS_ONLY,
    HOST_TEAM_ONLY,
    IDS_IN_INPUT,
    KNOWLEDGE_MANAGERS_ONLY,
    RULES,
    STATUS_CONFLICT,
    answers,
)
from peerassist.api.auth import ApiRequest, request_user, user_auth
from peerassist.api.pagination import BoundedPagination
from peerassist.core.access import MAX_ID
from peerassist.core.errors import Invalid, NotFound
from peerassist.lessons import insights as insights_mod
from peerassist.lessons import services
from peerassist.lessons.access import (
    LessonNeed,
    access_lesson,
    access_log_entry,
    access_retrospect,
)
from peerassist.lessons.models import Lesson, LessonsLogEntry, Retrospect
from peerassist.lessons.selectors import lesson_list, lesson_reviews, project_log, review_queue
from peerassist.lessons.visibility import insider_checker, lesson_is_insider
from peerassist.projects.access import ProjectNeed, access_project

router = Router(tags=["lessons"], auth=user_auth)


# --- schemas ------------------------------------------------------------------------------


class ConstructOut(Schema):
    id: int
    code: str
    name: str
    domain: str


class LessonOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    project_id: int | None
    assist_id: int | None
    title: str
    context: str
    what_happened: str
    lesson: str
    recommendation: str
    care_setting: str
    service: str
    population: str
    valence: str
    constructs: list[ConstructOut]
    evidence_level: str
    citations: list[str]
    source_kind: str
    source_id: int | None
    author: str | None
    status: str
    review_comment: str
    visibility: str
    published_at: dt.datetime | None


def lesson_out(lesson: Lesson, *, inside: bool) -> dict[str, Any]:
    return {
        "id": lesson.pk,
        "organisation_id": lesson.organisation_id,
        "organisation": lesson.organisation.name,
        "project_id": lesson.project_id,
        "assist_id": lesson.assist_id,
        "title": lesson.title,
        "context": lesson.context,
        "what_happened": lesson.what_happened,
        "lesson": lesson.lesson,
        "recommendation": lesson.recommendation,
        "care_setting": lesson.care_setting,
        "service": lesson.service,
        "population": lesson.population,
        "valence": lesson.valence,
        "constructs": [
            {"id": c.pk, "code": c.code, "name": c.name, "domain": c.domain}
            for c in lesson.constructs.all()
        ],
        "evidence_level": lesson.evidence_level,
        "citations": [c for c in lesson.citations.splitlines() if c.strip()],
        "source_kind": lesson.source_kind,
        "source_id": lesson.source_id,
        "author": lesson.author.full_name if lesson.author else None,
        "status": lesson.status,
        # Review comments are for the author, host team and reviewers only.
        "review_comment": lesson.review_comment if inside else "",
        "visibility": lesson.visibility,
        "published_at": lesson.published_at,
    }


class LessonIn(Schema):
    title: str
    lesson: str
    context: str = ""
    what_happened: str = ""
    recommendation: str = ""
    care_setting: str = ""
    service: str = ""
    population: str = ""
    valence: str = Lesson.Valence.MIXED
    construct_ids: list[int] = []
    evidence_level: str = Lesson.Evidence.EXPERIENCE
    citations: list[str] = []
    visibility: str = Lesson.Visibility.ORGANISATION
    project_id: int | None = None
    organisation_id: int | None = None
    source_kind: str = Lesson.Source.DIRECT
    source_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="The theme, determinant, AAR, retrospect or log entry."
    )


class LessonPatch(Schema):
    title: str | None = None
    lesson: str | None = None
    context: str | None = None
    what_happened: str | None = None
    recommendation: str | None = None
    care_setting: str | None = None
    service: str | None = None
    population: str | None = None
    valence: str | None = None
    construct_ids: list[int] | None = None
    evidence_level: str | None = None
    citations: list[str] | None = None
    visibility: str | None = None


class ReviewIn(Schema):
    decision: str
    comment: str = ""


class ReviewOut(Schema):
    decision: str
    comment: str
    actor: str | None
    created_at: dt.datetime


class LogEntryIn(Schema):
    text: str
    kind: str = LessonsLogEntry.Kind.WENT_WELL
    happened_on: dt.date | None = None


class LogEntryOut(Schema):
    id: int
    project_id: int
    kind: str
    text: str
    happened_on: dt.date | None
    author: str | None
    created_at: dt.datetime


class RetrospectIn(Schema):
    title: str = "Retrospect"
    held_on: dt.date | None = None
    objectives: str = ""
    went_well: str = ""
    went_well_why: str = ""
    could_be_better: str = ""
    do_differently: str = ""


class RetrospectOut(Schema):
    id: int
    project_id: int
    title: str
    held_on: dt.date | None
    objectives: str
    went_well: str
    went_well_why: str
    could_be_better: str
    do_differently: str


class CountRow(Schema):
    label: str
    enabler: int
    barrier: int
    mixed: int
    total: int


class InsightsOut(Schema):
    lesson_count: int
    uncoded: int
    determinant_count: int = Field(
        description="Enablers and barriers coded in analysis (own organisation) also counted"
    )
    domains: list[CountRow]
    constructs: list[CountRow]
    quarters: list[CountRow]
    barriers: list[dict[str, Any]]


def _log_out(entry: LessonsLogEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "project_id": entry.project_id,
        "kind": entry.kind,
        "text": entry.text,
        "happened_on": entry.happened_on,
        "author": entry.author.full_name if entry.author else None,
        "created_at": entry.created_at,
    }


def _retro_out(r: Retrospect) -> dict[str, Any]:
    return {f: getattr(r, f) for f in RetrospectOut.model_fields}


def _citations(values: list[str] | None) -> str | None:
    if values is None:
        return None
    if not all(isinstance(v, str) for v in values):
        raise Invalid("Citations must be text.", code="citations")
    return "\n".join(values)


# --- lessons ------------------------------------------------------------------------------


@router.get("/lessons", response=list[LessonOut])
@paginate(BoundedPagination)
def lessons_list(
    request: ApiRequest,
    status: str = "",
    valence: str = "",
    project_id: int | None = None,
    construct_code: str = "",
    mine: bool = False,
) -> list[dict[str, Any]]:
    """Lessons the user may see, newest first; filter by status, valence, project, construct."""
    actor = request_user(request)
    lessons = lesson_list(
        actor,
        status=status if status in Lesson.Status.values else "",
        valence=valence if valence in Lesson.Valence.values else "",
        project_id=project_id,
        construct_code=construct_code[:20],
        mine=mine,
    )
    return _LazyOut(lessons, actor)  # type: ignore[return-value]


class _LazyOut:
    """Serialise only the page the paginator slices, with the list's prefetches."""

    def __init__(self, qs: Any, actor: User) -> None:
        self.qs = qs
        self.actor = actor

    def __len__(self) -> int:
        return int(self.qs.count())

    def count(self) -> int:
        return int(self.qs.count())

    def __getitem__(self, item: slice) -> list[dict[str, Any]]:
        inside = insider_checker(self.actor)
        return [lesson_out(lesson, inside=inside(lesson)) for lesson in self.qs[item]]


@router.post("/lessons", response={201: LessonOut})
@answers(HOST_TEAM_ONLY, IDS_IN_INPUT)
def lessons_create(request: ApiRequest, payload: LessonIn) -> Status[dict[str, Any]]:
    actor = request_user(request)
    data = payload.dict()
    project_id = data.pop("project_id")
    organisation_id = data.pop("organisation_id")
    source_kind = data.pop("source_kind")
    source_id = data.pop("source_id")
    construct_ids = data.pop("construct_ids")
    data["citations"] = _citations(data["citations"])
    project = None
    assist_id = None
    if source_kind != Lesson.Source.DIRECT:
        obj = services.lesson_source_object(actor, source_kind, source_id)
        draft = services.lesson_draft_from_source(source_kind, obj)
        project, assist_id, source_id = draft.project, draft.assist_id, draft.source_id
    else:
        source_id = None  # a lesson written directly has no source to point at
        if project_id is not None:
            project = access_project(actor, project_id, need=ProjectNeed.EDIT)
    if project is None and organisation_id is None:
        orgs = sorted(actor_organisation_ids(actor))
        organisation_id = orgs[0] if orgs else None
    lesson = services.lesson_create(
        actor=actor,
        organisation_id=organisation_id,
        project=project,
        construct_ids=construct_ids,
        source_kind=source_kind,
        source_id=source_id,
        assist_id=assist_id,
        **data,
    )
    return Status(201, lesson_out(access_lesson(actor, lesson.pk), inside=True))


class PublishIn(Schema):
    source_kind: str = Field(description="theme or determinant")
    source_id: int
    visibility: str = Lesson.Visibility.ORGANISATION


@router.post("/lessons/publish", response={200: LessonOut, 201: LessonOut})
@answers(HOST_TEAM_ONLY, IDS_IN_INPUT)
def lessons_publish(request: ApiRequest, payload: PublishIn) -> Status[dict[str, Any]]:
    """Publish a theme or determinant as a lesson in one step and send it for review.

    201 with the new lesson; 200 with the lesson already made from the same source.
    """
    from peerassist.lessons import publishing

    actor = request_user(request)
    if payload.source_kind not in publishing.KINDS:
        raise Invalid(
            "Only a theme or a determinant can be published in one step.", code="source_kind"
        )
    source = services.lesson_source_object(actor, payload.source_kind, payload.source_id)
    lesson, created = publishing.lesson_publish_from_analysis(
        actor=actor, kind=payload.source_kind, source=source, visibility=payload.visibility
    )
    return Status(201 if created else 200, lesson_out(access_lesson(actor, lesson.pk), inside=True))


@router.get("/lessons/review-queue", response=list[LessonOut])
def lessons_review_queue(request: ApiRequest) -> list[dict[str, Any]]:
    """Lessons awaiting review where the user is a knowledge manager."""
    return [lesson_out(lesson, inside=True) for lesson in review_queue(request_user(request))]


@router.get("/lessons/insights", response=InsightsOut)
@answers(IDS_IN_INPUT)
def lessons_insights(
    request: ApiRequest, scope: str = "organisation", organisation_id: int | None = None
) -> dict[str, Any]:
    """Enablers and barriers by CFIR domain, construct and quarter (visible lessons only)."""
    actor = request_user(request)
    orgs = actor_organisation_ids(actor)
    if scope != "shared":
        if organisation_id is None:
            organisation_id = min(orgs) if orgs else None
        elif organisation_id not in orgs:
            raise NotFound("No such organisation.")
        scope = "organisation"
    data = insights_mod.insights_for(actor, scope=scope, organisation_id=organisation_id)

    def rows(items: list[insights_mod.Row]) -> list[dict[str, Any]]:
        return [
            {
                "label": r.label,
                "enabler": r.enabler,
                "barrier": r.barrier,
                "mixed": r.mixed,
                "total": r.total,
            }
            for r in items
        ]

    return {
        "lesson_count": data.lesson_count,
        "uncoded": data.uncoded,
        "determinant_count": data.determinant_count,
        "domains": rows(data.domains),
        "constructs": rows(data.constructs),
        "quarters": rows(data.quarters),
        "barriers": [
            {
                "code": b.code,
                "name": b.name,
                "count": b.count,
                "recommendations": [
                    {"lesson_id": i, "title": t, "recommendation": r}
                    for i, t, r in b.recommendations
                ],
                "actions": [{"text": t, "status": s} for t, s in b.actions],
            }
            for b in data.barriers
        ],
    }


@router.get("/lessons/{lesson_id}", response=LessonOut)
def lessons_get(request: ApiRequest, lesson_id: int) -> dict[str, Any]:
    actor = request_user(request)
    lesson = access_lesson(actor, lesson_id)
    return lesson_out(lesson, inside=lesson_is_insider(actor, lesson))


@router.patch("/lessons/{lesson_id}", response=LessonOut)
@answers(AUTHOR_OR_EDITORS_ONLY)
def lessons_update(request: ApiRequest, lesson_id: int, payload: LessonPatch) -> dict[str, Any]:
    actor = request_user(request)
    lesson = access_lesson(actor, lesson_id, need=LessonNeed.EDIT)
    data = payload.dict(exclude_unset=True)
    construct_ids = data.pop("construct_ids", None)
    if "citations" in data:
        data["citations"] = _citations(data["citations"]) or ""
    data = {k: v for k, v in data.items() if v is not None}
    services.lesson_update(actor=actor, lesson=lesson, construct_ids=construct_ids, changes=data)
    return lesson_out(access_lesson(actor, lesson.pk), inside=True)


@router.delete("/lessons/{lesson_id}", response={204: None})
@answers(AUTHOR_OR_EDITORS_ONLY, STATUS_CONFLICT)
def lessons_delete(request: ApiRequest, lesson_id: int) -> Status[None]:
    actor = request_user(request)
    lesson = access_lesson(actor, lesson_id, need=LessonNeed.EDIT)
    services.lesson_delete(actor=actor, lesson=lesson)
    return Status(204, None)


@router.post("/lessons/{lesson_id}/submit", response=LessonOut)
@answers(AUTHOR_OR_EDITORS_ONLY, RULES, STATUS_CONFLICT)
def lessons_submit(request: ApiRequest, lesson_id: int) -> dict[str, Any]:
    actor = request_user(request)
    lesson = access_lesson(actor, lesson_id)
    services.lesson_submit(actor=actor, lesson=lesson)
    return lesson_out(access_lesson(actor, lesson.pk), inside=True)


@router.post("/lessons/{lesson_id}/review", response=LessonOut)
@answers(KNOWLEDGE_MANAGERS_ONLY, STATUS_CONFLICT)
def lessons_review(request: ApiRequest, lesson_id: int, payload: ReviewIn) -> dict[str, Any]:
    actor = request_user(request)
    lesson = access_lesson(actor, lesson_id, need=LessonNeed.REVIEW)
    services.lesson_review(
        actor=actor, lesson=lesson, decision=payload.decision, comment=payload.comment
    )
    return lesson_out(access_lesson(actor, lesson.pk), inside=True)


@router.get("/lessons/{lesson_id}/reviews", response=list[ReviewOut])
def lessons_reviews(request: ApiRequest, lesson_id: int) -> list[dict[str, Any]]:
    """The review history, for the author, host team and knowledge managers."""
    actor = request_user(request)
    lesson = access_lesson(actor, lesson_id)
    if not lesson_is_insider(actor, lesson):
        raise NotFound("No such lesson.")
    return [
        {
            "decision": r.decision,
            "comment": r.comment,
            "actor": r.actor.full_name if r.actor else None,
            "created_at": r.created_at,
        }
        for r in lesson_reviews(lesson)
    ]


# --- log and retrospects ------------------------------------------------------------------


@router.get("/projects/{project_id}/lessons-log", response=list[LogEntryOut])
@paginate(BoundedPagination)
def log_list(request: ApiRequest, project_id: int) -> list[dict[str, Any]]:
    project = access_project(request_user(request), project_id)
    return [_log_out(e) for e in project_log(project.pk)]


@router.post("/projects/{project_id}/lessons-log", response={201: LogEntryOut})
@answers(HOST_TEAM_ONLY)
def log_create(request: ApiRequest, project_id: int, payload: LogEntryIn) -> Status[dict[str, Any]]:
    actor = request_user(request)
    project = access_project(actor, project_id, need=ProjectNeed.EDIT)
    entry = services.log_entry_create(actor=actor, project=project, **payload.dict())
    return Status(201, _log_out(entry))


@router.delete("/lessons-log/{entry_id}", response={204: None})
@answers(HOST_TEAM_ONLY)
def log_delete(request: ApiRequest, entry_id: int) -> Status[None]:
    actor = request_user(request)
    entry = access_log_entry(actor, entry_id, need=ProjectNeed.EDIT)
    services.log_entry_delete(actor=actor, entry=entry)
    return Status(204, None)


@router.post("/projects/{project_id}/retrospects", response={201: RetrospectOut})
@answers(HOST_TEAM_ONLY)
def retrospect_create(
    request: ApiRequest, project_id: int, payload: RetrospectIn
) -> Status[dict[str, Any]]:
    actor = request_user(request)
    project = access_project(actor, project_id, need=ProjectNeed.EDIT)
    retrospect = services.retrospect_save(actor=actor, project=project, **payload.dict())
    return Status(201, _retro_out(retrospect))


@router.get("/retrospects/{retrospect_id}", response=RetrospectOut)
def retrospect_get(request: ApiRequest, retrospect_id: int) -> dict[str, Any]:
    return _retro_out(access_retrospect(request_user(request), retrospect_id))


@router.post("/retrospects/{retrospect_id}/draft-lessons", response={201: list[LessonOut]})
@answers(HOST_TEAM_ONLY, RULES)
def retrospect_lessons(request: ApiRequest, retrospect_id: int) -> Status[list[dict[str, Any]]]:
    """One draft lesson per line of 'what we would do differently' (not repeated)."""
    actor = request_user(request)
    retrospect = access_retrospect(actor, retrospect_id, need=ProjectNeed.EDIT)
    made = services.retrospect_draft_lessons(actor=actor, retrospect=retrospect)
    return Status(201, [lesson_out(access_lesson(actor, m.pk), inside=True) for m in made])
