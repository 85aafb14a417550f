"""Removing old audit entries: the one deletion the append-only log allows (ADR 0016).

On PostgreSQL the table's trigger refuses every UPDATE, and every DELETE unless the
transaction-local setting ``peerassist.audit_purge`` is ``on`` *and* the row is older than
``PURGE_FLOOR_DAYS`` (migration 0003). Only ``audit_entries_purge`` sets it, inside its own
transaction, so a stray ``DELETE`` anywhere else (a shell, a bug, a migration) still fails,
and even this function cannot remove last month's entries. SQLite has no trigger: there the
code is the only writer, and it only appends or calls this.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from peerassist.audit.models import AuditEntry

PURGE_FLOOR_DAYS = 30  # the trigger keeps entries younger than this whatever the setting


def audit_entries_purge(*, organisation_id: int | None, before: datetime) -> int:
    """Delete the organisation's entries made before ``before`` (``None``: entries that
    belong to no organisation). Returns how many went.

    ``before`` is held back to the trigger's floor plus an hour, so a clock a little apart
    from the database's never makes the trigger refuse (and roll back) a whole run.
    """
    before = min(before, timezone.now() - timedelta(days=PURGE_FLOOR_DAYS, hours=1))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('peerassist.audit_purge', 'on', true)")
        where = (
            Q(organisation_id__isnull=True)
            if organisation_id is None
            else Q(organisation_id=organisation_id)
        )
        deleted, _ = AuditEntry.objects.filter(where, at__lt=before).delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('peerassist.audit_purge', 'off', true)")
    return deleted
