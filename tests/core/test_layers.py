"""Channel layers: every socket of a process gets the message, decoded once and not copied."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

from peerassist.core.layers import LocalChannelLayer, SharedRedisPubSubLayer
from tests.conftest import missing_service


async def group_of_three_receives(layer: Any, group: str) -> None:
    """A group send reaches all three members as one equal, shared object."""
    channels = [await layer.new_channel() for _ in range(3)]
    for channel in channels:
        await layer.group_add(group, channel)
    message = {"type": "assist.event", "event": {"type": "note.created", "version": 7}}
    await layer.group_send(group, message)
    received = [await layer.receive(channel) for channel in channels]
    assert all(r == message for r in received)
    assert all(r is received[0] for r in received)  # one object: push.py's memo is shared


async def test_local_layer_delivers_one_shared_message_to_every_member() -> None:
    await group_of_three_receives(LocalChannelLayer(), "assist.1")


async def test_local_layer_still_forgets_a_discarded_member() -> None:
    layer = LocalChannelLayer()
    kept, left = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("assist.2", kept)
    await layer.group_add("assist.2", left)
    await layer.group_discard("assist.2", left)
    await layer.group_send("assist.2", {"type": "assist.event", "event": {}})
    assert await layer.receive(kept) == {"type": "assist.event", "event": {}}
    assert left not in layer.channels


async def test_redis_layer_decodes_a_group_message_once_per_process() -> None:
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception:
        missing_service(f"Redis does not answer at {url}")
    layer = SharedRedisPubSubLayer(hosts=[url], prefix=f"test-{uuid.uuid4().hex[:8]}")
    try:
        await group_of_three_receives(layer, "assist.3")
    finally:
        await layer.flush()


@pytest.mark.parametrize("kept", [3, 300])
def test_redis_layer_keeps_a_bounded_number_of_decoded_messages(kept: int) -> None:
    layer = SharedRedisPubSubLayer(hosts=["redis://127.0.0.1:1/0"])
    blobs = [layer.serialize({"n": n}) for n in range(kept)]
    decoded = [layer.deserialize(blob) for blob in blobs]
    assert [d["n"] for d in decoded] == list(range(kept))
    assert layer.deserialize(blobs[-1]) is decoded[-1]
    assert len(layer._decoded) <= 256


async def test_local_layer_gives_a_boards_fan_out_channel_its_configured_room() -> None:
    """A batch of notes is many events at once on a board's one fan-out channel: it holds
    what it is configured with (settings.py), while any other channel still refuses its
    101st message."""
    from channels.exceptions import ChannelFull

    layer = LocalChannelLayer(channel_capacity={"board.*": 10_000})
    board, other = await layer.new_channel("board."), await layer.new_channel()
    for n in range(1_000):
        await layer.send(board, {"type": "assist.event", "n": n})
    for n in range(100):
        await layer.send(other, {"type": "x", "n": n})
    with pytest.raises(ChannelFull):
        await layer.send(other, {"type": "x", "n": 100})
    assert (await layer.receive(board))["n"] == 0
