"""Notes that arrive together over the board's sockets are written together (one
transaction, one insert for the notes and one for their audit entries), yet each is
answered, refused, audited and pushed as if it had come alone; and no note of a batch that
did not commit is acknowledged."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import DataError, connection
from django.db.models.signals import post_save

from peerassist.assists.live.note_batch import NoteOutcome, NoteRequest
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


def respond(outcome: NoteOutcome) -> dict[str, Any]:
    """A socket's answer, reduced to what these tests look at."""
    error = outcome.error
    if isinstance(error, DomainError):
        return {"type": "note.refused", "status": error.status, "code": error.code}
    if error is not None:
        return {"type": "note.refused", "status": 503, "error": type(error).__name__}
    assert outcome.note is not None
    return {
        "type": "note.ack",
        "status": 201 if outcome.created else 200,
        "version": outcome.version,
        "note_id": outcome.note.pk,
    }


def note_write(
    live: Live, who: str, text: str, client_id: uuid.UUID | None = None, **fields: Any
) -> tuple[NoteRequest, Any]:
    """What a socket queues: its request, and how it answers."""
    actor = getattr(live, who)
    participant = live.people[who]
    request = NoteRequest(
        actor=actor,
        assist=live.assist,
        participant=participant,
        client_id=client_id or uuid.uuid4(),
        text=text,
        **fields,
    )
    return request, respond


async def queue(live: Live, *writes: tuple[str, str]) -> list[dict[str, Any]]:
    board = BoardNoteWriter(get_channel_layer(), live.assist.pk, asyncio.get_running_loop())
    requests = [await database_sync_to_async(note_write)(live, who, text) for who, text in writes]
    return list(await asyncio.gather(*(board.write(*each) for each in requests)))


async def test_notes_queued_together_are_one_transaction_and_a_refused_one_is_answered_alone(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    statements = AllThreads(monkeypatch)
    statements.on = True
    answers = await queue(
        live,
        ("visitor", "First"),
        ("visitor2", "   "),  # nothing to say: refused
        ("host_member", "Third"),
    )
    statements.on = False
    assert [a["status"] for a in answers] == [201, 400, 201]
    assert answers[1]["type"] == "note.refused"
    assert [answers[0]["version"], answers[2]["version"]] == [1, 2]
    texts = await database_sync_to_async(
        lambda: list(Note.objects.order_by("version").values_list("text", flat=True))
    )()
    assert texts == ["First", "Third"]
    note_table, audit_table = Note._meta.db_table, AuditEntry._meta.db_table
    inserts = [s for s in statements.sql if s.upper().startswith("INSERT")]
    assert len([s for s in inserts if note_table in s]) == 1, "\n".join(statements.sql)
    assert len([s for s in inserts if audit_table in s]) == 1, "\n".join(statements.sql)
    assert not [s for s in statements.sql if s.upper().startswith("SAVEPOINT")]
    await finish()


async def test_a_batch_costs_the_same_statements_however_many_notes_it_holds(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The round trips to the database are the limit on PostgreSQL: a batch of eight
    notes takes as many statements as a batch of two."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    statements = AllThreads(monkeypatch)
    counts = []
    for size in (2, 8):
        statements.sql.clear()
        statements.on = True
        answers = await queue(live, *[("visitor", f"Note {size}-{i}") for i in range(size)])
        statements.on = False
        assert {a["status"] for a in answers} == {201}
        counts.append(len(statements.sql))
    assert counts[0] == counts[1], counts
    await finish()


async def test_a_retried_note_in_a_batch_is_one_note_and_another_persons_id_is_refused(
    live: Live,
) -> None:
    """The same client id sent twice (a retry racing its first send), once more after it
    was saved, and by somebody else: one note, answered 201 then 200, and a 409."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    board = BoardNoteWriter(get_channel_layer(), live.assist.pk, asyncio.get_running_loop())
    cid = uuid.uuid4()
    make = database_sync_to_async(note_write)
    first = await asyncio.gather(
        board.write(*await make(live, "visitor", "Mine", cid)),
        board.write(*await make(live, "visitor", "Mine", cid)),
        board.write(*await make(live, "host_member", "Also mine?", cid)),
        board.write(*await make(live, "host_member", "Another")),
    )
    assert [a["status"] for a in first] == [201, 200, 409, 201]
    assert first[0]["note_id"] == first[1]["note_id"]
    assert first[0]["version"] == first[1]["version"] == 1
    assert first[3]["version"] == 2
    again = await asyncio.gather(
        board.write(*await make(live, "visitor", "Mine", cid)),
        board.write(*await make(live, "visitor2", "Third")),
    )
    assert [a["status"] for a in again] == [200, 201]
    assert again[0]["note_id"] == first[0]["note_id"]
    assert again[0]["version"] == 2  # the committed version, as a lone retry answers
    assert await database_sync_to_async(Note.objects.count)() == 3
    await finish()


async def test_a_batch_checks_each_note_against_the_board(live: Live) -> None:
    """Columns, speakers and the patient-data guard work in a batch as they do alone."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    need = live.needs[0].pk
    make = database_sync_to_async(note_write)
    board = BoardNoteWriter(get_channel_layer(), live.assist.pk, asyncio.get_running_loop())
    answers = await asyncio.gather(
        board.write(*await make(live, "visitor", "In a column", learning_need_id=need)),
        board.write(*await make(live, "visitor", "Nowhere", learning_need_id=need + 999)),
        board.write(*await make(live, "visitor", "Ring 07700 900123 about it")),
        board.write(
            *await make(live, "visitor2", "Ring 07700 900456 about it", confirm_sensitive=True)
        ),
    )
    assert [a["status"] for a in answers] == [201, 400, 409, 201]
    saved = await database_sync_to_async(
        lambda: {n.text: (n.learning_need_id, n.held_at is not None) for n in Note.objects.all()}
    )()
    assert saved == {"In a column": (need, False), "Ring 07700 900456 about it": (None, True)}
    await finish()


@contextmanager
def on_note_saved(text: str, then: Any) -> Iterator[None]:
    """Fault injection: ``then()`` runs when the note with ``text`` is saved."""

    def receiver(sender: Any, instance: Note, **kwargs: Any) -> None:
        if instance.text == text:
            then()

    post_save.connect(receiver, sender=Note, dispatch_uid="test-fault", weak=False)
    try:
        yield
    finally:
        post_save.disconnect(sender=Note, dispatch_uid="test-fault")


async def test_no_note_of_a_batch_whose_transaction_was_lost_is_acknowledged(
    live: Live,
) -> None:
    """The connection goes mid-batch: the notes already written in it were rolled back,
    so every note of the batch is answered 503 (try again), none acknowledged; the writer
    keeps its connection between batches, so the next batch must connect afresh."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    with on_note_saved("Lost", lambda: connection.close()):  # the writing thread's
        answers = await queue(live, ("visitor", "Written, then lost"), ("visitor2", "Lost"))
    assert [a["status"] for a in answers] == [503, 503], answers
    assert await database_sync_to_async(Note.objects.count)() == 0
    again = await queue(live, ("visitor", "Sent again"), ("visitor2", "Lost, sent again"))
    assert [a["status"] for a in again] == [201, 201], again
    assert await database_sync_to_async(Note.objects.count)() == 2
    await finish()


async def test_a_note_the_database_refuses_fails_alone(live: Live) -> None:
    """Checks passed, the database said no: the batch is written again note by note, so
    only that note is refused and the others are saved."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)

    def refuse() -> None:
        raise DataError("value cannot be stored")

    with on_note_saved("Unstorable", refuse):
        answers = await queue(
            live, ("visitor", "Kept"), ("visitor2", "Unstorable"), ("host_member", "Kept too")
        )
    assert [a["status"] for a in answers] == [201, 503, 201]
    texts = await database_sync_to_async(
        lambda: sorted(Note.objects.values_list("text", flat=True))
    )()
    assert texts == ["Kept", "Kept too"]
    await finish()


async def test_each_note_of_a_batch_is_audited_as_its_own_writer(live: Live) -> None:
    """Each note runs in its own socket's context: the audit names who wrote it."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    board = BoardNoteWriter(get_channel_layer(), live.assist.pk, asyncio.get_running_loop())

    async def as_socket(who: str, text: str) -> dict[str, Any]:
        with audit_as(channel=Channel.SOCKET, actor=getattr(live, who), ip_address="10.0.0.9"):
            return await board.write(*await database_sync_to_async(note_write)(live, who, text))

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
