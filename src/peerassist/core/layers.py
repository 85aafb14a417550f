"""Channel layers that hand one message to all of a process's sockets without copying it.

``LocalChannelLayer`` is for a single process: Channels' in-memory layer without its two costs.

``InMemoryChannelLayer`` deep-copies every message for every channel it is sent to, and
every ``receive`` walks every channel and every group membership looking for expired
entries. For one note pushed to a board of N people that is N deep copies and N² steps:
at 50 people, more CPU than the push itself. Our messages are built fresh for each
broadcast and no consumer changes one in place (they copy what they shape), so the copy
buys nothing; and expiry (a day for groups, a minute for messages) does not need checking
thousands of times a second, so it is checked at most once a second.

``SharedRedisPubSubLayer`` is for several processes: channels_redis's pub/sub layer already
receives a group message once per process and queues the same bytes for each local socket,
but then decodes it once per socket. Here the decoded message is shared too, so the text a
socket sends (assists/live/push.py) is also built once per process and kind of viewer.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer

CLEAN_EVERY_SECONDS = 1.0
DECODED_KEPT = 256  # recent messages whose decoded form is shared


class LocalChannelLayer(InMemoryChannelLayer):
    _cleaned_at = 0.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Channels' in-memory layer keeps ``channel_capacity`` as given, and its look-up
        # then fails on the dict; channels_redis compiles the globs, so do the same here.
        given: dict[str, int] = kwargs.get("channel_capacity") or {}
        self.channel_capacity = self.compile_capacities(given)

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        queue = self.channels.setdefault(channel, asyncio.Queue(maxsize=self.get_capacity(channel)))
        try:
            queue.put_nowait((time.time() + self.expiry, message))  # shared, never copied
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._cleaned_at < CLEAN_EVERY_SECONDS:
            return
        self._cleaned_at = now
        super()._clean_expired()


class SharedRedisPubSubLayer(RedisPubSubChannelLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # id of the received bytes -> (those bytes, decoded). Holding the bytes keeps the id
        # from being reused while the entry lives.
        self._decoded: OrderedDict[int, tuple[bytes, Any]] = OrderedDict()

    def deserialize(self, message: bytes) -> Any:
        hit = self._decoded.get(id(message))
        if hit is not None and hit[0] is message:
            return hit[1]
        decoded = super().deserialize(message)
        self._decoded[id(message)] = (message, decoded)
        if len(self._decoded) > DECODED_KEPT:
            self._decoded.popitem(last=False)
        return decoded
