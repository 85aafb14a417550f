"""Chromium: publish a lesson, approve it as the knowledge manager, read it from another
organisation once shared; axe on every lesson page."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

HOST = "host.lead@northmoor.example"
KM = "knowledge@northmoor.example"
OTHER_ORG = "lead@eastbridge.example"
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots"))


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"lessons-{name}.png"), full_page=True)


def test_publish_approve_and_find_from_another_organisation(new_page: Any) -> None:
    """The host lead writes a shared lesson for the HAT project and submits it; the
    knowledge manager approves it; Eastbridge's lead then finds it in the lessons list."""
    title = "Browser lesson: agree cover before blocking diary time"
    host = new_page(HOST)
    host.goto("/projects/")
    host.get_by_role("link", name="Bringing the Healthy Addiction Treatment").first.click()
    host.get_by_role("link", name="Write a lesson for this project").click()
    assert_accessible(host, "empty lesson form")

    # Submitting an empty form shows the NHS error summary.
    host.get_by_role("button", name="Save draft").click()
    expect(host.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    assert_accessible(host, "lesson form with errors")

    host.get_by_label("Title").fill(title)
    host.get_by_label("The lesson").fill("Blocked time disappears unless other work moves.")
    host.get_by_label("Barrier").check()
    host.get_by_label("Filter constructs").fill("work infrastructure")
    host.get_by_label("III.A3 Work Infrastructure").check()
    host.get_by_label("Every organisation on Peer Assist").check()
    shot(host, "form")
    host.set_default_timeout(90_000)  # the first lesson saved may wait for the search model
    host.get_by_role("button", name="Save draft").click()
    host.wait_for_url("**/lessons/*/")
    shot(host, "saved")
    host.get_by_role("button", name="Submit for review").click()
    expect(host.get_by_text("Submitted. A knowledge manager will review")).to_be_visible()
    assert_accessible(host, "lesson detail, submitted")

    km = new_page(KM)
    km.goto("/lessons/review/")
    assert_accessible(km, "review queue")
    km.get_by_role("link", name=title).click()
    assert_accessible(km, "review page")
    km.get_by_label("Approve: it can leave the project").check()
    km.get_by_role("button", name="Record decision").click()
    expect(km.get_by_text("Decision recorded")).to_be_visible()
    shot(km, "detail")

    other = new_page(OTHER_ORG)
    other.goto("/lessons/")
    assert_accessible(other, "lessons list from another organisation")
    shot(other, "list")
    other.get_by_role("link", name=title).click()
    expect(other.get_by_role("heading", name=title)).to_be_visible()
    expect(other.get_by_text("III.A3 Work Infrastructure")).to_be_visible()
    assert not host.console_errors and not km.console_errors and not other.console_errors


def test_every_lesson_page_passes_axe_at_desktop_and_phone_width(new_page: Any) -> None:
    """Insights, log, reports, retrospect and the home section: axe-clean, also at 320 px."""
    page = new_page(HOST)
    page.set_default_timeout(90_000)  # the first lesson saved may wait for the search model
    page.goto("/lessons/insights/")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_accessible(page, "insights")
    shot(page, "insights")
    page.goto("/lessons/insights/?scope=shared")
    assert_accessible(page, "insights, shared")

    page.goto("/projects/")
    page.get_by_role("link", name="Bringing the Healthy Addiction Treatment").first.click()
    page.get_by_role("link", name="Lessons learned log").click()
    page.get_by_label("What you noticed").fill("Cover rota agreed with the ward manager")
    page.get_by_role("button", name="Add to the log").click()
    expect(page.get_by_text("Cover rota agreed with the ward manager", exact=True)).to_be_visible()
    assert_accessible(page, "log")
    shot(page, "log")

    page.get_by_role("link", name="lessons learned report").first.click()
    page.get_by_label("Title").fill("Pilot report")
    page.get_by_role("button", name="Create report").click()
    expect(page.get_by_text("Cover rota agreed with the ward manager", exact=True)).to_be_visible()
    assert_accessible(page, "report")

    page.go_back()
    page.go_back()
    page.goto(page.url.split("/log/")[0] + "/retrospects/new/")
    assert_accessible(page, "retrospect form")
    page.get_by_label("Objectives revisited").fill("Weekly HAT sessions")
    page.get_by_label("What would we do differently next time").fill("Agree cover first")
    page.get_by_role("button", name="Save retrospect").click()
    page.get_by_role("button", name="Draft lessons from what we would do differently").click()
    expect(page.get_by_text("1 draft lesson made")).to_be_visible()
    assert_accessible(page, "retrospect")
    shot(page, "retrospect")

    phone = new_page(HOST, width=320)
    for path in ("/lessons/", "/lessons/new/", "/lessons/insights/", "/"):
        phone.goto(path)
        assert_accessible(phone, f"{path} at 320px")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 330, f"{path} scrolls sideways at 320px ({width}px)"
    shot(phone, "phone-list")
