"""Notes written over the board's socket (``note.add``): the same service, answers and
refusals as ``POST …/notes``, one note per client id whichever way it came, and nothing for
anybody who may not write.

Every refusal case sends the same body both ways and compares the socket's ``note.refused``
with the HTTP answer, so the two paths cannot drift apart.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.db.backends.utils import CursorWrapper

from peerassist.accounts.models import User
from peerassist.assists.live import services
from peerassist.assists.live.consumers import MAX_FRAME
from peerassist.assists.models import Note, Phase, Status
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.assists.live.test_access_ends import as_host, closed_within_a_second
from tests.assists.live.test_live_consumer import (
    communicator,
    cookie_for,
    open_as,
    receive_until,
)
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db(transaction=True)

GUESTS = {"visitor", "visitor2", "observer", "other_guest"}


def body(**over: Any) -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "text": "Book protected time first.",
        "kind": "tip",
    } | over


def http_add(live: Live, who: str, payload: Any) -> Any:
    """``POST …/notes`` as ``who``, in a thread (the test runs on the event loop)."""

    def call() -> Any:
        api = ApiClient()
        api._csrf()
        actor = getattr(live, who)
        client = api.as_guest(actor) if who in GUESTS else api.login(actor)
        return client.post(f"/api/v1/assists/{live.assist.pk}/notes", payload)

    return database_sync_to_async(call)()


async def socket_add(
    comm: WebsocketCommunicator, payload: dict[str, Any], passed: list[Any] | None = None
) -> dict[str, Any]:
    """Send ``note.add`` and return its answer; the frames before it go to ``passed`` (the
    board's own ``note.created`` may come before or after the ack)."""
    await comm.send_json_to({"type": "note.add", **payload})
    while True:
        frame = await comm.receive_json_from(timeout=10)
        if frame["type"] in {"note.ack", "note.refused", "error"}:
            return frame
        if passed is not None:
            passed.append(frame)


async def only_presence(comm: WebsocketCommunicator) -> bool:
    """Nothing but presence chatter comes for a moment."""
    while not await comm.receive_nothing(timeout=0.3):
        if (await comm.receive_json_from())["type"] != "presence.changed":
            return False
    return True


async def writer(live: Live, who: str) -> WebsocketCommunicator:
    comm = await open_as(live, who)
    await receive_until(comm, "hello")
    return comm


async def notes() -> int:
    return await database_sync_to_async(Note.objects.count)()


async def finish(*comms: WebsocketCommunicator) -> None:
    for comm in comms:
        await comm.disconnect()
    # The sync thread's connection goes with the test, so PostgreSQL can drop its database.
    await database_sync_to_async(connections.close_all)()


async def test_a_note_sent_over_the_socket_is_acked_like_the_post_and_pushed_to_everyone(
    live: Live,
) -> None:
    """The writer gets note.ack with what the POST would answer (201, the note as they see
    it, the version); everyone, the writer included, gets note.created as usual."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    visitor = await writer(live, "visitor")
    host = await writer(live, "host_lead")
    payload = body(learning_need_id=live.needs[0].pk)
    passed: list[Any] = []
    ack = await socket_add(visitor, payload, passed)
    assert ack["type"] == "note.ack", ack
    assert ack["status"] == 201
    assert ack["client_id"] == payload["client_id"]
    assert ack["version"] == 1
    assert ack["note"]["text"] == "Book protected time first."
    assert ack["note"]["mine"] is True
    assert ack["note"]["learning_need_id"] == live.needs[0].pk
    pushed = await receive_until(host, "note.created")
    assert pushed["note"]["client_id"] == payload["client_id"]
    assert pushed["note"]["mine"] is False
    own = [f for f in passed if f["type"] == "note.created"]
    own = own or [await receive_until(visitor, "note.created")]
    assert own[0]["version"] == 1
    assert own[0]["note"]["mine"] is True
    # The POST of the same note (a retry by the other path) answers with the same body.
    again = await http_add(live, "visitor", payload)
    assert again.status_code == 200
    assert again.json() == {"note": ack["note"], "version": 1}
    await finish(visitor, host)


async def test_a_retried_note_is_one_note_whichever_path_each_try_took(live: Live) -> None:
    """POST first then the socket, the socket twice: one note each, answered 200 the second
    time, and no second push."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    visitor = await writer(live, "visitor")
    first = body()
    assert (await http_add(live, "visitor", first)).status_code == 201
    retry = await socket_add(visitor, first)
    assert (retry["type"], retry["status"], retry["version"]) == ("note.ack", 200, 1)
    second = body(text="A second note.")
    assert (await socket_add(visitor, second))["status"] == 201
    assert (await socket_add(visitor, second))["status"] == 200
    assert await notes() == 2
    await finish(visitor)


async def test_a_held_note_is_acked_to_its_writer_and_withheld_from_the_others(
    live: Live,
) -> None:
    """Flagged text the writer keeps is held for the facilitator, by the socket path too."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    visitor = await writer(live, "visitor")
    host = await writer(live, "host_lead")
    ack = await socket_add(
        visitor, body(text="Call me on 07700 900123 about it.", confirm_sensitive=True)
    )
    assert ack["type"] == "note.ack", ack
    assert ack["note"]["held"] is True
    assert ack["note"]["text"].startswith("Call me")  # the writer still sees it
    pushed = await receive_until(host, "note.created")
    assert pushed["note"].get("deleted") is True  # nobody else does
    assert "text" not in pushed["note"]
    await finish(visitor, host)


async def test_an_anonymous_board_hides_the_socket_writers_name_from_others(live: Live) -> None:
    await database_sync_to_async(live.set)(phase=Phase.ASK, anonymous=True)
    visitor = await writer(live, "visitor")
    host = await writer(live, "host_lead")
    ack = await socket_add(visitor, body())
    assert ack["note"]["anonymous"] is True
    assert ack["note"]["author"] is not None  # their own
    pushed = await receive_until(host, "note.created")
    assert pushed["note"]["author"] is None
    await finish(visitor, host)


def _taken_by_visitor2(live: Live, payload: dict[str, Any]) -> None:
    services.note_create(
        actor=live.visitor2,
        assist=live.assist,
        client_id=uuid.UUID(payload["client_id"]),
        text="Somebody else's note.",
    )


# (who, board fields, body changes, setup, status, code): the HTTP route's answer too.
REFUSALS: list[tuple[str, dict[str, Any], dict[str, Any], Callable[..., None] | None, int, str]] = [
    ("observer", {}, {}, None, 403, "read_only"),
    ("colleague", {}, {}, None, 403, "not_participant"),
    ("visitor", {"phase": Phase.ANALYSE}, {}, None, 403, "visitors_read_only"),
    ("visitor", {"locked": True}, {}, None, 403, "board_locked"),
    ("host_lead", {"status": Status.CLOSED}, {}, None, 403, "session_closed"),
    ("visitor", {}, {"spoken_by_id": "speaker"}, None, 403, "not_note_taker"),
    ("visitor", {}, {"text": "   "}, None, 400, "empty"),
    ("visitor", {}, {"text": "x" * 1001}, None, 400, "too_long"),
    ("visitor", {}, {"text": "x" * 20_001}, None, 400, "invalid"),
    ("visitor", {}, {"kind": "rumour"}, None, 400, "invalid_kind"),
    ("visitor", {}, {"learning_need_id": 999_999}, None, 400, "unknown_learning_need"),
    ("visitor", {}, {"client_id": "not-a-uuid"}, None, 400, "invalid"),
    ("visitor", {}, {"anonymous": "yes"}, None, 400, "invalid"),
    ("visitor", {}, {"text": ["a", "list"]}, None, 400, "invalid"),
    ("visitor", {}, {"text": "NHS number 943 476 5919"}, None, 409, "sensitive_data"),
    ("visitor", {}, {}, _taken_by_visitor2, 409, "client_id_taken"),
]


@pytest.mark.parametrize(("who", "fields", "over", "setup", "status", "code"), REFUSALS)
async def test_refusals_over_the_socket_are_the_posts_refusals(
    live: Live,
    who: str,
    fields: dict[str, Any],
    over: dict[str, Any],
    setup: Callable[..., None] | None,
    status: int,
    code: str,
) -> None:
    """Wrong role, closed or locked board, bad input, patient data, somebody else's client
    id: note.refused carries the status, code and detail the POST answers; nothing saved."""
    await database_sync_to_async(live.set)(**({"phase": Phase.ASK} | fields))
    if over.get("spoken_by_id") == "speaker":
        over = {"spoken_by_id": live.people["visitor2"].pk}
    payload = body(**over)
    if setup is not None:
        await database_sync_to_async(setup)(live, payload)
    before = await notes()
    comm = await writer(live, who)
    refused = await socket_add(comm, payload)
    answer = await http_add(live, who, payload)
    assert answer.status_code == status
    assert refused == {
        "type": "note.refused",
        "client_id": payload["client_id"] if isinstance(payload["client_id"], str) else None,
        "status": status,
        **answer.json(),
    }
    assert answer.json()["code"] == code
    assert await notes() == before
    assert await only_presence(comm)  # the socket stays open, and nothing is pushed
    await finish(comm)


@pytest.mark.parametrize("who", ["outsider", "other_guest"])
async def test_people_outside_the_peer_assist_never_get_a_socket_to_write_on(
    live: Live, outsider: User, who: str
) -> None:
    """Another organisation's user and another peer assist's guest are closed with 4404
    before any frame is read; the POST answers 404."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    actor = outsider if who == "outsider" else live.other_guest
    key = await database_sync_to_async(cookie_for)(actor)
    comm = communicator(live.assist.pk, key)
    await comm.connect(timeout=10)
    assert await comm.receive_output(timeout=10) == {"type": "websocket.close", "code": 4404}
    if who == "other_guest":
        assert (await http_add(live, who, body())).status_code == 404
    assert await notes() == 0
    await database_sync_to_async(connections.close_all)()


async def test_a_revoked_guests_socket_writes_nothing_more(live: Live) -> None:
    """The socket held the guest's participant; revoking the link closes it (4403) and a
    note.add still in flight afterwards is dropped, not written."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    visitor = await writer(live, "visitor")
    passed: list[Any] = []
    assert (await socket_add(visitor, body(), passed))["type"] == "note.ack"
    if not any(frame["type"] == "note.created" for frame in passed):
        # Its own note's push may follow the ack (it does on Redis): take it before revoking,
        # so that what follows the revocation is only the close.
        await receive_until(visitor, "note.created")
    pid = live.people["visitor"].pk
    answer = await as_host(
        live, "POST", f"/api/v1/assists/{live.assist.pk}/invitations/{pid}/revoke"
    )
    assert answer.status_code == 200
    await closed_within_a_second(visitor)
    await visitor.send_json_to({"type": "note.add", **body()})
    assert await visitor.receive_nothing(timeout=0.5)
    assert await notes() == 1
    assert (await http_add(live, "visitor", body())).status_code in {401, 404}
    await finish(visitor)


async def test_an_oversize_frame_is_refused_unread_and_the_socket_stays_open(
    live: Live,
) -> None:
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    visitor = await writer(live, "visitor")
    await visitor.send_to(text_data='{"type": "note.add", "text": "' + "x" * MAX_FRAME + '"}')
    frame = await receive_until(visitor, "error")
    assert frame["code"] == "too_large"
    assert (await socket_add(visitor, body()))["status"] == 201
    assert await notes() == 1
    await finish(visitor)


class AllThreads:
    """Every statement any thread sends to the database while ``on`` (the consumer's
    database work runs on a thread of its own)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.on = False
        self.sql: list[str] = []
        original = CursorWrapper._execute_with_wrappers

        def counted(cursor: Any, sql: str, *args: Any, **kw: Any) -> Any:
            if self.on:
                self.sql.append(sql)
            return original(cursor, sql, *args, **kw)

        monkeypatch.setattr(CursorWrapper, "_execute_with_wrappers", counted)


@pytest.mark.parametrize("who", ["host_member", "visitor"])
async def test_a_note_over_the_socket_takes_a_fixed_small_number_of_queries(
    live: Live, who: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The socket already knows the person and their participant record: the transaction,
    the locked read with the version (one statement), the column check, the insert and its
    audit entry, whatever the board holds (the POST needs the session, the actor and the
    participant besides). The client-id check is the insert itself."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    comm = await writer(live, who)
    for i in range(20):
        assert (await socket_add(comm, body(text=f"Earlier note {i}")))["status"] == 201
    statements = AllThreads(monkeypatch)
    statements.on = True
    ack = await socket_add(comm, body(learning_need_id=live.needs[0].pk))
    statements.on = False
    assert ack["status"] == 201
    assert ack["version"] == 21
    assert len(statements.sql) <= 5, "\n".join(statements.sql)
    await finish(comm)
