"""A peer assist's version: the one counter every change anybody on the board can see moves.

Shared by the live board's and the analysis services, so both take versions the same way.
"""

from __future__ import annotations

from django.db import connection

from peerassist.assists.models import PeerAssist


def version_take(assist: PeerAssist, count: int = 1) -> int:
    """The next version (the last of the next ``count``, for a batch of writes), set on
    ``assist`` too; call only inside the transaction that holds the peer assist's lock, so
    concurrent writers never share one."""
    table = connection.ops.quote_name(PeerAssist._meta.db_table)
    with connection.cursor() as cursor:
        # One statement on SQLite (3.35+) and PostgreSQL alike, instead of update-then-read.
        cursor.execute(
            f"UPDATE {table} SET version = version + %s WHERE id = %s RETURNING version",  # noqa: S608
            [count, assist.pk],
        )
        (version,) = cursor.fetchone()
    assist.version = int(version)
    return assist.version
