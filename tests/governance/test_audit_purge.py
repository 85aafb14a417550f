"""The audit log's one deletion path (ADR 0016): on PostgreSQL the trigger still refuses a
plain DELETE and every UPDATE, lets the retention service remove old entries, and keeps
entries younger than 30 days even from it. On SQLite the service removes the same rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from peerassist.audit.models import ActorKind, AuditEntry, Channel
from peerassist.audit.retention import audit_entries_purge
from tests.conftest import using_postgres

pytestmark = pytest.mark.django_db


def entry(days_ago: int, organisation_id: int | None = 1, kind: str = "x") -> AuditEntry:
    return AuditEntry.objects.create(
        at=timezone.now() - timedelta(days=days_ago),
        organisation_id=organisation_id,
        actor_kind=ActorKind.SYSTEM,
        channel=Channel.COMMAND,
        kind=kind,
    )


def test_the_purge_removes_only_the_organisations_old_entries() -> None:
    old, recent, elsewhere = entry(400), entry(5), entry(400, organisation_id=2)
    removed = audit_entries_purge(organisation_id=1, before=timezone.now() - timedelta(days=365))
    assert removed == 1
    assert set(AuditEntry.objects.values_list("pk", flat=True)) == {recent.pk, elsewhere.pk}
    assert old.pk not in set(AuditEntry.objects.values_list("pk", flat=True))


def test_postgresql_refuses_a_plain_delete_and_any_update_of_old_entries() -> None:
    if not using_postgres():
        pytest.skip("the trigger is PostgreSQL's; SQLite runs the same code without it")
    old = entry(400)
    for attempt in (
        lambda: AuditEntry.objects.filter(pk=old.pk).delete(),
        lambda: AuditEntry.objects.filter(pk=old.pk).update(kind="changed"),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    # Even with the retention setting on, UPDATE stays refused.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('peerassist.audit_purge', 'on', true)")
        AuditEntry.objects.filter(pk=old.pk).update(kind="changed")
    assert AuditEntry.objects.get(pk=old.pk).kind == "x"


def test_postgresql_keeps_recent_entries_even_with_the_setting_on() -> None:
    if not using_postgres():
        pytest.skip("the trigger is PostgreSQL's")
    recent = entry(10)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('peerassist.audit_purge', 'on', true)")
        AuditEntry.objects.filter(pk=recent.pk).delete()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()


def test_the_service_never_asks_for_entries_younger_than_the_floor() -> None:
    """Asked to purge everything, it removes only what the trigger allows (no error)."""
    recent, old = entry(29), entry(32)
    assert audit_entries_purge(organisation_id=1, before=timezone.now()) == 1
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


def test_the_setting_does_not_outlive_the_purge_transaction() -> None:
    """After the service, a DELETE in a new transaction is refused again."""
    if not using_postgres():
        pytest.skip("the trigger is PostgreSQL's")
    entry(400)
    audit_entries_purge(organisation_id=1, before=timezone.now() - timedelta(days=365))
    second = entry(400)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=second.pk).delete()
