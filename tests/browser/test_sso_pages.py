"""The single sign-on pages in Chromium: the sign-in page (and its error when the demo's
local provider is not running) and the administrators' settings page; axe is clean."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.accounts.sso_provider import CLIENTS, PASSWORD, PEOPLE, provider_start, provider_stop
from tests.browser.conftest import assert_accessible
from tests.servers import ServerProcess

pytestmark = pytest.mark.browser


def test_sign_in_with_your_organisation(new_page: Callable[..., Any]) -> None:
    page = new_page()
    page.goto("/accounts/sign-in/")
    page.get_by_role("link", name="Sign in with your organisation").click()
    expect(page.get_by_role("heading", name="Sign in with your organisation")).to_be_visible()
    assert_accessible(page, "sso sign-in")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Enter your work e-mail address").first).to_be_visible()
    assert_accessible(page, "sso sign-in, empty")
    page.get_by_label("Your work e-mail address").fill("new.starter@northmoor.example")
    page.get_by_role("button", name="Continue").click()
    # The demo points the trust at the local test provider, which no test starts on 8090.
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "sso sign-in, provider down")


def test_an_admin_edits_single_sign_on(new_page: Callable[..., Any]) -> None:
    page = new_page("admin@northmoor.example")
    page.goto("/accounts/sso/settings/")
    expect(page.get_by_role("heading", name="Single sign-on")).to_be_visible()
    assert page.get_by_label("Issuer").input_value() == "http://127.0.0.1:8090/o"
    assert "demo-secret" not in page.content()
    assert_accessible(page, "sso settings")
    page.get_by_label("Allowed e-mail domains").fill("northmoor example")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "sso settings, with an error")


def test_the_sso_pages_work_at_320_pixels(new_page: Callable[..., Any]) -> None:
    page = new_page("admin@northmoor.example", width=320)
    for path in ("/accounts/sso/", "/accounts/sso/settings/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert_accessible(page, f"{path} at 320 px")


def test_an_admin_sets_up_a_provider_and_a_new_person_signs_in_through_it(
    new_page: Callable[..., Any],
    server: ServerProcess,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The whole way in Chromium against the real test provider: the settings page checks
    the provider answers, the sign-in page's form may lead to it (its CSP allows that), the
    provider's login and consent, and back as a new member of the trust."""
    provider, process = provider_start(
        tmp_path_factory.mktemp("browser-oidc"), f"{server.url}/accounts/sso/callback/"
    )
    admin = new_page("admin@northmoor.example")
    try:
        admin.goto("/accounts/sso/settings/")
        admin.get_by_label("Switched on").check()
        admin.get_by_label("Name of the sign-in service").fill("Test provider")
        admin.get_by_label("Issuer").fill(provider.issuer)
        admin.get_by_label("Client id").fill(CLIENTS["trust"].client_id)
        admin.get_by_label("Client secret").fill(CLIENTS["trust"].client_secret)
        admin.get_by_label("Allowed e-mail domains").fill("northmoor.example\nsso-test.example")
        admin.get_by_role("button", name="Save settings").click()
        expect(admin.get_by_text("Single sign-on settings saved.")).to_be_visible()
        assert CLIENTS["trust"].client_secret not in admin.content()

        page = new_page()
        page.goto("/accounts/sso/")
        email = PEOPLE["pat"][0]
        page.get_by_label("Your work e-mail address").fill(email)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{provider.url}/login/**")
        page.fill("input[name=username]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.click("input[name=allow]")
        page.wait_for_url(f"{server.url}/")
        expect(page.get_by_text(f"Signed in as {email}.")).to_be_visible()
        expect(page.get_by_text(PEOPLE["pat"][1]).first).to_be_visible()
    finally:
        provider_stop(process)
        admin.goto("/accounts/sso/settings/")
        admin.get_by_label("Switched off").check()
        admin.get_by_role("button", name="Save settings").click()
