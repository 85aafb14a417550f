"""Grouping notes into themes through the API: who may, what they see, bad input."""

from __future__ import annotations

import pytest

from peerassist.analysis.models import NotePlacement, Theme
from peerassist.assists.models import PeerAssist, Status
from tests.analysis.conftest import Analysis
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_host_makes_a_theme_with_notes_and_everyone_is_told(
    api: ApiClient, an: Analysis, events: list[dict]
) -> None:
    """A theme with two notes: 201, the notes leave "ungrouped", the version moves, events go."""
    before = an.assist.version
    api.login(an.host)
    response = api.post(
        an.path("/themes"),
        {"title": "Protected time", "note_ids": [an.notes[0].pk, an.notes[1].pk]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["theme"]["title"] == "Protected time"
    assert body["version"] > before
    state = api.get(an.path()).json()
    assert state["themes"][0]["note_ids"] == [an.notes[0].pk, an.notes[1].pk]
    assert an.notes[0].pk not in state["ungrouped_note_ids"]
    assert len(state["ungrouped_note_ids"]) == 4
    assert [e["type"] for e in events] == ["theme.created", "note.placed"]
    assert events[1]["note_ids"] == [an.notes[0].pk, an.notes[1].pk]
    assert PeerAssist.objects.get(pk=an.assist.pk).version == events[-1]["version"]


def test_visitor_watches_but_cannot_group(api: ApiClient, an: Analysis) -> None:
    """A visitor reads the analysis; writing is 403 with a reason, and nothing is saved."""
    api.as_guest(an.visitor)
    assert api.get(an.path()).status_code == 200
    response = api.post(an.path("/themes"), {"title": "Mine", "note_ids": [an.notes[0].pk]})
    assert response.status_code == 403
    assert response.json()["code"] == "analysis_read_only"
    assert "visitors can watch" in response.json()["detail"]
    assert not Theme.objects.exists()


def test_colleague_outside_host_team_is_read_only(api: ApiClient, an: Analysis) -> None:
    """A colleague of the same organisation who is not on the host team gets 403."""
    api.login(an.colleague)
    assert api.get(an.path()).status_code == 200
    assert api.post(an.path("/themes"), {"title": "X"}).status_code == 403


def test_other_organisation_sees_nothing(api: ApiClient, an: Analysis, outsider) -> None:
    """Another organisation's user gets 404 for reading and writing alike."""
    api.login(outsider)
    assert api.get(an.path()).status_code == 404
    assert api.post(an.path("/themes"), {"title": "X"}).status_code == 404


def test_guest_of_another_assist_sees_nothing(api: ApiClient, an: Analysis) -> None:
    """A visitor's invitation opens only their own peer assist."""
    api.as_guest(an.visitor)
    response = api.get(f"/api/v1/analysis/assists/{an.other_assist.pk}")
    assert response.status_code == 404


def test_anonymous_request_is_refused(api: ApiClient, an: Analysis) -> None:
    assert api.get(an.path()).status_code == 401


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"title": "   "}, 400, "invalid"),
        ({"title": "x" * 201}, 400, "too_long"),
        ({"title": 5}, 400, "invalid"),
        ({"title": "Fine", "note_ids": [999999]}, 404, "not_found"),
        ({"title": "Fine", "note_ids": "1,2"}, 400, "invalid"),
        ({}, 400, "invalid"),
    ],
)
def test_bad_theme_input_is_refused_with_a_message(
    api: ApiClient, an: Analysis, body: dict, status: int, code: str
) -> None:
    """Empty, huge, wrong-typed or unknown input: 4xx with a message, and no theme."""
    api.login(an.host)
    response = api.post(an.path("/themes"), body)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert not Theme.objects.exists()


def test_note_of_another_assist_cannot_be_placed(api: ApiClient, an: Analysis) -> None:
    from tests.factories import NoteFactory

    stranger = NoteFactory(assist=an.other_assist)
    api.login(an.host)
    theme = api.post(an.path("/themes"), {"title": "T"}).json()["theme"]
    response = api.post(
        an.path("/placements"), {"note_ids": [stranger.pk], "theme_id": theme["id"]}
    )
    assert response.status_code == 404
    assert not NotePlacement.objects.exists()


def test_move_note_to_theme_and_back_to_ungrouped(api: ApiClient, an: Analysis) -> None:
    """Placing twice is harmless; theme_id null puts the note back in "ungrouped"."""
    api.login(an.host)
    theme = api.post(an.path("/themes"), {"title": "T"}).json()["theme"]
    body = {"note_ids": [an.notes[2].pk], "theme_id": theme["id"]}
    assert api.post(an.path("/placements"), body).status_code == 200
    assert api.post(an.path("/placements"), body).status_code == 200
    assert NotePlacement.objects.filter(note=an.notes[2]).count() == 1
    api.post(an.path("/placements"), {"note_ids": [an.notes[2].pk], "theme_id": None})
    assert an.notes[2].pk in api.get(an.path()).json()["ungrouped_note_ids"]


def test_rename_merge_split_reorder_and_delete(api: ApiClient, an: Analysis, events) -> None:
    """The host team reshapes themes; every note always stays somewhere."""
    api.login(an.host_member)
    n = [note.pk for note in an.notes]
    a = api.post(an.path("/themes"), {"title": "Time", "note_ids": n[:2]}).json()["theme"]
    b = api.post(an.path("/themes"), {"title": "Scope", "note_ids": n[2:4]}).json()["theme"]
    renamed = api.patch(an.path(f"/themes/{a['id']}"), {"title": "Protected time"})
    assert renamed.json()["theme"]["title"] == "Protected time"
    merged = api.post(an.path(f"/themes/{b['id']}/merge"), {"into_id": a["id"]})
    assert merged.status_code == 200
    state = api.get(an.path()).json()
    assert [t["id"] for t in state["themes"]] == [a["id"]]
    assert sorted(state["themes"][0]["note_ids"]) == sorted(n[:4])
    split = api.post(an.path(f"/themes/{a['id']}/split"), {"title": "Scope", "note_ids": n[2:4]})
    assert split.status_code == 201
    c = split.json()["theme"]
    order = api.put(an.path("/theme-order"), {"theme_ids": [c["id"], a["id"]]})
    assert [t["id"] for t in order.json()["themes"]] == [c["id"], a["id"]]
    assert api.delete(an.path(f"/themes/{c['id']}")).status_code == 200
    state = api.get(an.path()).json()
    assert set(state["ungrouped_note_ids"]) == {n[2], n[3], n[4], n[5]}
    assert "theme.deleted" in [e["type"] for e in events]


def test_split_refuses_notes_from_elsewhere_and_merge_into_itself(
    api: ApiClient, an: Analysis
) -> None:
    api.login(an.host)
    a = api.post(an.path("/themes"), {"title": "A", "note_ids": [an.notes[0].pk]}).json()["theme"]
    response = api.post(
        an.path(f"/themes/{a['id']}/split"), {"title": "B", "note_ids": [an.notes[3].pk]}
    )
    assert response.status_code == 400 and response.json()["code"] == "not_in_theme"
    response = api.post(an.path(f"/themes/{a['id']}/merge"), {"into_id": a["id"]})
    assert response.status_code == 400 and response.json()["code"] == "same_theme"
    bad_order = api.put(an.path("/theme-order"), {"theme_ids": [a["id"], a["id"], 77]})
    assert bad_order.status_code == 400


def test_closed_peer_assist_keeps_its_analysis_as_a_record(api: ApiClient, an: Analysis) -> None:
    PeerAssist.objects.filter(pk=an.assist.pk).update(status=Status.CLOSED)
    api.login(an.host)
    response = api.post(an.path("/themes"), {"title": "Late"})
    assert response.status_code == 403
    assert "closed" in response.json()["detail"]


def test_analysis_state_query_count_does_not_grow_with_notes(
    api: ApiClient, an: Analysis, django_assert_max_num_queries
) -> None:
    """Reading the analysis costs the same number of queries for 6 notes or 60."""
    from tests.factories import NoteFactory

    api.login(an.host)
    api.post(an.path("/themes"), {"title": "T", "note_ids": [an.notes[0].pk]})
    api.get(an.path())
    with django_assert_max_num_queries(20) as small:
        api.get(an.path())
    for _ in range(54):
        NoteFactory(assist=an.assist, author=an.people["visitor"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        api.get(an.path())
