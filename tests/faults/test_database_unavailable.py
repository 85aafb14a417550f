"""The database goes away mid-session: 503 with a clear message, notes wait, nothing half-written.

The server reaches PostgreSQL through a TCP proxy owned by the test, so "the database is
down" is the proxy cutting every connection and refusing new ones; the machine's PostgreSQL
is never touched.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlparse, urlunparse

import httpx
import pytest

from benchmarks.client import LiveClient
from tests.faults.conftest import (
    PausableProxy,
    assert_server_state,
    close_all,
    eventually,
    need_postgres,
    seed,
    writers,
)

pytestmark = [pytest.mark.slow, pytest.mark.services]


def through(url: str, port: int) -> str:
    """The same database URL with its host and port replaced by the proxy's."""
    parts = urlparse(url)
    auth = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunparse(parts._replace(netloc=f"{auth}127.0.0.1:{port}"))


@pytest.fixture
def proxied_postgres():
    url = urlparse(need_postgres())
    proxy = PausableProxy(url.hostname or "127.0.0.1", url.port or 5432)
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.mark.timeout(480)
async def test_database_outage_answers_503_and_queued_notes_arrive_once(
    make_stack, proxied_postgres, write_via
):
    """While the database is unreachable a POST answers 503 ``database_unavailable`` with a
    sentence a person can act on (and Retry-After); the client keeps its notes and retries
    them with the same client ids; once the database is back every note is on the board
    exactly once and the session version moved once per note."""
    proxy = proxied_postgres
    stack = make_stack()  # migrated and loaded directly; only the server goes through the proxy
    stack.env["DATABASE_URL"] = through(stack.env["DATABASE_URL"], proxy.port)
    server = stack.start_server()
    session = seed(stack, [3])[0]
    clients = [
        LiveClient(
            servers=[server.url],
            assist_id=session["assist_id"],
            session_key=p["session"],
            write_via=write_via,
        )
        for p in session["participants"]
    ]
    try:
        await asyncio.gather(*(c.start() for c in clients))
        start_version = (await clients[0].full_board())["version"]
        writing = asyncio.create_task(
            writers(clients, count=20, gap=0.1, retry_for=40, tag="outage")
        )
        await asyncio.sleep(0.8)
        proxy.pause()  # cuts the connections of writes in flight, too
        try:
            async with httpx.AsyncClient(
                base_url=server.url,
                headers={"Cookie": clients[0].cookie, "X-CSRFToken": clients[0].csrf},
                trust_env=False,
                timeout=30,
            ) as http:
                answer = await http.post(
                    f"/api/v1/assists/{session['assist_id']}/notes",
                    json={"client_id": "9a4c7f0e-8d0b-4a57-9a55-0e7f2f6f0a11", "text": "down"},
                )
            assert answer.status_code == 503, answer.text[:500]
            assert answer.headers["content-type"].startswith("application/json")
            body = answer.json()
            assert body["code"] == "database_unavailable"
            assert "database" in body["detail"].lower()
            assert answer.headers.get("Retry-After")
            await asyncio.sleep(1.5)
            assert not writing.done(), "the writers are still holding their notes"
        finally:
            proxy.resume()
        results = await writing
        unacked = [r for r in results if r.t_acked is None]
        assert not unacked, f"{len(unacked)} notes never sent after the outage"
        assert any(r.attempts > 1 for r in results), "some notes had to be retried"
        # The one-off POST during the outage was refused, so it must not be there.
        board = await clients[0].full_board()
        ids = assert_server_state(board, results)
        assert len(ids) == len(results)
        assert board["version"] == start_version + len(results), "one version per note"

        def converged() -> bool:
            return all(set(c.notes) == set(ids) for c in clients)

        await eventually(converged, 20, "every client shows every note")
    finally:
        await close_all(clients)
