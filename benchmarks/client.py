"""A live-board client that follows docs/realtime.md, for load and fault tests.

It does what the board's JavaScript does, in Python: writes with a client id (over HTTP, or
with ``write_via="socket"`` as ``note.add`` frames on the open socket, falling back to HTTP
when the socket is down or silent, as board.js does), listens on the WebSocket, remembers
the highest version applied, resyncs with ``GET …/board?since=N`` on a version gap or after
any reconnect, keeps unsent notes queued and retries them (same client id) until they are
acknowledged, and fails over between the server addresses it was given.

``BaselineClient`` speaks to ``benchmarks/baseline_server.py`` (no database, no Django) with
the same interface, so one load generator drives both.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

# (key of the note's author-side record, the note dict, "push" | "resync", monotonic time)
NoteCallback = Callable[[dict[str, Any], str, float], None]

RETRY_STATUSES = {502, 503, 504}


@dataclass
class PostResult:
    client_id: str
    status: int  # HTTP status of the final attempt; 0 if never answered
    attempts: int
    t_sent: float  # monotonic time the first attempt left
    t_acked: float | None  # monotonic time of the 200/201
    body: Any = None


@dataclass
class ClientStats:
    reconnects: int = 0
    gaps: int = 0
    resyncs: int = 0
    failovers: int = 0
    errors: list[str] = field(default_factory=list)


class LiveClient:
    """One participant of one peer assist, with one or more server addresses."""

    def __init__(
        self,
        *,
        servers: list[str],
        assist_id: int,
        session_key: str,
        on_note: NoteCallback | None = None,
        backoff_cap: float = 30.0,
        request_timeout: float = 30.0,
        write_via: str = "http",
    ) -> None:
        if write_via not in {"http", "socket"}:
            raise ValueError("write_via is 'http' or 'socket'")
        self.write_via = write_via
        self._answers: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.servers = list(servers)
        self.server_index = 0
        self.assist_id = assist_id
        self.csrf = secrets.token_hex(16)
        self.cookie = f"sessionid={session_key}; csrftoken={self.csrf}"
        self.on_note = on_note
        self.on_event: Callable[[dict[str, Any]], None] | None = None  # every frame, raw
        self.backoff_cap = backoff_cap
        self.request_timeout = request_timeout
        self.version = 0
        self.notes: dict[str, dict[str, Any]] = {}  # client_id -> note (deleted ones dropped)
        self.stats = ClientStats()
        self.connected = asyncio.Event()
        self.hello = asyncio.Event()
        # Set once the board has been fetched after the first hello: a person has the board
        # on screen before they write, so a load starts after it (not during 100 first loads).
        self.synced = asyncio.Event()
        self._ws: ClientConnection | None = None
        self._http: dict[str, httpx.AsyncClient] = {}
        self._reader: asyncio.Task[None] | None = None
        self._resync_lock = asyncio.Lock()
        self._resync_again = False
        self._resync_failures = 0
        self._closing = False

    # --- addresses ------------------------------------------------------------------------
    @property
    def server(self) -> str:
        return self.servers[self.server_index % len(self.servers)]

    def _fail_over(self) -> None:
        if len(self.servers) > 1:
            self.server_index = (self.server_index + 1) % len(self.servers)
            self.stats.failovers += 1

    def _client(self, server: str) -> httpx.AsyncClient:
        client = self._http.get(server)
        if client is None:
            client = httpx.AsyncClient(
                base_url=server,
                headers={"Cookie": self.cookie, "X-CSRFToken": self.csrf},
                timeout=self.request_timeout,
                trust_env=False,
            )
            self._http[server] = client
        return client

    # --- WebSocket ------------------------------------------------------------------------
    async def start(self, *, wait: float | None = 20.0) -> None:
        """Connect (and keep reconnecting) in the background; wait for the first hello."""
        self._reader = asyncio.create_task(self._run())
        if wait:
            await asyncio.wait_for(self.hello.wait(), wait)

    async def _run(self) -> None:
        delay = 0.5
        first = True
        while not self._closing:
            url = self.server.replace("http", "ws", 1) + f"/ws/assists/{self.assist_id}/"
            try:
                async with connect(
                    url,
                    origin=self.server,  # type: ignore[arg-type]
                    additional_headers={"Cookie": self.cookie},
                    proxy=None,
                    open_timeout=10,
                    max_size=2**20,
                    max_queue=None,
                ) as ws:
                    self._ws = ws
                    self.connected.set()
                    delay = 0.5
                    if not first:
                        self.stats.reconnects += 1
                    first = False
                    async for raw in ws:
                        self._on_frame(raw)
            except (TimeoutError, OSError, WebSocketException) as exc:
                if self._closing:
                    break
                self.stats.errors.append(f"ws: {type(exc).__name__}: {exc}"[:200])
            finally:
                self._ws = None
                self.connected.clear()
                # Writes waiting for an answer on this socket go by HTTP instead (board.js).
                for future in self._answers.values():
                    if not future.done():
                        future.set_exception(ConnectionError("socket closed"))
            if self._closing:
                break
            # The socket went away: try the next address, after a jittered back-off.
            self._fail_over()
            await asyncio.sleep(random.uniform(0, delay))
            delay = min(delay * 2, self.backoff_cap)

    def _on_frame(self, raw: str | bytes) -> None:
        now = time.monotonic()
        event = json.loads(raw)
        if self.on_event is not None:
            self.on_event(event)
        kind = event.get("type")
        version = event.get("version")
        if kind in {"note.ack", "note.refused"}:
            future = self._answers.get(str(event.get("client_id")))
            if future is not None and not future.done():
                future.set_result(event)
            return
        if kind == "hello":
            self.hello.set()
            # After any (re)connect, catch up on what happened while away.
            if not isinstance(version, int) or version != self.version or self.version == 0:
                self._schedule_resync()
            return
        if kind in {"presence.changed", "error", "pong"} or not isinstance(version, int):
            return
        if version <= self.version:
            return
        if kind in {"note.created", "note.updated", "note.deleted"} and "note" in event:
            self._apply_note(event["note"], "push", now, deleted=kind == "note.deleted")
        if version == self.version + 1:
            self.version = version
        else:
            self.stats.gaps += 1
            self._schedule_resync()

    def _apply_note(self, note: dict[str, Any], via: str, now: float, *, deleted: bool) -> None:
        cid = str(note.get("client_id", ""))
        if deleted or note.get("deleted"):
            self.notes.pop(cid, None)
            return
        new = cid not in self.notes
        self.notes[cid] = note
        if new and self.on_note is not None:
            self.on_note(note, via, now)

    def _schedule_resync(self) -> None:
        if self._resync_lock.locked():
            self._resync_again = True
            return
        asyncio.get_running_loop().create_task(self.resync())

    async def resync(self) -> bool:
        """``GET …/board?since=last``; True if it got an answer."""
        async with self._resync_lock:
            ok = False
            while True:
                self._resync_again = False
                try:
                    ok = await self._resync_once()
                except (httpx.HTTPError, ValueError) as exc:
                    self.stats.errors.append(f"resync: {type(exc).__name__}: {exc}"[:200])
                    ok = False
                if not ok and not self._closing:
                    # As the board does: a failed catch-up is tried again after a jittered
                    # back-off, not left until the next gap happens to show.
                    self._resync_failures += 1
                    cap = min(10.0, 0.5 * 2 ** min(self._resync_failures, 5))
                    await asyncio.sleep(random.uniform(0, cap))
                    continue
                self._resync_failures = 0
                if not self._resync_again:
                    self.synced.set()
                    return ok

    async def _resync_once(self) -> bool:
        self.stats.resyncs += 1
        path = f"/api/v1/assists/{self.assist_id}/board"
        params = {"since": str(self.version)} if self.version else {}
        response = await self._client(self.server).get(path, params=params)
        if response.status_code != 200:
            self.stats.errors.append(f"resync: HTTP {response.status_code}")
            return False
        board = response.json()
        now = time.monotonic()
        for note in board.get("notes", []):
            self._apply_note(note, "resync", now, deleted=bool(note.get("deleted")))
        if isinstance(board.get("version"), int) and board["version"] > self.version:
            self.version = board["version"]
        return True

    async def full_board(self) -> dict[str, Any]:
        response = await self._client(self.server).get(f"/api/v1/assists/{self.assist_id}/board")
        response.raise_for_status()
        return dict(response.json())

    # --- writes ---------------------------------------------------------------------------
    async def post_note(
        self,
        text: str,
        *,
        client_id: str | None = None,
        kind: str = "insight",
        retry_for: float = 0.0,
        extra: dict[str, Any] | None = None,
    ) -> PostResult:
        """POST a note; with ``retry_for`` > 0 keep it queued and retry (same client id) on
        connection errors and 502/503/504 until acknowledged or the time is up."""
        cid = client_id or str(uuid.uuid4())
        body = {"client_id": cid, "text": text, "kind": kind, **(extra or {})}
        t_sent = time.monotonic()
        deadline = t_sent + retry_for
        attempts, status, delay = 0, 0, 0.2
        while True:
            attempts += 1
            if self.write_via == "socket" and self._ws is not None:
                answer = await self._socket_write(body)
                if answer is not None:
                    status = int(answer["status"])
                    if answer["type"] == "note.ack":
                        return PostResult(cid, status, attempts, t_sent, time.monotonic(), answer)
                    if status not in RETRY_STATUSES:
                        return PostResult(cid, status, attempts, t_sent, None, answer)
                    if time.monotonic() + delay > deadline:
                        return PostResult(cid, status, attempts, t_sent, None)
                    await asyncio.sleep(random.uniform(delay / 2, delay))
                    delay = min(delay * 2, 2.0)
                    continue
                # No answer on the socket: this attempt goes by HTTP.
            server = self.server
            try:
                response = await self._client(server).post(
                    f"/api/v1/assists/{self.assist_id}/notes", json=body
                )
                status = response.status_code
                if status in (200, 201):
                    return PostResult(
                        cid, status, attempts, t_sent, time.monotonic(), response.json()
                    )
                if status not in RETRY_STATUSES:
                    return PostResult(cid, status, attempts, t_sent, None, _json(response))
            except httpx.HTTPError as exc:
                status = 0
                self.stats.errors.append(f"post: {type(exc).__name__}: {exc}"[:200])
                if server == self.server:
                    self._fail_over()
            if time.monotonic() + delay > deadline:
                return PostResult(cid, status, attempts, t_sent, None)
            await asyncio.sleep(random.uniform(delay / 2, delay))
            delay = min(delay * 2, 2.0)

    async def _socket_write(self, body: dict[str, Any]) -> dict[str, Any] | None:
        """``note.add`` on the open socket: its ``note.ack`` or ``note.refused``, or None if
        the socket closed or stayed silent for ``request_timeout``."""
        ws = self._ws
        if ws is None:
            return None
        cid = body["client_id"]
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._answers[cid] = future
        try:
            await ws.send(json.dumps({"type": "note.add", **body}))
            return await asyncio.wait_for(future, self.request_timeout)
        except (TimeoutError, ConnectionError, WebSocketException) as exc:
            self.stats.errors.append(f"note.add: {type(exc).__name__}: {exc}"[:200])
            return None
        finally:
            self._answers.pop(cid, None)

    async def close(self) -> None:
        self._closing = True
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        for client in self._http.values():
            await client.aclose()


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text[:500]


class BaselineClient:
    """The same interface against the minimal broadcast server (notes sent over the socket)."""

    def __init__(
        self, *, servers: list[str], assist_id: int, on_note: NoteCallback | None = None
    ) -> None:
        self.url = servers[0].replace("http", "ws", 1) + f"/{assist_id}"
        self.on_note = on_note
        self.version = 0
        self.notes: dict[str, dict[str, Any]] = {}
        self.stats = ClientStats()
        self.hello = asyncio.Event()
        self.synced = asyncio.Event()
        self.synced.set()  # nothing to fetch: the baseline keeps no board
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._acks: dict[str, asyncio.Future[int]] = {}

    async def start(self, *, wait: float | None = 20.0) -> None:
        self._ws = await connect(self.url, proxy=None, max_queue=None)
        self._reader = asyncio.create_task(self._run())
        if wait:
            await asyncio.wait_for(self.hello.wait(), wait)

    async def _run(self) -> None:
        assert self._ws is not None
        with contextlib.suppress(WebSocketException):
            async for raw in self._ws:
                now = time.monotonic()
                event = json.loads(raw)
                kind = event.get("type")
                if kind == "hello":
                    self.hello.set()
                elif kind == "ack":
                    future = self._acks.pop(event["client_id"], None)
                    if future is not None and not future.done():
                        future.set_result(event["version"])
                elif kind == "note.created":
                    if event["version"] != self.version + 1 and self.version:
                        self.stats.gaps += 1
                    self.version = max(self.version, event["version"])
                    note = event["note"]
                    if note["client_id"] not in self.notes:
                        self.notes[note["client_id"]] = note
                        if self.on_note is not None:
                            self.on_note(note, "push", now)

    async def resync(self) -> bool:
        return True  # nothing is ever lost on one TCP stream to a single process

    async def post_note(self, text: str, **_: Any) -> PostResult:
        assert self._ws is not None
        cid = str(uuid.uuid4())
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._acks[cid] = future
        t_sent = time.monotonic()
        try:
            await self._ws.send(json.dumps({"type": "note", "client_id": cid, "text": text}))
            await asyncio.wait_for(future, 10)
        except (TimeoutError, WebSocketException):
            return PostResult(cid, 0, 1, t_sent, None)
        return PostResult(cid, 201, 1, t_sent, time.monotonic())

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
