# ruff: noqa: S608 — SQL here joins constant identifiers; every value is a bound parameter.
"""Full-text search over lessons on SQLite (FTS5) and PostgreSQL (tsvector), one interface.

People type anything into a search box: quotes, asterisks, ``NEAR``, brackets, 10,000
characters. Neither engine's own syntax ever sees that text. ``parse_query`` keeps only
words (letters and digits), ``"quoted phrases"``, ``-excluded`` words and ``OR``, and each
backend builds its query from those parts, so no input can raise a syntax error.

* SQLite: an FTS5 table ``lessons_lesson_fts`` (rowid = lesson id; columns title and body,
  Porter stemming), created by ``semantic/migrations/0002`` and kept current by
  ``fts_index_lesson``/``fts_remove_lesson`` (called from ``finding/indexing.py`` signals) and
  rebuilt by ``peerassist build_search_index``. Ranked by bm25 with the title weighted 5×.
* PostgreSQL: a table ``lessons_lesson_tsv`` (lesson id, weighted ``tsvector`` of
  ``PG_DOCUMENT``, GIN index), kept current the same way, queried with
  ``websearch_to_tsquery`` and ranked by ``ts_rank`` (weights A/B/C; cheaper than
  ``ts_rank_cd`` over thousands of matches). A stored vector, not an expression index:
  ranking would otherwise re-parse every matching lesson (``semantic/migrations/0003``), and
  unlike a generated column it never blocks the lessons app from altering its own columns.

Both take the candidate lessons as a queryset (already limited to what the actor may see
and to the filters) and search only inside it: every match is checked against that
queryset by primary key (PostgreSQL in the one query, SQLite best-first in chunks through
``semantic.index.allowed_ids``), so a lesson outside it is never returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

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

PG_DOCUMENT = (
    "(setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(lesson, '') || ' ' || "
    "coalesce(recommendation, '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(context, '') || ' ' || "
    "coalesce(what_happened, '') || ' ' || coalesce(care_setting, '') || ' ' || "
    "coalesce(service, '') || ' ' || coalesce(population, '')), 'C'))"
)
PG_INDEX = "lessons_lesson_fts_gin"  # the expression index of migration 0002, since dropped
PG_TABLE = "lessons_lesson_tsv"

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
    # PostgreSQL plans this well as it is: the matches, then each one's lesson by primary
    # key with the candidates' conditions (or a hash of the candidates when that is cheaper).
    inner_sql, inner_params = candidates.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.lesson_id, ts_rank(d.document, q.query) AS score "
            f"FROM {PG_TABLE} d, websearch_to_tsquery('english', %s) AS q(query) "
            f"WHERE d.document @@ q.query AND d.lesson_id IN ({inner_sql}) "
            "ORDER BY score DESC, d.lesson_id DESC LIMIT %s",
            [_websearch_text(parsed), *inner_params, limit],
        )
        return [(int(row[0]), float(row[1])) for row in cursor.fetchall()]


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
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {PG_TABLE} (lesson_id, document) "
                f"SELECT id, {PG_DOCUMENT} FROM lessons_lesson WHERE id = %s "
                "ON CONFLICT (lesson_id) DO UPDATE SET document = EXCLUDED.document",
                [lesson.pk],
            )
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
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PG_TABLE} WHERE lesson_id = %s", [lesson_id])
        return
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [lesson_id])


def fts_rebuild() -> int:
    """Re-create every lesson's full-text row; returns the number of lessons indexed."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PG_TABLE}")
            cursor.execute(
                f"INSERT INTO {PG_TABLE} (lesson_id, document) "
                f"SELECT id, {PG_DOCUMENT} FROM lessons_lesson"
            )
            return int(cursor.rowcount)
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


# --- schema (used by semantic/migrations/0002_lesson_fulltext) -------------------------------


def create_fulltext_schema(schema_connection: object) -> None:
    """Create the FTS5 table (SQLite) or the expression GIN index (PostgreSQL)."""
    vendor = schema_connection.vendor  # type: ignore[attr-defined]
    with schema_connection.cursor() as cursor:  # type: ignore[attr-defined]
        if vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
            )
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) SELECT id, title, "
                + " || char(10) || ".join(f"coalesce({f}, '')" for f in BODY_FIELDS)
                + " FROM lessons_lesson"
            )
        elif vendor == "postgresql":
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON lessons_lesson USING GIN ({PG_DOCUMENT})"
            )


def create_pg_document_table(schema_connection: object) -> None:
    """PostgreSQL: swap the expression index for a stored, indexed tsvector per lesson."""
    if schema_connection.vendor != "postgresql":  # type: ignore[attr-defined]
        return
    with schema_connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        cursor.execute(
            # No foreign key: Django's flush truncates lessons_lesson without CASCADE. Rows
            # of deleted lessons are removed by the post_delete signal, and searches only
            # ever join against lessons that exist.
            f"CREATE TABLE IF NOT EXISTS {PG_TABLE} ("
            "lesson_id bigint PRIMARY KEY, document tsvector NOT NULL)"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_gin ON {PG_TABLE} USING GIN (document)"
        )
        cursor.execute(
            f"INSERT INTO {PG_TABLE} (lesson_id, document) "
            f"SELECT id, {PG_DOCUMENT} FROM lessons_lesson ON CONFLICT DO NOTHING"
        )


def drop_pg_document_table(schema_connection: object) -> None:
    if schema_connection.vendor != "postgresql":  # type: ignore[attr-defined]
        return
    with schema_connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON lessons_lesson USING GIN ({PG_DOCUMENT})"
        )


def drop_fulltext_schema(schema_connection: object) -> None:
    vendor = schema_connection.vendor  # type: ignore[attr-defined]
    with schema_connection.cursor() as cursor:  # type: ignore[attr-defined]
        if vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
