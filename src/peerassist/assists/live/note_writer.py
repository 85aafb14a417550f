"""Notes written over a board's sockets, committed together: one transaction per batch.

Written one at a time, every ``note.add`` took its own trip to the one database thread,
its own commit, and then held that thread until the loop had taken its broadcast
(``async_to_sync``). At 100 notes a second the loop was busy writing pushes, so each of those
hand-overs waited on it, and the thread fell seconds behind (docs/deployment.md).

Here the notes of a board that arrive while a batch is being written wait for the next
one; a batch is one trip to the database thread and one transaction, written by
``notes_create_batch`` (one locked read of the board, one insert for the notes, one for their
audit entries). A note refused by a check is answered alone; should the database refuse the
batch (a constraint, a character it cannot store), it is written again one note at a time,
each ``note_create`` in its own savepoint, so that only that note fails. Events are taken
from the commit (``collect_broadcasts``) and sent from the loop, after the commit and before
the acks, the same order a single write had. When nothing is queued a note goes at once,
through ``note_create`` as a POST would: the batch is simply whatever came in meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from asgiref.sync import sync_to_async
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction

from peerassist.assists.live.fanout import BATCH
from peerassist.assists.live.note_batch import (
    NoteOutcome,
    NoteRequest,
    note_alone,
    notes_create_batch,
)
from peerassist.assists.live.per_board import PerBoard
from peerassist.core.broadcast import collect_broadcasts

log = logging.getLogger(__name__)

BATCH_MAX = 64  # notes in one transaction: bounds how long the board's lock is held

Respond = Callable[[NoteOutcome], dict[str, Any]]  # the socket's answer frame for an outcome
LOST = NoteOutcome(error=OperationalError("the batch's transaction was lost"))
Batch = tuple[list[dict[str, Any]], list[tuple[str, Any]]]  # the answers, then the events


@dataclass
class _Queued:
    request: NoteRequest
    respond: Respond
    answer: asyncio.Future[dict[str, Any]] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class BoardNoteWriter:
    """The notes queued for one board in this process, and the task that writes them."""

    def __init__(self, layer: Any, assist_id: int, loop: asyncio.AbstractEventLoop) -> None:
        self.layer = layer
        self.assist_id = assist_id
        self.loop = loop
        self.queued: list[_Queued] = []
        self.task: asyncio.Task[None] | None = None

    async def write(self, request: NoteRequest, respond: Respond) -> dict[str, Any]:
        """Queue one note and wait for its answer frame (``note.ack`` or ``note.refused``)."""
        queued = _Queued(request, respond)
        self.queued.append(queued)
        if self.task is None or self.task.done():
            self.task = self.loop.create_task(self._drain())
        return await asyncio.shield(queued.answer)

    async def _drain(self) -> None:
        while self.queued:
            batch, self.queued = self.queued[:BATCH_MAX], self.queued[BATCH_MAX:]
            try:
                answers, sent = await _write_on_database_thread(self.assist_id, batch)
            except Exception:
                log.exception("A batch of %s notes failed", len(batch))
                answers, sent = [each.respond(LOST) for each in batch], []
            for group, message in _one_message_per_group(sent):
                try:
                    await self.layer.group_send(group, message)
                except Exception:
                    # At most once (core/broadcast.py): clients see the gap and catch up.
                    log.warning("Broadcast to %s failed; clients will resync", group, exc_info=True)
            for each, answer in zip(batch, answers, strict=True):
                if not each.answer.done():
                    each.answer.set_result(answer)
        # Nothing queued: forget the board until its next note (no await since the check).
        _WRITERS.forget(self)


IDLE_RECONNECT_S = 30.0  # a connection unused this long is checked out afresh


def _keeping_connection(
    write: Callable[[int, list[_Queued]], Batch],
) -> Callable[[int, list[_Queued]], Batch]:
    """``write`` on the database thread, keeping its connection open for the next batch.

    ``database_sync_to_async`` gives the connection back to the pool after every call and
    takes one before the next, and the pool checks each connection it hands out: a round
    trip and a reconnect for every batch, about a tenth of the thread's time on a busy
    board. Here the connection stays open from one batch to the next while the board is
    busy; one that failed, or that sat unused long enough for the server or a proxy to
    drop it, is given back first, so the next batch starts on a checked connection.
    """
    last_used = 0.0

    def run(assist_id: int, batch: list[_Queued]) -> Batch:
        nonlocal last_used
        if time.monotonic() - last_used > IDLE_RECONNECT_S:
            connection.close_if_unusable_or_obsolete()
        try:
            return write(assist_id, batch)
        finally:
            last_used = time.monotonic()
            if connection.errors_occurred or connection.needs_rollback:
                connection.close()

    return run


def _one_message_per_group(sent: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """A batch's events, one channel-layer message per group (``fanout.BATCH``): one
    publish and one decode per process on Redis, and the events stay in version order
    across processes, which separate publishes from two writers could interleave."""
    by_group: dict[str, list[Any]] = {}
    for group, message in sent:
        by_group.setdefault(group, []).append(message)
    return [
        (group, messages[0] if len(messages) == 1 else {"type": BATCH, "messages": messages})
        for group, messages in by_group.items()
    ]


def _write_batch(assist_id: int, batch: list[_Queued]) -> Batch:
    """Every note of the batch in one transaction; answers in order, and what to broadcast."""
    if len(batch) == 1:
        # Alone, the note is written as a POST would write it.
        with collect_broadcasts() as sent:
            return [batch[0].respond(note_alone(batch[0].request))], sent
    try:
        with collect_broadcasts() as sent:
            outcomes = notes_create_batch(assist_id, [each.request for each in batch])
    except (OperationalError, InterfaceError):
        # The database went away: nothing of the batch was saved or broadcast.
        return [each.respond(LOST) for each in batch], []
    except DatabaseError:
        # Refused by the database itself (checks passed): one at a time, so only the note
        # the database refuses fails.
        log.warning("A batch of %s notes was refused; writing them one by one", len(batch))
        return _write_each(batch)
    return [each.respond(o) for each, o in zip(batch, outcomes, strict=True)], sent


def _write_each(batch: list[_Queued]) -> Batch:
    """The batch in one transaction, each note ``note_create`` in its own savepoint."""
    try:
        with collect_broadcasts() as sent, transaction.atomic():
            outcomes = [note_alone(each.request) for each in batch]
            used = transaction.get_connection()
            if used.needs_rollback or used.closed_in_transaction:
                # A savepoint could not be rolled back (the database went away mid-batch):
                # the whole batch is rolled back, so no note of it may be acknowledged.
                raise OperationalError("the batch's transaction was lost")
    except (OperationalError, InterfaceError):
        return [each.respond(LOST) for each in batch], []
    return [each.respond(o) for each, o in zip(batch, outcomes, strict=True)], sent


_write_on_database_thread = sync_to_async(_keeping_connection(_write_batch), thread_sensitive=True)
_WRITERS: PerBoard[BoardNoteWriter] = PerBoard(BoardNoteWriter)


def board_note_writer(layer: Any, assist_id: int) -> BoardNoteWriter:
    """This process's note writer for the board (made on first use, per event loop)."""
    return _WRITERS.get(layer, assist_id)
