"""Pushed events, encoded once per kind of viewer, never show one viewer what is another's."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from peerassist.assists.live import events, services
from peerassist.assists.live.push import MEMO_KEY, event_text
from peerassist.assists.live.selectors import note_wire
from peerassist.assists.models import Phase
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def note_message(live: Live, *, private: bool, anonymous: bool = False) -> dict[str, Any]:
    live.set(phase=Phase.ASK)
    note, _ = services.note_create(
        actor=live.visitor,
        assist=live.assist,
        client_id=uuid.uuid4(),
        text="Ask the pharmacist first.",
        anonymous=anonymous,
    )
    event = events.NoteCreated(version=note.version, note=events.NoteWire(**note_wire(note)))
    return {
        "type": "assist.event",
        "event": event.model_dump(),
        "context": {"private_writing": private},
    }


def seen_by(message: dict[str, Any], live: Live, who: str) -> dict[str, Any]:
    viewer = live.people[who] if who else None
    pushed: dict[str, Any] = json.loads(event_text(message, viewer))
    assert set(pushed) == {"type", "version", "note"}  # nothing server-side goes out
    return pushed["note"]


def test_under_private_writing_only_the_author_and_facilitator_read_the_note(live: Live) -> None:
    message = note_message(live, private=True)
    # Other viewers first, so a shared text would have to be theirs, not the author's.
    for who in ("visitor2", "observer", "host_member", ""):
        note = seen_by(message, live, who)
        assert note.get("withheld") is True
        assert "text" not in note
    author = seen_by(message, live, "visitor")
    assert author["text"] == "Ask the pharmacist first."
    assert author["mine"] is True
    facilitator = seen_by(message, live, "facilitator")
    assert facilitator["text"] == "Ask the pharmacist first."
    assert facilitator["mine"] is False
    # Three kinds of viewer, so three encodings, however many sockets asked.
    assert len(message[MEMO_KEY]) == 3


def test_anonymous_notes_name_their_author_only_to_the_author(live: Live) -> None:
    message = note_message(live, private=False, anonymous=True)
    author = seen_by(message, live, "visitor")
    assert author["author"]["name"] == "Visitor"
    for who in ("visitor2", "host_lead", "facilitator"):
        note = seen_by(message, live, who)
        assert note["text"] == "Ask the pharmacist first."
        assert note["author"] is None
        assert note["mine"] is False


def test_events_without_a_note_are_the_same_for_everyone(live: Live) -> None:
    message = {
        "type": "assist.event",
        "event": {"type": "phase.changed", "version": 4, "phase": "ask"},
        "context": {"private_writing": True},
    }
    texts = {event_text(message, live.people[who]) for who in ("visitor", "facilitator")}
    assert texts == {'{"type":"phase.changed","version":4,"phase":"ask"}'}
