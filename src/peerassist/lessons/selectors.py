"""Reads for lesson pages and the API. Every lesson query starts from ``lessons_visible``."""

from __future__ import annotations

from collections import OrderedDict

from django.db.models import Prefetch, Q, QuerySet

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.accounts.models import Membership, User
from peerassist.analysis.models import CfirConstruct
from peerassist.lessons.models import Lesson, LessonReview, LessonsLogEntry
from peerassist.lessons.visibility import lessons_visible


def lesson_list(
    actor: Actor | None,
    *,
    status: str = "",
    valence: str = "",
    project_id: int | None = None,
    construct_code: str = "",
    query: str = "",
    mine: bool = False,
) -> QuerySet[Lesson]:
    """Visible lessons, newest first, with what the list shows loaded in a fixed few queries."""
    qs = lessons_visible(actor)
    if status:
        qs = qs.filter(status=status)
    if valence:
        qs = qs.filter(valence=valence)
    if project_id:
        qs = qs.filter(project_id=project_id)
    if construct_code:
        qs = qs.filter(constructs__code=construct_code).distinct()
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(lesson__icontains=query))
    if mine and isinstance(actor, User):
        qs = qs.filter(author=actor)
    return (
        qs.select_related("organisation", "project", "author")
        .prefetch_related(Prefetch("constructs", queryset=CfirConstruct.objects.order_by("order")))
        .order_by("-published_at", "-created_at", "-id")
    )


def review_queue(actor: Actor | None) -> QuerySet[Lesson]:
    """Lessons awaiting review in the organisations where the actor is a knowledge manager."""
    if not isinstance(actor, User):
        return Lesson.objects.none()
    org_ids = set(
        Membership.objects.filter(
            user=actor,
            role__in=[Membership.Role.KNOWLEDGE_MANAGER, Membership.Role.ADMIN],
        ).values_list("organisation_id", flat=True)
    )
    return (
        lessons_visible(actor)
        .filter(status=Lesson.Status.SUBMITTED, organisation_id__in=org_ids)
        .select_related("organisation", "project", "author")
        .order_by("updated_at")
    )


def lesson_reviews(lesson: Lesson) -> QuerySet[LessonReview]:
    return lesson.reviews.select_related("actor").order_by("created_at", "id")


def constructs_by_domain(actor: Actor | None) -> OrderedDict[str, list[CfirConstruct]]:
    """The CFIR 2.0 list (and the actor's organisations' own constructs), grouped by domain."""
    org_ids = actor_organisation_ids(actor)
    constructs = CfirConstruct.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=org_ids)
    ).order_by("order", "code")
    grouped: OrderedDict[str, list[CfirConstruct]] = OrderedDict()
    for construct in constructs:
        grouped.setdefault(construct.domain, []).append(construct)
    return grouped


def project_log(project_id: int) -> QuerySet[LessonsLogEntry]:
    return LessonsLogEntry.objects.filter(project_id=project_id).select_related("author")


def project_lessons(actor: Actor | None, project_id: int) -> QuerySet[Lesson]:
    return lesson_list(actor, project_id=project_id)
