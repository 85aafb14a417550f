"""Fault tests: real server processes, real clients, a fault in the middle, nothing lost.

Each test starts its own ``ServerStack`` (fresh database, migrated, demo data), seeds live
peer assists with ``benchmarks.seed`` and drives them with ``benchmarks.client.LiveClient``
(the protocol client of docs/realtime.md: HTTP writes with client ids, WebSocket pushes,
resync on a version gap or reconnect, retries with back-off, fail-over between addresses).
Every test has a hard ``@pytest.mark.timeout`` and stops its servers, proxies and Redis
restarts in ``finally`` blocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from benchmarks.client import LiveClient
from benchmarks.seed import parse_seed_output, seed_command
from tests.conftest import missing_service
from tests.servers import ServerStack


def need_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        missing_service("REDIS_URL is not set: this fault test needs Redis")
    return url


def need_postgres() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        missing_service("DATABASE_URL does not point at PostgreSQL: this fault test needs it")
    return url


@pytest.fixture
def make_stack(tmp_path: Path) -> Iterator[Callable[[], ServerStack]]:
    """Build stacks lazily (after the test has set its environment); close them all after."""
    stacks: list[ServerStack] = []

    def make() -> ServerStack:
        stack = ServerStack(tmp_path / f"stack{len(stacks)}", demo=False)
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.close()


@pytest.fixture(scope="session")
def shared_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[], ServerStack]]:
    """One database for the fault tests that can share it (each seeds its own peer assists
    and starts its own server processes), made on first use: migrating is the slow part.
    No demo data: ``benchmarks.seed`` makes the organisation, project and people it needs."""
    made: list[ServerStack] = []

    def get() -> ServerStack:
        if not made:
            made.append(ServerStack(tmp_path_factory.mktemp("faults-shared"), demo=False))
        return made[0]

    yield get
    for stack in made:
        stack.close()


def seed(stack: ServerStack, sizes: list[int], *, notes: int = 0) -> list[dict[str, Any]]:
    out = stack.manage("shell", "-c", seed_command(sizes, notes=notes))
    return list(parse_seed_output(out)["sessions"])


@pytest.fixture(params=["http", "socket"])
def write_via(request: pytest.FixtureRequest) -> str:
    """Each fault test runs with notes written over HTTP and over the board's socket."""
    return str(request.param)


def clients_for(
    session: dict[str, Any], servers: list[str], *, spread: bool = True, **kw: Any
) -> list[LiveClient]:
    """One client per participant; with ``spread`` they alternate which address comes first."""
    clients = []
    for i, person in enumerate(session["participants"]):
        order = servers[i % len(servers) :] + servers[: i % len(servers)] if spread else servers
        clients.append(
            LiveClient(
                servers=order,
                assist_id=session["assist_id"],
                session_key=person["session"],
                backoff_cap=1.0,
                **kw,
            )
        )
    return clients


async def eventually(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting until {what}")
        await asyncio.sleep(0.1)


async def close_all(clients: list[LiveClient]) -> None:
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


async def writers(
    clients: list[LiveClient], *, count: int, gap: float, retry_for: float, tag: str
) -> list[Any]:
    """Every client posts ``count`` notes, one every ``gap`` seconds, each retried until
    acknowledged or ``retry_for`` runs out; returns the PostResults."""
    results: list[Any] = []

    async def one(i: int, client: LiveClient) -> None:
        for n in range(count):
            text = f"{tag} note {n} from person {i}: protect time for sessions."
            results.append(await client.post_note(text, retry_for=retry_for))
            await asyncio.sleep(gap)

    await asyncio.gather(*(one(i, c) for i, c in enumerate(clients)))
    return results


def assert_server_state(board: dict[str, Any], acked: list[Any]) -> list[str]:
    """Every acknowledged note is on the board exactly once; notes' versions are distinct."""
    ids = [n["client_id"] for n in board["notes"] if not n.get("deleted")]
    assert len(ids) == len(set(ids)), "a note appears twice on the board"
    missing = {r.client_id for r in acked} - set(ids)
    assert not missing, f"{len(missing)} acknowledged notes are missing from the board"
    versions = [n["version"] for n in board["notes"] if "version" in n]
    assert len(versions) == len(set(versions)), "two notes share a version"
    assert all(v <= board["version"] for v in versions), "a note is newer than the board"
    return ids


# --- Redis on this machine ------------------------------------------------------------------
def redis_ping() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def redis_start() -> None:
    """Start the machine's Redis as the environment set it up, and wait until PING answers."""
    if redis_ping():
        return
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=False,
        timeout=20,
    )
    deadline = time.monotonic() + 20
    while not redis_ping():
        if time.monotonic() > deadline:
            raise RuntimeError("Redis did not come back after the restart")
        time.sleep(0.1)


def need_local_redis() -> None:
    url = urlparse(need_redis())
    if (url.hostname, url.port or 6379) not in {("127.0.0.1", 6379), ("localhost", 6379)}:
        missing_service("REDIS_URL is not the machine's Redis on 127.0.0.1:6379")
    if not (shutil.which("redis-cli") and shutil.which("redis-server")):
        missing_service("redis-cli and redis-server are needed to restart Redis")
    if not redis_ping():
        missing_service("Redis on 127.0.0.1:6379 is not answering")


@contextlib.contextmanager
def redis_restarted_guard() -> Iterator[None]:
    """Whatever happens inside, Redis is running again afterwards."""
    try:
        yield
    finally:
        redis_start()


def redis_stop() -> None:
    subprocess.run(["redis-cli", "shutdown", "nosave"], check=False, timeout=20)
    deadline = time.monotonic() + 10
    while redis_ping() and time.monotonic() < deadline:
        time.sleep(0.05)


# --- a TCP proxy that can be paused ---------------------------------------------------------
class PausableProxy:
    """127.0.0.1:<port> → target, in its own thread. ``pause()`` cuts every open connection
    and stops listening (new connections are refused); ``resume()`` listens again."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        with contextlib.closing(socket.socket()) as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.thread.start()
        self.resume()

    def _call(self, coro: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)  # type: ignore[arg-type]

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.writers.update({writer, up_writer})
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        self.writers.difference_update({writer, up_writer})

    async def _start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def _stop(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()

    def pause(self) -> None:
        self._call(self._stop())

    def resume(self) -> None:
        if self.server is None:
            self._call(self._start())

    def close(self) -> None:
        self.pause()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
