"""The affinity wall in Chromium: a multi-selection moves by mouse (click, shift-click, drag)
and by keyboard (arrow keys, space, M, "Move selected notes to"); dropping onto the blank
column makes a theme; axe finds nothing at 1280 and 375 px.

Leaves the demo's ungrouped notes as it found them, for the analysis flow that follows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_analysis_flow import HOST_LEAD, VISITOR, assist_id, open_analysis

pytestmark = pytest.mark.browser
__all__ = ["assist_id"]  # the module fixture, shared with the analysis flow

SCOPE = "Agreeing the scope of practice"


def _texts(notes: Any) -> list[str]:
    return [
        t.removeprefix("Select note: ").strip() for t in notes.locator("label").all_inner_texts()
    ]


def test_multi_selection_moves_by_mouse_and_by_keyboard(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    host = open_analysis(new_page, HOST_LEAD, assist_id)
    assert_accessible(host, "affinity wall")
    host.screenshot(path="/tmp/shots/affinity-1280.png")
    ungrouped = host.locator("#ungrouped .pa-an-note")
    scope = host.locator(".pa-an-theme", has_text=SCOPE)
    before = scope.locator(".pa-an-note").count()
    chosen = _texts(ungrouped)[:3]

    # Mouse: click the first note's card, shift-click the third; all three are selected.
    ungrouped.nth(0).locator(".pa-an-note__meta").click()
    ungrouped.nth(2).locator(".pa-an-note__meta").click(modifiers=["Shift"])
    expect(host.locator("[data-selected-count]")).to_have_text("3 notes selected.")
    expect(host.locator(".pa-an-note--selected")).to_have_count(3)
    assert_accessible(host, "three notes selected")
    # Drag one of them: the whole selection goes.
    ungrouped.nth(1).drag_to(scope.locator("[data-drop-theme]"))
    expect(host.locator("[data-live-status]")).to_have_text(f"3 notes moved to “{SCOPE}”.")
    expect(scope.locator(".pa-an-note")).to_have_count(before + 3)
    for text in chosen:
        expect(scope.locator(".pa-an-note", has_text=text)).to_have_count(1)
    expect(host.locator(".pa-an-note--selected")).to_have_count(0)

    # Keyboard: from the first of them, space, arrow down with shift, M, choose, Enter.
    first = scope.locator(".pa-an-note", has_text=chosen[0]).locator("input")
    first.focus()
    host.keyboard.press("Space")
    host.keyboard.press("Shift+ArrowDown")
    expect(host.locator("[data-selected-count]")).to_have_text("2 notes selected.")
    host.keyboard.press("ArrowDown")
    host.keyboard.press("Space")
    expect(host.locator("[data-selected-count]")).to_have_text("3 notes selected.")
    host.keyboard.press("m")
    expect(host.locator("#move-target")).to_be_focused()
    host.locator("#move-target").select_option(label="Ungrouped notes")
    host.keyboard.press("Tab")
    host.keyboard.press("Tab")
    expect(host.get_by_role("button", name="Move selected")).to_be_focused()
    host.keyboard.press("Enter")
    expect(host.locator("[data-live-status]")).to_have_text("3 notes moved to the ungrouped notes.")
    expect(scope.locator(".pa-an-note")).to_have_count(before)
    for text in chosen:
        expect(host.locator("#ungrouped .pa-an-note", has_text=text)).to_have_count(1)

    # Dropping onto the blank column makes a theme, named from its title box.
    host.get_by_label("Title", exact=True).fill("Wall test theme")
    ungrouped.nth(0).drag_to(host.locator("[data-drop-theme=new]"))
    expect(host.locator("[data-live-status]")).to_have_text(
        "1 note moved to the new theme “Wall test theme”."
    )
    made = host.locator(".pa-an-theme", has_text="Wall test theme")
    expect(made.locator(".pa-an-note")).to_have_count(1)
    made.locator("summary").click()
    made.get_by_role("button", name="Delete theme").click()
    expect(host.locator(".pa-message")).to_contain_text("Theme deleted")
    expect(host.locator(".pa-an-theme", has_text="Wall test theme")).to_have_count(0)
    assert host.console_errors == [], host.console_errors


def test_wall_at_375px_stacks_its_columns(new_page: Callable[..., Any], assist_id: int) -> None:
    host = open_analysis(new_page, HOST_LEAD, assist_id, width=375)
    assert_accessible(host, "affinity wall at 375 px")
    wide = host.evaluate("document.documentElement.scrollWidth")
    assert wide <= 375, f"the page scrolls sideways at 375 px ({wide} px wide)"
    host.screenshot(path="/tmp/shots/affinity-375.png", full_page=True)
    visitor = open_analysis(new_page, VISITOR, assist_id, width=1280)
    expect(visitor.locator("#move-selected")).to_have_count(0)
    assert_accessible(visitor, "affinity wall, visitor")
