"""Choosing among suggested notes in Chromium while the analysis changes live: the host lead
unticks a note of an "Add … to ‹theme›" suggestion and types a title for a suggested new
theme; the facilitator changes the board meanwhile, the page redraws, and the untick and the
title are still there; accepting adds only the ticked notes. Choices in the page's lists
(where to move notes, which themes to merge) survive a redraw the same way, and so does focus
on a button without an id. axe at each state.

Runs on its own peer assist (made here, in the analyse phase, in the demo's project), so
the demo's analysis that other browser tests share is left as it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.browser.test_analysis_flow import FACILITATOR, HOST_LEAD, open_analysis
from tests.browser.test_live_board import call
from tests.servers import ServerStack

pytestmark = pytest.mark.browser

THEME = "Protected time for nurses"
ADD_NOTES = [
    "Nurses lost their protected time to cover the phones",
    "Protected time for the nurses kept slipping when the ward was short",
    "Block protected time in the nurses' diaries before the rota is set",
]
NEW_NOTES = [
    "Refresher training for the healthcare assistants every spring",
    "Healthcare assistants asked for refresher training on dressings",
]
OTHER_NOTE = "The pharmacy team wanted a say in the prescribing protocol"

# Made in the server's database: a peer assist in analysis, a started theme holding one
# note, and the two suggestions "Suggest themes" makes for these notes (one to add three
# notes to the theme, one new group), written directly so the test does not wait for the
# sentence model. Prints the ids the test needs.
SETUP = f"""
import json, uuid
from datetime import timedelta
from django.utils import timezone
from peerassist.accounts.demo import demo_user
from peerassist.analysis import services
from peerassist.analysis.access import analysis_access
from peerassist.analysis.demo import TITLE
from peerassist.analysis.models import ThemeSuggestion
from peerassist.assists.models import Note, Participant, PeerAssist, Phase, Status

demo = PeerAssist.objects.get(title=TITLE)
host = demo_user({HOST_LEAD!r})
assist = PeerAssist.objects.create(
    organisation=demo.organisation, project=demo.project, bar=demo.bar,
    title="Suggestion choices " + uuid.uuid4().hex[:6], purpose="Browser test",
    date=timezone.localdate() - timedelta(days=1), status=Status.ANALYSIS,
    phase=Phase.ANALYSE, created_by=host,
)
people = {{}}
for email, role in (({FACILITATOR!r}, Participant.Role.FACILITATOR),
                    ({HOST_LEAD!r}, Participant.Role.HOST_LEAD)):
    user = demo_user(email)
    people[email] = Participant.objects.create(
        assist=assist, user=user, role=role, display_name=user.full_name)
author = people[{HOST_LEAD!r}]
def note(text):
    return Note.objects.create(assist=assist, client_id=uuid.uuid4(), text=text, author=author)
first = note("Ring-fence two afternoons a week for the nurses' protected time")
adds = [note(t) for t in {ADD_NOTES!r}]
news = [note(t) for t in {NEW_NOTES!r}]
other = note({OTHER_NOTE!r})
theme = services.theme_create(
    access=analysis_access(host, assist.pk), title={THEME!r}, note_ids=[first.pk])
add = ThemeSuggestion.objects.create(
    assist=assist, kind=ThemeSuggestion.Kind.ADD, theme=theme, title=theme.title,
    note_ids=[n.pk for n in adds], backend="tfidf", order=0)
new = ThemeSuggestion.objects.create(
    assist=assist, kind=ThemeSuggestion.Kind.NEW, title="Refresher training",
    note_ids=[n.pk for n in news], backend="tfidf", order=1)
print(json.dumps({{"assist": assist.pk, "add": add.pk, "new": new.pk, "other": other.pk,
                  "adds": [n.pk for n in adds]}}))
"""


@pytest.fixture(scope="module")
def made(server_stack: ServerStack, server: Any) -> dict[str, Any]:
    import json

    out = server_stack.manage("shell", "-c", SETUP)
    made: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return made


def test_unticks_and_a_typed_title_survive_a_live_redraw(
    new_page: Callable[..., Any], made: dict[str, Any]
) -> None:
    """Another participant's change redraws the suggestions; the person's choices stay, and
    accepting adds only the notes left ticked."""
    assist_id = made["assist"]
    host = open_analysis(new_page, HOST_LEAD, assist_id)
    add = host.locator(f"#suggestion-{made['add']}")
    new = host.locator(f"#suggestion-{made['new']}")
    expect(add.locator("h3")).to_have_text(f"Add 3 notes to “{THEME}”")
    for text in ADD_NOTES:
        expect(add.get_by_label(text, exact=True)).to_be_checked()

    # Untick one note, type a title for the new group, and leave the title box.
    add.get_by_label(ADD_NOTES[1], exact=True).uncheck()
    title = new.get_by_label("Theme title")
    title.fill("Training for healthcare assistants")
    add.get_by_label(ADD_NOTES[0], exact=True).focus()
    # Marks on the drawn panel and a note card: a redraw replaces them.
    host.evaluate(
        "document.getElementById('suggestions').dataset.drawn = 'before';"
        "document.querySelector('.pa-an-note').dataset.drawn = 'before'"
    )

    # The facilitator makes a theme from an unrelated note (through the API, as the board's
    # JavaScript does); the event reaches the host's page, which redraws.
    facilitator = open_analysis(new_page, FACILITATOR, assist_id)
    made_theme = call(
        facilitator,
        "POST",
        f"/api/v1/analysis/assists/{assist_id}/themes",
        {"title": "Pharmacy", "note_ids": [made["other"]]},
    )
    assert made_theme["status"] == 201, made_theme
    expect(host.locator(".pa-an-theme", has_text="Pharmacy")).to_have_count(1)
    expect(host.locator("#suggestions")).not_to_have_attribute("data-drawn", "before")
    expect(host.locator(".pa-an-note[data-drawn]")).to_have_count(0)

    expect(add.get_by_label(ADD_NOTES[1], exact=True)).not_to_be_checked()
    expect(add.get_by_label(ADD_NOTES[0], exact=True)).to_be_checked()
    expect(add.get_by_label(ADD_NOTES[2], exact=True)).to_be_checked()
    expect(add.get_by_label(ADD_NOTES[0], exact=True)).to_be_focused()
    expect(new.get_by_label("Theme title")).to_have_value("Training for healthcare assistants")
    assert_accessible(host, "suggestions redrawn with a note unticked")

    # A second change, a second redraw: still as the person left them.
    host.evaluate("document.getElementById('suggestions').dataset.drawn = 'again'")
    renamed = call(
        facilitator,
        "PATCH",
        f"/api/v1/analysis/assists/{assist_id}/themes/{made_theme['body']['theme']['id']}",
        {"title": "Pharmacy and prescribing"},
    )
    assert renamed["status"] == 200, renamed
    expect(host.locator(".pa-an-theme", has_text="Pharmacy and prescribing")).to_have_count(1)
    expect(host.locator("#suggestions")).not_to_have_attribute("data-drawn", "again")
    expect(add.get_by_label(ADD_NOTES[1], exact=True)).not_to_be_checked()
    expect(new.get_by_label("Theme title")).to_have_value("Training for healthcare assistants")

    # Accept: the two ticked notes join the theme, the unticked one stays ungrouped.
    add.get_by_role("button", name=f"Add to theme “{THEME}”").click()
    expect(host.locator(".pa-message")).to_contain_text(f"2 notes added to “{THEME}”")
    theme = host.locator(".pa-an-theme", has_text=THEME).first
    for text in (ADD_NOTES[0], ADD_NOTES[2]):
        expect(theme.locator(".pa-an-note", has_text=text)).to_have_count(1)
    expect(host.locator("#ungrouped .pa-an-note", has_text=ADD_NOTES[1])).to_have_count(1)
    expect(host.locator(f"#suggestion-{made['add']}")).to_have_count(0)
    assert_accessible(host, "after adding the ticked notes")

    # The new group's title is back to the suggestion's after the page reloaded; accepting
    # it with a typed title makes that theme.
    expect(new.get_by_label("Theme title")).to_have_value("Refresher training")
    new.get_by_label("Theme title").fill("Training for healthcare assistants")
    new.get_by_role("button", name="Accept").click()
    expect(host.locator(".pa-message")).to_contain_text("made from the suggestion")
    made_from = host.locator(".pa-an-theme", has_text="Training for healthcare assistants")
    for text in NEW_NOTES:
        expect(made_from.locator(".pa-an-note", has_text=text)).to_have_count(1)
    assert host.console_errors == [], host.console_errors
    assert facilitator.console_errors == [], facilitator.console_errors


def test_choices_in_lists_survive_a_live_redraw(
    new_page: Callable[..., Any], made: dict[str, Any]
) -> None:
    """Where to move the ticked notes and which themes to merge stay chosen while other
    people's changes redraw the wall; a choice the fresh list no longer offers (its theme was
    deleted) falls back to the list's own default, never to another theme."""
    assist_id = made["assist"]
    host = open_analysis(new_page, HOST_LEAD, assist_id)
    facilitator = open_analysis(new_page, FACILITATOR, assist_id)
    themes = f"/api/v1/analysis/assists/{assist_id}/themes"
    estates = call(facilitator, "POST", themes, {"title": "Estates", "note_ids": []})
    assert estates["status"] == 201, estates
    expect(host.locator("#move-target option", has_text="Estates")).to_have_count(1)

    host.locator("#move-target").select_option(label="Estates")
    host.locator("#merge-source").select_option(label="Estates")
    host.locator("#merge-into").select_option(label=THEME)
    # A keyboard user on their way to the button, which has no id of its own.
    move = host.get_by_role("button", name="Move selected")
    move.focus()
    host.evaluate("document.getElementById('analysis-board').dataset.drawn = 'before'")

    rota = call(facilitator, "POST", themes, {"title": "Rota", "note_ids": []})
    assert rota["status"] == 201, rota
    expect(host.locator("#move-target option", has_text="Rota")).to_have_count(1)
    expect(host.locator("#analysis-board")).not_to_have_attribute("data-drawn", "before")
    expect(host.locator("#move-target option:checked")).to_have_text("Estates")
    expect(host.locator("#merge-source option:checked")).to_have_text("Estates")
    expect(host.locator("#merge-into option:checked")).to_have_text(THEME)
    expect(move).to_be_focused()
    assert_accessible(host, "lists redrawn with the person's choices")

    gone = call(facilitator, "DELETE", f"{themes}/{estates['body']['theme']['id']}")
    assert gone["status"] in (200, 204), gone
    expect(host.locator("#move-target option", has_text="Estates")).to_have_count(0)
    expect(host.locator("#move-target")).to_have_value("")
    expect(host.locator("#merge-into option:checked")).to_have_text(THEME)
    assert host.console_errors == [], host.console_errors
    assert facilitator.console_errors == [], facilitator.console_errors
