"""The audit log and API token pages in Chromium: filtering, errors, 320 px; axe is clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

ADMIN = "admin@northmoor.example"


def test_an_admin_reads_and_filters_the_audit_log(new_page: Callable[..., Any]) -> None:
    page = new_page(ADMIN)
    page.goto("/accounts/audit/")
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.get_by_text("sign_in", exact=True).first).to_be_visible()
    assert_accessible(page, "audit log")
    page.get_by_label("What happened").fill("sign_in")
    page.get_by_role("button", name="Filter").click()
    assert "kind=sign_in" in page.url
    assert_accessible(page, "filtered")
    page.get_by_label("From", exact=True).fill("2026-12-31")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "with an error")


def test_the_audit_log_works_at_320_pixels(new_page: Callable[..., Any]) -> None:
    page = new_page(ADMIN, width=320)
    page.goto("/accounts/audit/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    assert_accessible(page, "at 320 px")


def test_a_person_makes_copies_and_revokes_an_api_token(new_page: Callable[..., Any]) -> None:
    """The tokens page: an error summary for a missing name, the secret shown once, revoke."""
    page = new_page("host.lead@northmoor.example")
    page.goto("/accounts/tokens/")
    assert_accessible(page, "tokens, none yet")
    page.get_by_role("button", name="Make token").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "tokens, with an error")
    page.get_by_label("Name").fill("Monthly report")
    page.get_by_role("button", name="Make token").click()
    secret = page.locator("#token-secret").input_value()
    assert secret.startswith("pa_")
    assert_accessible(page, "token shown once")
    page.get_by_role("link", name="Back to your API tokens").click()
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke Monthly report").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    assert_accessible(page, "token revoked")
