"""The same note sent 50 times at once with one client id makes one note."""

from __future__ import annotations

import asyncio
import json
import uuid

import httpx
import pytest

from benchmarks.client import LiveClient
from tests.faults.conftest import close_all, eventually, seed

pytestmark = [pytest.mark.slow]


@pytest.mark.timeout(480)
async def test_fifty_simultaneous_retries_of_one_note_make_one_note(shared_stack):
    """50 concurrent POSTs with one client id: one 201, 49 answers of 200 with the same note,
    one note on the board and one ``note.created`` event on the WebSocket."""
    stack = shared_stack()
    server = stack.start_server()
    session = seed(stack, [2])[0]
    writer, watcher = (
        LiveClient(servers=[server.url], assist_id=session["assist_id"], session_key=p["session"])
        for p in session["participants"]
    )
    created: list[str] = []
    watcher.on_event = lambda e: created.append(
        str(e.get("note", {}).get("client_id")) if e.get("type") == "note.created" else ""
    )
    try:
        await asyncio.gather(writer.start(), watcher.start())
        client_id = str(uuid.uuid4())
        body = {"client_id": client_id, "text": "Retry storm: one note only", "kind": "tip"}
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(
            base_url=server.url,
            headers={"Cookie": writer.cookie, "X-CSRFToken": writer.csrf},
            limits=limits,
            timeout=60,
            trust_env=False,
        ) as http:
            path = f"/api/v1/assists/{session['assist_id']}/notes"
            answers = await asyncio.gather(*(http.post(path, json=body) for _ in range(50)))
        statuses = sorted(r.status_code for r in answers)
        assert statuses.count(201) == 1, statuses
        assert statuses.count(200) == 49, statuses
        assert len({r.json()["note"]["id"] for r in answers}) == 1

        await eventually(lambda: client_id in watcher.notes, 10, "the watcher sees the note")
        board = await watcher.full_board()
        assert [n["client_id"] for n in board["notes"]].count(client_id) == 1
        await asyncio.sleep(1.0)  # room for a wrong second event to arrive
        assert created.count(client_id) == 1, "exactly one note.created event was pushed"
    finally:
        await close_all([writer, watcher])
        for process in (server,):
            process.stop()


@pytest.mark.timeout(480)
async def test_retries_of_one_note_by_socket_and_by_post_at_once_make_one_note(shared_stack):
    """25 ``note.add`` frames and 25 POSTs with one client id, all at once: one of the 50
    answers is 201 (an ack or a POST), the other 49 are 200 with the same note; one note on
    the board and one ``note.created`` pushed."""
    stack = shared_stack()
    server = stack.start_server()
    session = seed(stack, [2])[0]
    writer, watcher = (
        LiveClient(servers=[server.url], assist_id=session["assist_id"], session_key=p["session"])
        for p in session["participants"]
    )
    acks: list[dict] = []
    writer.on_event = lambda e: acks.append(e) if e.get("type", "").startswith("note.") else None
    created: list[str] = []
    watcher.on_event = lambda e: created.append(
        str(e.get("note", {}).get("client_id")) if e.get("type") == "note.created" else ""
    )
    try:
        await asyncio.gather(writer.start(), watcher.start())
        client_id = str(uuid.uuid4())
        body = {"client_id": client_id, "text": "Retry storm: one note only", "kind": "tip"}
        assert writer._ws is not None
        frame = json.dumps({"type": "note.add", **body})
        async with httpx.AsyncClient(
            base_url=server.url,
            headers={"Cookie": writer.cookie, "X-CSRFToken": writer.csrf},
            limits=httpx.Limits(max_connections=25),
            timeout=60,
            trust_env=False,
        ) as http:
            path = f"/api/v1/assists/{session['assist_id']}/notes"
            answers = await asyncio.gather(
                *(http.post(path, json=body) for _ in range(25)),
                *(writer._ws.send(frame) for _ in range(25)),
            )
        await eventually(
            lambda: sum(e["type"] in {"note.ack", "note.refused"} for e in acks) == 25,
            30,
            "every frame is answered",
        )
        answered = [e for e in acks if e["type"] in {"note.ack", "note.refused"}]
        statuses = sorted(
            [r.status_code for r in answers if r is not None] + [e["status"] for e in answered]
        )
        assert statuses.count(201) == 1, statuses
        assert statuses.count(200) == 49, statuses
        ids = {r.json()["note"]["id"] for r in answers if r is not None}
        ids |= {e["note"]["id"] for e in answered}
        assert len(ids) == 1

        await eventually(lambda: client_id in watcher.notes, 10, "the watcher sees the note")
        board = await watcher.full_board()
        assert [n["client_id"] for n in board["notes"]].count(client_id) == 1
        await asyncio.sleep(1.0)  # room for a wrong second event to arrive
        assert created.count(client_id) == 1, "exactly one note.created event was pushed"
    finally:
        await close_all([writer, watcher])
        server.stop()
