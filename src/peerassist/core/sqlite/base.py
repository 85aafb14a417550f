"""Django's SQLite backend, keeping closed connections open for the next request.

Django opens a database connection per request and closes it at the end (ASGI leaves no
other choice: persistent connections are per thread and per context). On SQLite, a new
connection re-reads the whole schema the first time it is used: with this project's 100-odd
tables and indexes that is about 0.85 ms, plus the close, on every request, about a quarter
of a note POST's CPU in the profile. PostgreSQL has Django's own pool for this; this is the
same idea for SQLite: ``close()`` hands the connection, rolled back and in autocommit, to a
process-wide pool, and the next ``connect()`` takes it back.

A pooled connection is reused only for the same file: the pool remembers the file's inode,
so a database deleted and created again under the same name (as tests do) never gets a
connection to the old one. ``OPTIONS["pool_size"]`` sets how many are kept (0 turns it off).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from typing import Any

from django.db.backends.sqlite3 import base

DEFAULT_POOL_SIZE = 8


class _Pool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[str, list[tuple[int, sqlite3.Connection]]] = {}

    def take(self, name: str) -> sqlite3.Connection | None:
        inode = _inode(name)
        with self._lock:
            idle = self._idle.get(name, [])
            while idle:
                held_inode, conn = idle.pop()
                if held_inode == inode:
                    return conn
                conn.close()  # its file was replaced
        return None

    def give(self, name: str, conn: sqlite3.Connection, size: int) -> bool:
        inode = _inode(name)
        if inode is None:
            return False
        with self._lock:
            idle = self._idle.setdefault(name, [])
            if len(idle) >= size:
                return False
            idle.append((inode, conn))
        return True

    def drain(self) -> None:
        with self._lock:
            for idle in self._idle.values():
                for _, conn in idle:
                    conn.close()
            self._idle.clear()


def _inode(name: str) -> int | None:
    try:
        return os.stat(name).st_ino
    except OSError:
        return None


pool = _Pool()


class DatabaseWrapper(base.DatabaseWrapper):
    pool_size = DEFAULT_POOL_SIZE  # until get_connection_params reads OPTIONS

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        self.pool_size = int(params.pop("pool_size", DEFAULT_POOL_SIZE))
        return params

    def _pool_key(self) -> str | None:
        if self.pool_size <= 0 or self.is_in_memory_db():
            return None
        return str(self.settings_dict["NAME"])

    def get_new_connection(self, conn_params: dict[str, Any]) -> sqlite3.Connection:
        key = self._pool_key()
        conn = pool.take(key) if key else None
        if conn is not None:
            return conn
        return super().get_new_connection(conn_params)

    def _close(self) -> None:
        conn = self.connection
        key = self._pool_key() if conn is not None else None
        if conn is not None and key is not None:
            try:
                if conn.in_transaction:
                    conn.rollback()
                conn.isolation_level = None  # autocommit, as Django's connect() leaves it
                # Schema migrations turn this off for a while; never lend it out that way.
                conn.execute("PRAGMA foreign_keys = ON")
            except sqlite3.Error:
                pass  # broken: close it below
            else:
                if pool.give(key, conn, self.pool_size):
                    return
        super()._close()  # type: ignore[misc]  # defined on BaseDatabaseWrapper, untyped
