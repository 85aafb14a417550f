"""The lessons' full-text tables, now owned by the finding app (which searches them).

Until the re-cut, ``semantic/migrations/0002`` and ``0003`` created these by calling code in
the lessons app; those two are empty now, and this migration carries the SQL itself, frozen
here (migrations must not import app code, which changes under them).

* On a database that main's migrations already made, the tables exist and hold every lesson:
  this changes nothing (each step checks first; nothing is re-inserted).
* On a fresh database it creates them: SQLite, an FTS5 table ``lessons_lesson_fts``
  (rowid = lesson id, title and body, Porter stemming); PostgreSQL, a table
  ``lessons_lesson_tsv`` of one weighted tsvector per lesson with a GIN index. Either is
  filled from the lessons already there.
* PostgreSQL databases that stopped at the old semantic 0002 also lose its expression index,
  as the old semantic 0003 did.

``finding/fts.py`` queries these tables and keeps them current.
"""

import django.contrib.postgres.search
from django.db import migrations, models

FTS_TABLE = "lessons_lesson_fts"
PG_TABLE = "lessons_lesson_tsv"
PG_OLD_INDEX = "lessons_lesson_fts_gin"
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


def create_tables(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
            )
            if cursor.fetchone():
                return
            cursor.execute(
                f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
                "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
            )
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, title, body) SELECT id, title, "
                + " || char(10) || ".join(f"coalesce({f}, '')" for f in BODY_FIELDS)
                + " FROM lessons_lesson"
            )
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_OLD_INDEX}")
            cursor.execute("SELECT to_regclass(%s)", [PG_TABLE])
            if cursor.fetchone()[0] is not None:
                return
            cursor.execute(
                # No foreign key: Django's flush truncates lessons_lesson without CASCADE.
                # Rows of deleted lessons are removed by the post_delete signal, and searches
                # only ever join against lessons that exist.
                f"CREATE TABLE {PG_TABLE} (lesson_id bigint PRIMARY KEY, document tsvector NOT NULL)"
            )
            cursor.execute(f"CREATE INDEX {PG_TABLE}_gin ON {PG_TABLE} USING GIN (document)")
            cursor.execute(
                f"INSERT INTO {PG_TABLE} (lesson_id, document) "
                f"SELECT id, {PG_DOCUMENT} FROM lessons_lesson"
            )


def drop_tables(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("finding", "0001_initial"),
        ("lessons", "0002_review_log_report_retrospect"),
    ]

    operations = [
        migrations.RunPython(create_tables, drop_tables, elidable=False),
        # The PostgreSQL table as a model, for the ORM's search expressions (unmanaged: the
        # RunPython above makes it, on PostgreSQL only).
        migrations.CreateModel(
            name="LessonDocument",
            fields=[
                ("lesson_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("document", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={"db_table": "lessons_lesson_tsv", "managed": False},
        ),
    ]
