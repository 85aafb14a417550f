"""A peer assist's version: the one counter every change anybody on the board can see moves.

Shared by the live board's and the analysis services, so both take versions the same way.
"""

from __future__ import annotations

from django.db import connection
from django.db.models.fields.mixins import FieldCacheMixin

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


def version_take_locking(assist: PeerAssist) -> int:
    """Lock the peer assist, re-read it in place and take its next version: one statement.

    A note written alone would otherwise lock and read the row, then take the version: two
    round trips on the one database thread where, on PostgreSQL, the trips rather than the
    work are a note's cost (ADR 0015). The version is taken before the caller's checks, so
    a caller whose write is then refused rolls back its transaction, which gives the version
    back, and must put ``assist.version`` back too (``version_give_back``).
    """
    quote = connection.ops.quote_name
    table = quote(PeerAssist._meta.db_table)
    columns = ", ".join(quote(f.column) for f in PeerAssist._meta.concrete_fields if f.column)
    found = list(
        PeerAssist.objects.raw(
            f"UPDATE {table} SET version = version + 1 WHERE id = %s RETURNING {columns}",  # noqa: S608
            [assist.pk],
        )
    )
    if not found:
        raise PeerAssist.DoesNotExist("The peer assist has gone.")
    _refresh_in_place(assist, found[0])
    return assist.version


def version_give_back(assist: PeerAssist) -> None:
    """Undo ``version_take_locking`` on the object when its transaction rolled back."""
    assist.version -= 1


def _refresh_in_place(assist: PeerAssist, fresh: PeerAssist) -> None:
    """What ``refresh_from_db`` does with a row it read: every field from ``fresh``, and no
    related object cached from before (it may have changed)."""
    assist._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    for field in PeerAssist._meta.concrete_fields:
        setattr(assist, field.attname, getattr(fresh, field.attname))
        if isinstance(field, FieldCacheMixin) and field.is_cached(assist):
            field.delete_cached_value(assist)
    for related in PeerAssist._meta.related_objects:
        if related.is_cached(assist):
            related.delete_cached_value(assist)
