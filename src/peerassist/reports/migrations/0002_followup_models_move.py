"""The delivery records moved to the ``followup`` app (ADR 0006 follow-up, issue #11).

State only: Django forgets the four models here and ``followup.0001_initial`` takes them
over on the same tables, so no table or row changes.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("followup", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ShareBackDelivery"),
                migrations.DeleteModel(name="ShareBackComment"),
                migrations.DeleteModel(name="ActionReminder"),
                migrations.DeleteModel(name="ShareBack"),
            ],
            database_operations=[],
        ),
    ]
