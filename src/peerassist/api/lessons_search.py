"""Finding lessons over the API: hybrid search, related lessons and people for a need,
and subscriptions. The same selectors and services as the pages."""

from datetime import date, datetime

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from peerassist.api.answers import ALREADY_DONE, IDS_IN_INPUT, answers
from peerassist.api.auth import ApiRequest, request_user, user_auth
from peerassist.finding import people, subscriptions
from peerassist.finding.models import Subscription
from peerassist.finding.related import related_for_learning_need
from peerassist.finding.search import LessonFilters, lesson_search

router = Router(tags=["finding"], auth=user_auth)


class SearchParams(Schema):
    q: str = Field("", max_length=1000)
    valence: str = Field("", max_length=10)
    domain: str = Field("", max_length=60)
    construct_code: str = Field("", max_length=20)
    setting: str = Field("", max_length=120)
    organisation: int | None = Field(None, ge=1)
    evidence: str = Field("", max_length=12)
    published_from: date | None = None
    published_to: date | None = None
    page: int = Field(1, ge=1, le=1000)
    per_page: int = Field(10, ge=1, le=50)


class HitOut(Schema):
    id: int
    title: str
    url: str
    organisation: str
    valence: str
    evidence_level: str
    care_setting: str
    published_at: datetime | None
    score: float
    similarity: float | None
    title_html: str
    snippet_html: str
    matched_terms: list[str]
    reasons: list[str]


class SearchOut(Schema):
    query: str
    total: int
    page: int
    pages: int
    per_page: int
    relaxed: bool
    backend: str
    backend_label: str
    results: list[HitOut]


@router.get("/lessons", response=SearchOut, summary="Search the lessons you may see")
def search_lessons(request: ApiRequest, params: Query[SearchParams]) -> dict[str, object]:
    """Full-text and meaning, merged by rank fusion; ``title_html``/``snippet_html`` are
    escaped with matches in ``<mark>``."""
    result = lesson_search(
        actor=request.auth,
        query=params.q,
        filters=LessonFilters(
            valence=params.valence,
            domain=params.domain,
            construct=params.construct_code,
            setting=params.setting,
            organisation=params.organisation,
            evidence=params.evidence,
            published_from=params.published_from,
            published_to=params.published_to,
        ),
        page=params.page,
        per_page=params.per_page,
    )
    return {
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "per_page": result.per_page,
        "relaxed": result.relaxed,
        "backend": result.backend,
        "backend_label": result.backend_label,
        "results": [
            {
                "id": hit.lesson.pk,
                "title": hit.lesson.title,
                "url": hit.url,
                "organisation": hit.lesson.organisation.name,
                "valence": hit.lesson.valence,
                "evidence_level": hit.lesson.evidence_level,
                "care_setting": hit.lesson.care_setting,
                "published_at": hit.lesson.published_at,
                "score": hit.score,
                "similarity": hit.similarity,
                "title_html": str(hit.title_html),
                "snippet_html": str(hit.snippet_html),
                "matched_terms": hit.matched_terms,
                "reasons": hit.reasons,
            }
            for hit in result.hits
        ],
    }


class RelatedOut(Schema):
    kind: str
    id: int
    title: str
    url: str
    excerpt: str
    reason: str
    matched_terms: list[str]
    similarity: float | None


@router.get(
    "/learning-needs/{need_id}/related",
    response=list[RelatedOut],
    summary="Has this been solved before? Lessons and past peer assists for a learning need",
)
def related(request: ApiRequest, need_id: int) -> list[dict[str, object]]:
    need = people.access_need(request.auth, need_id)
    return [
        {
            "kind": m.kind,
            "id": m.object_id,
            "title": m.title,
            "url": m.url,
            "excerpt": m.excerpt,
            "reason": m.reason,
            "matched_terms": list(m.matched_terms),
            "similarity": m.similarity,
        }
        for m in related_for_learning_need(request.auth, need)
    ]


class PersonOut(Schema):
    kind: str
    name: str
    organisation: str
    job_title: str
    score: float
    reasons: list[str]
    lessons: list[str]
    projects: list[str]
    notes: int


@router.get(
    "/learning-needs/{need_id}/people",
    response=list[PersonOut],
    summary="Who has done this before? People who agreed to be found, for a learning need",
)
def people_for_need(request: ApiRequest, need_id: int) -> list[dict[str, object]]:
    need = people.access_need(request.auth, need_id)
    return [
        {
            "kind": p.key[0],
            "name": p.name,
            "organisation": p.organisation,
            "job_title": p.job_title,
            "score": p.score,
            "reasons": p.reasons,
            "lessons": p.lessons,
            "projects": p.projects,
            "notes": p.notes,
        }
        for p in people.people_for_need(actor=request.auth, need=need)
    ]


class SubscriptionIn(Schema):
    kind: str = Field(..., max_length=10)
    construct_code: str = Field("", max_length=20)
    value: str = Field("", max_length=120)


class SubscriptionOut(Schema):
    id: int
    kind: str
    construct_code: str | None
    value: str
    description: str


def _subscription_out(subscription: Subscription) -> dict[str, object]:
    return {
        "id": subscription.pk,
        "kind": subscription.kind,
        "construct_code": subscription.construct.code if subscription.construct else None,
        "value": subscription.value,
        "description": subscription.describe(),
    }


@router.get("/subscriptions", response=list[SubscriptionOut], summary="What you follow")
def subscription_list(request: ApiRequest) -> list[dict[str, object]]:
    return [
        _subscription_out(s)
        for s in Subscription.objects.filter(user=request_user(request)).select_related("construct")
    ]


@router.post(
    "/subscriptions",
    response={201: SubscriptionOut},
    summary="Follow a construct, setting or keyword",
)
@answers(IDS_IN_INPUT, ALREADY_DONE)
def subscription_create(request: ApiRequest, body: SubscriptionIn) -> Status[dict[str, object]]:
    subscription = subscriptions.subscription_create(
        user=request_user(request),
        kind=body.kind,
        construct_code=body.construct_code,
        value=body.value,
    )
    return Status(201, _subscription_out(subscription))


@router.delete("/subscriptions/{subscription_id}", response={204: None}, summary="Stop following")
def subscription_delete(request: ApiRequest, subscription_id: int) -> Status[None]:
    subscriptions.subscription_delete(user=request_user(request), subscription_id=subscription_id)
    return Status(204, None)
