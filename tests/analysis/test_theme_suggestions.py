""" "Suggest themes" on a board whose team has started themes: "add to this theme" suggestions
beside new groups, accepted through the placement service, and their unhappy paths.

Most tests use the TF-IDF fallback (shared words decide, and it loads in no time); one runs
the sentence model where it is installed.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from peerassist.analysis import services
from peerassist.analysis.access import analysis_access
from peerassist.analysis.models import NotePlacement, Theme, ThemeSuggestion
from peerassist.assists.models import Note, PeerAssist
from peerassist.core.errors import Conflict, Forbidden, Invalid
from peerassist.semantic import embeddings
from tests.analysis.conftest import Analysis
from tests.conftest import ApiClient
from tests.factories import NoteFactory

pytestmark = pytest.mark.django_db

Kind = ThemeSuggestion.Kind
Status = ThemeSuggestion.Status

# Written for these tests: two plain topics in words the TF-IDF fallback can match.
TIME_NOTES = [
    "Protected time for the nurses kept slipping when the ward was short",
    "Nurses lost their protected time to cover the phones",
]
TRAINING_NOTES = [
    "Refresher training for the healthcare assistants every spring",
    "Healthcare assistants asked for refresher training on dressings",
    "Plan the refresher training for the healthcare assistants early",
]


def _access(an: Analysis, user=None):
    return analysis_access(user or an.host, an.assist.pk)


def _started(an: Analysis) -> tuple[Theme, list[Note], list[Note]]:
    """A theme "Protected time for nurses" holding one note; new notes on two topics."""
    theme = services.theme_create(
        access=_access(an), title="Protected time for nurses", note_ids=[an.notes[0].pk]
    )
    author = an.people["visitor"]
    time = [NoteFactory(assist=an.assist, author=author, text=t) for t in TIME_NOTES]
    training = [NoteFactory(assist=an.assist, author=author, text=t) for t in TRAINING_NOTES]
    return theme, time, training


def _run(an: Analysis) -> list[ThemeSuggestion]:
    return services.suggestions_run(access=_access(an))


def _add(found: list[ThemeSuggestion]) -> ThemeSuggestion:
    adds = [s for s in found if s.kind == Kind.ADD]
    assert len(adds) == 1, [(s.kind, s.title, s.note_ids) for s in found]
    return adds[0]


def _page(an: Analysis, rest: str = "") -> str:
    return f"/analysis/assists/{an.assist.pk}/analysis/{rest}"


# --- the service ------------------------------------------------------------------------------


def test_notes_that_fit_a_started_theme_are_suggested_for_it_and_the_rest_grouped(
    an: Analysis, tfidf: None
) -> None:
    theme, time, training = _started(an)
    found = _run(an)
    add = _add(found)
    assert found[0] == add  # "add to" suggestions come first
    assert add.theme == theme and add.title == "Protected time for nurses"
    assert {n.pk for n in time} <= set(add.note_ids)
    assert not {n.pk for n in training} & set(add.note_ids)
    new = [s for s in found if s.kind == Kind.NEW]
    assert any({n.pk for n in training} <= set(s.note_ids) for s in new), [
        (s.title, s.note_ids) for s in new
    ]
    assert all(s.theme is None for s in new)
    assert not set(add.note_ids) & {i for s in new for i in s.note_ids}
    # Nothing moved: the theme still holds its one note.
    assert list(theme.placements.values_list("note_id", flat=True)) == [an.notes[0].pk]


def test_one_ungrouped_note_can_still_be_suggested_for_a_started_theme(
    an: Analysis, tfidf: None
) -> None:
    theme = services.theme_create(
        access=_access(an), title="Protected time for nurses", note_ids=[n.pk for n in an.notes]
    )
    note = NoteFactory(assist=an.assist, author=an.people["visitor"], text=TIME_NOTES[0])
    found = _run(an)
    assert [(s.kind, s.theme, s.note_ids) for s in found] == [(Kind.ADD, theme, [note.pk])]


def test_without_started_themes_only_new_groups_are_suggested(an: Analysis, tfidf: None) -> None:
    found = _run(an)
    assert found and all(s.kind == Kind.NEW and s.theme is None for s in found)


def test_with_nothing_ungrouped_there_is_nothing_to_suggest(an: Analysis, tfidf: None) -> None:
    services.theme_create(access=_access(an), title="All", note_ids=[n.pk for n in an.notes])
    with pytest.raises(Invalid, match="no ungrouped notes"):
        _run(an)


def test_accepting_adds_the_notes_through_the_placement_service(
    an: Analysis, tfidf: None, events: list[dict]
) -> None:
    """The notes join the started theme at its end: a version, one note.placed event, the
    acting participant as the placer; the suggestion is accepted. A retry changes nothing."""
    theme, _, _ = _started(an)
    add = _add(_run(an))
    events.clear()
    before = PeerAssist.objects.get(pk=an.assist.pk).version
    placed = services.suggestion_accept(access=_access(an), suggestion=add, note_ids=add.note_ids)
    assert placed == theme
    assert Theme.objects.count() == 1
    assert list(theme.placements.values_list("note_id", flat=True)) == [
        an.notes[0].pk,
        *add.note_ids,
    ]
    assert set(
        NotePlacement.objects.filter(note_id__in=add.note_ids).values_list("placed_by", flat=True)
    ) == {an.people["host_lead"].pk}
    assert [e["type"] for e in events] == ["note.placed"]
    assert events[0]["note_ids"] == add.note_ids and events[0]["theme_id"] == theme.pk
    assert events[0]["version"] == PeerAssist.objects.get(pk=an.assist.pk).version > before
    add.refresh_from_db()
    assert add.status == Status.ACCEPTED and add.theme == theme

    again = services.suggestion_accept(access=_access(an), suggestion=add, note_ids=add.note_ids)
    assert again == theme
    assert len(events) == 1
    assert theme.placements.count() == 1 + len(add.note_ids)


def test_accepting_a_new_group_twice_answers_the_same_theme(an: Analysis, tfidf: None) -> None:
    found = _run(an)
    first = services.suggestion_accept(access=_access(an), suggestion=found[0], title="Mine")
    again = services.suggestion_accept(access=_access(an), suggestion=found[0], title="Other")
    assert again == first and Theme.objects.get().title == "Mine"
    found[0].refresh_from_db()
    assert found[0].theme == first


def test_a_dismissed_suggestion_cannot_be_accepted_and_dismissing_again_is_harmless(
    an: Analysis, tfidf: None
) -> None:
    _started(an)
    add = _add(_run(an))
    services.suggestion_dismiss(access=_access(an), suggestion=add)
    services.suggestion_dismiss(access=_access(an), suggestion=add)
    with pytest.raises(Conflict, match="already decided"):
        services.suggestion_accept(access=_access(an), suggestion=add)
    assert NotePlacement.objects.count() == 1


def test_theme_deleted_before_accepting_is_a_conflict_and_nothing_is_lost(
    an: Analysis, tfidf: None
) -> None:
    theme, _, _ = _started(an)
    add = _add(_run(an))
    services.theme_delete(access=_access(an), theme=theme)
    add.refresh_from_db()
    assert add.kind == Kind.ADD and add.theme is None and add.status == Status.PENDING
    with pytest.raises(Conflict, match="was deleted") as refused:
        services.suggestion_accept(access=_access(an), suggestion=add, note_ids=add.note_ids)
    assert refused.value.code == "theme_deleted"
    assert not NotePlacement.objects.exists()
    assert not Theme.objects.exists()
    add.refresh_from_db()
    assert add.status == Status.PENDING
    services.suggestion_dismiss(access=_access(an), suggestion=add)


def test_a_note_placed_by_someone_else_since_is_a_conflict_and_nothing_moves(
    an: Analysis, tfidf: None, events: list[dict]
) -> None:
    """Another member put one of the notes in their own theme: accepting with the notes
    shown refuses and says where it went; accepting the notes still free then works."""
    theme, time, _ = _started(an)
    add = _add(_run(an))
    member = _access(an, an.host_member)
    theirs = services.theme_create(access=member, title="Phones", note_ids=[time[1].pk])
    events.clear()
    with pytest.raises(Conflict, match="is now in “Phones”") as refused:
        services.suggestion_accept(access=_access(an), suggestion=add, note_ids=add.note_ids)
    assert refused.value.code == "notes_taken"
    assert events == []
    assert NotePlacement.objects.get(note=time[1]).theme == theirs
    assert theme.placements.count() == 1
    add.refresh_from_db()
    assert add.status == Status.PENDING

    free = [i for i in add.note_ids if i != time[1].pk]
    services.suggestion_accept(access=_access(an), suggestion=add, note_ids=free)
    assert set(theme.placements.values_list("note_id", flat=True)) == {an.notes[0].pk, *free}
    assert NotePlacement.objects.get(note=time[1]).theme == theirs


def test_when_every_note_was_taken_an_add_without_note_ids_is_a_conflict(
    an: Analysis, tfidf: None
) -> None:
    _started(an)
    add = _add(_run(an))
    other = services.theme_create(access=_access(an), title="Elsewhere", note_ids=add.note_ids)
    with pytest.raises(Conflict, match="Elsewhere"):
        services.suggestion_accept(access=_access(an), suggestion=add)
    assert other.placements.count() == len(add.note_ids)


def test_only_notes_of_the_suggestion_may_be_accepted(an: Analysis, tfidf: None) -> None:
    _, _, training = _started(an)
    add = _add(_run(an))
    with pytest.raises(Invalid, match="only notes of this suggestion"):
        services.suggestion_accept(access=_access(an), suggestion=add, note_ids=[training[0].pk])
    assert NotePlacement.objects.count() == 1


def test_read_only_people_cannot_run_or_accept(an: Analysis, tfidf: None) -> None:
    _started(an)
    add = _add(_run(an))
    for actor in (an.colleague, an.visitor):
        access = analysis_access(actor, an.assist.pk)
        with pytest.raises(Forbidden):
            services.suggestions_run(access=access)
        with pytest.raises(Forbidden):
            services.suggestion_accept(access=access, suggestion=add)
    add.refresh_from_db()
    assert add.status == Status.PENDING and NotePlacement.objects.count() == 1


def test_sentence_model_suggests_adding_notes_to_a_started_theme(an: Analysis) -> None:
    """With the local model (where installed): the notes about protected time are suggested
    for the team's theme, the training notes are not."""
    if embeddings.embedding_backend_name() != "sentence-model":
        pytest.skip("the sentence model package is not installed here")
    theme, time, training = _started(an)
    found = _run(an)
    adds = {s.theme_id: set(s.note_ids) for s in found if s.kind == Kind.ADD}
    assert {n.pk for n in time} <= adds.get(theme.pk, set()), found
    assert not {n.pk for n in training} & adds.get(theme.pk, set())
    assert all(s.backend == "sentence-model" for s in found)


# --- the page (no JavaScript) -----------------------------------------------------------------


def test_host_adds_suggested_notes_to_a_theme_on_the_page(an: Analysis, tfidf: None) -> None:
    theme, _, _ = _started(an)
    host = Client()
    host.force_login(an.host)
    response = host.post(_page(an, "suggestions/"), follow=True)
    page = response.content.decode()
    assert "to add notes to your themes" in page
    add = _add(list(ThemeSuggestion.objects.filter(status=Status.PENDING)))
    count = len(add.note_ids)
    assert f"Add {count} note{'s' if count != 1 else ''} to “Protected time for nurses”" in page
    assert "Add to theme" in page
    response = host.post(
        _page(an, f"suggestions/{add.pk}/"),
        {"decision": "accept", "choosing": "1", "suggested_notes": add.note_ids},
        follow=True,
    )
    page = response.content.decode()
    assert "added to “Protected time for nurses”" in page
    assert set(theme.placements.values_list("note_id", flat=True)) == {
        an.notes[0].pk,
        *add.note_ids,
    }
    # A double click: the same answer, nothing more moves.
    again = host.post(
        _page(an, f"suggestions/{add.pk}/"),
        {"decision": "accept", "choosing": "1", "suggested_notes": add.note_ids},
        follow=True,
    )
    assert "Already accepted" in again.content.decode()
    assert theme.placements.count() == 1 + count


def test_unticked_notes_stay_ungrouped_and_none_ticked_is_refused(
    an: Analysis, tfidf: None
) -> None:
    theme, time, _ = _started(an)
    add = _add(_run(an))
    host = Client()
    host.force_login(an.host)
    url = _page(an, f"suggestions/{add.pk}/")
    page = host.get(_page(an)).content.decode()
    assert f'id="suggestion-{add.pk}-note-{time[0].pk}" name="suggested_notes"' in page
    nothing = host.post(url, {"decision": "accept", "choosing": "1"})
    assert nothing.status_code == 400
    assert "Tick at least one note to add" in nothing.content.decode()
    assert theme.placements.count() == 1
    done = host.post(
        url, {"decision": "accept", "choosing": "1", "suggested_notes": [time[0].pk]}, follow=True
    )
    assert "1 note added to “Protected time for nurses”" in done.content.decode()
    assert set(theme.placements.values_list("note_id", flat=True)) == {
        an.notes[0].pk,
        time[0].pk,
    }
    assert not NotePlacement.objects.filter(note=time[1]).exists()


def _box(page: str, suggestion: ThemeSuggestion, note: Note) -> str:
    """The checkbox for one note of one suggestion, as the page renders it."""
    found = re.search(rf'<input [^>]*id="suggestion-{suggestion.pk}-note-{note.pk}"[^>]*>', page)
    assert found, f"no box for note {note.pk}"
    return found.group(0)


def test_a_refused_choice_comes_back_as_the_person_left_it(an: Analysis, tfidf: None) -> None:
    """When the page refuses an accept (nothing ticked, or a ticked note was moved since), the
    card shows the person's unticks and typed title again, not the suggestion as made."""
    theme, time, training = _started(an)
    found = _run(an)
    add = _add(found)
    new = next(s for s in found if s.kind == Kind.NEW and training[0].pk in s.note_ids)
    host = Client()
    host.force_login(an.host)
    fresh = host.get(_page(an)).content.decode()
    assert all(" checked" in _box(fresh, add, note) for note in time)

    nothing = host.post(
        _page(an, f"suggestions/{add.pk}/"), {"decision": "accept", "choosing": "1"}
    )
    assert nothing.status_code == 400
    page = nothing.content.decode()
    assert "Tick at least one note to add" in page
    assert [" checked" in _box(page, add, note) for note in time] == [False, False]

    # time[1] unticked, time[0] ticked but moved by a teammate meanwhile: 409, and time[1]
    # still comes unticked.
    services.notes_place(access=_access(an), note_ids=[time[0].pk], theme=theme)
    taken = host.post(
        _page(an, f"suggestions/{add.pk}/"),
        {"decision": "accept", "choosing": "1", "suggested_notes": [time[0].pk]},
    )
    assert taken.status_code == 409
    assert " checked" not in _box(taken.content.decode(), add, time[1])
    assert NotePlacement.objects.filter(note=time[1]).count() == 0

    # A new group's typed title survives a refusal too.
    services.notes_place(access=_access(an), note_ids=[training[0].pk], theme=theme)
    renamed = host.post(
        _page(an, f"suggestions/{new.pk}/"),
        {
            "decision": "accept",
            "choosing": "1",
            "suggested_notes": new.note_ids,
            "title": "Training for assistants",
        },
    )
    assert renamed.status_code == 409
    assert f'id="suggestion-title-{new.pk}" name="title" value="Training for assistants"' in (
        renamed.content.decode()
    )
    # Another visit shows the suggestions as made.
    again = host.get(_page(an)).content.decode()
    assert " checked" in _box(again, add, time[1])
    assert f'value="{new.title}"' in again


def test_page_explains_a_conflict_with_a_409(an: Analysis, tfidf: None) -> None:
    theme, _, _ = _started(an)
    add = _add(_run(an))
    services.theme_delete(access=_access(an), theme=theme)
    host = Client()
    host.force_login(an.host)
    page = host.get(_page(an)).content.decode()
    assert "This theme was deleted after the suggestion was made" in page
    assert "Add to theme" not in page
    response = host.post(
        _page(an, f"suggestions/{add.pk}/"),
        {"decision": "accept", "choosing": "1", "suggested_notes": add.note_ids},
    )
    assert response.status_code == 409
    assert "There is a problem" in response.content.decode()
    assert "was deleted after this suggestion was made" in response.content.decode()
    assert not NotePlacement.objects.exists()
    dismissed = host.post(_page(an, f"suggestions/{add.pk}/"), {"decision": "dismiss"})
    assert dismissed.status_code == 302


def test_visitors_and_other_organisations_cannot_decide_on_the_page(
    an: Analysis, tfidf: None, outsider
) -> None:
    from peerassist.accounts.middleware import GUEST_SESSION_KEY

    _started(an)
    add = _add(_run(an))
    visitor = Client()
    session = visitor.session
    session[GUEST_SESSION_KEY] = an.visitor.pk
    session.save()
    url = _page(an, f"suggestions/{add.pk}/")
    assert visitor.post(url, {"decision": "accept"}).status_code == 403
    assert visitor.post(_page(an, "suggestions/")).status_code == 403
    stranger = Client()
    stranger.force_login(outsider)
    assert stranger.post(url, {"decision": "accept"}).status_code == 404
    add.refresh_from_db()
    assert add.status == Status.PENDING and NotePlacement.objects.count() == 1


# --- the API ----------------------------------------------------------------------------------


def test_api_lists_add_suggestions_and_accepts_one(
    api: ApiClient, an: Analysis, tfidf: None
) -> None:
    theme, _, _ = _started(an)
    api.login(an.host)
    ran = api.post(an.path("/suggestions"), {})
    assert ran.status_code == 201, ran.content
    first = ran.json()["suggestions"][0]
    assert first["kind"] == "add" and first["theme_id"] == theme.pk
    assert first["title"] == "Protected time for nurses"
    state = api.get(an.path()).json()
    assert state["suggestions"][0]["kind"] == "add"
    assert state["suggestions"][0]["theme_id"] == theme.pk
    assert all(s["kind"] == "new" for s in state["suggestions"][1:])

    url = an.path(f"/suggestions/{first['id']}/accept")
    accepted = api.post(url, {"note_ids": first["note_ids"]})
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["theme"]["id"] == theme.pk
    state = api.get(an.path()).json()
    assert state["themes"][0]["note_ids"] == [an.notes[0].pk, *first["note_ids"]]
    retried = api.post(url, {"note_ids": first["note_ids"]})
    assert retried.status_code == 201
    assert retried.json() == accepted.json()


def test_api_conflicts_say_what_happened(api: ApiClient, an: Analysis, tfidf: None) -> None:
    theme, time, _ = _started(an)
    add = _add(_run(an))
    services.theme_create(access=_access(an, an.host_member), title="Phones", note_ids=[time[0].pk])
    api.login(an.host)
    url = an.path(f"/suggestions/{add.pk}/accept")
    taken = api.post(url, {"note_ids": add.note_ids})
    assert taken.status_code == 409
    assert taken.json()["code"] == "notes_taken" and "Phones" in taken.json()["detail"]
    assert api.post(url, {"note_ids": ["x"]}).status_code == 400
    services.theme_delete(access=_access(an), theme=theme)
    gone = api.post(url, {})
    assert gone.status_code == 409 and gone.json()["code"] == "theme_deleted"
    assert NotePlacement.objects.filter(note__in=add.note_ids).count() == 1  # the member's
