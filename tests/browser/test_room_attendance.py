"""The hybrid room in Chromium (issue #12): who is in the room and who is online on the
board, the video link only for those online (and the facilitator), the framing redrawn live
when the host edits it mid-session, the join form's optional e-mail, and a person from
another organisation on her own account."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_live_board import add_note, call, open_board
from tests.servers import ServerStack

pytestmark = pytest.mark.browser

FACILITATOR = "facilitator@northmoor.example"
HOST_MEMBER = "host.member@northmoor.example"
HOST_LEAD = "host.lead@northmoor.example"
VISITOR = "lead@eastbridge.example"  # from another organisation, on her own account
VIDEO = "https://meet.example.org/attendance-test"

SETUP = """
from peerassist.assists.models import Participant, PeerAssist
from peerassist.assists.live.demo import LIVE_TITLE
src = PeerAssist.objects.get(title=LIVE_TITLE)
a = PeerAssist.objects.create(organisation=src.organisation, project=src.project, bar=src.bar,
    title="Attendance test TAG", purpose="Learn how others protected nurse time.",
    open_decisions="One team or three", status="scheduled", phase="PHASE", mode="hybrid",
    venue="Room 2", video_link="VIDEO")
for p in src.participants.filter(user__isnull=False):
    online = p.user.email == "VISITOR" and ONLINE
    Participant.objects.create(assist=a, user=p.user, role=p.role, display_name=p.display_name,
        organisation_name=p.organisation_name, rsvp="accepted",
        attendance="online" if online else "in_room")
print(a.pk)
"""


def make_assist(server_stack: ServerStack, phase: str = "ask", online: bool = True) -> int:
    """A hybrid copy of the demo's live session; the visitor from Eastbridge online (or in
    the room), the host team in the room."""
    script = (
        SETUP.replace("TAG", uuid.uuid4().hex[:6])
        .replace("ONLINE", str(online))
        .replace("PHASE", phase)
        .replace("VIDEO", VIDEO)
        .replace("VISITOR", VISITOR)
    )
    out = server_stack.manage("shell", "-c", script)
    return int(out.strip().splitlines()[-1])


def test_who_is_here_says_in_the_room_or_online_and_the_video_link_is_for_online(
    new_page: Callable[..., Any], server_stack: ServerStack
) -> None:
    """The online visitor and the facilitator see the call link (and the host team, who plan
    it); the same visitor in the room does not. Everyone sees who is in the room and who is
    online; axe passes."""
    assist_id = make_assist(server_stack)
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    visitor = open_board(new_page, VISITOR, assist_id)
    member = open_board(new_page, HOST_MEMBER, assist_id)

    presence = facilitator.locator("[data-role=presence]")
    expect(presence.locator(".pa-presence__attendance", has_text="Online")).to_have_count(1)
    expect(presence.locator(".pa-presence__attendance", has_text="In the room")).to_have_count(2)
    expect(facilitator.locator("[data-role=attendance]")).to_have_text("2 in the room, 1 online")

    expect(visitor.get_by_role("link", name=re.compile("Join the video call"))).to_have_attribute(
        "href", VIDEO
    )
    expect(facilitator.get_by_role("link", name=re.compile("Join the video call"))).to_be_visible()
    expect(member.get_by_role("link", name=re.compile("Join the video call"))).to_be_visible()
    assert_accessible(facilitator, "on the board with attendance in Who is here")
    assert_accessible(visitor, "on the board of a visitor online")

    in_room = open_board(new_page, VISITOR, make_assist(server_stack, online=False))
    expect(in_room.locator("[data-role=attendance]")).to_have_text("1 in the room, 0 online")
    expect(in_room.get_by_role("link", name=re.compile("Join the video call"))).to_have_count(0)


def test_the_framing_updates_live_on_board_and_wall_when_edited(
    new_page: Callable[..., Any], server_stack: ServerStack
) -> None:
    """In Welcome the host lead changes the purpose, the open decisions and the ground rules
    on the plan; the open board and wall show them without a reload."""
    assist_id = make_assist(server_stack, phase="welcome")
    board = open_board(new_page, HOST_MEMBER, assist_id)
    wall = new_page(FACILITATOR, width=1920, height=1080)
    wall.goto(f"/assists/{assist_id}/wall/")
    expect(wall.locator("[data-role=framing]")).to_contain_text("One team or three")
    expect(wall.locator("[data-role=connection]")).to_be_hidden()
    board.evaluate("window.__marker = 'not reloaded'")

    host = new_page(HOST_LEAD)
    answer = call_from(host, assist_id)
    assert answer["status"] == 200, answer

    for page in (board, wall):
        framing = page.locator("[data-role=framing]")
        expect(framing).to_contain_text("Decide which clinic goes first.")
        expect(framing).to_contain_text("Two teams, not three")
        expect(framing).to_contain_text("Phones on silent")
        expect(framing).not_to_contain_text("One team or three")
    assert board.evaluate("window.__marker") == "not reloaded"
    assert_accessible(board, "on the board after the framing changed")
    assert_accessible(wall, "on the wall after the framing changed")


def test_a_learning_need_added_mid_session_becomes_a_column_without_a_reload(
    new_page: Callable[..., Any], server_stack: ServerStack
) -> None:
    """The host lead adds a learning need to the BAR during Ask: the open board and wall
    draw its column, the board offers it for new notes, the notes already there stay, and
    the column the writer had chosen stays chosen."""
    assist_id = make_assist(server_stack)
    board = open_board(new_page, HOST_MEMBER, assist_id)
    wall = new_page(FACILITATOR, width=1920, height=1080)
    wall.goto(f"/assists/{assist_id}/wall/")
    wall_columns = wall.locator(".pa-wall-column")
    expect(wall.locator("[data-role=connection]")).to_be_hidden()
    add_note(board, "Night staff missed the huddle notes")
    expect(board.locator(".pa-note", has_text="Night staff missed")).to_have_count(1)
    columns = board.locator(".pa-column")
    before = columns.count()
    expect(wall_columns).to_have_count(before)
    choose = board.get_by_label("Learning need it answers")
    second_need = choose.locator("option").nth(1).get_attribute("value")
    assert second_need
    choose.select_option(second_need)
    board.evaluate("window.__marker = 'not reloaded'")

    ids = server_stack.manage(
        "shell",
        "-c",
        "from peerassist.assists.models import PeerAssist; "
        f"a = PeerAssist.objects.get(pk={assist_id}); print(a.project_id, a.bar_id)",
    )
    project_id, bar_id = ids.strip().splitlines()[-1].split()
    host = new_page(HOST_LEAD)
    host.goto(f"/assists/{assist_id}/")
    question = "How did you keep the night shift in the loop?"
    answer = call(
        host,
        "POST",
        f"/api/v1/projects/{project_id}/bars/{bar_id}/needs",
        {"question": question},
    )
    assert answer["status"] == 201, answer

    expect(columns).to_have_count(before + 1)
    expect(board.locator(".pa-column__heading", has_text=question)).to_contain_text(
        f"Learning need {before}:"
    )
    expect(choose.locator("option", has_text=question)).to_have_count(1)
    expect(choose).to_have_value(second_need)
    expect(board.locator(".pa-note", has_text="Night staff missed")).to_have_count(1)
    expect(wall_columns).to_have_count(before + 1)
    expect(wall_columns.last.locator("xpath=preceding-sibling::*[1]")).to_contain_text(question)
    expect(wall.get_by_text("Night staff missed the huddle notes")).to_have_count(1)
    assert board.evaluate("window.__marker") == "not reloaded"
    assert_accessible(board, "on the board after a learning need was added")
    assert_accessible(wall, "on the wall after a learning need was added")


def call_from(host: Any, assist_id: int) -> dict[str, Any]:
    host.goto(f"/assists/{assist_id}/")
    return call(
        host,
        "PATCH",
        f"/api/v1/assists/{assist_id}",
        {
            "purpose": "Decide which clinic goes first.",
            "open_decisions": "Two teams, not three",
            "ground_rules": "Phones on silent\nEveryone speaks once before anyone twice",
        },
    )


def test_the_join_form_asks_for_an_optional_email_and_passes_axe(
    new_page: Callable[..., Any],
) -> None:
    page = new_page()
    page.goto("/join/")
    field = page.get_by_label("Your e-mail address (optional)")
    expect(field).to_have_attribute("type", "email")
    expect(page.locator("#id_email-hint")).to_contain_text("action list")
    page.get_by_label("Join code").fill("ABCD-EFGH")
    page.get_by_label("Your name").fill("Pat Phone")
    page.get_by_label("Your organisation").fill("Valley Trust")
    field.fill("not an address")
    page.get_by_role("button", name="Join").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page, "on the join form with errors")


def test_a_visitor_from_another_organisation_sees_her_invitation_as_herself(
    new_page: Callable[..., Any], server_stack: ServerStack
) -> None:
    """Her peer assist's page, signed in as herself: the reply form; the plan as a visitor
    reads it (no changing it)."""
    assist_id = make_assist(server_stack)
    page = new_page(VISITOR)
    page.goto(f"/assists/{assist_id}/")
    expect(page.get_by_role("heading", name="Your invitation")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Share the action list"))).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("session report"))).to_be_visible()
    assert_accessible(page, "on the peer assist page of a visitor from another organisation")
    page.goto(f"/assists/{assist_id}/plan/")
    expect(page.get_by_role("link", name="Change the plan")).to_have_count(0)
    assert "@northmoor.example" not in page.content()
