"""The live board's WebSocket, through Channels' communicator against the real database."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.accounts.models import Guest, User
from peerassist.assists.live import services
from peerassist.assists.models import Participant, Phase, PresenceSeat
from peerassist.config.asgi import application
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def cookie_for(actor: User | Guest) -> str:
    if isinstance(actor, User):
        client = Client()
        client.force_login(actor)
        return client.cookies["sessionid"].value
    session = SessionStore()
    session[GUEST_SESSION_KEY] = actor.pk
    session.create()
    return str(session.session_key)


def communicator(assist_id: Any, session_key: str | None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    return WebsocketCommunicator(application, f"/ws/assists/{assist_id}/", headers=headers)


async def open_as(live: Live, who: str, assist_id: Any = None) -> WebsocketCommunicator:
    actor = getattr(live, who)
    key = await database_sync_to_async(cookie_for)(actor)
    comm = communicator(assist_id or live.assist.pk, key)
    connected, _ = await comm.connect(timeout=10)
    assert connected
    return comm


async def receive_until(
    comm: WebsocketCommunicator, kind: str, timeout: float = 10
) -> dict[str, Any]:
    """The next frame of this type, skipping others (presence chatter)."""
    async with asyncio.timeout(timeout):
        while True:
            frame = await comm.receive_json_from(timeout=timeout)
            if frame["type"] == kind:
                return frame


async def add_note(live: Live, who: str, **kw: Any) -> Any:
    return await database_sync_to_async(services.note_create)(
        actor=getattr(live, who),
        assist=live.assist,
        client_id=uuid.uuid4(),
        text=kw.pop("text", "Protect the time in the rota."),
        **kw,
    )


async def set_fields(live: Live, **fields: Any) -> None:
    await database_sync_to_async(live.set)(**fields)


@pytest.mark.parametrize(
    "who", ["facilitator", "host_lead", "note_taker", "visitor", "observer", "colleague"]
)
async def test_everyone_who_may_see_the_board_gets_hello(live: Live, who: str) -> None:
    """Participants, guests of this peer assist and colleagues connect and get hello."""
    comm = await open_as(live, who)
    hello = await comm.receive_json_from()
    assert hello["type"] == "hello"
    assert hello["version"] == 0
    await comm.disconnect()


@pytest.mark.parametrize("who", ["outsider", "other_guest", "nobody"])
async def test_strangers_are_closed_with_4404(live: Live, who: str, outsider: User) -> None:
    """Another organisation's user, another peer assist's guest, or nobody: closed 4404."""
    actor = {"outsider": outsider, "other_guest": live.other_guest, "nobody": None}[who]
    key = await database_sync_to_async(cookie_for)(actor) if actor else None
    comm = communicator(live.assist.pk, key)
    connected, _ = await comm.connect(timeout=10)
    assert connected
    closed = await comm.receive_output(timeout=10)
    assert closed == {"type": "websocket.close", "code": 4404}


@pytest.mark.parametrize("forged", ["999999", "abc", "0", "-1", "1e9"])
async def test_forged_assist_ids_are_closed_with_4404(live: Live, forged: str) -> None:
    """Made-up ids get the same 4404 as somebody else's peer assist."""
    key = await database_sync_to_async(cookie_for)(live.facilitator)
    comm = communicator(forged, key)
    await comm.connect(timeout=10)
    assert await comm.receive_output(timeout=10) == {"type": "websocket.close", "code": 4404}


async def test_a_note_reaches_every_socket_with_its_version(live: Live) -> None:
    """A committed note is pushed to everyone as note.created with the version it made."""
    await set_fields(live, phase=Phase.ASK)
    host = await open_as(live, "host_lead")
    visitor = await open_as(live, "visitor2")
    await add_note(live, "visitor", learning_need_id=live.needs[0].pk)
    for comm in (host, visitor):
        event = await receive_until(comm, "note.created")
        assert event["version"] == 1
        assert event["note"]["text"] == "Protect the time in the rota."
        assert event["note"]["mine"] is False
        assert "_private" not in event
    await host.disconnect()
    await visitor.disconnect()


async def test_nothing_is_pushed_for_a_refused_write(live: Live) -> None:
    """A visitor's note in analyse is refused, and nobody is told anything."""
    await set_fields(live, phase=Phase.ANALYSE)
    host = await open_as(live, "host_lead")
    await receive_until(host, "hello")
    with pytest.raises(Exception, match="host team analyses"):
        await add_note(live, "visitor")
    while not await host.receive_nothing(timeout=0.3):
        frame = await host.receive_json_from()
        assert frame["type"] == "presence.changed"
    await host.disconnect()


async def test_private_writing_withholds_other_peoples_notes(live: Live) -> None:
    """Under private writing others get a placeholder; author and facilitator get the text."""
    await set_fields(live, phase=Phase.ASK, private_writing=True)
    author = await open_as(live, "visitor")
    other = await open_as(live, "visitor2")
    facilitator = await open_as(live, "facilitator")
    await add_note(live, "visitor", text="My secret idea")
    assert (await receive_until(author, "note.created"))["note"]["text"] == "My secret idea"
    assert (await receive_until(facilitator, "note.created"))["note"]["text"] == "My secret idea"
    withheld = (await receive_until(other, "note.created"))["note"]
    assert withheld.get("withheld") is True
    assert "text" not in withheld
    for comm in (author, other, facilitator):
        await comm.disconnect()


async def test_anonymous_notes_carry_no_names_for_others(live: Live) -> None:
    """In anonymous mode other people see the note without its author."""
    await set_fields(live, phase=Phase.ASK, anonymous=True)
    other = await open_as(live, "host_member")
    await add_note(live, "visitor")
    note = (await receive_until(other, "note.created"))["note"]
    assert note["author"] is None
    assert note["anonymous"] is True
    await other.disconnect()


async def test_phase_change_is_pushed_to_everyone(live: Live) -> None:
    """The facilitator's move reaches every socket as phase.changed."""
    visitor = await open_as(live, "visitor")
    await database_sync_to_async(services.phase_set)(
        actor=live.facilitator, assist=live.assist, to_phase=Phase.TELL
    )
    event = await receive_until(visitor, "phase.changed")
    assert (event["phase"], event["from_phase"], event["version"]) == ("tell", "welcome", 1)
    assert event["status"] == "live"
    await visitor.disconnect()


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[1, 2]",
        '"ping"',
        '{"type": "note.create", "text": "sneaky"}',
        '{"no": "type"}',
        '{"type": "typing", "active": "yes"}',
        '{"type": "presence", "done": "maybe"}',
        "x" * 5000,
    ],
)
async def test_malformed_frames_get_an_error_and_the_socket_stays_open(
    live: Live, frame: str
) -> None:
    """A bad frame is answered with an error frame; a ping afterwards still works."""
    comm = await open_as(live, "visitor")
    await receive_until(comm, "hello")
    await comm.send_to(text_data=frame)
    error = await receive_until(comm, "error")
    assert error["code"] in {"bad_frame", "invalid"}
    assert error["detail"]
    await comm.send_json_to({"type": "ping"})
    assert (await receive_until(comm, "pong"))["version"] == 0
    await comm.disconnect()


async def test_binary_frames_are_refused_politely(live: Live) -> None:
    """Binary frames get an error frame too."""
    comm = await open_as(live, "visitor")
    await comm.send_to(bytes_data=b"\x00\x01")
    assert (await receive_until(comm, "error"))["code"] == "bad_frame"
    await comm.disconnect()


async def presence_until(comm: WebsocketCommunicator, check: Any) -> dict[str, Any]:
    """Presence frames until one satisfies ``check`` (earlier ones may still be in flight)."""
    while True:
        frame = await receive_until(comm, "presence.changed")
        if check(frame["presence"]):
            return dict(frame["presence"])


async def test_presence_shows_who_is_here_done_and_typing(live: Live) -> None:
    """Opening the board takes a seat; done and typing are shared; leaving frees the seat."""
    host = await open_as(live, "host_lead")
    await receive_until(host, "hello")
    visitor = await open_as(live, "visitor")
    await presence_until(host, lambda p: {h["role"] for h in p["here"]} == {"host_lead", "visitor"})
    await visitor.send_json_to({"type": "presence", "done": True})
    await presence_until(
        host, lambda p: [h["done"] for h in p["here"] if h["role"] == "visitor"] == [True]
    )
    await visitor.send_json_to({"type": "typing", "active": True})
    await presence_until(host, lambda p: p["typing"] == 1)
    await visitor.disconnect()
    await presence_until(host, lambda p: [h["role"] for h in p["here"]] == ["host_lead"])
    assert await database_sync_to_async(PresenceSeat.objects.count)() == 1
    await host.disconnect()
    assert await database_sync_to_async(PresenceSeat.objects.count)() == 0


async def test_colleague_without_a_role_cannot_say_done(live: Live) -> None:
    """Only participants have an "I'm done" flag; a watcher gets an error frame."""
    comm = await open_as(live, "colleague")
    await receive_until(comm, "hello")
    await comm.send_to(text_data=json.dumps({"type": "presence", "done": True}))
    assert (await receive_until(comm, "error"))["code"] == "not_participant"
    done = await database_sync_to_async(lambda: list(Participant.objects.filter(is_done=True)))()
    assert done == []
    await comm.disconnect()


async def _push(assist_id: int, version: int) -> None:
    from channels.layers import get_channel_layer

    from peerassist.core.broadcast import assist_group

    event = {"type": "phase.changed", "version": version, "phase": "ask"}
    await get_channel_layer().group_send(
        assist_group(assist_id),
        {"type": "assist.event", "event": event, "context": {"private_writing": False}},
    )


async def test_events_that_overtake_each_other_arrive_in_version_order(live: Live) -> None:
    """Broadcasts leave from different threads and processes; a socket still gets them in
    version order, so the client sees no false gap and does not fetch the board again."""
    comm = await open_as(live, "visitor")
    hello = await receive_until(comm, "hello")
    base = hello["version"]
    await _push(live.assist.pk, base + 2)
    await _push(live.assist.pk, base + 3)
    await _push(live.assist.pk, base + 1)
    versions = [(await receive_until(comm, "phase.changed"))["version"] for _ in range(3)]
    assert versions == [base + 1, base + 2, base + 3]
    await comm.disconnect()


async def test_an_event_whose_predecessor_never_comes_is_sent_after_a_short_wait(
    live: Live,
) -> None:
    """A version that is never broadcast (a lost message) holds the next one back only
    briefly; the client's gap detection then fetches what is missing."""
    from peerassist.assists.live.consumers import REORDER_WAIT

    comm = await open_as(live, "visitor")
    hello = await receive_until(comm, "hello")
    await _push(live.assist.pk, hello["version"] + 2)
    with pytest.raises(TimeoutError):  # held back for a moment...
        await receive_until(comm, "phase.changed", timeout=REORDER_WAIT / 2)
    late = await receive_until(comm, "phase.changed", timeout=5)  # ...then sent
    assert late["version"] == hello["version"] + 2
    await _push(live.assist.pk, hello["version"] + 3)
    after = await receive_until(comm, "phase.changed", timeout=5)
    assert after["version"] == hello["version"] + 3
    await comm.disconnect()
