"""The affinity wall without JavaScript: one "Move selected notes to" form moves every ticked
note, to a theme, back to the ungrouped notes or into a new theme; one merge form; and the
page's size and queries grow with notes + themes, never with notes × themes."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from peerassist.analysis.models import NotePlacement, Theme
from peerassist.assists.models import Note
from tests.analysis.conftest import Analysis

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(an: Analysis, rest: str = "") -> str:
    return f"/analysis/assists/{an.assist.pk}/analysis/{rest}"


def _placed() -> dict[int, int]:
    return dict(NotePlacement.objects.values_list("note_id", "theme_id"))


def test_move_selected_moves_every_ticked_note_with_one_select(an: Analysis) -> None:
    """Three ticked notes go to one theme in one post; the message counts them."""
    host = _client(an.host)
    theme = Theme.objects.create(assist=an.assist, title="Protected time")
    ids = [n.pk for n in an.notes[:3]]
    response = host.post(_url(an, "move/"), {"note_ids": ids, "theme": theme.pk}, follow=True)
    assert response.status_code == 200
    assert _placed() == {i: theme.pk for i in ids}
    page = response.content.decode()
    assert "3 notes moved to “Protected time”." in page
    # The same post again changes nothing (and says so the same way).
    version = Theme.objects.get().assist.version
    host.post(_url(an, "move/"), {"note_ids": ids, "theme": theme.pk})
    an.assist.refresh_from_db()
    assert an.assist.version == version
    # Back to the ungrouped notes.
    host.post(_url(an, "move/"), {"note_ids": ids[:2], "theme": "ungrouped"})
    assert _placed() == {ids[2]: theme.pk}


def test_move_selected_to_a_new_theme_needs_a_title_and_notes(an: Analysis) -> None:
    host = _client(an.host)
    ids = [an.notes[0].pk, an.notes[4].pk]
    untitled = host.post(_url(an, "move/"), {"note_ids": ids, "theme": "new", "title": ""})
    assert untitled.status_code == 400
    assert "Enter the theme title." in untitled.content.decode()
    nothing = host.post(_url(an, "move/"), {"theme": "new", "title": "Training"})
    assert nothing.status_code == 400
    assert "Tick the notes to move into the new theme." in nothing.content.decode()
    nowhere = host.post(_url(an, "move/"), {"note_ids": ids})
    assert nowhere.status_code == 400
    assert "Choose where the selected notes go." in nowhere.content.decode()
    assert not Theme.objects.exists() and not NotePlacement.objects.exists()
    made = host.post(_url(an, "move/"), {"note_ids": ids, "theme": "new", "title": "Training"})
    assert made.status_code == 302
    theme = Theme.objects.get(title="Training")
    assert _placed() == {i: theme.pk for i in ids}


def test_move_selected_refuses_unknown_notes_and_moves_none(an: Analysis) -> None:
    """A note of another peer assist in the selection: 404, and the good ones stay put."""
    from tests.factories import NoteFactory

    stranger = NoteFactory(assist=an.other_assist)
    theme = Theme.objects.create(assist=an.assist, title="T")
    response = _client(an.host).post(
        _url(an, "move/"), {"note_ids": [an.notes[0].pk, stranger.pk], "theme": theme.pk}
    )
    assert response.status_code == 404
    assert not NotePlacement.objects.exists()


def test_one_merge_form_merges_the_chosen_themes(an: Analysis) -> None:
    host = _client(an.host)
    a = Theme.objects.create(assist=an.assist, title="Time", order=0)
    b = Theme.objects.create(assist=an.assist, title="Diaries", order=1)
    NotePlacement.objects.create(note=an.notes[0], theme=a, order=0)
    same = host.post(_url(an, "merge/"), {"source": a.pk, "into": a.pk})
    assert same.status_code == 400
    assert "Choose two different themes to merge." in same.content.decode()
    assert host.post(_url(an, "merge/"), {"source": a.pk, "into": b.pk}).status_code == 302
    assert list(Theme.objects.values_list("title", flat=True)) == ["Diaries"]
    assert _placed() == {an.notes[0].pk: b.pk}


def test_visitor_cannot_move_or_merge(an: Analysis) -> None:
    from peerassist.accounts.middleware import GUEST_SESSION_KEY

    visitor = Client()
    session = visitor.session
    session[GUEST_SESSION_KEY] = an.visitor.pk
    session.save()
    a = Theme.objects.create(assist=an.assist, title="Time", order=0)
    b = Theme.objects.create(assist=an.assist, title="Diaries", order=1)
    moved = visitor.post(_url(an, "move/"), {"note_ids": [an.notes[0].pk], "theme": a.pk})
    assert moved.status_code == 403
    assert visitor.post(_url(an, "merge/"), {"source": a.pk, "into": b.pk}).status_code == 403
    assert Theme.objects.count() == 2 and not NotePlacement.objects.exists()


def _fill(an: Analysis, notes: int, themes: int) -> None:
    """``notes`` more notes and ``themes`` themes, about half the notes placed."""
    author = an.people["visitor"]
    words = "Ring-fence two afternoons a week for the recovery sessions, say the nurses"
    Note.objects.bulk_create(
        Note(assist=an.assist, author=author, client_id=uuid.uuid4(), text=f"{words} {i}")
        for i in range(notes)
    )
    made = Theme.objects.bulk_create(
        Theme(assist=an.assist, title=f"Theme about protected time number {i}", order=i)
        for i in range(themes)
    )
    placed = Note.objects.filter(assist=an.assist).order_by("pk")[: notes // 2]
    NotePlacement.objects.bulk_create(
        NotePlacement(note=note, theme=made[i % themes], order=i) for i, note in enumerate(placed)
    )


def test_wall_of_300_notes_and_50_themes_stays_under_one_megabyte(an: Analysis) -> None:
    """266 notes × 235 themes once made 8.35 MB of options; now the page grows by note and by
    theme only."""
    _fill(an, notes=300 - len(an.notes), themes=50)
    response = _client(an.host).get(_url(an))
    assert response.status_code == 200
    size = len(response.content)
    print(f"analysis page, 300 notes × 50 themes: {size:,} bytes")
    assert size < 1_000_000, f"{size:,} bytes"
    page = response.content.decode()
    assert page.count("<option") < 300  # two merge lists and one "Move selected" list
    assert page.count('name="note_ids"') == 300


def test_wall_query_count_does_not_grow_with_notes_or_themes(
    an: Analysis, django_assert_num_queries
) -> None:
    """Pinned: the same number of queries for 6 notes and no theme as for 300 and 50."""
    host = _client(an.host)
    host.get(_url(an))
    with django_assert_num_queries(14) as small:
        host.get(_url(an))
    _fill(an, notes=294, themes=50)
    with django_assert_num_queries(len(small.captured_queries)):
        host.get(_url(an))
