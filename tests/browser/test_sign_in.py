"""A person signs in with a demo account and lands on their organisation's home."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, assert_accessible

pytestmark = pytest.mark.browser


def test_demo_user_signs_in_and_sees_their_home(new_page: Any) -> None:
    """Signing in through the form lands on the home page with projects and peer assists."""
    page = new_page()
    page.goto("/")
    assert "/accounts/sign-in/" in page.url
    assert_accessible(page, "on the sign-in page")
    page.get_by_label("E-mail address").fill("host.lead@northmoor.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    expect(
        page.get_by_role("link", name="Bringing the Healthy Addiction Treatment")
    ).to_be_visible()
    assert_accessible(page, "on the home page")
    assert page.console_errors == []


def test_wrong_password_shows_the_error_summary(new_page: Any) -> None:
    """A wrong password shows the NHS error summary, focused, and no account detail leaks."""
    page = new_page()
    page.goto("/accounts/sign-in/")
    page.get_by_label("E-mail address").fill("host.lead@northmoor.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter the e-mail address and password")
    # The page's script moves focus once it has run; wait for it rather than read it at load.
    page.wait_for_function("document.activeElement.classList.contains('nhsuk-error-summary')")
    assert_accessible(page, "with the error summary")


def test_home_is_usable_on_a_phone(new_page: Any) -> None:
    """At 320 px the home page has no horizontal scroll and the menu is reachable."""
    page = new_page("host.lead@northmoor.example", width=320, height=640)
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth <= 320")
    assert_accessible(page, "at 320 px")
