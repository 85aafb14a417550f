"""Chromium: the governance pages for an organisation administrator. The menu leads there;
a subject access export is asked for, its progress is polled into a live region while the
worker (run here by hand) builds it, and the ZIP is downloaded once; retention rules with
bad input and the preview. axe on every page and state; 320 px without sideways scroll."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.servers import ServerStack

pytestmark = pytest.mark.browser

ADMIN = "admin@northmoor.example"
HOST = "host.lead@northmoor.example"

QUEUE_EXPORT = """
from peerassist.accounts.models import Membership, User
from peerassist.governance.models import SubjectAccessExport
admin = User.objects.get(email="admin@northmoor.example")
person = User.objects.get(email="note.taker@northmoor.example")
org = Membership.objects.get(user=admin).organisation
export = SubjectAccessExport.objects.create(
    organisation=org, requested_by=admin, subject_user=person, steps_total=11,
    step_label="Waiting for the task worker",
)
print(export.pk)
"""


def test_an_admin_reaches_the_governance_pages_from_the_menu(new_page: Any) -> None:
    page = new_page(ADMIN)
    page.goto("/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Governance").click()
    expect(page.get_by_role("heading", name=re.compile("Information governance"))).to_be_visible()
    assert_accessible(page, "governance hub")
    for name in ("Audit log", "Subject access exports", "Erase a person", "Retention"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    others = new_page(HOST)
    others.goto("/")
    assert others.get_by_role("link", name="Governance").count() == 0


def test_an_admin_asks_for_an_export_and_downloads_it_once(new_page: Any) -> None:
    page = new_page(ADMIN)
    page.goto("/governance/exports/")
    assert_accessible(page, "exports, empty search")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "exports, search error")
    page.console_errors.clear()  # the browser logs the form's 400 answer; nothing else may fail
    page.get_by_label("Name or e-mail address").fill("host.lead")
    page.get_by_role("button", name="Find").click()
    assert_accessible(page, "exports, people found")
    page.get_by_role("button", name=re.compile("Export what we hold about")).first.click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Ready to download")
    assert_accessible(page, "export ready")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the ZIP file").click()
    assert info.value.suggested_filename.endswith(".zip")
    # The same button again: the file has gone.
    page.reload()
    expect(page.get_by_text(re.compile("^Downloaded on"))).to_be_visible()
    assert page.get_by_role("button", name="Download the ZIP file").is_hidden()
    assert page.console_errors == []


def test_the_export_page_polls_its_progress_until_the_worker_is_done(
    new_page: Any, server_stack: ServerStack
) -> None:
    """A queued export shows "step 0 of 11" in the live region; once the worker builds it,
    the page (without a reload) says it is ready and shows the download button."""
    export_id = server_stack.manage("shell", "-c", QUEUE_EXPORT).strip().splitlines()[-1]
    page = new_page(ADMIN)
    page.goto(f"/governance/exports/{export_id}/")
    status = page.locator("#export-status")
    assert status.get_attribute("aria-live") == "polite"
    expect(status).to_contain_text("step 0 of 11")
    assert page.get_by_role("button", name="Download the ZIP file").is_hidden()
    assert page.get_by_role("link", name="Check again").is_hidden()  # JavaScript polls
    assert_accessible(page, "export waiting")
    server_stack.manage(
        "shell",
        "-c",
        "from peerassist.governance.exports import export_build_task; "
        f"export_build_task.call({export_id})",
    )
    page.get_by_role("button", name="Download the ZIP file").wait_for(timeout=60_000)
    expect(status).to_contain_text("Ready to download")
    assert page.locator("#export-bar").get_attribute("value") == "100"
    assert_accessible(page, "export ready after polling")


def test_retention_rules_refuse_bad_values_and_the_preview_counts(new_page: Any) -> None:
    page = new_page(ADMIN)
    page.goto("/governance/retention/")
    assert_accessible(page, "retention rules")
    page.get_by_label("Days to keep raw notes after a peer assist closes").fill("0")
    page.get_by_label("Days to keep the audit log").fill("100000")
    page.get_by_role("button", name="Save retention rules").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_text("from 1 to 3650")).to_be_visible()
    expect(summary.get_by_text("from 30 to 3650")).to_be_visible()
    assert_accessible(page, "retention rules with errors")
    page.get_by_label("Days to keep raw notes after a peer assist closes").fill("400")
    page.get_by_label("Days to keep the audit log").fill("800")
    page.get_by_role("button", name="Save retention rules").click()
    expect(page.get_by_text("Retention rules saved.")).to_be_visible()
    page.get_by_role("link", name="See what the next run would remove").click()
    expect(page.get_by_text("Raw notes deleted")).to_be_visible()
    assert_accessible(page, "retention preview")


def test_the_governance_pages_work_at_320_pixels(new_page: Any) -> None:
    page = new_page(ADMIN, width=320, height=640)
    for url in (
        "/governance/",
        "/governance/exports/?q=northmoor",
        "/governance/retention/",
        "/governance/retention/preview/",
    ):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, url
    assert_accessible(page, "retention preview at 320 px")
