"""The wall's WebSocket (``/ws/assists/<id>/wall/``): the board's pushes, as the room sees them.

The same group and events as ``AssistConsumer``, with three differences: the door is
``access_wall``; every note is shaped for no particular viewer (``participant`` stays None
whoever opened the wall), so the facilitator's laptop never projects hidden or private
notes; and it takes no presence seat, so the wall is not counted as a person in the room.
It accepts only ``ping``.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from peerassist.assists.live import events
from peerassist.assists.live.consumers import AssistConsumer
from peerassist.assists.live.selectors import presence_state
from peerassist.assists.live.wall import access_wall
from peerassist.assists.models import PeerAssist
from peerassist.core.errors import DomainError


class WallConsumer(AssistConsumer):
    def _authorize(self) -> bool:
        raw_id = self.scope["url_route"]["kwargs"].get("assist_id")
        actor = self._actor()
        try:
            self.assist = access_wall(actor, raw_id)
        except DomainError:
            return False
        self.actor = actor
        self.participant = None
        return True

    def _join(self) -> dict[str, Any]:
        assert self.assist is not None
        version = PeerAssist.objects.values_list("version", flat=True).get(pk=self.assist.pk)
        return events.frame(
            events.Hello(
                version=version,
                participant_id=None,
                presence=events.Presence(**presence_state(self.assist.pk)),
            )
        )

    async def disconnect(self, code: int) -> None:
        if self.give_up_timer is not None:
            self.give_up_timer.cancel()
        for group in self.access_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.fanout is not None:
            await self.fanout.leave(self)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "ping":
            await self._error("bad_frame", "The wall takes only ping frames.")
            return
        assert self.assist is not None
        version = await database_sync_to_async(self._version)()
        await self.send_json(events.frame(events.Pong(version=version)))

    def _version(self) -> int:
        assert self.assist is not None
        return int(PeerAssist.objects.values_list("version", flat=True).get(pk=self.assist.pk))
