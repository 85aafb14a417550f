"""Many writers at once: no "database is locked", no lost row (SQLite WAL + IMMEDIATE)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from peerassist.accounts.models import Organisation


@pytest.mark.django_db(transaction=True)
def test_eight_threads_writing_fifty_rows_each_lose_nothing() -> None:
    """8 threads × 50 transactions, all at once: every row is there and nothing failed."""
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(50):
                with transaction.atomic():
                    Organisation.objects.create(name=f"T{n}-{i}", slug=f"t{n}-{i}")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert Organisation.objects.filter(slug__startswith="t").count() == 400


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout() -> None:
    """The embedded database is configured for concurrent readers and queued writers."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only configuration check; PostgreSQL needs none")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
