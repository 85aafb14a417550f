"""Hybrid lesson search: full-text and meaning, merged by reciprocal rank fusion.

``lesson_search`` is the one selector behind the search page, the API, "has this been solved
before?" and the people finder. Its steps:

1. Candidates: ``lessons_visible(actor)`` (the one rule on who sees what) narrowed by the
   filters. Nothing outside this queryset is ever ranked, counted or shown.
2. Full-text ranking inside the candidates (``finding/fts.py``; every word must match, and if
   nothing does, any word may — the page says so).
3. Meaning ranking: with the sentence model, the query's embedding against the stored lesson
   vectors (``semantic/index.py``), above a floor of cosine similarity. With the TF-IDF
   fallback, stored vectors are not comparable across fits, so the full-text candidates are
   re-ranked by one TF-IDF fit over the query and their texts instead.
4. Reciprocal rank fusion (k = 60) of the two rankings; page through the fused list.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from urllib.parse import urlencode

import numpy as np
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from peerassist.accounts.actors import Actor
from peerassist.finding.fts import ParsedQuery, fts_search, parse_query
from peerassist.finding.highlight import highlight, matched_words, snippet
from peerassist.finding.indexing import lesson_text
from peerassist.lessons.models import Lesson
from peerassist.lessons.visibility import lessons_visible
from peerassist.semantic import embeddings
from peerassist.semantic.index import nearest
from peerassist.semantic.models import SemanticVector

RRF_K = 60
CANDIDATES = 200  # per ranking; the fused list is at most twice this
MIN_SIMILARITY = 0.30  # below this, "similar in meaning" is noise for all-MiniLM-L6-v2
MAX_PER_PAGE = 50
MAX_PAGE = 1000


def rrf_merge(rankings: Sequence[Sequence[int]], *, k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: each id scores Σ 1/(k + rank) over the rankings it is in."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, object_id in enumerate(ranking, start=1):
            scores[object_id] = scores.get(object_id, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], -item[0]))


def lesson_url(lesson: Lesson) -> str:
    """The lesson's own page, or a search for it while the lesson pages are not installed."""
    try:
        return reverse("lessons:detail", args=[lesson.pk])
    except NoReverseMatch:
        return reverse("finding:search") + "?" + urlencode({"q": f'"{lesson.title[:100]}"'})


def similarity_band(score: float) -> str:
    """Words for a cosine similarity, for "why it matched"."""
    if score >= 0.6:
        return "very similar in meaning"
    if score >= 0.45:
        return "similar in meaning"
    return "loosely similar in meaning"


@dataclass(frozen=True)
class LessonFilters:
    valence: str = ""
    domain: str = ""
    construct: str = ""  # a CFIR code, e.g. "IS.A"
    setting: str = ""
    organisation: int | None = None
    evidence: str = ""
    published_from: date | None = None
    published_to: date | None = None

    def apply(self, lessons: QuerySet[Lesson]) -> QuerySet[Lesson]:
        if self.valence:
            lessons = lessons.filter(valence=self.valence)
        if self.evidence:
            lessons = lessons.filter(evidence_level=self.evidence)
        if self.organisation:
            lessons = lessons.filter(organisation_id=self.organisation)
        if self.setting:
            lessons = lessons.filter(care_setting__icontains=self.setting[:120])
        if self.domain:
            lessons = lessons.filter(constructs__domain=self.domain[:60])
        if self.construct:
            lessons = lessons.filter(constructs__code=self.construct[:20])
        tz = timezone.get_current_timezone()
        if self.published_from:
            start = datetime.combine(self.published_from, time.min, tzinfo=tz)
            lessons = lessons.filter(published_at__gte=start)
        if self.published_to:
            end = datetime.combine(self.published_to, time.max, tzinfo=tz)
            lessons = lessons.filter(published_at__lte=end)
        if self.domain or self.construct:
            lessons = lessons.distinct()
        return lessons

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass
class LessonHit:
    lesson: Lesson
    score: float
    title_html: SafeString
    snippet_html: SafeString
    matched_terms: list[str]
    similarity: float | None  # cosine with the query, when meaning took part

    @property
    def url(self) -> str:
        return lesson_url(self.lesson)

    @property
    def reasons(self) -> list[str]:
        """Why it matched, in words."""
        reasons = []
        if self.matched_terms:
            reasons.append("Mentions " + ", ".join(f"“{t}”" for t in self.matched_terms))
        if self.similarity is not None and self.similarity >= MIN_SIMILARITY:
            reasons.append(f"{similarity_band(self.similarity).capitalize()}")
        return reasons


@dataclass
class LessonSearchResult:
    query: str
    hits: list[LessonHit]
    total: int
    page: int
    per_page: int
    backend: str
    backend_label: str
    relaxed: bool = False  # no lesson had every word; these have some
    words: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def search_candidates(
    actor: Actor | None, filters: LessonFilters | None = None
) -> QuerySet[Lesson]:
    """The lessons a search may consider: visible to the actor, inside the filters."""
    return (filters or LessonFilters()).apply(lessons_visible(actor))


_loading_lock = threading.Lock()
_loading: threading.Thread | None = None


def model_loaded(*, start_loading: bool = False) -> bool:
    """Whether this process has its embedding backend; optionally start loading it."""
    global _loading
    if embeddings._backend is not None:  # a read-only peek: loads nothing
        return True
    if start_loading:
        with _loading_lock:
            if _loading is None or not _loading.is_alive():
                _loading = threading.Thread(
                    target=embeddings.embedding_backend, name="embedding-load", daemon=True
                )
                _loading.start()
    return False


@lru_cache(maxsize=512)
def query_vector(backend: str, query: str) -> np.ndarray:
    """The query's embedding, remembered: paging through results re-ranks the same words."""
    vector = embeddings.encode([query[:1000]])[0]
    vector.setflags(write=False)
    return vector


def _semantic_ranking(
    query: str, candidates: QuerySet[Lesson], *, limit: int
) -> list[tuple[int, float]]:
    vector = query_vector(embeddings.embedding_backend().name, query)
    return nearest(
        SemanticVector.Kind.LESSON, vector, candidates, limit=limit, min_score=MIN_SIMILARITY
    )


def _tfidf_rerank(query: str, lesson_ids: list[int]) -> list[tuple[int, float]]:
    """One TF-IDF fit over the query and the candidates' texts: comparable scores."""
    if not lesson_ids:
        return []
    lessons = Lesson.objects.filter(pk__in=lesson_ids).prefetch_related("constructs")
    texts = {lesson.pk: lesson_text(lesson) for lesson in lessons}
    ids = [pk for pk in lesson_ids if pk in texts]
    matrix = embeddings.TfidfBackend().encode([query[:1000]] + [texts[pk] for pk in ids])
    scores = matrix[1:] @ matrix[0]
    order = np.argsort(-scores, kind="stable")
    return [(ids[i], float(scores[i])) for i in order]


def rank_lessons(
    actor: Actor | None,
    query: str,
    *,
    filters: LessonFilters | None = None,
    limit: int = CANDIDATES,
    any_word: bool = False,
    wait_for_model: bool = True,
) -> tuple[list[tuple[int, float]], dict[int, float], ParsedQuery, bool]:
    """Fused ranking of visible lessons for a query.

    Returns ``(fused [(id, rrf score)], cosine by id, parsed query, relaxed)``; ``any_word``
    searches with OR from the start (for long questions such as learning needs).
    ``wait_for_model=False`` (side panels on other pages) never makes a page wait for the
    sentence model to load: until it has loaded in this process (started in the background
    here), the answer uses the TF-IDF re-ranking instead.
    """
    parsed = parse_query(query)
    candidates = search_candidates(actor, filters)
    relaxed = False
    if any_word and len(parsed.words) > 1:
        parsed = parsed.relaxed()
    fts = fts_search(parsed, candidates, limit=limit)
    if not fts and not parsed.any_of and len(parsed.words) > 1:
        parsed, relaxed = parsed.relaxed(), True
        fts = fts_search(parsed, candidates, limit=limit)
    similarity: dict[int, float] = {}
    if not query.strip():
        return [], similarity, parsed, False
    use_tfidf = embeddings.embedding_backend_name() == embeddings.TfidfBackend.name
    if not use_tfidf and not wait_for_model and not model_loaded(start_loading=True):
        use_tfidf = True
    if use_tfidf:
        second = _tfidf_rerank(query, [pk for pk, _ in fts])
    else:
        second = _semantic_ranking(query, candidates, limit=limit)
        similarity = dict(second)
    fused = rrf_merge([[pk for pk, _ in fts], [pk for pk, _ in second]])
    return fused, similarity, parsed, relaxed


def lesson_search(
    *,
    actor: Actor | None,
    query: str,
    filters: LessonFilters | None = None,
    page: int = 1,
    per_page: int = 10,
) -> LessonSearchResult:
    """One page of lessons for a search box and filters, best first, with highlights.

    An empty query lists the visible lessons inside the filters, newest first.
    """
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, min(int(page), MAX_PAGE))
    query = (query or "").strip()
    backend = embeddings.embedding_backend_name()
    label = (
        embeddings.SentenceModelBackend.label
        if backend == embeddings.SentenceModelBackend.name
        else embeddings.TfidfBackend.label
    )
    base = search_candidates(actor, filters)
    offset = (page - 1) * per_page
    if parse_query(query).empty:  # nothing searchable: list, as for an empty box
        total = base.count()
        lessons = list(
            _for_display(base.order_by("-published_at", "-created_at", "-pk"))[
                offset : offset + per_page
            ]
        )
        hits = [_hit(lesson, 0.0, [], None) for lesson in lessons]
        return LessonSearchResult(query, hits, total, page, per_page, backend, label)
    fused, similarity, parsed, relaxed = rank_lessons(actor, query, filters=filters)
    total = len(fused)
    page_ids = [pk for pk, _ in fused[offset : offset + per_page]]
    scores = dict(fused)
    by_id = {lesson.pk: lesson for lesson in _for_display(Lesson.objects.filter(pk__in=page_ids))}
    hits = [
        _hit(by_id[pk], scores[pk], parsed.words, similarity.get(pk))
        for pk in page_ids
        if pk in by_id
    ]
    return LessonSearchResult(
        query, hits, total, page, per_page, backend, label, relaxed=relaxed, words=parsed.words
    )


def _for_display(lessons: QuerySet[Lesson]) -> QuerySet[Lesson]:
    return lessons.select_related("organisation").prefetch_related("constructs")


def _hit(lesson: Lesson, score: float, words: list[str], similarity: float | None) -> LessonHit:
    body = " ".join(
        part
        for part in (lesson.lesson, lesson.recommendation, lesson.what_happened, lesson.context)
        if part
    )
    text = f"{lesson.title} {body} {lesson.care_setting} {lesson.service}"
    return LessonHit(
        lesson=lesson,
        score=score,
        title_html=highlight(lesson.title, words),
        snippet_html=snippet(body, words),
        matched_terms=matched_words(text, words),
        similarity=similarity,
    )
