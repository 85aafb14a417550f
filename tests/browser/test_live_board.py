"""The live board in Chromium, with several people in separate browser contexts."""

from __future__ import annotations

import json
import random
import re
import string
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.servers import ServerStack

pytestmark = pytest.mark.browser

FACILITATOR = "facilitator@northmoor.example"
HOST_LEAD = "host.lead@northmoor.example"
VISITOR = "lead@eastbridge.example"  # a visiting council lead from another organisation


@pytest.fixture(scope="module")
def assist_id(server_stack: ServerStack, server: Any) -> int:
    out = server_stack.manage(
        "shell",
        "-c",
        "from peerassist.assists.models import PeerAssist; "
        "from peerassist.assists.live.demo import LIVE_TITLE; "
        "print(PeerAssist.objects.get(title=LIVE_TITLE).pk)",
    )
    return int(out.strip().splitlines()[-1])


def tag(length: int) -> str:
    """A unique word for a note. Letters only: a random hex tag such as "cb45dd" reads as a
    postcode, and the board then (rightly) asks before keeping it."""
    return "".join(random.choices(string.ascii_lowercase, k=length))


def call(page: Any, method: str, path: str, body: Any = None) -> dict[str, Any]:
    """Call the board's API from inside the page, as its JavaScript does."""
    result: dict[str, Any] = page.evaluate(
        """async ([method, path, body]) => {
            const token = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1] || "";
            const r = await fetch(path, {method, headers: {"Content-Type": "application/json",
                "X-CSRFToken": token}, body: body === null ? undefined : JSON.stringify(body)});
            return {status: r.status, body: await r.json()};
        }""",
        [method, path, body],
    )
    return result


def open_board(new_page: Callable[..., Any], email: str, assist_id: int, width: int = 1280) -> Any:
    page = new_page(email, width=width)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"/assists/{assist_id}/board/")
    expect(page.locator("[data-role=connection]")).to_contain_text("Live")
    return page


def set_phase(page: Any, assist_id: int, phase: str) -> None:
    answer = call(page, "POST", f"/api/v1/assists/{assist_id}/phase", {"to": phase})
    assert answer["status"] == 200, answer


def current_phase(page: Any) -> Any:
    return page.locator(".pa-phases__item--current")


def add_note(page: Any, text: str) -> None:
    page.get_by_label("Your note").fill(text)
    page.get_by_role("button", name="Add note").click()


def test_a_note_appears_for_everyone_without_reload(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """A note added by the host lead shows on the facilitator's and the visitor's boards."""
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    set_phase(facilitator, assist_id, "ask")
    host = open_board(new_page, HOST_LEAD, assist_id)
    visitor = open_board(new_page, VISITOR, assist_id, width=320)
    text = f"Agree scope of practice with pharmacy first {tag(6)}"
    add_note(host, text)
    for page in (host, facilitator, visitor):
        expect(page.locator(".pa-note", has_text=text)).to_have_count(1)
    expect(visitor.locator("[data-role=announce]")).to_contain_text("New insight")
    assert host.console_errors == [] and visitor.console_errors == []


def test_the_board_sends_its_notes_over_the_open_socket(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """With the socket open, a note goes as a note.add frame (no POST), is acknowledged and
    shows for everyone once; the offline test below covers the POST fallback."""
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    set_phase(facilitator, assist_id, "ask")
    frames: list[str] = []
    posts: list[str] = []
    page = new_page(HOST_LEAD)
    page.on("websocket", lambda ws: ws.on("framesent", lambda payload: frames.append(payload)))
    page.on(
        "request",
        lambda request: (
            posts.append(request.url)
            if request.method == "POST" and request.url.endswith("/notes")
            else None
        ),
    )
    page.goto(f"/assists/{assist_id}/board/")
    expect(page.locator("[data-role=connection]")).to_contain_text("Live")
    text = f"Written over the socket {tag(6)}"
    add_note(page, text)
    for each in (page, facilitator):
        expect(each.locator(".pa-note", has_text=text)).to_have_count(1)
    expect(page.locator(".pa-note--pending")).to_have_count(0)
    sent = [json.loads(f) for f in frames if isinstance(f, str) and '"note.add"' in f]
    assert [f["text"] for f in sent] == [text]
    assert posts == []
    assert page.console_errors == []


def test_everyone_follows_the_facilitators_phase_moves(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """The facilitator moves the phase (with a confirmation); every view follows."""
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    set_phase(facilitator, assist_id, "welcome")
    visitor = open_board(new_page, VISITOR, assist_id)
    expect(current_phase(visitor)).to_contain_text("Welcome")
    facilitator.get_by_role("button", name="Move to Tell").click()
    expect(current_phase(facilitator)).to_contain_text("Tell")
    expect(current_phase(visitor)).to_contain_text("Tell")
    expect(visitor.locator("[data-role=guidance-now]")).to_contain_text("Listen to the host team")
    facilitator.get_by_role("button", name="Back to Welcome").click()
    expect(current_phase(visitor)).to_contain_text("Welcome")
    # Nobody but the facilitator sees the controls.
    expect(visitor.get_by_role("heading", name="Facilitator controls")).to_be_hidden()


def test_the_visitor_cannot_add_a_note_in_analyse(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """In analyse the visitor's form goes, the reason shows, and the server refuses too."""
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    set_phase(facilitator, assist_id, "ask")
    visitor = open_board(new_page, VISITOR, assist_id)
    expect(visitor.get_by_role("button", name="Add note")).to_be_visible()
    set_phase(facilitator, assist_id, "analyse")
    expect(visitor.get_by_role("button", name="Add note")).to_be_hidden()
    expect(visitor.locator("[data-role=readonly]")).to_contain_text("visitors can read the board")
    answer = call(
        visitor,
        "POST",
        f"/api/v1/assists/{assist_id}/notes",
        {"client_id": str(uuid.uuid4()), "text": "Sneaking one in", "kind": "tip"},
    )
    assert answer["status"] == 403
    assert answer["body"]["code"] == "visitors_read_only"
    set_phase(facilitator, assist_id, "ask")


def test_notes_written_while_offline_arrive_exactly_once(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """Cut one person's connection: their note waits as pending, others' notes keep coming;
    when the connection returns, every note shows exactly once on both boards."""
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    set_phase(facilitator, assist_id, "ask")
    host = open_board(new_page, HOST_LEAD, assist_id)
    visitor = open_board(new_page, VISITOR, assist_id)
    word = tag(6)
    offline_text = f"Written on the train {word}"
    online_text = f"Written in the room {word}"

    host.context.set_offline(True)
    expect(host.locator("[data-role=connection]")).to_contain_text("offline")
    add_note(host, offline_text)
    expect(host.locator(".pa-note--pending", has_text=offline_text)).to_be_visible()
    expect(host.locator("[data-role=pending]")).to_contain_text("waiting to be sent")
    stored = host.evaluate(f"localStorage.getItem('pa-board-{assist_id}-pending')")
    assert offline_text in json.loads(stored)[0]["text"]
    add_note(visitor, online_text)
    expect(visitor.locator(".pa-note", has_text=online_text)).to_have_count(1)

    host.context.set_offline(False)
    for page in (host, visitor, facilitator):
        expect(page.locator(".pa-note", has_text=offline_text)).to_have_count(1)
        expect(page.locator(".pa-note", has_text=online_text)).to_have_count(1)
    expect(host.locator(".pa-note--pending")).to_have_count(0)
    expect(host.locator("[data-role=connection]")).to_contain_text("Live")
    # A reload shows the same board: nothing was sent twice.
    host.reload()
    expect(host.locator(".pa-note", has_text=offline_text)).to_have_count(1)


def test_a_possible_nhs_number_is_caught_before_it_leaves_the_page(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """The warning appears at once; editing the number out lets the note through."""
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    set_phase(facilitator, assist_id, "ask")
    host = open_board(new_page, HOST_LEAD, assist_id)
    add_note(host, "Mrs Smith 943 476 5919 did well on HAT")
    warning = host.locator("[data-role=pid-warning]")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("an NHS number")
    expect(host.locator(".pa-note", has_text="did well on HAT")).to_have_count(0)
    host.get_by_role("button", name="Edit the note").click()
    assert host.evaluate("document.activeElement.id") == "pa-note-text"
    add_note(host, f"One client did well on HAT {tag(4)}")
    expect(host.locator(".pa-note", has_text="did well on HAT")).to_have_count(1)


PHASES = ["welcome", "tell", "ask", "analyse", "actions", "close"]


def test_the_board_is_accessible_in_every_phase(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """axe finds nothing on the facilitator's and the visitor's (320 px) boards in any phase."""
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    visitor = open_board(new_page, VISITOR, assist_id, width=320)
    for phase in PHASES:
        set_phase(facilitator, assist_id, phase)
        for page in (facilitator, visitor):
            expect(page.locator(".pa-phases__item--current")).to_have_count(1)
            expect(page.locator("[aria-current=step]")).to_contain_text(
                {"actions": "Feedback", "close": "Close"}.get(phase, phase.title())
            )
            assert_accessible(page, f"in the {phase} phase")
    assert visitor.evaluate("document.documentElement.scrollWidth") <= 320
    set_phase(facilitator, assist_id, "ask")


def test_the_board_works_by_keyboard(new_page: Callable[..., Any], assist_id: int) -> None:
    """Tab to the note box, type, and submit with the keyboard alone."""
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    set_phase(facilitator, assist_id, "ask")
    visitor = open_board(new_page, VISITOR, assist_id)
    visitor.get_by_label("Your note").focus()
    text = f"Keyboard note {tag(6)}"
    visitor.keyboard.type(text)
    for _ in range(20):
        visitor.keyboard.press("Tab")
        if visitor.evaluate("document.activeElement.textContent.trim()") == "Add note":
            break
    visitor.keyboard.press("Enter")
    expect(visitor.locator(".pa-note", has_text=text)).to_have_count(1)
    edit = visitor.get_by_role("button", name=f"Edit: {text}")
    edit.focus()
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_label("Edit the note")).to_be_focused()
    visitor.keyboard.press("Escape")
    expect(visitor.get_by_label("Edit the note")).to_have_count(0)


def test_the_board_says_it_needs_javascript(server: Any, assist_id: int) -> None:
    """Without JavaScript the page explains, in a noscript block, why the board cannot work.

    (Chromium with scripting switched off by Playwright still parses noscript as raw text,
    so the page is checked as served.)
    """
    import httpx

    from tests.browser.conftest import session_cookie_for

    cookie = session_cookie_for(server, VISITOR)
    page = httpx.get(
        f"{server.url}/assists/{assist_id}/board/", cookies={cookie["name"]: cookie["value"]}
    )
    assert page.status_code == 200
    noscript = page.text.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert "The live board needs JavaScript" in noscript
    assert "ask the note taker" in noscript


def test_the_pages_pid_check_agrees_with_the_servers(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """The board's instant warning finds the same kinds of data as assists/live/pid_guard.py."""
    from peerassist.assists.live.pid_guard import LABELS
    from tests.assists.live.test_pid_guard import CATCHES, PASSES

    page = open_board(new_page, HOST_LEAD, assist_id)
    samples = [text for text, _ in CATCHES] + PASSES
    found = page.evaluate(
        "(texts) => texts.map((t) => window.__paBoard.pidFindings(t, new Date(2026, 10, 22)))",
        samples,
    )
    expected = [sorted({LABELS[k] for k in kinds}) for _, kinds in CATCHES] + [[] for _ in PASSES]
    assert [sorted(f) for f in found] == expected


def test_a_version_gap_makes_the_board_fetch_what_it_missed(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """An event that skips versions is not trusted: the board asks for board?since=N."""
    page = open_board(new_page, HOST_LEAD, assist_id)
    version = page.evaluate("window.__paBoard.state.version")
    with page.expect_request(f"**/board?since={version}") as fetched:
        page.evaluate(
            """(v) => window.__paBoard.handleEvent({type: "note.created", version: v + 5,
                note: {id: -1, client_id: "x", version: v + 5, text: "from nowhere", kind: "tip",
                       learning_need_id: null, deleted: false}})""",
            version,
        )
    assert fetched.value.method == "GET"
    expect(page.locator(".pa-note", has_text="from nowhere")).to_have_count(0)
    # An event already seen is ignored.
    page.evaluate(
        """(v) => window.__paBoard.handleEvent({type: "note.created", version: v,
            note: {id: -2, client_id: "y", version: v, text: "old news", kind: "tip",
                   learning_need_id: null, deleted: false}})""",
        version,
    )
    expect(page.locator(".pa-note", has_text="old news")).to_have_count(0)


def test_a_failed_catch_up_is_tried_again_without_waiting_for_an_event(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """A board?since=N fetch that fails (a busy or restarting server) is retried with back-off
    on its own, not left until the next push or ping happens to show the gap."""
    page = open_board(new_page, HOST_LEAD, assist_id)
    page.wait_for_load_state("networkidle")  # no catch-up of its own still in flight
    version = page.evaluate("window.__paBoard.state.version")
    seen = {"aborted": 0, "answered": 0}

    def flaky(route: Any) -> None:
        if not seen["aborted"]:
            seen["aborted"] += 1
            route.abort("connectionreset")
        else:
            route.continue_()

    def answered(response: Any) -> None:
        if seen["aborted"] and "board?since=" in response.url and response.status == 200:
            seen["answered"] += 1

    page.on("response", answered)
    page.route(re.compile(r"/board\?since="), flaky)
    page.evaluate(
        """(v) => window.__paBoard.handleEvent({type: "phase.changed", version: v + 3,
            phase: "ask"})""",
        version,
    )
    for _ in range(75):  # the first retry comes within a second; allow for a slow machine
        if seen["answered"]:
            break
        page.wait_for_timeout(200)
    assert seen == {"aborted": 1, "answered": 1}


def test_the_author_of_an_anonymous_note_is_told_others_see_anonymous(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """In anonymous mode the author still sees her name on her note, with the sign that
    nobody else does; the visitor sees "Anonymous"."""
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    set_phase(facilitator, assist_id, "ask")
    anonymous = call(
        facilitator, "PATCH", f"/api/v1/assists/{assist_id}/controls", {"anonymous": True}
    )
    assert anonymous["status"] == 200, anonymous
    try:
        host = open_board(new_page, HOST_LEAD, assist_id)
        visitor = open_board(new_page, VISITOR, assist_id)
        text = f"Say no to extra clinics until the pilot ends {tag(6)}"
        add_note(host, text)
        mine = host.locator(".pa-note", has_text=text).locator(".pa-note__by")
        expect(mine).to_contain_text("(you — others see “Anonymous”)")
        expect(visitor.locator(".pa-note", has_text=text).locator(".pa-note__by")).to_have_text(
            "Anonymous"
        )
    finally:
        call(facilitator, "PATCH", f"/api/v1/assists/{assist_id}/controls", {"anonymous": False})


def test_a_note_called_safe_is_held_until_the_facilitator_releases_it(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """The writer's "It is safe" holds the note: she sees it held, the facilitator sees it
    flagged with "Release", the visitor sees nothing until it is released."""
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    set_phase(facilitator, assist_id, "ask")
    host = open_board(new_page, HOST_LEAD, assist_id)
    visitor = open_board(new_page, VISITOR, assist_id)
    text = f"Ward 9 patient 943 476 5919 went home early {tag(5)}"
    add_note(host, text)
    host.get_by_role("button", name="It is safe: send it to the facilitator to check").click()
    mine = host.locator(".pa-note", has_text=text)
    expect(mine.locator(".pa-note__held")).to_contain_text("the facilitator checks it")
    flagged = facilitator.locator(".pa-note", has_text=text)
    expect(flagged.locator(".pa-note__held")).to_contain_text("it may name a patient")
    assert_accessible(facilitator, "board with a held note")
    expect(visitor.locator(".pa-note", has_text=text)).to_have_count(0)
    flagged.get_by_role("button", name="Release").click()
    expect(visitor.locator(".pa-note", has_text=text)).to_have_count(1)
    expect(mine.locator(".pa-note__held")).to_have_count(0)
