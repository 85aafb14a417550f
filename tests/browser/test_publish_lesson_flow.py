"""Notes to a lesson without retyping, in Chromium: from a theme on the analysis page to a
lesson awaiting review, by keyboard, with axe on the preview (also at 320 px) and the lesson."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_analysis_flow import HOST_LEAD, SLOW, VISITOR, assist_id, open_analysis

pytestmark = pytest.mark.browser

THEME = "Protecting nurses' time"
PUBLISH = re.compile(r"^Publish as lesson\W+" + re.escape(THEME) + "$")
__all__ = ["assist_id"]  # the module fixture, shared with the analysis flow


def test_host_publishes_a_theme_as_a_lesson(new_page: Callable[..., Any], assist_id: int) -> None:
    """One link and one button: the notes, codes and valence are carried over; it goes to review."""
    host = open_analysis(new_page, HOST_LEAD, assist_id)
    link = host.get_by_role("link", name=PUBLISH)
    link.focus()
    host.keyboard.press("Enter")
    expect(host.get_by_role("heading", name="Publish as a lesson")).to_be_visible()
    expect(host.locator(".nhsuk-summary-list")).to_contain_text(THEME)
    notes = host.locator(".nhsuk-summary-list .nhsuk-list--bullet li")
    assert notes.count() >= 1
    first_note = notes.first.inner_text()
    assert_accessible(host, "publish preview")
    host.get_by_label("Our organisation").check()
    # Saving a lesson indexes it for search, which may load the sentence model first.
    host.get_by_role("button", name="Publish and send for review").click(timeout=SLOW)
    expect(host.locator(".pa-message").first).to_contain_text("sent to your knowledge managers")
    expect(host.get_by_role("heading", level=1)).to_contain_text(THEME)
    expect(host.locator("main")).to_contain_text("Awaiting review")
    expect(host.locator("main")).to_contain_text(first_note[:40])
    assert_accessible(host, "published lesson")
    assert host.console_errors == [], host.console_errors


def test_publish_preview_at_320px_and_refused_to_a_visitor(
    new_page: Callable[..., Any], assist_id: int
) -> None:
    host = open_analysis(new_page, HOST_LEAD, assist_id, width=320)
    href = host.get_by_role("link", name=PUBLISH).get_attribute("href")
    assert href
    host.goto(href)
    expect(host.get_by_role("heading", name="Publish as a lesson")).to_be_visible()
    assert_accessible(host, "publish preview at 320 px")
    visitor = open_analysis(new_page, VISITOR, assist_id)
    expect(visitor.get_by_role("link", name=PUBLISH)).to_have_count(0)
    assert visitor.request.get(href).status in {403, 404}
