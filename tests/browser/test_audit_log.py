"""The audit log page in Chromium: an administrator filters it, at 320 px too; axe is clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

ADMIN = "admin@northmoor.example"


def test_an_admin_reads_and_filters_the_audit_log(new_page: Callable[..., Any]) -> None:
    page = new_page(ADMIN)
    page.goto("/accounts/audit/")
    assert page.get_by_role("heading", name="Audit log").is_visible()
    assert page.get_by_text("sign_in", exact=True).first.is_visible()
    assert_accessible(page, "audit log")
    page.get_by_label("What happened").fill("sign_in")
    page.get_by_role("button", name="Filter").click()
    assert "kind=sign_in" in page.url
    assert_accessible(page, "filtered")
    page.get_by_label("From", exact=True).fill("2026-12-31")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page, "with an error")


def test_the_audit_log_works_at_320_pixels(new_page: Callable[..., Any]) -> None:
    page = new_page(ADMIN, width=320)
    page.goto("/accounts/audit/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    assert_accessible(page, "at 320 px")
