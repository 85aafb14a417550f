"""The room in Chromium (issue #12): the wall at 1920×1080, joining from a phone with the
code, the facilitator admitting, the wide board, and a hybrid invitation's video link."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import icalendar
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_live_board import call, open_board, tag
from tests.servers import ServerStack

pytestmark = pytest.mark.browser

FACILITATOR = "facilitator@northmoor.example"
HOST_LEAD = "host.lead@northmoor.example"
SHOTS = Path(os.environ.get("PEERASSIST_SHOTS", "/tmp/peerassist-shots"))

# Notes as a note taker types them in the room: a sentence or two each.
TEXTS = [
    "We ring-fenced two half-days a week per nurse before the pilot began.",
    "Pharmacy agreed the scope of practice with us in one workshop, not by e-mail.",
    "Trauma-informed training worked best when the whole team went together.",
    "Start with the team that asks for it; the others watched and came in later.",
    "Measure did-not-attend rates from week one so you can show the change.",
    "Our commissioners wanted a named clinical lead before they would fund it.",
    "Peer workers made the first contact less clinical and more welcoming.",
    "Keep a shared log of what went wrong each week and read it at handover.",
]

SETUP = """
import uuid
from peerassist.assists.models import Note, Participant, PeerAssist
from peerassist.assists.live.demo import LIVE_TITLE
from peerassist.assists.live.selectors import board_learning_needs
src = PeerAssist.objects.get(title=LIVE_TITLE)
a = PeerAssist.objects.create(organisation=src.organisation, project=src.project, bar=src.bar,
    title="Room test " + uuid.uuid4().hex[:6], purpose="Learn how others protected nurse time.",
    open_decisions="One team or three", status="scheduled", phase="ask", mode="hybrid",
    venue="Room 2", video_link="https://meet.example.org/room-test")
for p in src.participants.filter(user__isnull=False):
    Participant.objects.create(assist=a, user=p.user, role=p.role, display_name=p.display_name,
        organisation_name=p.organisation_name, rsvp="accepted")
needs = list(board_learning_needs(a)) + [None]
author = a.participants.get(role="note_taker")
texts = json.loads(TEXTS)
spread = [0] * 8 + [1] * 7 + [2] * 5 + [3] * 3 + [4] * 2
for i, column in enumerate(spread[:COUNT]):
    Note.objects.create(assist=a, client_id=uuid.uuid4(), text=texts[i % len(texts)],
        kind=["insight", "tip", "risk", "question", "resource"][i % 5],
        learning_need=needs[column % len(needs)], author=author, version=i + 1)
a.version = COUNT
a.save(update_fields=["version"])
print(a.pk)
"""


def make_assist(server_stack: ServerStack, count: int = 25) -> int:
    script = SETUP.replace("TEXTS", repr(json.dumps(TEXTS))).replace("COUNT", str(count))
    out = server_stack.manage("shell", "-c", "import json\n" + script)
    return int(out.strip().splitlines()[-1])


@pytest.fixture
def phone(browser: Any, server: Any) -> Iterator[Callable[[], Any]]:
    """A phone-sized, touch context that is not signed in."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(
            base_url=server.url,
            viewport={"width": 375, "height": 740},
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def fully_visible(page: Any, selector: str) -> int:
    """How many of these elements lie wholly inside the viewport, unscrolled."""
    return int(
        page.evaluate(
            """(selector) => [...document.querySelectorAll(selector)].filter((node) => {
                const r = node.getBoundingClientRect();
                return r.width > 0 && r.top >= 0 && r.left >= 0
                    && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
            }).length""",
            selector,
        )
    )


def test_the_wall_shows_twenty_notes_at_1920_by_1080_and_new_ones_live(
    new_page: Callable[..., Any], server_stack: ServerStack
) -> None:
    """25 notes spread unevenly over the learning needs: at least 20 wholly on screen without
    scrolling; a new note arrives live; no names once the board is anonymous; axe passes."""
    assist_id = make_assist(server_stack)
    wall = new_page(FACILITATOR, width=1920, height=1080)
    wall.goto(f"/assists/{assist_id}/wall/")
    expect(wall.locator(".pa-wall-note")).to_have_count(25)
    expect(wall.locator("[data-role=connection]")).to_be_hidden()
    visible = fully_visible(wall, ".pa-wall-note")
    assert visible >= 20, f"only {visible} of 25 notes are on screen at 1920×1080"
    assert wall.evaluate("document.documentElement.scrollWidth") <= 1920
    expect(wall.locator("[data-role=phase]")).to_contain_text("Ask")
    expect(wall.get_by_role("button")).to_have_count(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    wall.screenshot(path=str(SHOTS / "wall-1920x1080.png"))
    assert_accessible(wall, "on the wall in Ask")

    facilitator = open_board(new_page, FACILITATOR, assist_id)
    text = f"Name a clinical lead before asking for money {tag(6)}"
    answer = call(
        facilitator,
        "POST",
        f"/api/v1/assists/{assist_id}/notes",
        {"client_id": "9d7c6b5a-4e3f-4a1b-8c2d-1e0f9a8b7c6d", "text": text, "kind": "tip"},
    )
    assert answer["status"] == 201, answer
    expect(wall.locator(".pa-wall-note", has_text=text)).to_have_count(1)
    arrived = wall.locator(".pa-wall-note", has_text=text)
    assert arrived.evaluate("(n) => getComputedStyle(n).animationName") == "pa-wall-arrive"
    meta = wall.locator(".pa-wall-note", has_text=text).locator(".pa-wall-note__meta")
    expect(meta).to_have_text(re.compile(r"^Tip · \S+"))  # the kind and who wrote it
    # Timer and anonymity from the facilitator's controls.
    call(facilitator, "PATCH", f"/api/v1/assists/{assist_id}/controls", {"anonymous": True})
    call(facilitator, "PATCH", f"/api/v1/assists/{assist_id}/controls", {"timer": "start"})
    expect(wall.locator("[data-role=timer-time]")).to_have_text(re.compile(r"\d+:\d\d"))
    expect(meta).to_have_text("Tip")  # anonymous: no names on the room's screen
    # Somebody who asked for less motion gets the note without the animation.
    calm = new_page(FACILITATOR, width=1920, height=1080)
    calm.emulate_media(reduced_motion="reduce")
    calm.goto(f"/assists/{assist_id}/wall/")
    expect(calm.locator(".pa-wall-note")).to_have_count(26)
    # Only a note pushed over the socket is "new"; one fetched on (re)connect is not, so post
    # once this wall is live: greeted by the server and not still fetching what it missed.
    calm.wait_for_function(
        "() => { const s = window.__paWall?.state;"
        " return s?.ws?.readyState === WebSocket.OPEN && s.greeted && !s.fetching; }"
    )
    quiet = f"Keep the rota change for a whole quarter {tag(6)}"
    call(
        facilitator,
        "POST",
        f"/api/v1/assists/{assist_id}/notes",
        {"client_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "text": quiet, "kind": "tip"},
    )
    fresh = calm.locator(".pa-wall-note", has_text=quiet)
    expect(fresh).to_have_class(re.compile("pa-wall-note--new"))
    assert fresh.evaluate("(n) => getComputedStyle(n).animationName") == "none"
    assert wall.console_errors == []  # type: ignore[attr-defined]


def test_the_wall_shows_the_framing_and_the_join_code_in_welcome(
    new_page: Callable[..., Any], server_stack: ServerStack
) -> None:
    assist_id = make_assist(server_stack, count=3)
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    assert (
        call(facilitator, "POST", f"/api/v1/assists/{assist_id}/phase", {"to": "welcome"})["status"]
        == 200
    )
    code = call(facilitator, "POST", f"/api/v1/assists/{assist_id}/joins/code")["body"]["code"]
    wall = new_page(FACILITATOR, width=1920, height=1080)
    wall.goto(f"/assists/{assist_id}/wall/")
    expect(wall.locator("[data-role=join-code]")).to_have_text(code)
    expect(wall.locator("[data-role=framing]")).to_be_visible()
    expect(wall.locator("[data-role=framing]")).to_contain_text("One team or three")
    qr = wall.locator("[data-role=join-qr]")
    assert qr.bounding_box()["width"] >= 140
    answer = wall.evaluate(
        "fetch(document.querySelector('[data-role=join-qr]').src)"
        ".then((r) => [r.status, r.headers.get('content-type')])"
    )
    assert answer == [200, "image/svg+xml"]
    wall.screenshot(path=str(SHOTS / "wall-welcome-1920x1080.png"))
    assert_accessible(wall, "on the wall in Welcome")
    # A new code replaces the old one on the wall at once.
    new_code = call(facilitator, "POST", f"/api/v1/assists/{assist_id}/joins/code")["body"]["code"]
    expect(wall.locator("[data-role=join-code]")).to_have_text(new_code)


def test_a_phone_joins_by_code_is_admitted_and_posts_a_note(
    new_page: Callable[..., Any], phone: Callable[[], Any], server_stack: ServerStack
) -> None:
    """The facilitator shows a code on the board; a phone types a wrong code (told why),
    then the right one, agrees, and waits; the facilitator admits it live; the phone lands
    on the board and its note reaches the facilitator."""
    assist_id = make_assist(server_stack, count=2)
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    panel = facilitator.locator("[data-role=join-panel]")
    panel.get_by_role("button", name="Show a join code").click()
    code = panel.locator("[data-role=join-code]")
    expect(code).to_have_text(re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    assert_accessible(facilitator, "on the board with the join panel")

    mobile = phone()
    mobile.goto("/join/")
    assert_accessible(mobile, "on the join page")
    mobile.get_by_label("Join code").fill("AAAA-BBBB")
    mobile.get_by_label("Your name").fill("Priya Shah")
    mobile.get_by_label("Your organisation").fill("Eastbridge City Council")
    mobile.get_by_label("Visitor").check()
    mobile.get_by_label("I have read the privacy notice").check()
    mobile.get_by_role("button", name="Join").click()
    expect(mobile.locator(".nhsuk-error-summary")).to_contain_text("That join code is not right")
    expect(mobile.locator(".nhsuk-error-summary")).to_be_focused()
    assert_accessible(mobile, "on the join page with a wrong code")
    mobile.get_by_label("Join code").fill(code.inner_text().lower())
    mobile.get_by_label("I have read the privacy notice").check()
    SHOTS.mkdir(parents=True, exist_ok=True)
    mobile.screenshot(path=str(SHOTS / "join-phone-375.png"), full_page=True)
    mobile.get_by_role("button", name="Join").click()
    expect(mobile.get_by_text("The facilitator will let you in shortly")).to_be_visible()
    assert_accessible(mobile, "on the waiting page")

    waiting = panel.locator(".pa-join-panel__person", has_text="Priya Shah")
    expect(waiting).to_contain_text("Eastbridge City Council")
    waiting.get_by_role("button", name="Admit Priya Shah").click()
    expect(panel.locator(".pa-join-panel__person")).to_have_count(0)

    expect(mobile).to_have_url(re.compile(rf"/assists/{assist_id}/board/$"), timeout=20_000)
    expect(mobile.locator("[data-role=connection]")).to_contain_text("Live")
    text = f"Ask pharmacy to the first planning meeting {tag(6)}"
    mobile.get_by_label("Your note").fill(text)
    mobile.get_by_role("button", name="Add note").click()
    expect(facilitator.locator(".pa-note", has_text=text)).to_contain_text("Priya Shah")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375
    mobile.screenshot(path=str(SHOTS / "board-phone-375.png"))
    # Somebody signed in who opens the join link is not signed out: told to use the account.
    facilitator.goto("/join/")
    expect(facilitator.get_by_role("heading", name="You are signed in")).to_be_visible()
    assert_accessible(facilitator, "on the join page when signed in")


def test_the_wide_board_docks_the_note_form_beside_the_notes(
    new_page: Callable[..., Any], server_stack: ServerStack
) -> None:
    """At 1280 px and wider the notes fill the width in columns, the note form stays beside
    them while the page scrolls, and the facilitator's controls are one toolbar; at 375 px
    the board is one column without sideways scrolling."""
    assist_id = make_assist(server_stack)
    host = open_board(new_page, HOST_LEAD, assist_id, width=1920)
    form = host.locator("[data-role=compose]")
    notes = host.locator(".pa-board__main")
    expect(host.locator(".pa-note")).to_have_count(25)
    form_box, notes_box = form.bounding_box(), notes.bounding_box()
    assert form_box["x"] >= notes_box["x"] + notes_box["width"]  # beside, not above
    columns = host.evaluate(
        "new Set([...document.querySelectorAll('.pa-column')]"
        ".map((c) => Math.round(c.getBoundingClientRect().top))).size"
    )
    assert columns == 1  # every learning need's column side by side on one row
    host.mouse.wheel(0, 1500)
    host.wait_for_timeout(300)
    box = form.bounding_box()
    assert 0 <= box["y"] <= 1080 - 50  # still on screen after scrolling down the notes
    host.get_by_label("Your note").fill("Writing while the notes stay where they are")
    assert_accessible(host, "on the wide board")

    facilitator = open_board(new_page, FACILITATOR, assist_id, width=1920)
    toolbar = facilitator.locator("[data-role=facilitator]").bounding_box()
    assert toolbar["height"] < 260, toolbar
    facilitator.screenshot(path=str(SHOTS / "board-facilitator-1920.png"))

    narrow = open_board(new_page, HOST_LEAD, assist_id, width=375)
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 375
    form_box = narrow.locator("[data-role=compose]").bounding_box()
    notes_box = narrow.locator(".pa-board__main").bounding_box()
    assert form_box["y"] < notes_box["y"]  # one column: the form, then the notes
    assert_accessible(narrow, "on the board at 375 px")
    small = open_board(new_page, FACILITATOR, assist_id, width=375)
    small.get_by_role("button", name=re.compile("join code")).click()
    expect(small.locator("[data-role=join-code]")).to_be_visible()
    assert small.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(small, "on the facilitator's board at 375 px")

    at_1280 = open_board(new_page, HOST_LEAD, assist_id, width=1280)
    form_box = at_1280.locator("[data-role=compose]").bounding_box()
    notes_box = at_1280.locator(".pa-board__main").bounding_box()
    assert form_box["x"] >= notes_box["x"] + notes_box["width"]  # docked from 1280 px


def test_a_hybrid_invitation_carries_the_video_link_everywhere(
    new_page: Callable[..., Any], server_stack: ServerStack
) -> None:
    """The demo's planned hybrid peer assist: the link in the invitation e-mail and .ics (as
    sent), on the peer assist's page and in the briefing pack, as a person sees them."""
    out = server_stack.manage(
        "shell",
        "-c",
        "import json\n"
        "from peerassist.assists.models import PeerAssist\n"
        "from peerassist.assists.planning.demo import PLANNED_TITLE\n"
        "from peerassist.assists.planning.invitations import invitation_message\n"
        "a = PeerAssist.objects.get(title=PLANNED_TITLE)\n"
        "p = a.participants.filter(guest__isnull=False).first()\n"
        "m = invitation_message(p)\n"
        "c = m.attachments[0][1]\n"
        "c = c.decode() if isinstance(c, bytes) else c\n"
        "print(json.dumps({'id': a.pk, 'link': a.video_link, 'body': m.body, 'ics': c}))",
    )
    data = json.loads(out.strip().splitlines()[-1])
    link = data["link"]
    assert link.startswith("https://")
    assert link in data["body"]
    event = next(iter(icalendar.Calendar.from_ical(data["ics"]).walk("VEVENT")))
    assert str(event["url"]) == link and link in str(event["description"])
    assert "Learning Centre" in str(event["location"])

    host = new_page(HOST_LEAD)
    host.goto(f"/assists/{data['id']}/")
    expect(host.get_by_role("link", name=link)).to_be_visible()
    host.goto(f"/assists/{data['id']}/briefing/")
    expect(host.get_by_role("link", name=link)).to_be_visible()
    assert_accessible(host, "on the briefing pack with a video link")
    host.goto(f"/assists/{data['id']}/plan/details/")
    host.get_by_label("Video link").fill("javascript:alert(1)")
    host.get_by_role("button", name=re.compile("Save")).click()
    expect(host.locator(".nhsuk-error-summary")).to_contain_text(
        "a “javascript:” link is not accepted"
    )
    assert_accessible(host, "on the plan form with a refused video link")
