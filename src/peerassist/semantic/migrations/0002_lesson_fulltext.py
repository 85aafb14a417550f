"""Full-text search over lessons: an FTS5 table on SQLite, an expression GIN index on PostgreSQL.

Kept in the semantic app (which owns search indexes) so that the lessons app's own migrations
stay its own. See peerassist/lessons/fts.py for how each is queried and kept current.
"""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from peerassist.finding.fts import create_fulltext_schema

    create_fulltext_schema(schema_editor.connection)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from peerassist.finding.fts import drop_fulltext_schema

    drop_fulltext_schema(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("semantic", "0001_initial"),
        ("lessons", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
