"""Send live-session events to every connected client, only once the write has committed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

_collecting = threading.local()


def assist_group(assist_id: int) -> str:
    """The channel-layer group of one peer assist's sockets."""
    return f"assist.{assist_id}"


def broadcast_on_commit(
    assist_id: int, event: dict[str, Any], *, context: dict[str, Any] | None = None
) -> None:
    """Queue ``event`` for the assist's group; nothing is sent if the transaction rolls back.

    ``context`` rides beside the event on the message for the consumers (what they need to
    shape the event for each viewer) and is never part of what a client receives.

    Delivery is at most once (DESIGN.md): a lost event shows up as a version gap on the
    client, which then fetches what it missed over HTTP. So a failure here is logged, never
    raised into the write that has already committed.
    """

    def send() -> None:
        message: dict[str, Any] = {"type": "assist.event", "event": event}
        if context:
            message["context"] = context
        collected: list[tuple[str, dict[str, Any]]] | None = getattr(_collecting, "sent", None)
        if collected is not None:
            collected.append((assist_group(assist_id), message))
            return
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(assist_group(assist_id), message)
        except Exception:
            log.warning(
                "Broadcast to assist %s failed; clients will resync", assist_id, exc_info=True
            )

    transaction.on_commit(send)


@contextmanager
def collect_broadcasts() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Within the block, on this thread, committed broadcasts are kept, not sent.

    For a caller on the event loop that wrote through the database thread: it sends them
    itself with ``await layer.group_send`` (assists/live/note_writer.py), so the database
    thread does not wait for the busy loop to take each one.
    """
    sent: list[tuple[str, dict[str, Any]]] = []
    outer = getattr(_collecting, "sent", None)
    _collecting.sent = sent
    try:
        yield sent
    finally:
        _collecting.sent = outer
