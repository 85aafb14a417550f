# ruff: noqa: S608 — SQL here joins constant identifiers; every value is a bound parameter.
"""Full-text search over lessons on SQLite (FTS5) and PostgreSQL (tsvector), one interface.

People type anything into a search box: quotes, asterisks, ``NEAR``, brackets, 10,000
characters. Neither engine's own syntax ever sees that text. ``parse_query`` keeps only
words (letters and digits), ``"quoted phrases"``, ``-excluded`` words and ``OR``, and each
backend builds its query from those parts, so no input can raise a syntax error.

* SQLite: an FTS5 table ``lessons_lesson_fts`` (rowid = lesson id; columns title and body,
  Porter stemming), created by ``finding/migrations/0002`` and kept current by
  ``fts_index_lesson``/``fts_remove_lesson`` (called from ``finding/indexing.py`` signals) and
  rebuilt by ``peerassist build_search_index``. Ranked by bm25 with the title weighted 5×.
* PostgreSQL: a table ``lessons_lesson_tsv`` (``LessonDocument``: lesson id, the weighted
  ``tsvector`` ``LESSON_DOCUMENT``, GIN index; made by ``finding/migrations/0002``), kept
  current the same way, queried with ``django.contrib.postgres.search`` (``SearchQuery`` of
  type websearch, ranked by ``SearchRank``, i.e. ``ts_rank``: weights A/B/C, cheaper than
  ``ts_rank_cd`` over thousands of matches). A stored vector, not an expression index:
  ranking would otherwise re-parse every matching lesson, and unlike a generated column it
  never blocks the lessons app from altering its own columns.

Both take the candidate lessons as a queryset (already limited to what the actor may see
and to the filters) and search only inside it: every match is checked against that
queryset by primary key (PostgreSQL in the one query, SQLite best-first in chunks through
``semantic.index.allowed_ids``), so a lesson outside it is never returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import F, QuerySet

from peerassist.finding.models import LessonDocument
from peerassist.lessons.models import Lesson
from peerassist.semantic.index import allowed_ids

FTS_TABLE = "lessons_lesson_fts"
MAX_QUERY_CHARS = 1000
MAX_TERMS = 24

# The lesson fields searched, besides the title (weighted higher).
BODY_FIELDS = (
    "lesson",
    "recommendation",
    "context",
    "what_happened",
    "care_setting",
    "service",
    "population",
)

# The PostgreSQL document: the title weighted A, lesson and recommendation B, the rest C
# (``finding/migrations/0002`` holds the same expression as frozen SQL).
LESSON_DOCUMENT = (
    SearchVector("title", weight="A", config="english")
    + SearchVector("lesson", "recommendation", weight="B", config="english")
    + SearchVector(
        "context",
        "what_happened",
        "care_setting",
        "service",
        "population",
        weight="C",
        config="english",
    )
)
PG_TABLE = LessonDocument._meta.db_table

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass
class ParsedQuery:
    """A search box's text reduced to parts both engines understand."""

    terms: list[tuple[str, ...]] = field(default_factory=list)  # words or phrases, all wanted
    excluded: list[str] = field(default_factory=list)
    any_of: bool = False  # "OR" between terms

    @property
    def words(self) -> list[str]:
        """Every wanted word, once, in order (for highlighting and "why it matched")."""
        seen: list[str] = []
        for term in self.terms:
            for word in term:
                if word not in seen:
                    seen.append(word)
        return seen

    @property
    def empty(self) -> bool:
        return not self.terms

    def relaxed(self) -> ParsedQuery:
        """The same words with OR between them: for "nothing matched every word"."""
        words: list[tuple[str, ...]] = [(w,) for w in self.words]
        return ParsedQuery(terms=words, excluded=self.excluded, any_of=True)


def parse_query(text: str) -> ParsedQuery:
    """Words, "phrases", -exclusions and OR from free text; everything else is dropped."""
    parsed = ParsedQuery()
    for match in _TOKEN.finditer((text or "")[:MAX_QUERY_CHARS]):
        negative, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None:
            if bare == "OR":
                parsed.any_of = True
                continue
            negative = "-" if bare.startswith("-") else ""
            words = _WORD.findall(bare.lower())
        else:
            words = _WORD.findall((phrase or "").lower())
        if not words:
            continue
        if negative and len(words) == 1:
            if words[0] not in parsed.excluded:
                parsed.excluded.append(words[0])
            continue
        if bare is not None:
            # "covid-19" or "a/b" in a bare token: every part must appear.
            for word in words:
                if (word,) not in parsed.terms:
                    parsed.terms.append((word,))
        elif tuple(words) not in parsed.terms:
            parsed.terms.append(tuple(words))
        if len(parsed.terms) >= MAX_TERMS:
            break
    return parsed


def _fts5_expression(parsed: ParsedQuery) -> str:
    def quote(term: tuple[str, ...]) -> str:
        return '"' + " ".join(term) + '"'  # words hold no quotes: [^\W_]+

    joiner = " OR " if parsed.any_of else " AND "
    expression = "(" + joiner.join(quote(t) for t in parsed.terms) + ")"
    for word in parsed.excluded:
        expression += f' NOT "{word}"'
    return expression


def _websearch_text(parsed: ParsedQuery) -> str:
    def show(term: tuple[str, ...]) -> str:
        return '"' + " ".join(term) + '"' if len(term) > 1 else term[0]

    joiner = " or " if parsed.any_of else " "
    text = joiner.join(show(t) for t in parsed.terms)
    return text + "".join(f" -{w}" for w in parsed.excluded)


def fts_search(
    parsed: ParsedQuery, candidates: QuerySet[Lesson], *, limit: int = 200
) -> list[tuple[int, float]]:
    """``(lesson id, score)`` best first, higher is better, only among ``candidates``."""
    if parsed.empty:
        return []
    try:
        if connection.vendor == "postgresql":
            return _pg_search(parsed, candidates, limit)
        return _fts5_search(parsed, candidates, limit)
    except EmptyResultSet:  # candidates that can hold nothing (a guest's visible lessons)
        return []


def _pg_search(
    parsed: ParsedQuery, candidates: QuerySet[Lesson], limit: int
) -> list[tuple[int, float]]:
    # PostgreSQL plans this well as it is: the matches (GIN index), then each one's lesson by
    # primary key with the candidates' conditions (or a hash of the candidates when that is
    # cheaper). The query text is a constant, so websearch_to_tsquery is folded once.
    query = SearchQuery(_websearch_text(parsed), search_type="websearch", config="english")
    rows = (
        LessonDocument.objects.filter(
            document=query, lesson_id__in=candidates.order_by().values("id")
        )
        .annotate(score=SearchRank(F("document"), query))
        .order_by("-score", "-lesson_id")
        .values_list("lesson_id", "score")[:limit]
    )
    return [(int(pk), float(score)) for pk, score in rows]


def _pg_upsert_documents(lessons: QuerySet[Lesson]) -> int:
    """Write the document of each of ``lessons`` in one statement; returns the row count.

    Raw SQL around the ORM's SELECT: Django has no INSERT … SELECT (nor ON CONFLICT with
    values computed in the database), and fetching each tsvector only to send it back
    would double the work of a rebuild.
    """
    select_sql, params = (
        lessons.order_by().annotate(document=LESSON_DOCUMENT).values_list("id", "document")
    ).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PG_TABLE} (lesson_id, document) {select_sql} "
            "ON CONFLICT (lesson_id) DO UPDATE SET document = EXCLUDED.document",
            params,
        )
        return int(cursor.rowcount)


def _fts5_search(
    parsed: ParsedQuery, candidates: QuerySet[Lesson], limit: int
) -> list[tuple[int, float]]:
    # Never ``rowid IN (<candidates>)`` on the FTS5 table: SQLite hands an IN on rowid to
    # FTS5 as "rowid = ?" and runs the MATCH once per visible lesson (4 s at 50,000 lessons,
    # 50 s when the words are relaxed to OR). Every match is ranked first instead (one
    # MATCH, bm25 once per match), then the best are checked against the candidates through
    # the primary key in growing chunks, as ``nearest`` does with vectors, until ``limit``
    # have passed: the cost follows the number of matches and how many the visibility rule
    # and filters turn away, and those still decide every row that comes out.
    candidates.order_by().values("pk").query.sql_with_params()  # EmptyResultSet: none at all
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, -bm25({FTS_TABLE}, 5.0, 1.0) AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score DESC, rowid DESC",
            [_fts5_expression(parsed)],
        )
        found: list[tuple[int, float]] = []
        chunk = max(limit * 3, 300)
        while len(found) < limit:
            rows = cursor.fetchmany(chunk)
            if not rows:
                break
            allowed = allowed_ids(candidates, [int(row[0]) for row in rows])
            found.extend((int(row[0]), float(row[1])) for row in rows if row[0] in allowed)
            chunk = min(chunk * 4, 40_000)
    return found[:limit]


def lesson_body(lesson: Lesson) -> str:
    return "\n".join(str(getattr(lesson, name) or "") for name in BODY_FIELDS)


def fts_index_lesson(lesson: Lesson) -> None:
    """Bring one lesson's full-text row up to date (call after the lesson is saved)."""
    if connection.vendor == "postgresql":
        _pg_upsert_documents(Lesson.objects.filter(pk=lesson.pk))
        return
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [lesson.pk])
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)",
            [lesson.pk, lesson.title, lesson_body(lesson)],
        )


def fts_remove_lesson(lesson_id: int) -> None:
    if connection.vendor == "postgresql":
        LessonDocument.objects.filter(lesson_id=lesson_id).delete()
        return
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [lesson_id])


def fts_rebuild() -> int:
    """Re-create every lesson's full-text row; returns the number of lessons indexed."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            LessonDocument.objects.all().delete()
            return _pg_upsert_documents(Lesson.objects.all())
    if connection.vendor != "sqlite":
        return Lesson.objects.count()
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")
        rows = Lesson.objects.values_list("pk", "title", *BODY_FIELDS).iterator(chunk_size=2000)
        batch: list[tuple[int, str, str]] = []
        for pk, title, *body in rows:
            batch.append((pk, title, "\n".join(b or "" for b in body)))
            if len(batch) >= 2000:
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)", batch
                )
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)", batch
            )
            count += len(batch)
    return count
