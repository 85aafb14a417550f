"""The analysis pages without JavaScript: forms post and redirect, refusals show why."""

from __future__ import annotations

import pytest
from django.test import Client

from peerassist.analysis.models import Action, Determinant, NotePlacement, Theme
from tests.analysis.conftest import Analysis

pytestmark = pytest.mark.django_db


def _client(user=None, guest=None) -> Client:
    from peerassist.accounts.middleware import GUEST_SESSION_KEY

    client = Client()
    if user is not None:
        client.force_login(user)
    if guest is not None:
        session = client.session
        session[GUEST_SESSION_KEY] = guest.pk
        session.save()
    return client


def _url(an: Analysis, rest: str = "") -> str:
    return f"/analysis/assists/{an.assist.pk}/analysis/{rest}"


def test_host_groups_notes_with_the_move_form(an: Analysis) -> None:
    """ "Make theme" with ticked notes, then "Move selected notes to" another note: no JS
    needed."""
    host = _client(an.host)
    response = host.post(
        _url(an, "themes/"), {"title": "Protected time", "note_ids": [an.notes[0].pk]}
    )
    assert response.status_code == 302
    theme = Theme.objects.get()
    host.post(_url(an, "move/"), {"note_ids": [an.notes[1].pk], "theme": theme.pk})
    assert set(NotePlacement.objects.values_list("note_id", flat=True)) == {
        an.notes[0].pk,
        an.notes[1].pk,
    }
    page = host.get(_url(an)).content.decode()
    assert "Protected time" in page
    assert "Ungrouped notes (4)" in page
    assert "Move selected notes to" in page


def test_empty_theme_title_shows_an_error_summary(an: Analysis) -> None:
    response = _client(an.host).post(_url(an, "themes/"), {"title": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the theme title." in page
    assert not Theme.objects.exists()


def test_visitor_page_is_read_only(an: Analysis) -> None:
    """A visitor sees notes and themes but no forms; posting anyway is refused (403)."""
    visitor = _client(guest=an.visitor)
    page = visitor.get(_url(an)).content.decode()
    assert an.notes[0].text.replace("'", "&#x27;") in page
    assert "Move selected notes to" not in page
    assert 'name="note_ids"' not in page
    assert "Suggest themes" not in page
    assert "visitors can watch" in page
    response = visitor.post(_url(an, "themes/"), {"title": "Mine"})
    assert response.status_code == 403
    assert visitor.get(_url(an, "code/") + f"?note={an.notes[0].pk}").status_code == 403
    assert visitor.get(_url(an, "actions/new/")).status_code == 403
    assert not Theme.objects.exists()


def test_other_organisation_gets_404_on_every_analysis_url(an: Analysis, outsider) -> None:
    client = _client(outsider)
    for path in ["", "board/", "code/", "actions/new/"]:
        assert client.get(_url(an, path)).status_code == 404, path
    for path in ["themes/", "move/", "merge/", "suggestions/", "voting/"]:
        assert client.post(_url(an, path), {"title": "x"}).status_code == 404, path


def test_note_text_is_escaped(an: Analysis) -> None:
    from tests.factories import NoteFactory

    NoteFactory(assist=an.assist, author=an.people["visitor"], text="<script>alert(1)</script>")
    page = _client(an.host).get(_url(an)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_host_accepts_a_suggested_theme(an: Analysis, tfidf: None) -> None:
    """Suggest themes proposes groups; nothing moves until one is accepted."""
    from tests.factories import NoteFactory

    for text in [
        "nurses protected time diary",
        "protected time for nurses",
        "time nurses protected",
    ]:
        NoteFactory(assist=an.assist, author=an.people["visitor"], text=text)
    host = _client(an.host)
    assert host.post(_url(an, "suggestions/")).status_code == 302
    assert not NotePlacement.objects.exists()
    page = host.get(_url(an)).content.decode()
    assert "Suggestion:" in page
    assert "keyword matching (TF-IDF)" in page
    from peerassist.analysis.models import ThemeSuggestion

    suggestion = ThemeSuggestion.objects.first()
    assert suggestion is not None
    host.post(_url(an, f"suggestions/{suggestion.pk}/"), {"decision": "accept", "title": "Time"})
    theme = Theme.objects.get(title="Time")
    assert theme.placements.count() == len(suggestion.note_ids)


def test_host_codes_a_barrier_and_makes_an_action_through_the_forms(an: Analysis) -> None:
    from peerassist.analysis.models import CfirConstruct

    host = _client(an.host)
    host.post(_url(an, "themes/"), {"title": "Time", "note_ids": [an.notes[0].pk]})
    theme = Theme.objects.get()
    form = host.get(_url(an, "code/") + f"?theme={theme.pk}").content.decode()
    assert "CFIR 2.0 constructs" in form and "Inner Setting" in form
    missing = host.post(_url(an, "code/"), {"theme": theme.pk, "valence": "-2"})
    assert missing.status_code == 400
    assert "Choose at least one CFIR 2.0 construct." in missing.content.decode()
    construct = CfirConstruct.objects.get(organisation=None, code="III.A3")
    saved = host.post(
        _url(an, "code/"), {"theme": theme.pk, "valence": "-2", "constructs": [construct.pk]}
    )
    assert saved.status_code == 302
    determinant = Determinant.objects.get()
    action = host.post(
        _url(an, "actions/new/"),
        {
            "determinant": determinant.pk,
            "text": "Protect two afternoons",
            "owner": an.host_member.pk,
            "due_date": "2030-02-01",
            "priority": "high",
            "status": "agreed",
        },
    )
    assert action.status_code == 302
    made = Action.objects.get()
    assert made.determinant_id == determinant.pk and made.owner_id == an.host_member.pk
    bad = host.post(
        _url(an, f"actions/{made.pk}/"),
        {"text": "", "priority": "high", "status": "agreed", "due_date": "tomorrow"},
    )
    assert bad.status_code == 400
    assert "Enter what will be done." in bad.content.decode()


def test_analysis_page_query_count_is_flat(an: Analysis, django_assert_max_num_queries) -> None:
    """The page costs the same queries for 6 notes as for 60 (no N+1)."""
    from tests.factories import NoteFactory

    host = _client(an.host)
    host.post(_url(an, "themes/"), {"title": "T", "note_ids": [an.notes[0].pk]})
    host.get(_url(an))
    with django_assert_max_num_queries(40) as small:
        host.get(_url(an))
    for _ in range(54):
        NoteFactory(assist=an.assist, author=an.people["visitor"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        host.get(_url(an))


def test_home_page_links_to_peer_assists_in_analysis(an: Analysis, outsider) -> None:
    """Colleagues find the analysis from the home page; other organisations do not see it."""
    page = _client(an.colleague).get("/").content.decode()
    assert "Peer assists in analysis" in page
    assert _url(an) in page
    assert _url(an) not in _client(outsider).get("/").content.decode()
