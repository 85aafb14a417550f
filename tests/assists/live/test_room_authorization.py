"""Every route, page and socket of the room (issue #12) for every kind of person.

The wall, its QR code and its socket: the facilitator and the people who may plan the peer
assist; everyone else who can see the peer assist gets 403 with the reason (the socket
closes with 4404), strangers 404. The join controls: the facilitator alone. The join pages
are public: the code is the key, and the signed-in are told to use their account.
"""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from peerassist.assists.live.join import JoinDetails, join_code_rotate, join_request_create
from peerassist.assists.models import JoinCode, JoinRequest
from peerassist.config.asgi import application
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.assists.live.test_room_wall import cookie_for
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

ROLES = [
    "facilitator",
    "planner",
    "host_member",
    "note_taker",
    "colleague",
    "visitor",
    "observer",
    "other_guest",
    "outsider",
    "anonymous",
]
LOGIN = "login"
WALL = {
    "facilitator": 200,
    "planner": 200,
    "host_member": 403,
    "note_taker": 403,
    "colleague": 403,
    "visitor": 403,
    "observer": 403,
    "other_guest": 404,
    "outsider": 404,
}
EXPECTED: dict[str, dict[str, Any]] = {
    "wall_page": {**WALL, "anonymous": LOGIN},
    "wall_qr": {**WALL, "anonymous": 404},
    "wall_api": {**WALL, "anonymous": 401},
    "facilitator_api": {
        "facilitator": 200,
        "planner": 403,
        "host_member": 403,
        "note_taker": 403,
        "colleague": 403,
        "visitor": 403,
        "observer": 403,
        "other_guest": 404,
        "outsider": 404,
        "anonymous": 401,
    },
}

PAGES = [
    ("wall_page", "/assists/{a}/wall/"),
    ("wall_qr", "/assists/{a}/join.svg"),
]
ROUTES = [
    ("wall_api", "GET", "/wall", None),
    ("facilitator_api", "GET", "/joins", None),
    ("facilitator_api", "POST", "/joins/code", {}),
    ("facilitator_api", "PUT", "/joins/admission", {"admission": "everyone"}),
    ("facilitator_api", "POST", "/joins/{r}/decision", {"admit": False}),
]


def prepare(live: Live, outsider: Any) -> dict[str, Any]:
    """A planner (project member who holds host lead), a join code and somebody waiting."""
    live.assist.project.members.create(user=live.host_lead)
    join_code_rotate(actor=live.facilitator, assist=live.assist)
    code = JoinCode.objects.get(assist=live.assist, replaced_at__isnull=True)
    waiting = join_request_create(
        details=JoinDetails(
            code=code.code,
            name="Waiting Person",
            organisation_name="Elsewhere",
            role="visitor",
            attendance="in_room",
            consent=True,
        ),
        client_ip="10.9.9.9",
    )
    return {"a": live.assist.pk, "r": waiting.pk, "outsider": outsider}


def actor_of(live: Live, role: str, ids: dict[str, Any]) -> Any:
    if role == "planner":
        return live.host_lead
    if role == "outsider":
        return ids["outsider"]
    return getattr(live, role)


def api_for(live: Live, role: str, ids: dict[str, Any]) -> ApiClient:
    client = ApiClient()
    client._csrf()
    if role == "anonymous":
        return client
    actor = actor_of(live, role, ids)
    if role in {"visitor", "observer", "other_guest"}:
        return client.as_guest(actor)
    return client.login(actor)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("kind", "path"), PAGES)
def test_every_room_page_answers_each_role(
    live: Live, outsider: Any, role: str, kind: str, path: str
) -> None:
    ids = prepare(live, outsider)
    response = api_for(live, role, ids).client.get(path.format(**ids))
    expected = EXPECTED[kind][role]
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
    else:
        assert response.status_code == expected, (response.status_code, response.content[:300])
    if expected == 403:
        assert "Only the facilitator and the host team" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("kind", "method", "path", "body"), ROUTES)
def test_every_room_api_route_answers_each_role(
    live: Live, outsider: Any, role: str, kind: str, method: str, path: str, body: Any
) -> None:
    ids = prepare(live, outsider)
    before = (
        list(JoinCode.objects.values_list("pk", "replaced_at")),
        list(JoinRequest.objects.values_list("pk", "state")),
        live.assist.join_admission,
    )
    url = f"/api/v1/assists/{ids['a']}" + path.format(**ids)
    client = api_for(live, role, ids)
    response = client.get(url) if method == "GET" else client.send(method, url, body)
    expected = EXPECTED[kind][role]
    assert response.status_code == expected, (response.status_code, response.content[:300])
    if expected != 200:
        assert response.json()["detail"]  # a reason a person can act on
        live.assist.refresh_from_db()
        after = (
            list(JoinCode.objects.values_list("pk", "replaced_at")),
            list(JoinRequest.objects.values_list("pk", "state")),
            live.assist.join_admission,
        )
        assert after == before


def test_the_join_pages_are_open_to_people_without_an_account(live: Live) -> None:
    assert Client().get("/join/").status_code == 200
    waiting = Client().get("/join/waiting/")  # nobody waiting in this browser
    assert waiting.status_code == 302 and waiting["Location"] == "/join/"


def test_routes_for_another_peer_assists_join_request_are_not_found(
    api: ApiClient, live: Live, outsider: Any
) -> None:
    ids = prepare(live, outsider)
    other = live.other_assist
    other.participants.create(
        user=live.facilitator, role="facilitator", display_name="The facilitator"
    )
    api.login(live.facilitator)
    response = api.post(f"/api/v1/assists/{other.pk}/joins/{ids['r']}/decision", {"admit": True})
    assert response.status_code == 404
    assert JoinRequest.objects.get(pk=ids["r"]).state == JoinRequest.State.WAITING


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("role", "opens"),
    [
        ("facilitator", True),
        ("planner", True),
        ("host_member", False),
        ("visitor", False),
        ("colleague", False),
        ("other_guest", False),
        ("outsider", False),
    ],
)
async def test_the_wall_socket_answers_each_role(
    live: Live, outsider: Any, role: str, opens: bool
) -> None:
    ids = await database_sync_to_async(prepare)(live, outsider)
    key = await database_sync_to_async(cookie_for)(actor_of(live, role, ids))
    comm = WebsocketCommunicator(
        application,
        f"/ws/assists/{live.assist.pk}/wall/",
        headers=[
            (b"origin", b"http://testserver"),
            (b"host", b"testserver"),
            (b"cookie", f"sessionid={key}".encode()),
        ],
    )
    connected, _ = await comm.connect(timeout=10)
    assert connected
    first = await comm.receive_output(timeout=10)
    if opens:
        assert first["type"] == "websocket.send" and '"hello"' in first["text"]
        await comm.disconnect()
    else:
        assert first == {"type": "websocket.close", "code": 4404}
    # The sync thread's connection goes with the test, so PostgreSQL can drop the test
    # database afterwards.
    await database_sync_to_async(connections.close_all)()
