"""One fan-out per board per process: however many sockets a board has in a process, the
process is one member of the board's channel-layer group, every socket still gets every
event shaped for its viewer, and bursts of presence changes reach each socket coalesced."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connections

from peerassist.assists.live import services
from peerassist.assists.models import Phase
from peerassist.core.broadcast import assist_group
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.assists.live.test_live_consumer import open_as, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


def members(group: str) -> int:
    """Local members of a group, on the in-memory and the Redis pub/sub layer alike."""
    layer = get_channel_layer()
    if hasattr(layer, "_get_layer"):  # Redis pub/sub: one inner layer per event loop
        inner = layer._get_layer()
        return len(inner.groups.get(inner._get_group_channel_name(group), ()))
    return len(layer.groups.get(group, ()))


async def test_a_board_is_one_group_member_per_process_however_many_sockets(
    live: Live,
) -> None:
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    group = assist_group(live.assist.pk)
    comms = [await open_as(live, who) for who in ("host_lead", "visitor", "visitor2")]
    for comm in comms:
        await receive_until(comm, "hello")
    assert members(group) == 1
    await database_sync_to_async(services.note_create)(
        actor=live.visitor, assist=live.assist, client_id=uuid.uuid4(), text="Seen by all."
    )
    mine = []
    for comm in comms:
        event = await receive_until(comm, "note.created")
        mine.append(event["note"]["mine"])
    assert mine == [False, True, False]  # each shaped for its own viewer
    for comm in comms:
        await comm.disconnect()
    assert members(group) == 0
    await database_sync_to_async(connections.close_all)()


async def test_a_burst_of_presence_changes_reaches_a_socket_coalesced_newest_last(
    live: Live,
) -> None:
    """Presence carries the whole list, so a socket gets fewer frames than changes, and the
    last one it gets is the newest."""
    host = await open_as(live, "host_lead")
    await receive_until(host, "hello")
    layer = get_channel_layer()
    burst = 50
    for n in range(burst):
        presence: dict[str, Any] = {"here": [], "watchers": n, "typing": 0}
        await layer.group_send(
            assist_group(live.assist.pk),
            {"type": "assist.event", "event": {"type": "presence.changed", "presence": presence}},
        )
    got = []
    while True:
        frame = await receive_until(host, "presence.changed")
        got.append(frame["presence"]["watchers"])
        if got[-1] == burst - 1:
            break
    assert len(got) < burst
    assert got == sorted(got)
    await host.disconnect()
    await database_sync_to_async(connections.close_all)()


async def test_a_batch_of_events_in_one_message_reaches_every_socket_in_order(
    live: Live,
) -> None:
    """A batch of notes is published as one message (note_writer.py); each socket still
    gets each event, in order, shaped for its viewer, on either layer."""
    from peerassist.assists.live.fanout import BATCH

    await database_sync_to_async(live.set)(phase=Phase.ASK)
    comms = [await open_as(live, who) for who in ("host_lead", "visitor")]
    for comm in comms:
        await receive_until(comm, "hello")
    events = [
        {"type": "assist.event", "event": {"type": "phase.changed", "version": v, "phase": "ask"}}
        for v in (1, 2, 3)
    ]
    await get_channel_layer().group_send(
        assist_group(live.assist.pk), {"type": BATCH, "messages": events}
    )
    for comm in comms:
        got = [(await receive_until(comm, "phase.changed"))["version"] for _ in events]
        assert got == [1, 2, 3]
    for comm in comms:
        await comm.disconnect()
    await database_sync_to_async(connections.close_all)()
