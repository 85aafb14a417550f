"""PostgreSQL full text: a stored tsvector per lesson (ranking without re-parsing text).

Replaces 0002's expression index on PostgreSQL; SQLite is unchanged (FTS5 table).
"""

from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from peerassist.finding.fts import create_pg_document_table

    create_pg_document_table(schema_editor.connection)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from peerassist.finding.fts import drop_pg_document_table

    drop_pg_document_table(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("semantic", "0002_lesson_fulltext")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
