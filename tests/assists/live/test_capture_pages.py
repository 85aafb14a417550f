"""Fast capture without JavaScript: the paste form posts to a preview page, which posts the
confirm; the walk-in form; the board's capture panel for the host team only."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.assists.models import Note, Participant, Phase
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

NHS_NUMBER = "943 476 5919"


def client_for(live: Live, who: str) -> Client:
    client = Client()
    actor = getattr(live, who)
    if who in {"visitor", "visitor2", "observer", "other_guest"}:
        session = client.session
        session[GUEST_SESSION_KEY] = actor.pk
        session.save()
    else:
        client.force_login(actor)
    return client


def page(live: Live, tail: str) -> str:
    return f"/assists/{live.assist.pk}/{tail}"


class _FormFields(HTMLParser):
    """The fields a browser would post from the page's confirm form, as rendered."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.data[a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name", "").startswith("text-"):
            self._textarea = a["name"]
            self.data[a["name"]] = ""
        elif tag == "select" and re.match(r"(need|speaker)-\d+$", a.get("name", "")):
            self._select = a["name"]
            self.data[a["name"]] = ""
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data


def confirm_form(html: str) -> dict[str, Any]:
    form = html[html.index("data-capture-confirm") :]
    parser = _FormFields()
    parser.feed(form)
    parser.data.pop("csrfmiddlewaretoken", None)
    return dict(parser.data)


def test_paste_preview_and_confirm_without_javascript(live: Live) -> None:
    """Form → preview (lines, learning need, speaker, guard) → confirm → board with a message;
    posting the same confirm again adds nothing."""
    live.set(phase=Phase.ASK)
    client = client_for(live, "note_taker")
    form = client.get(page(live, "board/bulk/"))
    assert form.status_code == 200
    batch = re.search(r'name="batch" value="([0-9a-f-]+)"', form.content.decode())
    assert batch
    text = "One good point\n\nVisitor: Train the matrons\nAnother point"
    preview = client.post(
        page(live, "board/bulk/preview/"),
        {
            "text": text,
            "kind": "tip",
            "learning_need": str(live.needs[1].pk),
            "batch": batch.group(1),
        },
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Check 3 notes" in html
    assert "1 empty line left out" in html
    assert "Add 3 notes" in html
    data = confirm_form(html)
    assert data["count"] == "3"
    assert data["text-2"] == "Train the matrons"
    assert data["speaker-2"] == str(live.people["visitor"].pk)
    assert data["need-1"] == str(live.needs[1].pk)
    assert Note.objects.count() == 0

    done = client.post(page(live, "board/bulk/confirm/"), data, follow=True)
    assert done.redirect_chain[-1][0] == page(live, "board/")
    assert "3 notes added to the board." in done.content.decode()
    notes = list(Note.objects.order_by("id"))
    assert [n.text for n in notes] == ["One good point", "Train the matrons", "Another point"]
    assert {n.learning_need_id for n in notes} == {live.needs[1].pk}
    assert notes[1].spoken_by == live.people["visitor"]
    assert {n.kind for n in notes} == {"tip"}

    again = client.post(page(live, "board/bulk/confirm/"), data, follow=True)
    assert "0 new notes added; 3 had been added already." in again.content.decode()
    assert Note.objects.count() == 3


def test_a_flagged_line_must_be_edited_or_ticked(live: Live) -> None:
    """The preview flags the NHS number; a confirm without the tick re-shows the preview with
    the line named and saves nothing; ticked, every note goes in."""
    live.set(phase=Phase.ASK)
    client = client_for(live, "note_taker")
    preview = client.post(
        page(live, "board/bulk/preview/"),
        {"text": f"Fine line\nSeen {NHS_NUMBER} today", "kind": "insight"},
    )
    html = preview.content.decode()
    assert "Check for patient details" in html
    assert "an NHS number" in html
    data = confirm_form(html)
    refused = client.post(page(live, "board/bulk/confirm/"), data)
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "There is a problem: nothing was added" in body
    assert 'href="#bulk-text-2"' in body
    assert Note.objects.count() == 0
    accepted = client.post(page(live, "board/bulk/confirm/"), {**data, "safe-2": "1"})
    assert accepted.status_code == 302
    assert Note.objects.count() == 2


def test_a_line_emptied_in_the_preview_is_left_out(live: Live) -> None:
    live.set(phase=Phase.ASK)
    client = client_for(live, "note_taker")
    html = client.post(
        page(live, "board/bulk/preview/"), {"text": "keep me\ndrop me", "kind": "insight"}
    ).content.decode()
    data = {**confirm_form(html), "text-2": ""}
    assert client.post(page(live, "board/bulk/confirm/"), data).status_code == 302
    assert [n.text for n in Note.objects.all()] == ["keep me"]


def test_two_thousand_lines_on_the_page_get_the_limit(live: Live) -> None:
    live.set(phase=Phase.ASK)
    response = client_for(live, "note_taker").post(
        page(live, "board/bulk/preview/"),
        {"text": "\n".join(f"Point {i}" for i in range(2000)), "kind": "insight"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "You pasted 2,000 lines" in html
    assert "Nothing was saved" in html
    assert Note.objects.count() == 0


def test_empty_paste_on_the_page(live: Live) -> None:
    live.set(phase=Phase.ASK)
    response = client_for(live, "note_taker").post(
        page(live, "board/bulk/preview/"), {"text": "", "kind": "insight"}
    )
    assert response.status_code == 400
    assert "Paste or type at least one note" in response.content.decode()


def test_a_visitor_in_analysis_is_told_why(live: Live) -> None:
    live.set(phase=Phase.ANALYSE)
    client = client_for(live, "visitor")
    form = client.get(page(live, "board/bulk/"))
    assert form.status_code == 403
    assert "While the host team analyses the notes" in form.content.decode()
    preview = client.post(page(live, "board/bulk/preview/"), {"text": "x y z", "kind": "tip"})
    assert preview.status_code == 403
    confirm = client.post(
        page(live, "board/bulk/confirm/"),
        {"batch": str(uuid.uuid4()), "kind": "tip", "count": "1", "text-1": "x y z"},
    )
    assert confirm.status_code == 403
    assert Note.objects.count() == 0


@pytest.mark.parametrize(
    "tail", ["board/bulk/", "board/speakers/new/", "photos/", "photos/1/", "photos/1/image"]
)
def test_other_organisations_get_404_and_strangers_sign_in(
    live: Live, outsider: Any, tail: str
) -> None:
    other = Client()
    other.force_login(outsider)
    assert other.get(page(live, tail)).status_code == 404
    anonymous = Client().get(page(live, tail))
    assert anonymous.status_code == 302
    assert "/sign-in/" in anonymous["Location"]


def test_walk_in_speaker_page_adds_and_returns(live: Live) -> None:
    live.set(phase=Phase.ASK)
    client = client_for(live, "note_taker")
    form = client.get(page(live, "board/speakers/new/") + "?next=" + page(live, "board/bulk/"))
    assert form.status_code == 200
    response = client.post(
        page(live, "board/speakers/new/"),
        {
            "name": "Dana Okafor",
            "organisation": "Leeds",
            "role": "visitor",
            "next": page(live, "board/bulk/"),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == page(live, "board/bulk/")
    assert Participant.objects.filter(
        display_name="Dana Okafor", organisation_name="Leeds"
    ).exists()
    offsite = client.post(
        page(live, "board/speakers/new/"),
        {"name": "Sam Lee", "role": "visitor", "next": "https://evil.example/"},
    )
    assert offsite["Location"] == page(live, "board/")
    blank = client.post(page(live, "board/speakers/new/"), {"name": "", "role": "visitor"})
    assert blank.status_code == 400
    assert "Give the speaker&#x27;s name." in blank.content.decode()
    refused = client_for(live, "visitor").post(
        page(live, "board/speakers/new/"), {"name": "Sam", "role": "visitor"}
    )
    assert refused.status_code == 403


def test_the_board_shows_the_capture_panel_to_the_host_team_only(live: Live) -> None:
    live.set(phase=Phase.ASK)
    note_taker = client_for(live, "note_taker").get(page(live, "board/")).content.decode()
    assert "Fast capture" in note_taker
    assert "Paste many notes" in note_taker
    assert "Add a speaker who walked in" in note_taker
    host = client_for(live, "host_member").get(page(live, "board/")).content.decode()
    assert "Paste many notes" in host
    assert "Add a speaker who walked in" not in host
    visitor = client_for(live, "visitor").get(page(live, "board/")).content.decode()
    assert "Fast capture" not in visitor


def test_a_walk_in_on_the_people_page_has_no_invitation_to_resend(live: Live) -> None:
    """The planners see a walk-in as such, with no "Resend" (there is no address to send to)."""
    live.set(phase=Phase.ASK)
    client_for(live, "note_taker").post(
        page(live, "board/speakers/new/"), {"name": "Dana Okafor", "role": "visitor"}
    )
    html = client_for(live, "host_lead").get(page(live, "plan/people/")).content.decode()
    row = html[html.index("Dana Okafor") :]
    row = row[: row.index("</tr>")]
    assert "Walked in on the day: no invitation link" in row
    assert "Resend" not in row
