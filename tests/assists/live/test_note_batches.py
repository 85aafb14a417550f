"""Notes that arrive together over the board's sockets are written together (one
transaction, a savepoint each), yet each is answered, refused, audited and pushed as if it
had come alone; and no note of a batch that did not commit is acknowledged."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connection

from peerassist.assists.live import services
from peerassist.assists.live.note_writer import BoardNoteWriter
from peerassist.assists.models import Note, Phase
from peerassist.audit.context import audit_as
from peerassist.audit.models import AuditEntry, Channel
from peerassist.core.errors import DomainError
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.assists.live.test_live_consumer import receive_until
from tests.assists.live.test_socket_writes import (
    AllThreads,
    body,
    finish,
    writer,
)

pytestmark = pytest.mark.django_db(transaction=True)


def note_write(live: Live, who: str, text: str) -> tuple[Any, Any]:
    """What a socket queues: its ``note_create`` call, and its 503 answer."""
    client_id = uuid.uuid4()

    def write() -> dict[str, Any]:
        try:
            note, created = services.note_create(
                actor=getattr(live, who), assist=live.assist, client_id=client_id, text=text
            )
        except DomainError as error:
            return {"type": "note.refused", "status": error.status, "code": error.code}
        return {"type": "note.ack", "status": 201 if created else 200, "version": note.version}

    def unavailable() -> dict[str, Any]:
        return {"type": "note.refused", "status": 503, "code": "database_unavailable"}

    return write, unavailable


async def test_notes_queued_together_are_one_transaction_and_a_refused_one_rolls_back_alone(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    board = BoardNoteWriter(get_channel_layer(), live.assist.pk, asyncio.get_running_loop())
    statements = AllThreads(monkeypatch)
    statements.on = True
    answers = await asyncio.gather(
        board.write(*note_write(live, "visitor", "First")),
        board.write(*note_write(live, "visitor2", "   ")),  # nothing to say: refused
        board.write(*note_write(live, "host_member", "Third")),
    )
    statements.on = False
    assert [a["status"] for a in answers] == [201, 400, 201]
    assert answers[1]["type"] == "note.refused"
    assert [answers[0]["version"], answers[2]["version"]] == [1, 2]
    texts = await database_sync_to_async(
        lambda: list(Note.objects.order_by("version").values_list("text", flat=True))
    )()
    assert texts == ["First", "Third"]
    # A note's savepoint exists only inside an outer transaction: the three were one (the
    # refused note takes a second savepoint, looking for an earlier note of its client id).
    savepoints = [s for s in statements.sql if s.upper().startswith("SAVEPOINT")]
    assert len(savepoints) == 4, "\n".join(statements.sql)
    await finish()


async def test_no_note_of_a_batch_whose_transaction_was_lost_is_acknowledged(
    live: Live,
) -> None:
    """The connection goes mid-batch: the notes already written in it were rolled back,
    so every note of the batch is answered 503 (try again), none acknowledged."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    board = BoardNoteWriter(get_channel_layer(), live.assist.pk, asyncio.get_running_loop())
    first, first_unavailable = note_write(live, "visitor", "Written, then lost")

    def drop_connection() -> dict[str, Any]:
        connection.close()  # as if the database went away
        return {"type": "note.ack", "status": 201, "version": 99}

    answers = await asyncio.gather(
        board.write(first, first_unavailable),
        board.write(drop_connection, first_unavailable),
    )
    assert [a["status"] for a in answers] == [503, 503]
    assert await database_sync_to_async(Note.objects.count)() == 0
    await finish()


async def test_each_note_of_a_batch_is_audited_as_its_own_writer(live: Live) -> None:
    """Each note runs in its own socket's context: the audit names who wrote it."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    board = BoardNoteWriter(get_channel_layer(), live.assist.pk, asyncio.get_running_loop())

    async def as_socket(who: str, text: str) -> dict[str, Any]:
        with audit_as(channel=Channel.SOCKET, actor=getattr(live, who), ip_address="10.0.0.9"):
            return await board.write(*note_write(live, who, text))

    await asyncio.gather(as_socket("visitor", "From the visitor"), as_socket("host_lead", "Lead"))
    entries = await database_sync_to_async(
        lambda: {
            (e.actor_guest_id, e.actor_user_id, e.channel)
            for e in AuditEntry.objects.filter(kind="note.created")
        }
    )()
    assert entries == {
        (live.visitor.pk, None, Channel.SOCKET),
        (None, live.host_lead.pk, Channel.SOCKET),
    }
    await finish()


async def test_many_sockets_writing_at_once_each_get_their_own_answer_and_every_push(
    live: Live,
) -> None:
    """Four writers send at the same moment (so the notes queue behind each other): each
    gets its own ack, the versions are one each, and a viewer is pushed all four in order."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    who = ["visitor", "visitor2", "host_member", "note_taker"]
    comms = [await writer(live, each) for each in who]
    viewer = await writer(live, "facilitator")
    payloads = [body(text=f"Note from {each}") for each in who]
    for comm, payload in zip(comms, payloads, strict=True):
        await comm.send_json_to({"type": "note.add", **payload})
    acks = [await receive_until(comm, "note.ack") for comm in comms]
    assert [a["client_id"] for a in acks] == [p["client_id"] for p in payloads]
    assert all(a["status"] == 201 for a in acks)
    assert sorted(a["version"] for a in acks) == [1, 2, 3, 4]
    pushed = [await receive_until(viewer, "note.created") for _ in who]
    assert [p["version"] for p in pushed] == [1, 2, 3, 4]
    assert {p["note"]["client_id"] for p in pushed} == {p["client_id"] for p in payloads}
    await finish(*comms, viewer)
