"""The host reads the report, downloads the PDF, follows up actions and shares back; a
visitor reads the shared action list and replies. axe runs on every page and state."""

from __future__ import annotations

import io
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible
from tests.servers import ServerStack

pytestmark = pytest.mark.browser

HOST = "host.lead@northmoor.example"
SHOTS = "/tmp/shots"

SETUP = """
from datetime import timedelta
from django.utils import timezone
from peerassist.accounts.services import guest_token
from peerassist.analysis.models import Action
from peerassist.assists.models import Participant, PeerAssist
assist = PeerAssist.objects.get(title="HAT peer assist: analysis in progress")
Action.objects.filter(assist=assist).update(due_date=timezone.localdate() - timedelta(days=2))
visitor = Participant.objects.filter(assist=assist, role="visitor", guest__isnull=False).first()
print(assist.pk, assist.project_id, guest_token(visitor.guest))
"""


@pytest.fixture(scope="module")
def demo(server_stack: ServerStack) -> dict[str, Any]:
    """The demo peer assist in analysis, with its actions overdue, and a visitor's link."""
    assist_id, project_id, token = server_stack.manage("shell", "-c", SETUP).split()[-3:]
    return {"assist": int(assist_id), "project": int(project_id), "token": token}


WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 321 && !e.closest('.pa-table-scroll, svg'))
  .slice(0, 6).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)"""


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=f"{SHOTS}/reports-{name}.png", full_page=True)


def test_host_reads_report_and_downloads_the_pdf(new_page: Any, demo: dict[str, Any]) -> None:
    """The report lists the notes and the chart with its table; the PDF download holds them."""
    page = new_page(HOST)
    page.goto(f"/reports/assists/{demo['assist']}/")
    expect(page.get_by_role("heading", name="Notes", exact=False).first).to_be_visible()
    expect(page.get_by_role("img", name="Enablers and barriers by CFIR 2.0 domain")).to_be_visible()
    expect(page.get_by_role("table", name="The chart's numbers")).to_be_visible()
    first_note = page.locator(".pa-report__note .pa-prewrap").first.inner_text()
    assert_accessible(page, "on the report")
    _shot(page, "report")
    with page.expect_download() as info:
        page.get_by_role("link", name="PDF").click()
    download = info.value
    assert download.suggested_filename.endswith("-report.pdf")
    with open(download.path(), "rb") as handle:
        pdf = handle.read()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert " ".join(first_note.split())[:40] in " ".join(text.split())
    assert page.console_errors == []


def test_report_works_at_320_px(new_page: Any, demo: dict[str, Any]) -> None:
    """On a phone the report and the action list have no sideways page scroll."""
    page = new_page(HOST, width=320, height=640)
    for url in [f"/reports/assists/{demo['assist']}/", "/analysis/actions/?scope=all"]:
        page.goto(url)
        wide = page.evaluate(WIDE_ELEMENTS)
        assert page.evaluate("document.documentElement.scrollWidth <= 320"), (url, wide)
        assert_accessible(page, f"on {url} at 320 px")
    _shot(page, "actions-320")


def test_host_changes_an_action_status_inline_and_by_keyboard(
    new_page: Any, demo: dict[str, Any]
) -> None:
    """In "overdue", the host picks a new status and presses Update; the row updates in place."""
    page = new_page(HOST)
    page.goto("/analysis/actions/?scope=overdue")
    assert_accessible(page, "on the overdue list")
    _shot(page, "actions")
    row = page.locator("tbody tr").first
    row.get_by_label("Status of this action").select_option("in_progress")
    row.get_by_role("button", name="Update status").focus()
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Saved").wait_for()
    assert page.url.endswith("/analysis/actions/?scope=overdue")  # htmx: no navigation
    assert_accessible(page, "after an inline update")
    page.goto(f"/analysis/projects/{demo['project']}/actions/?scope=all")
    assert page.locator("tbody tr").count() >= 1
    assert_accessible(page, "on the project's actions")
    page.goto("/analysis/actions/?scope=mine")
    assert_accessible(page, "on my actions")


def test_host_shares_back_and_the_visitor_replies(new_page: Any, demo: dict[str, Any]) -> None:
    """The host sends the action list; the visitor's link opens it; their reply reaches the host."""
    host = new_page(HOST)
    host.goto(f"/analysis/assists/{demo['assist']}/share-back/")
    assert_accessible(host, "on the share-back page")
    host.get_by_label("A message to the visitors (optional)").fill("Thank you again.")
    host.get_by_role("button", name="Send now").click()
    host.get_by_text("on their way").wait_for()
    assert_accessible(host, "after sending")
    _shot(host, "share-back")

    visitor = new_page()
    visitor.goto(f"/analysis/shared/{demo['token']}/")
    visitor.get_by_role("heading", name="What the host team will do").wait_for()
    assert_accessible(visitor, "on the visitor's page")
    visitor.get_by_role("button", name="Send comments").click()
    expect(visitor.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(visitor, "with the comment error")
    visitor.get_by_label("Your comments for the host team").fill("Consider peer mentors too.")
    visitor.get_by_role("button", name="Send comments").click()
    visitor.get_by_text("The host team can now read your comments").wait_for()
    _shot(visitor, "shared")
    visitor.get_by_role("link", name="Read the full report").click()
    expect(visitor.get_by_role("heading", name="Actions")).to_be_visible()
    assert_accessible(visitor, "on the report as a visitor")

    host.reload()
    expect(host.get_by_text("Consider peer mentors too.")).to_be_visible()


def test_after_action_review_errors_and_save(new_page: Any, demo: dict[str, Any]) -> None:
    """An empty review shows the error summary; a filled one saves beside the BAR."""
    page = new_page(HOST)
    page.goto(f"/analysis/assists/{demo['assist']}/after-action-review/")
    assert_accessible(page, "on the AAR")
    page.get_by_role("button", name="Save review").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Answer at least one of the four questions.")
    assert_accessible(page, "with AAR errors")
    page.get_by_label("What actually happened?").fill("Two of four needs were answered well.")
    page.get_by_role("button", name="Save review").click()
    page.get_by_text("After Action Review saved.").wait_for()
    _shot(page, "aar")
