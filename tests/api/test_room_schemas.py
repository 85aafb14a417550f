"""The room's and fast capture's API answers are typed in the document, and typing them
changed no byte a client sees: same keys, same order, same values as the services shape."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client

from peerassist.api.app import api
from peerassist.assists.live import services
from peerassist.assists.live.join import JoinDetails, join_code_rotate, join_request_create
from peerassist.assists.live.wall import join_wire, wall_state
from peerassist.assists.models import JoinCode
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

ROOM_AND_CAPTURE = {
    ("get", "/api/v1/assists/{assist_id}/wall"),
    ("get", "/api/v1/assists/{assist_id}/joins"),
    ("post", "/api/v1/assists/{assist_id}/joins/code"),
    ("put", "/api/v1/assists/{assist_id}/joins/admission"),
    ("post", "/api/v1/assists/{assist_id}/joins/{request_id}/decision"),
    ("post", "/api/v1/assists/{assist_id}/notes/bulk/preview"),
    ("post", "/api/v1/assists/{assist_id}/notes/bulk"),
    ("post", "/api/v1/assists/{assist_id}/speakers"),
    ("get", "/api/v1/assists/{assist_id}/photos"),
    ("post", "/api/v1/assists/{assist_id}/photos"),
    ("get", "/api/v1/assists/{assist_id}/photos/{photo_id}"),
}


def ordered(content: bytes) -> Any:
    """JSON with its key order kept (objects as lists of pairs)."""
    return json.loads(content, object_pairs_hook=list)


def test_room_and_capture_answers_are_named_schemas_with_properties() -> None:
    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    for method, path in sorted(ROOM_AND_CAPTURE):
        responses = document["paths"][path][method]["responses"]
        successes = [status for status in responses if str(status).startswith("2")]
        assert successes, (method, path)
        for status in successes:
            schema = responses[status]["content"]["application/json"]["schema"]
            schema = schema.get("items", schema)
            name = schema["$ref"].rsplit("/", 1)[-1]
            assert components[name]["properties"], (method, path, name)


def test_the_wall_answer_is_the_wall_state_key_for_key(live: Live) -> None:
    """Notes, anonymity, the join code: the typed answer keeps the services' JSON as it was."""
    services.note_create(
        actor=live.visitor, assist=live.assist, client_id=uuid.uuid4(), text="Ask the GP leads"
    )
    live.set(anonymous=True)
    join_code_rotate(actor=live.facilitator, assist=live.assist)
    client = Client()
    client.force_login(live.facilitator)
    response = client.get(f"/api/v1/assists/{live.assist.pk}/wall")
    assert response.status_code == 200
    live.assist.refresh_from_db()
    expected = wall_state(live.assist, absolute=response.wsgi_request.build_absolute_uri)
    expected["now"] = response.json()["now"]
    assert ordered(response.content) == ordered(
        json.dumps(expected, cls=DjangoJSONEncoder).encode()
    )


def test_the_join_controls_answer_keeps_its_keys_and_order(live: Live) -> None:
    join_code_rotate(actor=live.facilitator, assist=live.assist)
    code = JoinCode.objects.get(assist=live.assist, replaced_at__isnull=True)
    waiting = join_request_create(
        details=JoinDetails(
            code=code.code,
            name="Waiting Person",
            organisation_name="Elsewhere",
            role="visitor",
            attendance="online",
            consent=True,
        ),
        client_ip="10.9.9.9",
    )
    client = Client()
    client.force_login(live.facilitator)
    response = client.get(f"/api/v1/assists/{live.assist.pk}/joins")
    assert response.status_code == 200
    live.assist.refresh_from_db()
    body = response.json()
    assert list(body) == [
        *join_wire(live.assist, absolute=response.wsgi_request.build_absolute_uri),
        "version",
        "waiting",
    ]
    assert ordered(response.content)[-1] == (
        "waiting",
        [
            [
                ("id", waiting.pk),
                ("name", "Waiting Person"),
                ("organisation", "Elsewhere"),
                ("role", "visitor"),
                ("role_label", waiting.get_role_display()),
                ("attendance", "online"),
                ("attendance_label", waiting.get_attendance_display()),
                ("asked_at", waiting.created_at.isoformat()),
            ]
        ],
    )
