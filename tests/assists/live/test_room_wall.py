"""The wall view for the room's screen: who may open it, and that it shows only what the
whole room may see (issue #12)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.accounts.models import Guest, User
from peerassist.assists.live import services
from peerassist.assists.models import Participant, Phase, PresenceSeat
from peerassist.config.asgi import application
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def as_client(live: Live, who: str | None, outsider: Any = None) -> Client:
    client = Client()
    if who in {"visitor", "observer", "other_guest"}:
        session = client.session
        session[GUEST_SESSION_KEY] = getattr(live, who).pk
        session.save()
    elif who == "outsider":
        client.force_login(outsider)
    elif who is not None:
        client.force_login(getattr(live, who))
    return client


def add_note(live: Live, who: str, text: str, **kw: Any) -> Any:
    actor = getattr(live, who)
    note, _ = services.note_create(
        actor=actor, assist=live.assist, client_id=uuid.uuid4(), text=text, **kw
    )
    return note


@pytest.mark.parametrize("who", ["facilitator", "host_lead_planner", "knowledge_manager"])
def test_the_facilitator_and_planners_open_the_wall(
    live: Live, who: str, knowledge_manager: Any
) -> None:
    if who == "host_lead_planner":
        live.assist.project.members.create(user=live.host_lead)
        client = as_client(live, "host_lead")
    elif who == "knowledge_manager":
        client = Client()
        client.force_login(knowledge_manager)
    else:
        client = as_client(live, who)
    response = client.get(f"/assists/{live.assist.pk}/wall/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "dist/wall.js" in html
    assert f'data-ws="/ws/assists/{live.assist.pk}/wall/"' in html
    assert "<button" not in html and "<form" not in html  # no controls


def test_a_guest_facilitator_opens_the_wall(live: Live) -> None:
    """A facilitator from outside the host team (a guest) runs the room too."""
    live.people["visitor"].role = Participant.Role.FACILITATOR
    live.people["visitor"].save(update_fields=["role"])
    assert as_client(live, "visitor").get(f"/assists/{live.assist.pk}/wall/").status_code == 200


@pytest.mark.parametrize("who", ["visitor", "observer", "colleague", "note_taker"])
def test_people_who_only_take_part_or_watch_are_refused_with_the_reason(
    live: Live, who: str
) -> None:
    response = as_client(live, who).get(f"/assists/{live.assist.pk}/wall/")
    assert response.status_code == 403
    assert "Only the facilitator and the host team can open the wall view" in (
        response.content.decode()
    )


@pytest.mark.parametrize("who", ["outsider", "other_guest"])
def test_strangers_get_404(live: Live, who: str, outsider: Any) -> None:
    assert as_client(live, who, outsider).get(f"/assists/{live.assist.pk}/wall/").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(live: Live) -> None:
    response = Client().get(f"/assists/{live.assist.pk}/wall/")
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_the_wall_shows_what_the_room_may_see_not_what_the_facilitator_may(
    api: ApiClient, live: Live
) -> None:
    """Hidden notes stay off; private notes are counted, not shown; names only when the
    board is not anonymous."""
    live.set(phase=Phase.ASK)
    shown = add_note(live, "visitor", "Ring-fence nurse time", learning_need_id=live.needs[0].pk)
    hidden = add_note(live, "visitor2", "Hidden by the facilitator")
    services.note_update(
        actor=live.facilitator, assist=live.assist, note_id=hidden.pk, changes={"hidden": True}
    )
    wall = api.login(live.facilitator).get(f"/api/v1/assists/{live.assist.pk}/wall").json()
    texts = [n["text"] for n in wall["notes"]]
    assert texts == ["Ring-fence nurse time"]
    assert wall["notes"][0]["author"]["name"] == "Visitor"
    assert wall["phase"] == "ask" and wall["show_framing"] is False

    services.controls_update(
        actor=live.facilitator, assist=live.assist, changes={"private_writing": True}
    )
    add_note(live, "visitor2", "Written in private", learning_need_id=live.needs[1].pk)
    wall = api.get(f"/api/v1/assists/{live.assist.pk}/wall").json()
    assert "Written in private" not in str(wall)
    assert wall["withheld"][str(live.needs[1].pk)] == 1

    services.controls_update(
        actor=live.facilitator,
        assist=live.assist,
        changes={"private_writing": False, "anonymous": True},
    )
    wall = api.get(f"/api/v1/assists/{live.assist.pk}/wall").json()
    assert {n["text"] for n in wall["notes"]} == {"Ring-fence nurse time", "Written in private"}
    assert all(n["author"] is None and n["spoken_by"] is None for n in wall["notes"])
    assert "Visitor" not in str(wall["notes"])
    assert shown.pk in {n["id"] for n in wall["notes"]}


def test_the_wall_state_carries_framing_timer_and_join_code(api: ApiClient, live: Live) -> None:
    api.login(live.facilitator)
    code = api.post(f"/api/v1/assists/{live.assist.pk}/joins/code").json()["code"]
    services.controls_update(
        actor=live.facilitator, assist=live.assist, changes={"timer": "start", "minutes": 5}
    )
    wall = api.get(f"/api/v1/assists/{live.assist.pk}/wall").json()
    assert wall["show_framing"] is True  # Welcome
    assert wall["framing"]["ground_rules"]  # the Handbook's, by default
    assert wall["framing"]["learning_needs"] == [n.question for n in live.needs]
    assert wall["controls"]["timer"]["running"] is True
    assert wall["join"]["code"] == code
    assert wall["people_here"] == 0


def test_the_wall_page_shows_the_framing_in_welcome_only(live: Live) -> None:
    live.set(purpose="Learn how others protected nurse time", open_decisions="One team or three")
    client = as_client(live, "facilitator")
    html = client.get(f"/assists/{live.assist.pk}/wall/").content.decode()
    assert "Learn how others protected nurse time" in html
    assert "One team or three" in html
    assert "listen first" in html  # a Handbook ground rule
    assert 'data-role="framing" hidden' not in html
    live.set(phase=Phase.ASK)
    html = client.get(f"/assists/{live.assist.pk}/wall/").content.decode()
    assert 'data-role="framing" hidden' in html


def test_wall_queries_do_not_grow_with_notes(
    api: ApiClient, live: Live, django_assert_max_num_queries: Any
) -> None:
    live.set(phase=Phase.ASK)
    for n in range(30):
        add_note(live, "visitor", f"Note {n}")
    api.login(live.facilitator)
    with django_assert_max_num_queries(16):
        assert api.get(f"/api/v1/assists/{live.assist.pk}/wall").status_code == 200


def cookie_for(actor: User | Guest) -> str:
    if isinstance(actor, User):
        client = Client()
        client.force_login(actor)
        return client.cookies["sessionid"].value
    session = SessionStore()
    session[GUEST_SESSION_KEY] = actor.pk
    session.create()
    return str(session.session_key)


async def wall_socket(live: Live, who: str, path: str = "wall/") -> WebsocketCommunicator:
    """A socket on the wall (or, with ``path=""``, on the board) as this person."""
    key = await database_sync_to_async(cookie_for)(getattr(live, who))
    headers = [
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"cookie", f"sessionid={key}".encode()),
    ]
    comm = WebsocketCommunicator(
        application, f"/ws/assists/{live.assist.pk}/{path}", headers=headers
    )
    connected, _ = await comm.connect(timeout=10)
    assert connected
    return comm


async def next_of(comm: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    async with asyncio.timeout(10):
        while True:
            frame = await comm.receive_json_from(timeout=10)
            if frame["type"] == kind:
                return frame


@pytest.mark.django_db(transaction=True)
async def test_the_wall_socket_pushes_notes_as_the_room_sees_them(live: Live) -> None:
    """The facilitator's wall socket gets new notes live, never a hidden one's text, and
    takes no presence seat."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    wall = await wall_socket(live, "facilitator")
    hello = await next_of(wall, "hello")
    assert hello["participant_id"] is None
    assert await database_sync_to_async(PresenceSeat.objects.count)() == 0

    note = await database_sync_to_async(add_note)(live, "visitor", "Seen by the room")
    event = await next_of(wall, "note.created")
    assert event["note"]["text"] == "Seen by the room"
    assert event["note"]["mine"] is False

    await database_sync_to_async(services.note_update)(
        actor=live.facilitator, assist=live.assist, note_id=note.pk, changes={"hidden": True}
    )
    event = await next_of(wall, "note.updated")
    assert event["note"]["deleted"] is True
    assert "text" not in event["note"]
    await wall.send_json_to({"type": "typing", "active": True})
    error = await next_of(wall, "error")
    assert error["code"] == "bad_frame"
    await wall.send_json_to({"type": "ping"})
    assert (await next_of(wall, "pong"))["version"] >= 2
    await wall.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["visitor", "colleague"])
async def test_the_wall_socket_is_closed_for_people_who_may_not_open_the_wall(
    live: Live, who: str
) -> None:
    wall = await wall_socket(live, who)
    closed = await wall.receive_output(timeout=10)
    assert closed == {"type": "websocket.close", "code": 4404}


@pytest.mark.django_db(transaction=True)
async def test_join_changes_reach_every_board_without_names(live: Live) -> None:
    """Somebody asking to join is pushed to every board socket as a count; names reach only
    the facilitator, through the API."""
    from peerassist.assists.live.join import JoinDetails, join_code_rotate, join_request_create

    visitor = await wall_socket(live, "visitor", path="")
    await next_of(visitor, "hello")
    await database_sync_to_async(join_code_rotate)(actor=live.facilitator, assist=live.assist)
    assert (await next_of(visitor, "join.changed"))["waiting"] == 0
    code = await database_sync_to_async(
        lambda: live.assist.join_codes.get(replaced_at__isnull=True).code
    )()
    await database_sync_to_async(join_request_create)(
        details=JoinDetails(
            code=code,
            name="Secret Name",
            organisation_name="Elsewhere",
            role="visitor",
            attendance="online",
            consent=True,
        ),
        client_ip="10.1.1.1",
    )
    event = await next_of(visitor, "join.changed")
    assert event["waiting"] == 1 and "Secret Name" not in str(event)
    await visitor.disconnect()
