""" "Has this been solved before?": lessons and past peer assists related to a learning need.

``related_for_learning_need`` ranks what the actor may see — lessons through
``lessons_visible`` (inside ``rank_lessons``), peer assists of the actor's own organisations —
by full text and by meaning, and says why each matched. ``register`` plugs the lesson half
into the BAR/planning panel's registry (``projects/related.py``), which already lists
keyword matches among peer assists and notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.assists.models import PeerAssist, Status
from peerassist.finding.highlight import matched_words
from peerassist.finding.indexing import assist_text
from peerassist.finding.past_assists import find_in_peer_assists
from peerassist.finding.search import (
    MIN_SIMILARITY,
    lesson_url,
    query_vector,
    rank_lessons,
    similarity_band,
)
from peerassist.lessons.models import Lesson
from peerassist.projects.models import LearningNeed
from peerassist.projects.related import RelatedItem, register_related_finder, search_terms
from peerassist.semantic import embeddings
from peerassist.semantic.index import nearest, vectors_upsert
from peerassist.semantic.models import SemanticVector

PAST_STATUSES = (Status.ANALYSIS, Status.ACTIONS_AGREED, Status.FOLLOW_UP, Status.CLOSED)
MAX_ASSISTS = 500


@dataclass(frozen=True)
class RelatedMatch:
    kind: str  # "lesson" or "assist"
    object_id: int
    title: str
    url: str
    excerpt: str
    matched_terms: tuple[str, ...]
    similarity: float | None
    score: float

    @property
    def reason(self) -> str:
        parts = []
        if self.matched_terms:
            parts.append("Mentions " + ", ".join(f"“{t}”" for t in self.matched_terms))
        if self.similarity is not None and self.similarity >= MIN_SIMILARITY:
            parts.append(f"{similarity_band(self.similarity)} ({self.similarity:.2f})")
        return "; ".join(parts).capitalize() if parts else "Related"


def need_text(need: LearningNeed) -> str:
    return f"{need.question}\n{need.detail}".strip()


def _excerpt(text: str, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def related_lessons(
    actor: Actor, text: str, *, limit: int = 5, wait_for_model: bool = True
) -> list[RelatedMatch]:
    fused, similarity, _, _ = rank_lessons(
        actor, text, limit=50, any_word=True, wait_for_model=wait_for_model
    )
    words = _words(text)
    top = [pk for pk, _ in fused[:limit]]
    lessons = {lesson.pk: lesson for lesson in Lesson.objects.filter(pk__in=top)}
    matches = []
    for pk in top:
        lesson = lessons.get(pk)
        if lesson is None:
            continue
        terms = matched_words(f"{lesson.title} {lesson.lesson} {lesson.recommendation}", words)
        cosine = similarity.get(pk)
        matches.append(
            RelatedMatch(
                kind="lesson",
                object_id=pk,
                title=lesson.title,
                url=lesson_url(lesson),
                excerpt=_excerpt(lesson.lesson),
                matched_terms=tuple(terms[:6]),
                similarity=cosine,
                score=len(terms) + 4 * (cosine or 0.0),
            )
        )
    return matches


def related_assists(
    actor: Actor, text: str, *, exclude_project_id: int | None = None, limit: int = 5
) -> list[RelatedMatch]:
    """Past peer assists of the actor's organisations, by meaning and shared words."""
    org_ids = actor_organisation_ids(actor)
    if not org_ids or not text.strip():
        return []
    today = timezone.localdate()
    assists_qs = PeerAssist.objects.filter(organisation_id__in=org_ids).filter(
        status__in=PAST_STATUSES
    ) | PeerAssist.objects.filter(organisation_id__in=org_ids, date__lt=today)
    if exclude_project_id is not None:
        assists_qs = assists_qs.exclude(project_id=exclude_project_id)
    assists = list(assists_qs.distinct().order_by("-date", "-pk")[:MAX_ASSISTS])
    if not assists:
        return []
    words = _words(text)
    texts = {a.pk: assist_text(a) for a in assists}
    cosine: dict[int, float] = {}
    if embeddings.embedding_backend_name() == embeddings.TfidfBackend.name:
        ids = list(texts)
        matrix = embeddings.TfidfBackend().encode([text] + [texts[i] for i in ids])
        cosine = {pk: float(s) for pk, s in zip(ids, matrix[1:] @ matrix[0], strict=True)}
    else:
        vectors_upsert(SemanticVector.Kind.ASSIST, texts)
        vector = query_vector(embeddings.embedding_backend().name, text)
        allowed = set(texts)
        cosine = dict(
            nearest(
                SemanticVector.Kind.ASSIST,
                vector,
                lambda chunk: allowed.intersection(chunk),
                limit=limit * 4,
                min_score=MIN_SIMILARITY,
            )
        )
    matches = []
    for assist in assists:
        terms = matched_words(texts[assist.pk], words)
        score = cosine.get(assist.pk)
        if not terms and score is None:
            continue
        if embeddings.embedding_backend_name() == embeddings.TfidfBackend.name and not terms:
            continue
        matches.append(
            RelatedMatch(
                kind="assist",
                object_id=assist.pk,
                title=assist.title,
                url=reverse("assists:detail", args=[assist.pk]),
                excerpt=_excerpt(assist.purpose),
                matched_terms=tuple(terms[:6]),
                similarity=score,
                score=len(terms) + 4 * (score or 0.0),
            )
        )
    return sorted(matches, key=lambda m: -m.score)[:limit]


def _words(text: str) -> list[str]:
    return search_terms(text)


def related_for_learning_need(
    actor: Actor, learning_need: LearningNeed, limit: int = 5
) -> list[RelatedMatch]:
    """The most related lessons and past peer assists for one learning need, best first."""
    text = need_text(learning_need)
    lessons = related_lessons(actor, text, limit=limit)
    assists = related_assists(actor, text, exclude_project_id=learning_need.project_id, limit=limit)
    return sorted(lessons + assists, key=lambda m: -m.score)[:limit]


def lessons_finder(actor: Actor, need: LearningNeed) -> list[RelatedItem]:
    """The lesson half, as ``RelatedItem``s for the BAR and planning panel."""
    return [
        RelatedItem(
            kind="Lesson",
            title=match.title,
            url=match.url,
            excerpt=match.excerpt,
            reason=match.reason,
            score=match.score,
            id=match.object_id,
            matched_terms=match.matched_terms,
            similarity=match.similarity,
        )
        # The panel sits on the BAR and planning pages: never hold them up for the model.
        for match in related_lessons(actor, need_text(need), wait_for_model=False)
    ]


def register() -> None:
    """Add the finders to the BAR and planning panel (called from FindingConfig.ready).

    Past peer assists first, then lessons: the panel sorts by score, and ties keep this order.
    """
    register_related_finder(find_in_peer_assists)
    register_related_finder(lessons_finder)
