"""A live-board event as one viewer may see it, encoded once per kind of viewer.

Every socket on a board receives every event, shaped for its viewer (``note_for_viewer``:
private writing, hidden and anonymous notes). Most viewers of a note see exactly the same
thing: everyone who is neither on the note nor the facilitator. So the text is built once
per kind of viewer and kept on the message, which the process-local channel layer shares
between all of a process's sockets (core/layers.py): for a board of 50, one or two
encodings instead of 50. Nothing else in the message is ever changed.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any

from peerassist.assists.models import Participant
from peerassist.assists.selectors import note_for_viewer

PEOPLE_KEYS = ("author", "spoken_by", "captured_by")
MEMO_KEY = "_texts"


def viewer_kind(event: dict[str, Any], viewer: Participant | None) -> Hashable:
    """Viewers of one kind see the same text of this event."""
    note = event.get("note")
    if not isinstance(note, dict) or note.get("deleted"):
        return "everyone"
    viewer_id = viewer.pk if viewer is not None else None
    people = {(note.get(key) or {}).get("id") for key in PEOPLE_KEYS} - {None}
    if viewer_id is not None and viewer_id in people:
        return ("on the note", viewer_id)
    if viewer is not None and viewer.role == Participant.Role.FACILITATOR:
        return "facilitator"
    return "anyone else"


def shape_event(event: dict[str, Any], viewer: Participant | None) -> dict[str, Any]:
    """The event without its server-side flags, its note shaped for this viewer."""
    shaped = dict(event)
    private = bool(shaped.pop("_private", False))
    note = shaped.get("note")
    if isinstance(note, dict) and not note.get("deleted"):
        shaped["note"] = note_for_viewer(note, viewer, private_writing=private)
    return shaped


def event_text(message: dict[str, Any], viewer: Participant | None) -> str:
    """The JSON text of ``message["event"]`` for this viewer, built once per kind."""
    event = message["event"]
    memo: dict[Hashable, str] = message.setdefault(MEMO_KEY, {})
    kind = viewer_kind(event, viewer)
    text = memo.get(kind)
    if text is None:
        text = memo[kind] = json.dumps(shape_event(event, viewer), separators=(",", ":"))
    return text
