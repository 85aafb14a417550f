"""Close a person's open sockets when their access ends, once the change has committed.

Every socket joins two groups besides its peer assist's: one for the person (a user or a
guest) and one for the browser session it came from. A service that ends somebody's access
(a guest's link revoked, a participant taken off the list, a membership ended, an account
deactivated) calls ``disconnect_person_on_commit``; signing out calls
``disconnect_session_on_commit``. The consumer drops every event after the message and closes
with ``CLOSE_ACCESS_CHANGED``; the board then reconnects, and the one access check decides
whether it may come back (docs/realtime.md).
"""

from __future__ import annotations

import hashlib
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

ACCESS_ENDED = "access.ended"
CLOSE_ACCESS_CHANGED = 4403


def person_group(*, user_id: int | None = None, guest_id: int | None = None) -> str:
    """The channel-layer group of every socket one user (or one guest) has open."""
    if user_id is not None:
        return f"person.user.{user_id}"
    if guest_id is not None:
        return f"person.guest.{guest_id}"
    raise ValueError("Name a user or a guest.")


def session_group(session_key: str) -> str:
    """The group of the sockets opened from one browser session (the key itself stays secret)."""
    digest = hashlib.sha256(session_key.encode()).hexdigest()[:40]
    return f"session.{digest}"


def disconnect_person_on_commit(
    *, user_id: int | None = None, guest_id: int | None = None, assist_id: int | None = None
) -> None:
    """After commit, close the person's sockets (only those on ``assist_id`` if given)."""
    _send_on_commit(person_group(user_id=user_id, guest_id=guest_id), assist_id)


def disconnect_session_on_commit(session_key: str | None) -> None:
    """After commit (or at once, outside a transaction), close one session's sockets."""
    if session_key:
        _send_on_commit(session_group(session_key), None)


def _send_on_commit(group: str, assist_id: int | None) -> None:
    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group, {"type": ACCESS_ENDED, "assist_id": assist_id})
        except Exception:
            # The access check refuses the person's next request and reconnect anyway.
            log.warning("Could not close the sockets of %s", group, exc_info=True)

    transaction.on_commit(send)
