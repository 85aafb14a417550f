"""The host team's analysis in Chromium: keyboard grouping, notes suggested for a started theme
and a suggested new theme, dot voting, coding a barrier, an action; a visitor's view stays
read-only; axe on every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.servers import ServerStack

pytestmark = pytest.mark.browser

FACILITATOR = "facilitator@northmoor.example"
HOST_LEAD = "host.lead@northmoor.example"
VISITOR = "lead@eastbridge.example"  # the council lead visits this peer assist
SLOW = 180_000  # the first "Suggest themes" loads the sentence model on a busy machine


@pytest.fixture(scope="module")
def assist_id(server_stack: ServerStack, server: Any) -> int:
    out = server_stack.manage(
        "shell",
        "-c",
        "from peerassist.assists.models import PeerAssist; "
        "from peerassist.analysis.demo import TITLE; "
        "print(PeerAssist.objects.get(title=TITLE).pk)",
    )
    return int(out.strip().splitlines()[-1])


def open_analysis(
    new_page: Callable[..., Any], email: str, assist_id: int, width: int = 1280
) -> Any:
    page = new_page(email, width=width)
    page.goto(f"/analysis/assists/{assist_id}/analysis/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    return page


def test_host_groups_votes_codes_and_acts(new_page: Callable[..., Any], assist_id: int) -> None:
    """The host lead does the whole analysis; each page passes axe."""
    host = open_analysis(new_page, HOST_LEAD, assist_id)
    assert_accessible(host, "analysis page")
    host.screenshot(path="/tmp/shots/analysis-page.png", full_page=True)

    # Keyboard: tick an ungrouped note, choose "Move selected notes to" and press Move.
    ungrouped = host.locator("#ungrouped .pa-an-note").first
    text = ungrouped.locator("label").first.inner_text().removeprefix("Select note: ").strip()
    ungrouped.locator("input").check()
    host.get_by_label("Move selected notes to").select_option(label="Protecting nurses' time")
    host.get_by_role("button", name="Move selected").click()
    expect(host.locator("[data-live-status]")).to_contain_text(
        "1 note moved to “Protecting nurses' time”"
    )
    theme = host.locator(".pa-an-theme", has_text="Protecting nurses' time")
    expect(theme.locator(".pa-an-note", has_text=text)).to_have_count(1)

    # Suggested themes: one press. The board has themes started, so the notes that fit them
    # come first as "Add … to ‹theme›"; accept one, then a new group.
    host.get_by_role("button", name="Suggest themes").click(timeout=SLOW)
    expect(host.locator(".pa-message")).to_be_visible(timeout=SLOW)
    expect(host.locator(".pa-message")).to_contain_text("to add notes to your themes")
    add = host.locator(".pa-an-suggestion--add").first
    expect(add).to_be_visible()
    assert_accessible(host, "with suggestions")
    add.scroll_into_view_if_needed()
    host.locator("#suggestions").screenshot(path="/tmp/shots/analysis-add-to-theme.png")
    heading = add.locator("h3").inner_text()
    target = heading.split("“", 1)[1].rstrip("”")
    offered = [t.strip() for t in add.locator(".nhsuk-checkboxes__label").all_inner_texts()]
    assert offered and heading.startswith(f"Add {len(offered)} note")
    # Every note comes ticked; untick the last when there are several: it stays ungrouped.
    added, left = (offered[:-1], offered[-1:]) if len(offered) > 1 else (offered, [])
    for note_text in left:
        add.get_by_label(note_text, exact=True).uncheck()
    add.get_by_role("button", name=f"Add to theme “{target}”").click()
    count = len(added)
    expect(host.locator(".pa-message")).to_contain_text(
        f"{count} note{'s' if count != 1 else ''} added to “{target}”"
    )
    theme_card = host.locator(".pa-an-theme", has_text=target).first
    for note_text in added:
        expect(theme_card.locator(".pa-an-note", has_text=note_text)).to_have_count(1)
        expect(host.locator("#ungrouped .pa-an-note", has_text=note_text)).to_have_count(0)
    for note_text in left:
        expect(host.locator("#ungrouped .pa-an-note", has_text=note_text)).to_have_count(1)
    assert_accessible(host, "after adding to a theme")

    suggestion = host.locator(".pa-an-suggestion:not(.pa-an-suggestion--add)").first
    expect(suggestion).to_be_visible()
    title = suggestion.locator("input[name=title]").input_value()
    suggestion.get_by_role("button", name="Accept").click()
    expect(host.locator(".pa-message")).to_contain_text("made from the suggestion")
    expect(host.locator(".pa-an-theme h3", has_text=title).first).to_be_visible()

    # Dot voting: the facilitator opens it, the host votes, the facilitator closes it.
    facilitator = open_analysis(new_page, FACILITATOR, assist_id)
    facilitator.get_by_role("button", name="Open voting").click()
    expect(facilitator.locator(".pa-message")).to_contain_text("Voting is open")
    assert_accessible(facilitator, "voting open")
    host.reload()
    host.get_by_label("Your dots on “Protecting nurses' time”").select_option("2")
    host.get_by_role("button", name="Vote on Protecting nurses' time").click()
    expect(host.locator(".pa-message")).to_contain_text("You have 3 dots left")
    facilitator.get_by_role("button", name="Close voting and show the results").click()
    expect(facilitator.locator(".pa-an-theme").first).to_contain_text("Protecting nurses' time")
    expect(facilitator.locator(".pa-an-theme").first).to_contain_text("2 dots")

    # Code a barrier with the construct picker (filter box, then a checkbox).
    host.goto(f"/analysis/assists/{assist_id}/analysis/")
    host.get_by_role(
        "link", name="Code as enabler or barrier for Agreeing the scope of practice"
    ).click()
    expect(host.get_by_role("heading", name="Code an enabler or barrier")).to_be_visible(
        timeout=SLOW
    )
    assert_accessible(host, "code form")
    host.get_by_label("-1 barrier").check()
    host.get_by_label("Filter the list").fill("staffing")
    host.get_by_label("III.A3 Work Infrastructure", exact=False).first.check()
    host.get_by_role("button", name="Save enabler or barrier").click()
    expect(host.locator("#determinants")).to_contain_text("III.A3 Work Infrastructure")

    # Turn it into an action.
    host.get_by_role("link", name="Make an action from this -1 barrier").click()
    assert_accessible(host, "action form")
    host.get_by_label("What will be done?").fill(
        "Agree a scope of practice statement with pharmacy"
    )
    host.get_by_label("Owner").select_option(label="Marcus Osei")
    host.get_by_label("Due date").fill("2030-03-31")
    host.get_by_role("button", name="Save action").click()
    expect(host.locator("#actions")).to_contain_text("Agree a scope of practice statement")
    expect(host.locator("#actions")).to_contain_text("Marcus Osei")
    host.screenshot(path="/tmp/shots/analysis-after.png", full_page=True)
    assert host.console_errors == [], host.console_errors


def test_visitor_watches_read_only_at_320px(new_page: Callable[..., Any], assist_id: int) -> None:
    """The visitor sees every note but no way to change anything, at phone width."""
    visitor = open_analysis(new_page, VISITOR, assist_id, width=320)
    expect(visitor.locator(".nhsuk-inset-text")).to_contain_text("visitors can watch")
    expect(visitor.locator(".pa-an-note").first).to_be_visible()
    expect(visitor.locator("select[name=theme]")).to_have_count(0)
    expect(visitor.locator("input[name=note_ids]")).to_have_count(0)
    expect(visitor.get_by_role("button", name="Suggest themes")).to_have_count(0)
    expect(visitor.get_by_role("button", name="Make theme")).to_have_count(0)
    assert visitor.locator(".pa-an-note[draggable=true]").count() == 0
    assert_accessible(visitor, "visitor view")
    visitor.screenshot(path="/tmp/shots/analysis-visitor-320.png", full_page=True)
    response = visitor.request.get(f"/analysis/assists/{assist_id}/analysis/code/")
    assert response.status == 403
