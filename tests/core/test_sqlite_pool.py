"""The SQLite backend's connection pool: reuse, clean hand-over, and never the wrong file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection as default_connection

from peerassist.core.sqlite.base import DatabaseWrapper, pool


def wrapper(path: Path, **options: Any) -> DatabaseWrapper:
    settings = {
        **default_connection.settings_dict,
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", **options},
        "TEST": {},
    }
    return DatabaseWrapper(settings, alias="pool-test")


@pytest.fixture(autouse=True)
def empty_pool(django_db_blocker: Any) -> Iterator[None]:
    """Scratch databases of our own (not the test database), and an empty pool each time."""
    pool.drain()
    with django_db_blocker.unblock():
        yield
    pool.drain()


def raw(db: DatabaseWrapper) -> sqlite3.Connection:
    db.ensure_connection()
    assert db.connection is not None
    return db.connection  # type: ignore[no-any-return]


def test_a_closed_connection_serves_the_next_request(tmp_path: Path) -> None:
    """Closing lends the open connection to the next connect: no new connection, same data."""
    first = wrapper(tmp_path / "a.sqlite3")
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x integer)")
        cursor.execute("INSERT INTO t VALUES (1)")
    lent = raw(first)
    first.close()
    second = wrapper(tmp_path / "a.sqlite3")
    assert raw(second) is lent
    with second.cursor() as cursor:
        cursor.execute("SELECT x FROM t")
        assert cursor.fetchall() == [(1,)]
    second.close()


def test_an_unfinished_transaction_is_rolled_back_before_reuse(tmp_path: Path) -> None:
    """A connection closed inside a transaction comes back empty-handed and in autocommit."""
    setup = wrapper(tmp_path / "b.sqlite3")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x integer)")
    setup.close()
    broken = wrapper(tmp_path / "b.sqlite3")
    conn = raw(broken)
    conn.isolation_level = ""  # as Django's atomic() leaves it
    conn.execute("INSERT INTO t VALUES (2)")
    assert conn.in_transaction
    broken.close()  # e.g. a request that died half-way
    reused = wrapper(tmp_path / "b.sqlite3")
    assert raw(reused) is conn
    assert not conn.in_transaction
    with reused.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (0,)
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone() == (1,)
    reused.close()


def test_a_recreated_database_never_gets_a_connection_to_the_old_file(tmp_path: Path) -> None:
    """Tests delete and re-create databases under one name: the pool notices the new file."""
    path = tmp_path / "c.sqlite3"
    old = wrapper(path)
    with old.cursor() as cursor:
        cursor.execute("CREATE TABLE old_only (x integer)")
    old_conn = raw(old)
    old.close()
    path.unlink()
    sqlite3.connect(path).execute("CREATE TABLE new_only (x integer)").connection.close()
    fresh = wrapper(path)
    assert raw(fresh) is not old_conn
    with fresh.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        assert [row[0] for row in cursor.fetchall()] == ["new_only"]
    fresh.close()


def test_the_pool_keeps_at_most_pool_size_and_can_be_turned_off(tmp_path: Path) -> None:
    """Beyond pool_size, closing really closes; pool_size 0 never pools."""
    path = tmp_path / "d.sqlite3"
    many = [wrapper(path, pool_size=2) for _ in range(4)]
    conns = [raw(db) for db in many]
    for db in many:
        db.close()
    again = [wrapper(path, pool_size=2) for _ in range(3)]
    reused = [raw(db) for db in again]
    assert sum(1 for c in reused if any(c is old for old in conns)) == 2
    for db in again:
        db.close()
    pool.drain()
    off = wrapper(path, pool_size=0)
    conn = raw(off)
    off.close()
    assert raw(wrapper(path, pool_size=0)) is not conn
