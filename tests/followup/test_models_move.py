"""The follow-up records moved from ``reports`` to ``followup`` without touching a row.

An existing database (made before the move) holds share-backs and reminders in the
``reports_*`` tables; migrating keeps every row readable through the new models, and their
content types follow them.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from peerassist.analysis.models import Action
from peerassist.assists.models import Participant
from peerassist.followup.models import (
    ActionReminder,
    ShareBack,
    ShareBackComment,
    ShareBackDelivery,
)
from tests.followup.session_fixtures import build_session

BEFORE = [("followup", None), ("reports", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_move_are_read_after_it(org, cfir_loaded) -> None:
    session = build_session(org, notes=2)
    visitor = Participant.objects.filter(assist=session.assist, role="visitor").first()
    action = Action.objects.filter(assist=session.assist).first()
    assert visitor is not None and action is not None

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE[1:]).apps
    share_back = old.get_model("reports", "ShareBack").objects.create(
        assist_id=session.assist.pk, round=1, trigger="manual", message="Before the move"
    )
    old.get_model("reports", "ShareBackDelivery").objects.create(
        share_back_id=share_back.pk, participant_id=visitor.pk, email="v@example.org"
    )
    old.get_model("reports", "ShareBackComment").objects.create(
        assist_id=session.assist.pk, participant_id=visitor.pk, text="Thank you"
    )
    old.get_model("reports", "ActionReminder").objects.create(
        action_id=action.pk, kind="overdue", due_date=date(2026, 1, 5), email="o@example.org"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert ShareBack.objects.get().message == "Before the move"
    assert ShareBackDelivery.objects.get().email == "v@example.org"
    assert ShareBackComment.objects.get().text == "Thank you"
    assert ActionReminder.objects.get().due_date == date(2026, 1, 5)
    assert ShareBack._meta.db_table == "reports_shareback"
    labels = set(
        ContentType.objects.filter(
            model__in=["shareback", "sharebackdelivery", "sharebackcomment", "actionreminder"]
        ).values_list("app_label", flat=True)
    )
    assert labels == {"followup"}
