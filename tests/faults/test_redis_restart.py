"""Redis restarts mid-session: pushes are lost for a moment, clients notice and resync."""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.client import LiveClient
from tests.faults.conftest import (
    assert_server_state,
    clients_for,
    close_all,
    eventually,
    need_local_redis,
    redis_restarted_guard,
    redis_start,
    redis_stop,
    seed,
    writers,
)

pytestmark = [pytest.mark.slow, pytest.mark.services]


@pytest.mark.timeout(480)
async def test_redis_restart_mid_session_loses_no_acknowledged_note(shared_stack, write_via):
    """Two processes on one Redis; Redis is shut down (no save) and started again while
    everyone writes. Writes keep being acknowledged (they go to the database), the clients
    see the version gap once pushes return and resync, and every board ends up complete."""
    need_local_redis()
    stack = shared_stack()
    a, b = stack.start_server(), stack.start_server()
    session = seed(stack, [4])[0]
    clients = clients_for(session, [a.url, b.url], write_via=write_via)
    observer = LiveClient(
        servers=[a.url], assist_id=session["assist_id"], session_key=session["facilitator_session"]
    )
    try:
        await asyncio.gather(*(c.start() for c in [*clients, observer]))
        with redis_restarted_guard():
            writing = asyncio.create_task(
                writers(clients, count=30, gap=0.15, retry_for=30, tag="redis")
            )
            await asyncio.sleep(1.0)
            await asyncio.to_thread(redis_stop)
            await asyncio.sleep(1.5)
            await asyncio.to_thread(redis_start)
            results = await writing
        unacked = [r for r in results if r.t_acked is None]
        assert not unacked, f"{len(unacked)} notes never acknowledged: {unacked[:3]}"
        # A last note after Redis is back: its push shows every client the gap.
        await clients[0].post_note("After the restart", retry_for=20)
        board = await observer.full_board()
        ids = assert_server_state(board, results)

        def converged() -> bool:
            return all(set(c.notes) == set(ids) and c.version >= board["version"] for c in clients)

        await eventually(converged, 30, "every client shows the server's board again")
        assert sum(c.stats.gaps + c.stats.reconnects for c in clients) > 0, (
            "the clients noticed that pushes were missed"
        )
    finally:
        redis_start()
        await close_all([*clients, observer])
        for process in (a, b):
            process.stop()
