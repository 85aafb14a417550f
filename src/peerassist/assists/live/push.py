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

from peerassist.assists.live.selectors import note_for_viewer
from peerassist.assists.models import Participant
from peerassist.core.wire import text_frame

PEOPLE_KEYS = ("author", "spoken_by", "captured_by")
MEMO_KEY = "_texts"
FRAMES_KEY = "_frames"
PEOPLE_MEMO_KEY = "_people"


def _people_on_note(message: dict[str, Any]) -> frozenset[int] | None:
    """The people named on the event's note (``None``: every viewer sees the same event),
    worked out once per message rather than once per socket."""
    if PEOPLE_MEMO_KEY in message:
        people: frozenset[int] | None = message[PEOPLE_MEMO_KEY]
        return people
    note = message["event"].get("note")
    if not isinstance(note, dict) or note.get("deleted"):
        people = None
    else:
        people = frozenset(
            person["id"] for key in PEOPLE_KEYS if (person := note.get(key)) and person.get("id")
        )
    message[PEOPLE_MEMO_KEY] = people
    return people


def viewer_kind(message: dict[str, Any], viewer: Participant | None) -> Hashable:
    """Viewers of one kind see the same text of this message's event."""
    people = _people_on_note(message)
    if people is None:
        return "everyone"
    if viewer is None:
        return "anyone else"
    if viewer.id in people:
        return ("on the note", viewer.id)
    if viewer.role == Participant.Role.FACILITATOR:
        return "facilitator"
    return "anyone else"


def shape_event(
    event: dict[str, Any],
    viewer: Participant | None,
    *,
    private_writing: bool = False,
    private_since: str | None = None,
) -> dict[str, Any]:
    """The event with its note shaped for this viewer (``events.NoteForViewer``)."""
    note = event.get("note")
    if not isinstance(note, dict) or note.get("deleted"):
        return event
    shaped = note_for_viewer(
        note, viewer, private_writing=private_writing, private_since=private_since
    )
    return {**event, "note": shaped}


def event_text(message: dict[str, Any], viewer: Participant | None) -> str:
    """The JSON text of ``message["event"]`` for this viewer, built once per kind.

    ``message["context"]`` (``events.emit``) says whether private writing was on."""
    event = message["event"]
    context = message.get("context") or {}
    private_writing = bool(context.get("private_writing", False))
    private_since = context.get("private_since")
    memo: dict[Hashable, str] = message.setdefault(MEMO_KEY, {})
    kind = viewer_kind(message, viewer)
    text = memo.get(kind)
    if text is None:
        text = memo[kind] = json.dumps(
            shape_event(
                event, viewer, private_writing=private_writing, private_since=private_since
            ),
            separators=(",", ":"),
        )
    return text


def event_frame(message: dict[str, Any], viewer: Participant | None) -> bytes:
    """``event_text`` as the bytes of a WebSocket text frame, also built once per kind of
    viewer (written straight to each socket's transport, core/wire.py)."""
    frames: dict[Hashable, bytes] = message.setdefault(FRAMES_KEY, {})
    kind = viewer_kind(message, viewer)
    frame = frames.get(kind)
    if frame is None:
        frame = frames[kind] = text_frame(event_text(message, viewer))
    return frame


class VersionOrder:
    """Puts one socket's events back in version order before they are sent.

    Writes commit in version order, but their broadcasts leave from different threads (and,
    with several processes, different machines), so one can overtake another by a few
    milliseconds. A client that sees version 6 before 5 must assume it missed 5 and fetch
    the board again: in the 50-person benchmark that was 3,471 needless resyncs in six
    seconds, which saturated the server. So an event that arrives early is held until the
    ones before it come, for at most ``REORDER_WAIT`` seconds; after that it goes anyway and
    the client's gap detection fetches what never came.
    """

    def __init__(self, sent: int) -> None:
        self.sent = sent  # the highest version this socket has been sent, in order
        self.held: dict[int, Any] = {}

    def arrive(self, version: int, item: Any) -> list[Any]:
        """What can be sent now, in order (``item`` itself, or nothing while it waits)."""
        if version <= self.sent:
            return [item]  # already covered (e.g. by the hello); the client ignores it
        if version > self.sent + 1:
            self.held[version] = item
            return []
        ready = [item]
        self.sent = version
        while self.sent + 1 in self.held:
            self.sent += 1
            ready.append(self.held.pop(self.sent))
        return ready

    def give_up(self) -> list[Any]:
        """Everything held, in order: the missing versions are not coming."""
        ready = [self.held[v] for v in sorted(self.held)]
        if self.held:
            self.sent = max(self.held)
        self.held.clear()
        return ready
