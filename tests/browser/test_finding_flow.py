"""Chromium: find a lesson another organisation shared, by search and from the BAR panel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from peerassist.projects.demo import HAT_TITLE
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

HOST_LEAD = "host.lead@northmoor.example"
SHARED_BY_COUNCIL = "Protected time in diaries got staff into the room"
SHOTS = Path("/tmp/shots")


def test_search_finds_a_lesson_shared_by_another_organisation(
    new_page: Callable[..., Any],
) -> None:
    """A trust nurse searches, sees the council's shared lesson highlighted, and axe passes."""
    page = new_page(HOST_LEAD)
    # The first search in a server process loads the sentence model (seconds on a busy CPU).
    page.goto("/lessons/search/?q=warm+up", timeout=120_000)
    page.goto("/lessons/search/")
    expect(page.get_by_role("heading", name="Search lessons")).to_be_visible()
    assert_accessible(page, "empty search page")
    page.get_by_label("Words to search for").fill('protected time "<script>"')
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_label("Words to search for").fill("protected time")
    page.get_by_role("button", name="Search", exact=True).click()
    result = page.locator(".pa-search-result").filter(has_text=SHARED_BY_COUNCIL)
    expect(result).to_be_visible()
    expect(result).to_contain_text("Eastbridge City Council")
    assert result.locator("mark").count() >= 1
    expect(result).to_contain_text("Why it matched")
    expect(page.get_by_text("Similar meaning is found with the")).to_be_visible()
    assert_accessible(page, "search results")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "finding-search.png"), full_page=True)
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Enabler or barrier").select_option("barrier")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".pa-search-result").filter(has_text=SHARED_BY_COUNCIL)).to_have_count(0)
    assert_accessible(page, "filtered search with filters open")
    small = new_page(HOST_LEAD, width=320)
    small.goto("/lessons/search/?q=protected+time")
    expect(small.locator(".pa-search-result").filter(has_text=SHARED_BY_COUNCIL)).to_be_visible()
    small.screenshot(path=str(SHOTS / "finding-search-320.png"), full_page=True)
    assert not page.console_errors


def test_bar_panel_shows_the_shared_lesson_for_a_learning_need(
    new_page: Callable[..., Any],
) -> None:
    """The HAT BAR's "solved before?" panel lists the council's shared lesson; the people
    finder for that need opens and passes axe."""
    page = new_page(HOST_LEAD)
    page.set_default_timeout(60_000)
    page.goto("/projects/")
    page.get_by_role("link", name=HAT_TITLE).first.click()
    page.locator("a[href*='/bars/']:not([href*='/new'])").first.click()
    panel_item = page.get_by_text(SHARED_BY_COUNCIL).first
    expect(panel_item).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "finding-bar-panel.png"), full_page=True)
    need_id = page.locator("li.pa-needs__item").first.get_attribute("id").split("-")[1]
    page.goto(f"/lessons/people/?need={need_id}")
    expect(page.get_by_role("heading", name="Who has done this before?")).to_be_visible()
    assert_accessible(page, "people finder")
    page.screenshot(path=str(SHOTS / "finding-people.png"), full_page=True)


def test_subscriptions_page_is_accessible(new_page: Callable[..., Any]) -> None:
    """Following a keyword works by keyboard-friendly form and passes axe."""
    page = new_page(HOST_LEAD)
    page.goto("/lessons/subscriptions/")
    page.get_by_role("button", name="Follow").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    page.get_by_label("What to follow").select_option("keyword")
    page.get_by_label("Care setting or keyword").fill("stigma")
    page.get_by_role("button", name="Follow").click()
    expect(page.get_by_text("Keyword: stigma")).to_be_visible()
    assert_accessible(page, "subscriptions")
