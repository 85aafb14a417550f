"""Fast capture in Chromium: 30 pasted lines by keyboard only, a walk-in speaker, and a photo
whose printed text comes back as draft notes. axe on each new page and state."""

from __future__ import annotations

import io
import os
import random
import shutil
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_live_board import FACILITATOR, call, open_board, set_phase
from tests.conftest import missing_service
from tests.servers import ServerStack

pytestmark = pytest.mark.browser

NOTE_TAKER = "note.taker@northmoor.example"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
SHOTS = Path(os.environ.get("PEERASSIST_SCREENSHOTS", "/tmp/peerassist-screenshots"))


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


def word(length: int = 7) -> str:
    """Letters only, so the patient-data guard never reads a tag as a postcode."""
    return "".join(random.choices(string.ascii_lowercase, k=length))


# Letters Tesseract does not mistake for one another at this size: no i, j, l (read as each
# other or as I), o (0), r (rn reads as m), s (5), c (e), v (y), g or q (each other).
OCR_SAFE = "abdefhkmnptuwxyz"


def ocr_word(length: int = 7) -> str:
    """A tag the photo test can expect back exactly from the OCR."""
    return "".join(random.choices(OCR_SAFE, k=length))


def in_ask(new_page: Callable[..., Any], assist_id: int) -> None:
    facilitator = open_board(new_page, FACILITATOR, assist_id)
    set_phase(facilitator, assist_id, "ask")


def test_thirty_pasted_lines_by_keyboard_become_thirty_notes(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """Open "Paste many notes", paste 30 lines, preview with Ctrl+Enter, confirm with Enter:
    30 notes on the board, and the paste box is ready for the next lot."""
    in_ask(new_page, assist_id)
    page = open_board(new_page, NOTE_TAKER, assist_id)
    tag = word()
    lines = [f"Point {n} {tag} from the flipchart" for n in range(1, 31)]
    summary = page.locator("[data-capture-bulk] summary")
    summary.focus()  # where Tab lands after the note form; everything after is keys only
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#capture-text")).to_be_focused()
    page.keyboard.insert_text("\n".join(lines))
    page.keyboard.press("Control+Enter")
    heading = page.locator("#bulk-preview-heading")
    expect(heading).to_have_text("Check 30 notes")
    expect(heading).to_be_focused()
    expect(page.locator(".pa-bulk-line")).to_have_count(30)
    assert_accessible(page, "with the bulk preview open")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "board-bulk-preview-1280.png"), full_page=False)
    page.keyboard.press("Tab")
    expect(page.locator("[data-role=bulk-confirm-top]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("[data-capture-status]")).to_have_text("30 notes added to the board.")
    expect(page.locator(".pa-note", has_text=tag)).to_have_count(30)
    expect(page.locator("#capture-text")).to_be_focused()
    expect(page.locator("#capture-text")).to_have_value("")
    assert_accessible(page, "after the bulk confirm")
    assert page.console_errors == []


def test_a_flagged_line_is_named_and_nothing_is_added(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    in_ask(new_page, assist_id)
    page = open_board(new_page, NOTE_TAKER, assist_id)
    tag = word()
    page.locator("[data-capture-bulk] summary").click()
    page.locator("#capture-text").fill(f"Fine {tag}\nSeen 943 476 5919 at clinic {tag}")
    page.get_by_role("button", name="Preview the notes").click()
    expect(page.locator(".pa-bulk-line--pid")).to_have_count(1)
    page.get_by_role("button", name="Add 2 notes").first.click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Note 2:")
    expect(summary).to_be_focused()
    expect(page.locator(".pa-note", has_text=tag)).to_have_count(0)
    assert_accessible(page, "with a refused line")


def test_a_walk_in_speaker_is_added_by_keyboard_and_can_be_chosen(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    in_ask(new_page, assist_id)
    page = open_board(new_page, NOTE_TAKER, assist_id)
    name = f"Dana {word().title()}"
    page.locator("[data-capture-walkin] summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator("#walkin-name")).to_be_focused()
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    page.keyboard.type("Leeds Community Trust")
    page.keyboard.press("Tab")  # role: visitor, as it is
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("[data-capture-status]")).to_contain_text(f"{name} added")
    # Without a reload, the note form and the paste form offer the new speaker.
    expect(page.locator("#pa-note-speaker option", has_text=name)).to_have_count(1)
    expect(page.locator("#capture-speaker option", has_text=name)).to_have_count(1)
    assert_accessible(page, "after adding a walk-in")


def test_the_bulk_pages_work_as_plain_forms(new_page: Callable[..., Any], assist_id: int) -> None:
    """The paste form, preview and confirm pages need no script (capture.js runs only on the
    board): form → preview → confirm → the board with a message."""
    in_ask(new_page, assist_id)
    page = new_page(NOTE_TAKER, width=375)
    tag = word()
    page.goto(f"/assists/{assist_id}/board/bulk/")
    assert_accessible(page, "bulk form")
    page.get_by_label("Notes, one per line").fill(f"One {tag}\nTwo {tag}")
    page.get_by_role("button", name="Preview the notes").click()
    expect(page.get_by_role("heading", name="Check 2 notes")).to_be_visible()
    assert_accessible(page, "bulk preview page")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "bulk-preview-page-375.png"), full_page=True)
    page.get_by_role("button", name="Add 2 notes").last.click()
    expect(page.get_by_text("2 notes added to the board.")).to_be_visible()
    expect(page.locator(".pa-note", has_text=tag)).to_have_count(2)


def flipchart_png(lines: list[str]) -> bytes:
    if not FONT.exists():
        missing_service(f"the DejaVu font is missing at {FONT}")
    font = ImageFont.truetype(str(FONT), 56)
    image = Image.new("RGB", (1600, 140 * len(lines) + 160), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((80, 80 + 140 * row), line, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_photo_of_a_flipchart_comes_back_as_draft_notes(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    """Upload → "text read" → preview the drafts → add: the notes are on the board; nothing
    was posted before the note taker confirmed."""
    if shutil.which("tesseract") is None:
        missing_service("tesseract is not installed (apt-get install tesseract-ocr)")
    in_ask(new_page, assist_id)
    page = new_page(NOTE_TAKER, width=375)
    tag = ocr_word().title()
    lines = [f"Protect training time {tag}", f"Invite pharmacy early {tag}"]
    page.goto(f"/assists/{assist_id}/photos/")
    assert_accessible(page, "photos page")
    page.get_by_label("Photo of a flipchart or paper notes").set_input_files(
        {"name": "flipchart.png", "mimeType": "image/png", "buffer": flipchart_png(lines)}
    )
    page.get_by_label("Caption (optional)").fill(f"Barriers wall {tag}")
    page.get_by_role("button", name="Add photo").click()
    expect(page.get_by_text("2 lines read from the photo.")).to_be_visible()
    drafts = page.get_by_label("Notes, one per line")
    expect(drafts).to_have_value("\n".join(lines))
    assert_accessible(page, "photo with drafts")
    answer = call(page, "GET", f"/api/v1/assists/{assist_id}/board")
    assert not [n for n in answer["body"]["notes"] if tag in (n.get("text") or "")]
    page.get_by_role("button", name="Preview the draft notes").click()
    page.get_by_role("button", name="Add 2 notes").first.click()
    expect(page.get_by_text("2 notes added to the board.")).to_be_visible()
    expect(page.locator(".pa-note", has_text=tag)).to_have_count(2)


def test_screenshot_of_the_bulk_preview_on_a_phone(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    in_ask(new_page, assist_id)
    page = open_board(new_page, NOTE_TAKER, assist_id, width=375)
    page.locator("[data-capture-bulk] summary").click()
    page.locator("#capture-text").fill(
        "Visitor: Book protected time\nAsk pharmacy early\nSeen 943 476 5919 at clinic"
    )
    page.get_by_role("button", name="Preview the notes").click()
    expect(page.locator(".pa-bulk-line")).to_have_count(3)
    page.locator("#bulk-preview-heading").scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "board-bulk-preview-375.png"), full_page=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the board scrolls sideways at 375 px ({width})"
    assert_accessible(page, "bulk preview at 375 px")
