"""The follow-up delivery records, taken over from ``reports`` on their existing tables.

``reports.0001_initial`` created the tables; this migration only tells Django that the
models now live here (``SeparateDatabaseAndState`` with no database operations), and moves
their content types so permissions and admin history follow them. An existing database
migrates without a table change; a new one gets the tables from ``reports.0001``.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("shareback", "sharebackdelivery", "sharebackcomment", "actionreminder")


def content_types_follow(apps, schema_editor, source="reports", target="followup"):
    """Relabel the moved models' content types, unless the target ones already exist."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def content_types_back(apps, schema_editor):
    content_types_follow(apps, schema_editor, source="followup", target="reports")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("analysis", "0004_cfir_definitions_own_words"),
        ("assists", "0002_presence_seat"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ShareBack",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("round", models.PositiveIntegerField(default=1)),
                        ("trigger", models.CharField(choices=[("scheduled", "On the promised date"), ("manual", "Sent by the host team")], max_length=10)),
                        ("message", models.TextField(blank=True, max_length=2000)),
                        ("assist", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="share_backs", to="assists.peerassist")),
                        ("sent_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "reports_shareback",
                        "ordering": ["assist", "round"],
                        "constraints": [models.UniqueConstraint(fields=("assist", "round"), name="one_share_back_per_round")],
                    },
                ),
                migrations.CreateModel(
                    name="ShareBackComment",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("text", models.TextField(max_length=2000)),
                        ("assist", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="share_back_comments", to="assists.peerassist")),
                        ("participant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="assists.participant")),
                    ],
                    options={
                        "db_table": "reports_sharebackcomment",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="ShareBackDelivery",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("email", models.EmailField(max_length=254)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("participant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="assists.participant")),
                        ("share_back", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="deliveries", to="followup.shareback")),
                    ],
                    options={
                        "db_table": "reports_sharebackdelivery",
                        "ordering": ["id"],
                        "constraints": [models.UniqueConstraint(fields=("share_back", "participant"), name="one_delivery_per_visitor")],
                    },
                ),
                migrations.CreateModel(
                    name="ActionReminder",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("due_soon", "Due soon"), ("overdue", "Overdue")], max_length=10)),
                        ("due_date", models.DateField()),
                        ("email", models.EmailField(max_length=254)),
                        ("sent_at", models.DateTimeField(auto_now_add=True)),
                        ("action", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="reminders", to="analysis.action")),
                    ],
                    options={
                        "db_table": "reports_actionreminder",
                        "ordering": ["sent_at", "id"],
                        "constraints": [models.UniqueConstraint(fields=("action", "kind", "due_date"), name="one_reminder_per_action_kind_due")],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_follow, content_types_back, elidable=True),
    ]
