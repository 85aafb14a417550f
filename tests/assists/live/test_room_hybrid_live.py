"""The hybrid room on the board (issue #12): who is in the room and who is online, the video
link for the people online only, the share-back for people who joined by code, and the
framing pushed live when it is edited mid-session."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core import mail
from django.test import Client

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.assists.live import events
from peerassist.assists.live import services as live_services
from peerassist.assists.models import Attendance, JoinAdmission, Participant, PeerAssist, Phase
from peerassist.assists.planning import services as planning_services
from peerassist.core.broadcast import assist_group
from peerassist.followup import services as followup
from peerassist.projects import services as project_services
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.assists.live.test_room_join import join_form, new_code
from tests.conftest import ApiClient
from tests.factories import ProjectMemberFactory

VIDEO = "https://meet.example.org/hybrid"


def hybrid(live: Live, mode: str = PeerAssist.Mode.HYBRID) -> None:
    live.set(mode=mode, video_link=VIDEO)
    Participant.objects.filter(pk=live.people["visitor"].pk).update(attendance=Attendance.ONLINE)
    Participant.objects.filter(pk=live.people["visitor2"].pk).update(attendance=Attendance.IN_ROOM)


def board_html(live: Live, who: str) -> str:
    actor = getattr(live, who)
    client = Client()
    if who in {"visitor", "visitor2", "observer"}:
        session = client.session
        session[GUEST_SESSION_KEY] = actor.pk
        session.save()
    else:
        client.force_login(actor)
    response = client.get(f"/assists/{live.assist.pk}/board/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("visitor", True),  # online
        ("facilitator", True),  # runs the call
        ("visitor2", False),  # in the room
        ("observer", False),  # has not said
        ("note_taker", False),  # in the room, no planner
        ("colleague", False),  # only watching
    ],
)
def test_the_video_link_is_on_the_board_for_people_online_only(
    live: Live, who: str, shown: bool
) -> None:
    hybrid(live)
    assert (VIDEO in board_html(live, who)) is shown


@pytest.mark.django_db
def test_planners_and_everyone_in_an_online_session_see_the_link(live: Live) -> None:
    hybrid(live)
    assert VIDEO not in board_html(live, "host_lead")  # in the room, not a planner
    ProjectMemberFactory(project=live.assist.project, user=live.host_lead)
    assert VIDEO in board_html(live, "host_lead")  # the project's host team plans it
    live.set(mode=PeerAssist.Mode.ONLINE)
    assert VIDEO in board_html(live, "visitor2")
    assert VIDEO in board_html(live, "colleague")


@pytest.mark.django_db
def test_who_is_here_carries_each_persons_attendance(api: ApiClient, live: Live) -> None:
    """In the board's state and in the presence event: in the room, online, or not said."""
    hybrid(live)
    for key, channel in (("visitor", "c1"), ("visitor2", "c2"), ("observer", "c3")):
        live_services.presence_join(
            assist=live.assist, participant=live.people[key], channel_name=channel
        )
    board = api.login(live.facilitator).get(f"/api/v1/assists/{live.assist.pk}/board").json()
    here = {p["name"]: p["attendance"] for p in board["presence"]["here"]}
    assert here == {"Visitor": "online", "Visitor2": "in_room", "Observer": ""}
    presence = events.Presence.model_validate(board["presence"])
    assert [p.attendance for p in presence.here] == ["online", "in_room", ""]


@pytest.mark.django_db
def test_someone_who_joined_by_code_with_an_email_gets_the_share_back(
    api: ApiClient, live: Live
) -> None:
    """The optional address is kept on the guest; the share-back e-mail goes to it."""
    live.set(join_admission=JoinAdmission.EVERYONE)
    code = new_code(api, live)
    phone = Client()
    response = phone.post("/join/", join_form(code, email=" Priya.Shah@Eastbridge.example "))
    assert response.status_code == 302
    participant = Participant.objects.get(display_name="Priya Shah")
    assert participant.guest is not None
    assert participant.guest.email == "priya.shah@eastbridge.example"
    silent = Client().post("/join/", join_form(code, name="No Mail"))
    assert silent.status_code == 302
    live.set(status="analysis")
    mail.outbox.clear()
    followup.share_back_send(assist=live.assist, by=live.facilitator)
    followup.share_back_deliver.call(live.assist.share_backs.get().pk)
    recipients = {address for m in mail.outbox for address in m.to}
    assert "priya.shah@eastbridge.example" in recipients
    assert all("No Mail" not in m.body for m in mail.outbox)


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["not an address", "a@b", "x" * 250 + "@example.org"])
def test_a_bad_join_email_is_refused_and_nothing_saved(
    api: ApiClient, live: Live, address: str
) -> None:
    code = new_code(api, live)
    before = Participant.objects.count()
    response = Client().post("/join/", join_form(code, email=address))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_email-error"' in html
    assert Participant.objects.count() == before


async def framing_events_after(live: Live, change: Any) -> list[dict[str, Any]]:
    """The framing.changed events the peer assist's group receives after ``change``."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(assist_group(live.assist.pk), channel)
    await database_sync_to_async(change)()
    received = []
    try:
        async with asyncio.timeout(2):
            while True:
                message = await layer.receive(channel)
                if message["event"]["type"] == "framing.changed":
                    received.append(message["event"])
    except TimeoutError:
        pass
    await layer.group_discard(assist_group(live.assist.pk), channel)
    return received


@pytest.mark.django_db(transaction=True)
async def test_editing_the_plan_mid_session_pushes_the_framing(live: Live) -> None:
    await database_sync_to_async(live.set)(phase=Phase.WELCOME, status="live")

    def edit() -> None:
        planning_services.assist_update(
            assist=live.assist,
            fields=planning_services.PlanFields(
                title=live.assist.title,
                purpose="Decide which clinic goes first.",
                open_decisions="Two teams\n- or three",
                ground_rules="Phones on silent",
            ),
        )

    (event,) = await framing_events_after(live, edit)
    framing = events.FramingChanged.model_validate(event).framing
    assert framing.purpose == "Decide which clinic goes first."
    assert framing.open_decisions == ["Two teams", "or three"]
    assert framing.ground_rules == ["Phones on silent"]
    assert set(event) == {"type", "framing"}  # not versioned


@pytest.mark.django_db(transaction=True)
async def test_editing_the_bar_pushes_the_framing_and_board_writes_do_not(live: Live) -> None:
    await database_sync_to_async(live.set)(phase=Phase.ASK, status="live")

    def edit_need() -> None:
        need = live.needs[0]
        project_services.learning_need_update(
            actor=live.host_lead, need=need, question="How did you keep nurse time protected?"
        )

    received = await framing_events_after(live, edit_need)
    assert received, "no framing.changed after a learning need was edited"
    assert "How did you keep nurse time protected?" in received[-1]["framing"]["learning_needs"]

    def board_write() -> None:
        live_services.phase_set(actor=live.facilitator, assist=live.assist, to_phase=Phase.TELL)

    assert await framing_events_after(live, board_write) == []


@pytest.mark.django_db(transaction=True)
async def test_a_closed_peer_assist_pushes_nothing(live: Live) -> None:
    await database_sync_to_async(live.set)(status="closed")

    def edit() -> None:
        PeerAssist.objects.get(pk=live.assist.pk).save()

    assert await framing_events_after(live, edit) == []
