"""Empty since the re-cut: the lessons' full-text tables belong to the finding app.

This once created them by calling the lessons app's code. ``finding/migrations/0002`` now
creates them on a fresh database and leaves a database that ran this migration as it is.
Kept (empty) so that the migration history of existing databases still lines up.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("semantic", "0001_initial")]

    operations: list[migrations.operations.base.Operation] = []
