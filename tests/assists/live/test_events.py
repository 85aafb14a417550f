"""The typed live events hold together: with docs/realtime.md, with what the services send,
with the live API's OpenAPI document, and byte for byte with the answers they replaced."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.test import Client
from ninja.renderers import JSONRenderer

from peerassist.assists.live import events, services
from peerassist.assists.live.selectors import board_state
from peerassist.assists.models import Phase
from peerassist.core.broadcast import assist_group
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient

DOC = Path(__file__).resolve().parents[3] / "docs" / "realtime.md"

LIVE_ROUTES = {
    ("post", "/api/v1/assists/{assist_id}/notes"): "NoteAnswer",
    ("patch", "/api/v1/assists/{assist_id}/notes/{note_id}"): "NoteAnswer",
    ("delete", "/api/v1/assists/{assist_id}/notes/{note_id}"): "VersionAnswer",
    ("post", "/api/v1/assists/{assist_id}/notes/{note_id}/confirm"): "NoteAnswer",
    ("get", "/api/v1/assists/{assist_id}/board"): "BoardState",
    ("post", "/api/v1/assists/{assist_id}/phase"): "PhaseAnswer",
    ("patch", "/api/v1/assists/{assist_id}/controls"): "ControlsAnswer",
    ("post", "/api/v1/assists/{assist_id}/presence"): "DoneAnswer",
    ("post", "/api/v1/assists/{assist_id}/takeaway"): "TakeawayAnswer",
    ("post", "/api/v1/assists/{assist_id}/close"): "ClosingAnswer",
}


def doc_table() -> str:
    text = DOC.read_text()
    found = re.search(r"<!-- events:start -->\n(.*?)\n<!-- events:end -->", text, re.S)
    assert found, "docs/realtime.md lost its events:start/events:end markers"
    return found.group(1)


def test_the_doc_table_is_the_one_the_types_make() -> None:
    """Regenerate with ``events.event_table()`` when an event changes."""
    assert doc_table() == events.event_table()


def test_every_event_type_is_in_the_doc_with_its_fields_and_nothing_else() -> None:
    rows = {}
    for line in doc_table().splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].strip("`")] = re.findall(r"`([a-z_]+)`", cells[1])
    assert rows == {events.event_type(e): events.event_fields(e) for e in events.EVENTS}
    assert len(rows) == len(events.EVENTS)  # no type named twice


def test_every_event_class_in_the_module_is_listed() -> None:
    defined = {
        value
        for value in vars(events).values()
        if isinstance(value, type)
        and issubclass(value, events.LiveEvent)
        and "type" in value.__annotations__
        and value not in {events.LiveEvent, events.AnalysisEvent}
    }
    assert defined == set(events.EVENTS)


def test_the_live_routes_answer_typed_schemas_in_the_openapi_document(db: None) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    for (method, path), schema in LIVE_ROUTES.items():
        answers = document["paths"][path][method]["responses"]
        ok = answers.get("200") or answers["201"]
        ref = ok["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{schema}", (method, path)
    note = document["components"]["schemas"]["NoteAnswer"]["properties"]["note"]
    assert {option["$ref"].rsplit("/", 1)[1] for option in note["anyOf"]} == {
        "NoteView",
        "NoteWithheld",
        "NoteGone",
    }


def rendered(data: Any) -> bytes:
    """How the API wrote an untyped dict answer before the types."""
    return json.dumps(data, cls=JSONRenderer.encoder_class).encode()


def client(live: Live, who: str) -> ApiClient:
    api = ApiClient()
    api._csrf()
    actor = getattr(live, who)
    return (
        api.login(actor)
        if who in {"facilitator", "host_lead", "note_taker"}
        else api.as_guest(actor)
    )


@pytest.mark.django_db
def test_board_answers_are_byte_for_byte_the_untyped_ones(live: Live) -> None:
    """Full, withheld, anonymous and deleted notes: the typed answer keeps every key and order."""
    live.set(phase=Phase.ASK)
    url = f"/api/v1/assists/{live.assist.pk}"
    visitor = client(live, "visitor")
    facilitator = client(live, "facilitator")
    kept = visitor.post(f"{url}/notes", {"client_id": str(uuid.uuid4()), "text": "Kept"})
    visitor.post(
        f"{url}/notes", {"client_id": str(uuid.uuid4()), "text": "Nameless", "anonymous": True}
    )
    gone = visitor.post(f"{url}/notes", {"client_id": str(uuid.uuid4()), "text": "Gone"}).json()
    visitor.delete(f"{url}/notes/{gone['note']['id']}")
    facilitator.patch(f"{url}/controls", {"private_writing": True})
    assert kept.status_code == 201
    for who in ("visitor", "visitor2", "facilitator"):
        for since in (None, 0):
            live.assist.refresh_from_db()
            actor = getattr(live, who)
            expected = rendered(board_state(live.assist, actor, since=since))
            query = {} if since is None else {"since": since}
            answer = client(live, who).get(f"{url}/board", **query)
            assert answer.status_code == 200
            assert answer.content == expected, (who, since)


@pytest.mark.django_db
def test_write_answers_keep_their_keys_in_order(live: Live) -> None:
    live.set(phase=Phase.ASK)
    url = f"/api/v1/assists/{live.assist.pk}"
    facilitator = client(live, "facilitator")
    note = facilitator.post(f"{url}/notes", {"client_id": str(uuid.uuid4()), "text": "A tip"})
    assert list(note.json()) == ["note", "version"]
    assert list(note.json()["note"])[:3] == ["id", "client_id", "text"]
    assert list(note.json()["note"])[-2:] == ["mine", "spoken_by_me"]
    phase = facilitator.post(f"{url}/phase", {"direction": "next"})
    assert list(phase.json()) == ["phase", "status", "version"]
    controls = facilitator.patch(f"{url}/controls", {"locked": True})
    assert list(controls.json()) == ["controls", "version"]
    assert list(controls.json()["controls"]) == [
        "anonymous",
        "private_writing",
        "locked",
        "spotlight_note_id",
        "spotlight_need_id",
        "timer",
    ]


@pytest.mark.django_db(transaction=True)
async def test_a_note_event_on_the_channel_layer_carries_nothing_server_side(live: Live) -> None:
    """What the service sends validates as its type; private writing rides beside it."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(assist_group(live.assist.pk), channel)
    await database_sync_to_async(live.set)(phase=Phase.ASK, private_writing=True)
    await database_sync_to_async(services.note_create)(
        actor=live.visitor, assist=live.assist, client_id=uuid.uuid4(), text="Ask the pharmacist"
    )
    async with asyncio.timeout(10):
        message = await layer.receive(channel)
    await layer.group_discard(assist_group(live.assist.pk), channel)
    # Turned on without the controls (no start time): every note counts as written since.
    assert message["context"] == {
        "private_writing": True,
        "private_since": "0001-01-01T00:00:00+00:00",
    }
    event = events.NoteCreated.model_validate(message["event"])
    assert event.model_dump() == message["event"]
    assert set(message["event"]) == {"type", "version", "note"}
