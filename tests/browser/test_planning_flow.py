"""The host team plans a peer assist from the project page to sent invitations, and a
visitor opens their link and replies. axe runs on every page on the way."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.servers import ServerStack

pytestmark = pytest.mark.browser


def test_host_plans_a_peer_assist_and_sends_invitations(new_page: Any) -> None:
    """Project → plan → agenda from a template, reordered → people → invitations →
    logistics → briefing pack, with the warnings and status shown on the way."""
    page = new_page("host.lead@northmoor.example")
    page.goto("/projects/")
    page.get_by_role("link", name="Bringing the Healthy Addiction Treatment").first.click()
    assert_accessible(page, "on the project page")
    page.get_by_role("link", name="Plan a peer assist").click()
    assert_accessible(page, "on the new plan form")

    # Bad input first: the error summary names the problem and takes focus.
    page.get_by_label("Title").fill("Browser-planned peer assist")
    page.get_by_label("Date", exact=True).fill("2001-01-01")
    page.get_by_role("button", name="Create the peer assist").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("The date must be today or in the future.")
    assert_accessible(page, "on the plan form with errors")

    day = timezone.localdate() + timedelta(days=10)
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label("End time").fill("13:00")
    page.get_by_label("Purpose").fill("Learn how others protected time for recovery work.")
    page.get_by_role("button", name="Create the peer assist").click()
    expect(page.get_by_role("heading", name="Browser-planned peer assist")).to_be_visible()
    assert "A peer assist is for learning before you decide" in page.content()
    assert_accessible(page, "on the planning page")

    page.get_by_role("navigation", name="Planning").get_by_role("link", name="Agenda").click()
    page.get_by_label("Agenda template").select_option("four_part")
    page.get_by_role("button", name="Use this template").click()
    assert page.locator("#agenda-total").inner_text() == "220"
    first_row = page.locator(".pa-agenda tbody tr").first
    expect(first_row).to_contain_text("Welcome")
    page.get_by_role("button", name=re.compile(r"^Down\W+Welcome")).click()
    expect(page.locator(".pa-agenda tbody tr").first).to_contain_text("Tell")
    assert_accessible(page, "on the agenda page")
    page.get_by_role("link", name=re.compile(r"^Change\W+Close")).click()
    page.get_by_label("Minutes").fill("0")
    page.get_by_role("button", name="Save the item").click()
    assert "Give at least 1 minute." in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page, "on the agenda item form with errors")
    page.get_by_label("Minutes").fill("20")
    page.get_by_role("button", name="Save the item").click()
    assert page.locator("#agenda-total").inner_text() == "225"

    page.get_by_role("navigation", name="Planning").get_by_role(
        "link", name="People and invitations"
    ).click()
    page.get_by_label("Colleague").select_option(
        label="Farah Quinn, Knowledge mobilisation facilitator"
    )
    page.locator("#id_colleague-role").select_option("facilitator")
    page.get_by_role("button", name="Add colleague").click()
    page.locator("#id_visitor-name").fill("Dr Ada Example")
    page.locator("#id_visitor-email").fill("ada@example.org")
    page.locator("#id_visitor-organisation_name").fill("Example Health")
    page.locator("#id_visitor-experience").fill("Ran a nurse-led clinic for three years.")
    page.get_by_role("button", name="Add visitor").click()
    assert "Dr Ada Example" in page.locator("#people").inner_text()
    assert_accessible(page, "on the people page")
    page.get_by_role("button", name="Send invitations").click()
    assert "2 invitations queued to be e-mailed." in page.content()
    people = page.locator("#people").inner_text()
    assert "Awaiting reply" in people
    assert people.count("Invitation e-mailed ") == 2  # tasks run at once in tests
    assert_accessible(page, "after sending invitations")

    page.get_by_role("navigation", name="Planning").get_by_role("link", name="Logistics").click()
    page.get_by_label("A facilitator").check()
    page.get_by_role("button", name="Save the checklist").click()
    assert page.get_by_label("A facilitator").is_checked()
    assert_accessible(page, "on the logistics page")

    page.get_by_role("navigation", name="Planning").get_by_role(
        "link", name="Briefing pack"
    ).click()
    expect(page.get_by_role("heading", name="What the host team wants to learn")).to_be_visible()
    assert_accessible(page, "on the briefing pack")

    page.get_by_role("navigation", name="Planning").get_by_role("link", name="Overview").click()
    assert "Status: Invitations sent" in page.content()
    page.get_by_role("link", name="Change the plan").click()
    assert_accessible(page, "on the change-the-plan form")
    page.get_by_label("Decisions still open").fill("Which team starts first")
    page.get_by_role("button", name="Save the plan").click()
    assert "No decisions are listed as still open" not in page.content()
    assert (
        "Planning → Invitations sent, by Hannah Lowe"
        in page.locator("#status-history").inner_text()
    )
    # Forms re-shown with errors answer 400, which Chromium logs; nothing else may be logged.
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_visitor_opens_their_link_and_replies(new_page: Any, server_stack: ServerStack) -> None:
    """A demo visitor's link shows the invitation; replying without consent is refused with
    the error summary; with consent the reply is saved; the plan itself stays closed."""
    token = (
        server_stack.manage(
            "shell",
            "-c",
            "from peerassist.accounts.models import Guest;"
            "from peerassist.accounts.services import guest_token;"
            "print(guest_token(Guest.objects.get(email='owen.mackay@northfield-council.example')))",
        )
        .strip()
        .splitlines()[-1]
    )
    page = new_page(width=320)
    page.goto(f"/accounts/guest/{token}/")
    expect(page.get_by_role("heading", name="Your reply")).to_be_visible()
    assert_accessible(page, "on the invitation page at 320 px")
    page.get_by_label("Yes, I will take part").check()
    page.get_by_role("button", name="Send my reply").click()
    assert "Tick the box to agree" in page.locator(".nhsuk-error-summary").inner_text()
    assert_accessible(page, "on the invitation page with errors")
    page.get_by_label("Yes, I will take part").check()
    page.get_by_label("I agree that the notes I write").check()
    page.get_by_role("button", name="Send my reply").click()
    assert "Your reply has been sent" in page.content()
    page.get_by_role("link", name="Read the briefing pack").click()
    assert_accessible(page, "on the guest's briefing pack")
    response = page.goto(page.url.replace("/briefing/", "/plan/"))
    assert response.status == 403
