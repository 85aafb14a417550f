"""A server process dies (kill -9) in the middle of a session: nothing acknowledged is lost."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.client import LiveClient
from tests.faults.conftest import (
    assert_server_state,
    clients_for,
    close_all,
    eventually,
    need_redis,
    seed,
    writers,
)

pytestmark = [pytest.mark.slow, pytest.mark.services]


@pytest.mark.timeout(480)
async def test_killing_one_of_two_processes_loses_no_acknowledged_note(shared_stack, write_via):
    """Two processes share the database and Redis; participants are spread over both and know
    both addresses. One process is killed with SIGKILL while everyone is writing: its clients
    fail over to the other, every note whose POST was acknowledged is on the board exactly
    once, and every client's board converges on the server's."""
    need_redis()
    stack = shared_stack()
    a, b = stack.start_server(), stack.start_server()
    session = seed(stack, [6])[0]
    clients = clients_for(session, [a.url, b.url], write_via=write_via)
    observer = LiveClient(
        servers=[b.url], assist_id=session["assist_id"], session_key=session["facilitator_session"]
    )
    try:
        await asyncio.gather(*(c.start() for c in [*clients, observer]))
        writing = asyncio.create_task(
            writers(clients, count=25, gap=0.08, retry_for=30, tag="kill")
        )
        await asyncio.sleep(1.0)
        await asyncio.to_thread(a.kill)
        results = await writing

        unacked = [r for r in results if r.t_acked is None]
        assert not unacked, f"{len(unacked)} notes never acknowledged: {unacked[:3]}"
        board = await observer.full_board()
        ids = assert_server_state(board, results)
        assert len(ids) == len(results), "the board has notes nobody acknowledged"
        on_a = [c for i, c in enumerate(clients) if i % 2 == 0]
        assert all(c.server == b.url for c in on_a), "clients of the dead process moved over"
        assert all(c.stats.reconnects >= 1 for c in on_a)

        def converged() -> bool:
            return all(set(c.notes) == set(ids) and c.version == board["version"] for c in clients)

        await eventually(converged, 20, "every client shows the server's board")
    finally:
        await close_all([*clients, observer])
        for process in (a, b):
            process.stop()
