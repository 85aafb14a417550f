"""Writing a board's pushes straight to a socket's transport, one frame built for many.

An event of a board of N people is the same text for most of them (assists/live/push.py).
Sent through ASGI, each copy still went through Channels' send chain (the consumer, the
session wrapper) and uvicorn's ``send``, which frames the text again with the websockets
library and writes it: about 40 µs a socket in the profile, so at 100 notes a second on a
board of 100, most of a core. A server's frames are never masked, so the bytes of a text
frame are the same for every socket: here they are built once, and each socket's transport
is written directly, which is what the ``websockets`` library's own ``broadcast`` does.
The frames one socket is given in one turn of the event loop (a batch of notes is many
events at once) go out in one write.

This reaches under ASGI into uvicorn's sans-I/O WebSocket protocol (``--ws
websockets-sansio``, what ``peerassist serve`` runs). Where that protocol is not found (the
test communicator, another server), ``DirectWire.of`` gives ``None`` and the consumer sends
through ASGI as before. A write is refused once the socket has started closing, and reports
a client that has stopped reading (its unsent frames pass ``STALLED_BYTES``) so the caller
can close it instead of buffering without end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from websockets.frames import Frame, Opcode
from websockets.protocol import State

log = logging.getLogger(__name__)

STALLED_BYTES = 4 * 1024 * 1024  # unsent bytes after which a client counts as not reading
_SEND_CHAIN_DEPTH = 4  # consumer → session wrapper → … → the server's protocol


def text_frame(text: str) -> bytes:
    """The bytes of one unmasked, unfragmented text frame (no extensions negotiated: the
    server turns per-message deflate off)."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False, extensions=[])


class Stalled(Exception):
    """The client has not read its frames; close the socket rather than buffer more."""


class DirectWire:
    """One socket's transport, reached through uvicorn's protocol."""

    def __init__(self, protocol: Any) -> None:
        self.protocol = protocol
        self.queued: list[bytes] = []

    @classmethod
    def of(cls, send: Callable[..., Any]) -> DirectWire | None:
        """The wire under an ASGI ``send``, or ``None`` when it is not uvicorn's sans-I/O
        protocol with no extension negotiated (then send through ASGI)."""
        try:
            from uvicorn.protocols.websockets.websockets_sansio_impl import (
                WebSocketsSansIOProtocol,
            )
        except ImportError:  # pragma: no cover - uvicorn is a dependency
            return None
        for _ in range(_SEND_CHAIN_DEPTH):
            owner = getattr(send, "__self__", None)
            if isinstance(owner, WebSocketsSansIOProtocol):
                if getattr(owner.conn, "extensions", None):
                    return None  # frames would need the extension's encoding
                return cls(owner)
            inner = getattr(owner, "real_send", None)
            if inner is None:
                return None
            send = inner
        return None

    def write(self, frame: bytes) -> bool:
        """Write the frame; ``False`` if the socket is closing (nothing is written).
        Raises ``Stalled`` when the client has stopped reading."""
        if self.protocol.transport.get_write_buffer_size() > STALLED_BYTES:
            raise Stalled()
        return self._put(frame)

    def _put(self, data: bytes) -> bool:
        protocol = self.protocol
        transport = protocol.transport
        if protocol.close_sent or protocol.conn.state is not State.OPEN or transport.is_closing():
            return False  # closing: what was queued is dropped, as ASGI would refuse it
        transport.write(data)
        return True

    def send_soon(self, frame: bytes) -> None:
        """Queue the frame; every frame queued in this turn of the event loop goes out in one
        write at its end, in order. A batch of notes is many events in one turn: one system
        call per socket instead of one per event. Raises ``Stalled`` as ``write`` does."""
        if self.protocol.transport.get_write_buffer_size() > STALLED_BYTES:
            raise Stalled()
        if not self.queued:
            self.protocol.loop.call_soon(self._flush)
        self.queued.append(frame)

    def _flush(self) -> None:
        frames, self.queued = self.queued, []
        self._put(b"".join(frames))
