"""Empty since the re-cut: the PostgreSQL tsvector table belongs to the finding app.

``finding/migrations/0002`` creates it on a fresh database (and drops the expression index a
database that stopped after ``0002`` here still has). Kept (empty) so that the migration
history of existing databases still lines up.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("semantic", "0002_lesson_fulltext")]

    operations: list[migrations.operations.base.Operation] = []
