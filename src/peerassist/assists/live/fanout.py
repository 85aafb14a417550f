"""One channel-layer subscription per board per process, shared by all its sockets there.

Channels' way is one group membership per socket: a note on a board of N is N queue entries
in the process, N wake-ups of N consumer loops (each with its own dispatch), and on Redis N
local deliveries. Here a process joins a board's group once, with a channel of its own; one
task reads it and writes each event to every local socket of that board directly
(``AssistConsumer.push``), the text built once per kind of viewer (assists/live/push.py).

``presence.changed`` carries the whole presence list, so only the newest one matters: it is
held for ``PRESENCE_COALESCE`` seconds and only the last one of that window goes out. When
fifty people open the board at once that is a few pushes to each socket, not fifty.

Held events (``VersionOrder``) are given up through this task too, between two events, so a
socket's frames are never interleaved.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from peerassist.assists.live.per_board import PerBoard
from peerassist.core.broadcast import assist_group
from peerassist.core.wire import Stalled

log = logging.getLogger(__name__)

PRESENCE_COALESCE = 0.15  # seconds
JOIN_WAIT = 10.0  # seconds a socket waits for its board's subscription
# A socket whose frames have not been taken for this long (its client stopped reading and
# the buffers are full) is closed, so it cannot hold up the board's other sockets; the
# client reconnects and catches up over HTTP.
PUSH_WAIT = 5.0
GIVE_UP = "fanout.give_up"
BATCH = "assist.events"  # several events in one message, in order (note_writer.py)


class Socket(Protocol):
    """What the fan-out needs of a consumer."""

    async def push(self, message: dict[str, Any]) -> None: ...

    async def give_up_held(self) -> None: ...

    async def stalled(self) -> None: ...


class BoardFanout:
    """The sockets of one board in this process, and the one subscription they share."""

    def __init__(self, layer: Any, assist_id: int, loop: asyncio.AbstractEventLoop) -> None:
        self.layer = layer
        self.assist_id = assist_id
        self.loop = loop
        self.group = assist_group(assist_id)
        self.sockets: dict[int, Socket] = {}
        self.channel: str | None = None
        self.reader: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        self.presence: dict[str, Any] | None = None
        self.presence_timer: asyncio.TimerHandle | None = None
        self.tasks: set[asyncio.Future[Any]] = set()  # held until done

    async def join(self, socket: Socket) -> None:
        """Add a socket; the first one of the board in this process subscribes (raises
        ``TimeoutError`` if the layer cannot be reached, as a refused ``group_add`` would)."""
        self.sockets[id(socket)] = socket
        if self.reader is None:
            self.reader = asyncio.ensure_future(self._read())
        try:
            await asyncio.wait_for(asyncio.shield(self.ready.wait()), JOIN_WAIT)
        except TimeoutError:
            await self.leave(socket)
            raise

    async def leave(self, socket: Socket) -> None:
        self.sockets.pop(id(socket), None)
        if self.sockets:
            return
        _BOARDS.forget(self)
        if self.presence_timer is not None:
            self.presence_timer.cancel()
        if self.reader is not None:
            self.reader.cancel()
        if self.channel is not None:
            try:
                await self.layer.group_discard(self.group, self.channel)
            except Exception:  # the layer may be gone (Redis down); its expiry cleans up
                log.warning("Could not leave %s", self.group, exc_info=True)

    def give_up_soon(self, socket: Socket) -> None:
        """Ask the reader to send ``socket``'s held events, between two events."""
        if self.channel is not None:
            self._spawn(self.layer.send(self.channel, {"type": GIVE_UP, "socket": id(socket)}))

    def _spawn(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _subscribe(self) -> None:
        while True:
            try:
                if self.channel is None:
                    self.channel = await self.layer.new_channel("board.")
                await self.layer.group_add(self.group, self.channel)
                return
            except Exception:
                log.warning("Could not join %s; retrying", self.group, exc_info=True)
                await asyncio.sleep(0.5)

    async def _read(self) -> None:
        await self._subscribe()
        self.ready.set()
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # A broken layer connection (Redis restarting): try again shortly. Missed
                # events show up as version gaps on the clients, which catch up over HTTP.
                log.warning("Fan-out for %s lost its layer; retrying", self.group, exc_info=True)
                await asyncio.sleep(0.5)
                continue
            await self._handle(message)

    async def _handle(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == GIVE_UP:
            socket = self.sockets.get(message.get("socket", 0))
            if socket is not None:
                await self._each(socket.give_up_held, socket=socket)
            return
        if kind == BATCH:
            for each in message.get("messages", ()):
                await self._handle(each)
            return
        if kind != "assist.event":
            return
        if message["event"].get("type") == "presence.changed":
            self.presence = message
            if self.presence_timer is None:
                self.presence_timer = self.loop.call_later(PRESENCE_COALESCE, self._presence_due)
            return
        for socket in list(self.sockets.values()):
            await self._each(socket.push, message, socket=socket)

    def _presence_due(self) -> None:
        self.presence_timer = None
        message, self.presence = self.presence, None
        if message is not None:
            self._spawn(self._send_presence(message))

    async def _send_presence(self, message: dict[str, Any]) -> None:
        for socket in list(self.sockets.values()):
            await self._each(socket.push, message, socket=socket)

    async def _each(
        self, call: Callable[..., Awaitable[None]], *args: Any, socket: Socket | None = None
    ) -> None:
        try:
            if getattr(socket, "wire", None) is not None:
                # Written straight to the transport, never waiting (core/wire.py): no timer.
                await call(*args)
            else:
                await asyncio.wait_for(call(*args), PUSH_WAIT)
        except (TimeoutError, Stalled):
            if socket is not None:
                log.info("Closing a socket on %s that stopped reading", self.group)
                self.sockets.pop(id(socket), None)
                self._spawn(socket.stalled())
        except Exception:
            # One socket closing under us must not stop the board's other sockets.
            log.debug("A push to one socket failed", exc_info=True)


_BOARDS: PerBoard[BoardFanout] = PerBoard(BoardFanout)


def board_fanout(layer: Any, assist_id: int) -> BoardFanout:
    """This process's fan-out for the board (made on first use, per event loop)."""
    return _BOARDS.get(layer, assist_id)
