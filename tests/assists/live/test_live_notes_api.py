"""The live board's notes over the API: who may write what, in which phase, and bad input."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from peerassist.assists.models import Note, Phase, Status
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def url(live: Live, tail: str = "notes") -> str:
    return f"/api/v1/assists/{live.assist.pk}/{tail}"


def as_(api: ApiClient, live: Live, who: str) -> ApiClient:
    """The client acting as one of the live fixture's people (CSRF cookie fetched first)."""
    api._csrf()
    actor = getattr(live, who)
    return (
        api.as_guest(actor)
        if who in {"visitor", "visitor2", "observer", "other_guest"}
        else api.login(actor)
    )


def note_body(**over: Any) -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "text": "Book protected time first.",
        "kind": "tip",
        **over,
    }


def add(api: ApiClient, live: Live, who: str, **over: Any) -> Any:
    return as_(api, live, who).post(url(live), note_body(**over))


@pytest.mark.parametrize(
    "who", ["facilitator", "host_lead", "host_member", "note_taker", "visitor"]
)
def test_every_writing_role_can_add_a_note_in_ask(api: ApiClient, live: Live, who: str) -> None:
    """Participants who write add a note in Ask: 201, the note, and the new version."""
    live.set(phase=Phase.ASK)
    response = add(api, live, who, learning_need_id=live.needs[0].pk)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["note"]["text"] == "Book protected time first."
    assert body["note"]["learning_need_id"] == live.needs[0].pk
    assert body["note"]["mine"] is True
    assert body["version"] == 1


@pytest.mark.parametrize(
    ("who", "code"),
    [("observer", "read_only"), ("colleague", "not_participant")],
)
def test_observers_and_non_participants_cannot_add(
    api: ApiClient, live: Live, who: str, code: str
) -> None:
    """Observers and colleagues who are not participants can read but not write."""
    live.set(phase=Phase.ASK)
    response = add(api, live, who)
    assert response.status_code == 403
    assert response.json()["code"] == code
    assert Note.objects.count() == 0


def test_visitor_cannot_write_in_analyse_but_host_team_can(api: ApiClient, live: Live) -> None:
    """Visitors are read-only while the host team analyses; the host team still writes."""
    live.set(phase=Phase.ANALYSE)
    refused = add(api, live, "visitor")
    assert refused.status_code == 403
    assert refused.json()["code"] == "visitors_read_only"
    assert "read the board" in refused.json()["detail"]
    assert add(ApiClient(), live, "host_member").status_code == 201
    assert Note.objects.count() == 1


def test_visitor_cannot_edit_or_delete_own_note_in_analyse(api: ApiClient, live: Live) -> None:
    """A visitor's own note is frozen for them during analysis, too."""
    live.set(phase=Phase.ASK)
    note_id = add(api, live, "visitor").json()["note"]["id"]
    live.set(phase=Phase.ANALYSE)
    assert api.patch(url(live, f"notes/{note_id}"), {"text": "Changed"}).status_code == 403
    assert api.delete(url(live, f"notes/{note_id}")).status_code == 403
    assert Note.objects.get().text == "Book protected time first."


def test_retry_with_same_client_id_makes_one_note(api: ApiClient, live: Live) -> None:
    """Sending the same note twice answers 201 then 200 with the same note."""
    live.set(phase=Phase.ASK)
    body = note_body()
    first = as_(api, live, "visitor").post(url(live), body)
    again = api.post(url(live), body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["note"]["id"] == again.json()["note"]["id"]
    assert Note.objects.count() == 1


def test_someone_else_cannot_reuse_a_client_id(api: ApiClient, live: Live) -> None:
    """A client id belongs to the note it made; another person reusing it gets 409."""
    live.set(phase=Phase.ASK)
    body = note_body()
    assert as_(api, live, "visitor").post(url(live), body).status_code == 201
    response = as_(ApiClient(), live, "visitor2").post(url(live), body)
    assert response.status_code == 409
    assert response.json()["code"] == "client_id_taken"


@pytest.mark.parametrize(
    ("over", "code"),
    [
        ({"text": ""}, "empty"),
        ({"text": "   \n "}, "empty"),
        ({"text": "x" * 1001}, "too_long"),
        ({"kind": "gossip"}, "invalid_kind"),
        ({"learning_need_id": 999_999}, "unknown_learning_need"),
        ({"text": 42}, "invalid"),
        ({"client_id": "not-a-uuid"}, "invalid"),
        ({"learning_need_id": "one"}, "invalid"),
    ],
)
def test_bad_notes_are_refused_with_a_reason(
    api: ApiClient, live: Live, over: dict[str, Any], code: str
) -> None:
    """Empty, over 1,000 characters, unknown kind or learning need: 400, nothing saved."""
    live.set(phase=Phase.ASK)
    response = add(api, live, "visitor", **over)
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert response.json()["detail"]
    assert Note.objects.count() == 0


def test_exactly_1000_characters_is_fine(api: ApiClient, live: Live) -> None:
    """The limit is inclusive: a 1,000-character note is saved."""
    live.set(phase=Phase.ASK)
    assert add(api, live, "visitor", text="y" * 1000).status_code == 201


def test_learning_need_of_another_project_is_unknown(api: ApiClient, live: Live) -> None:
    """A learning need from another board is refused as unknown."""
    from tests.factories import LearningNeedFactory

    live.set(phase=Phase.ASK)
    stranger = LearningNeedFactory()
    response = add(api, live, "visitor", learning_need_id=stranger.pk)
    assert response.json()["code"] == "unknown_learning_need"


def test_script_tags_are_stored_as_text(api: ApiClient, live: Live) -> None:
    """Markup is kept as the person typed it; the board escapes it when it shows it."""
    live.set(phase=Phase.ASK)
    response = add(api, live, "visitor", text="<script>alert(1)</script>")
    assert response.json()["note"]["text"] == "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("fields", "code"),
    [({"locked": True}, "board_locked"), ({"status": Status.CLOSED}, "session_closed")],
)
def test_locked_or_closed_board_refuses_notes(
    api: ApiClient, live: Live, fields: dict[str, Any], code: str
) -> None:
    """A locked board refuses notes from participants; a closed one from everybody."""
    live.set(phase=Phase.ASK, **fields)
    response = add(api, live, "host_member")
    assert response.status_code == 403
    assert response.json()["code"] == code


def test_facilitator_writes_on_a_locked_board(api: ApiClient, live: Live) -> None:
    """The lock holds the room, not the facilitator."""
    live.set(phase=Phase.ASK, locked=True)
    assert add(api, live, "facilitator").status_code == 201


def test_sensitive_data_needs_confirmation(api: ApiClient, live: Live) -> None:
    """A note that looks like it holds an NHS number is held back until confirmed."""
    live.set(phase=Phase.ASK)
    body = note_body(text="Patient 943 476 5919 did well")
    first = as_(api, live, "visitor").post(url(live), body)
    assert first.status_code == 409
    assert first.json()["code"] == "sensitive_data"
    assert "an NHS number" in first.json()["detail"]
    assert Note.objects.count() == 0
    confirmed = api.post(url(live), {**body, "confirm_sensitive": True})
    assert confirmed.status_code == 201


def test_a_note_its_writer_calls_safe_is_held_for_the_facilitator(
    api: ApiClient, live: Live
) -> None:
    """ "It is safe" does not send flagged text to everyone: the writer sees it held, the
    facilitator sees it flagged and releases it (or corrects it); nobody else sees it first."""
    live.set(phase=Phase.ASK)

    def board(who: str) -> dict[int, Any]:
        notes = as_(ApiClient(), live, who).get(url(live, "board")).json()["notes"]
        return {n["id"]: n for n in notes}

    body = note_body(text="Patient 943 476 5919 did well", confirm_sensitive=True)
    written = as_(api, live, "visitor").post(url(live), body)
    assert written.status_code == 201
    mine = written.json()["note"]
    assert (mine["held"], mine["hidden"], mine["text"]) == (True, True, body["text"])
    note_id = mine["id"]
    assert note_id not in board("visitor2")
    assert note_id not in board("host_member")
    flagged = board("facilitator")[note_id]
    assert flagged["held"] is True and flagged["text"] == body["text"]
    assert board("visitor")[note_id]["held"] is True
    # A retry of the same write changes nothing.
    assert api.post(url(live), body).json()["note"]["held"] is True

    facilitator = as_(ApiClient(), live, "facilitator")
    released = facilitator.patch(url(live, f"notes/{note_id}"), {"hidden": False})
    assert released.status_code == 200
    assert released.json()["note"]["held"] is False
    assert board("visitor2")[note_id]["text"] == body["text"]

    # A second one the facilitator corrects instead: the correction releases it.
    other = add(api, live, "visitor", text="Ring Mrs Shah on 07700 900123", confirm_sensitive=True)
    other_id = other.json()["note"]["id"]
    assert other_id not in board("visitor2")
    fixed = facilitator.patch(url(live, f"notes/{other_id}"), {"text": "Ring the patient"})
    assert fixed.json()["note"]["held"] is False
    assert board("visitor2")[other_id]["text"] == "Ring the patient"
    # Text the facilitator writes and calls safe is not held: the facilitator is the check.
    own = add(ApiClient(), live, "facilitator", text="NHS 943 476 5919", confirm_sensitive=True)
    assert own.json()["note"]["held"] is False


def test_author_edits_and_deletes_own_note_not_others(api: ApiClient, live: Live) -> None:
    """Authors change their own notes; somebody else's is refused with not_author."""
    live.set(phase=Phase.ASK)
    note_id = add(api, live, "visitor").json()["note"]["id"]
    other = as_(ApiClient(), live, "visitor2")
    refused = other.patch(url(live, f"notes/{note_id}"), {"text": "Mine now"})
    assert refused.status_code == 403 and refused.json()["code"] == "not_author"
    assert other.delete(url(live, f"notes/{note_id}")).status_code == 403
    edited = api.patch(url(live, f"notes/{note_id}"), {"text": "Better words", "kind": "risk"})
    assert edited.status_code == 200
    assert edited.json()["note"]["text"] == "Better words"
    assert edited.json()["note"]["kind"] == "risk"
    moved = api.patch(url(live, f"notes/{note_id}"), {"learning_need_id": None})
    assert moved.json()["note"]["learning_need_id"] is None
    deleted = api.delete(url(live, f"notes/{note_id}"))
    assert deleted.status_code == 200
    assert deleted.json()["version"] == 4
    assert api.delete(url(live, f"notes/{note_id}")).status_code == 404


def test_facilitator_hides_any_note_and_others_stop_seeing_it(api: ApiClient, live: Live) -> None:
    """Hidden notes vanish for other participants but stay visible to the facilitator."""
    live.set(phase=Phase.ASK)
    note_id = add(api, live, "visitor").json()["note"]["id"]
    assert (
        as_(ApiClient(), live, "visitor2")
        .patch(url(live, f"notes/{note_id}"), {"hidden": True})
        .status_code
        == 403
    )
    facilitator = as_(ApiClient(), live, "facilitator")
    assert facilitator.patch(url(live, f"notes/{note_id}"), {"hidden": True}).status_code == 200
    seen_by_other = as_(ApiClient(), live, "host_member").get(url(live, "board")).json()
    assert seen_by_other["notes"] == []
    seen_by_facilitator = facilitator.get(url(live, "board")).json()
    assert seen_by_facilitator["notes"][0]["hidden"] is True


def test_facilitator_edits_any_note(api: ApiClient, live: Live) -> None:
    """The facilitator may tidy anybody's note."""
    live.set(phase=Phase.ASK)
    note_id = add(api, live, "visitor").json()["note"]["id"]
    response = as_(ApiClient(), live, "facilitator").patch(
        url(live, f"notes/{note_id}"), {"text": "Tidied"}
    )
    assert response.status_code == 200


def test_note_taker_writes_for_a_named_speaker_who_confirms(api: ApiClient, live: Live) -> None:
    """The note taker names the speaker; the speaker sees and confirms (or corrects) it."""
    live.set(phase=Phase.ASK)
    speaker = live.people["visitor"]
    response = add(api, live, "note_taker", spoken_by_id=speaker.pk)
    assert response.status_code == 201
    note = response.json()["note"]
    assert note["spoken_by"]["label"] == "Community matron, Trust X"
    assert note["captured_by"]["role"] == "note_taker"
    assert note["speaker_confirmed"] is False
    confirm = url(live, f"notes/{note['id']}/confirm")
    assert as_(ApiClient(), live, "visitor2").post(confirm, {}).json()["code"] == "not_speaker"
    confirmed = as_(ApiClient(), live, "visitor").post(confirm, {"text": "What I really said"})
    assert confirmed.status_code == 200
    assert confirmed.json()["note"]["speaker_confirmed"] is True
    assert confirmed.json()["note"]["text"] == "What I really said"


def test_only_the_note_taker_writes_for_someone_else(api: ApiClient, live: Live) -> None:
    """A visitor cannot put words in another participant's mouth."""
    live.set(phase=Phase.ASK)
    response = add(api, live, "visitor", spoken_by_id=live.people["host_lead"].pk)
    assert response.status_code == 403
    assert response.json()["code"] == "not_note_taker"


def test_unknown_speaker_is_refused(api: ApiClient, live: Live) -> None:
    """A speaker from another peer assist is not a participant here."""
    live.set(phase=Phase.ASK)
    response = add(api, live, "note_taker", spoken_by_id=999_999)
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["outsider", "other_guest"])
def test_strangers_get_404_for_every_route(
    api: ApiClient, live: Live, who: str, outsider: Any
) -> None:
    """Another organisation's user, or a guest of another peer assist, sees nothing: 404."""
    live.set(phase=Phase.ASK)
    note = Note.objects.create(
        assist=live.assist, client_id=uuid.uuid4(), text="x", author=live.people["visitor"]
    )
    api._csrf()
    client = api.login(outsider) if who == "outsider" else api.as_guest(live.other_guest)
    base = f"/api/v1/assists/{live.assist.pk}"
    answers = [
        client.post(f"{base}/notes", note_body()),
        client.patch(f"{base}/notes/{note.pk}", {"text": "y"}),
        client.delete(f"{base}/notes/{note.pk}"),
        client.post(f"{base}/notes/{note.pk}/confirm", {}),
        client.get(f"{base}/board"),
        client.post(f"{base}/phase", {"to": "tell"}),
        client.patch(f"{base}/controls", {"locked": True}),
        client.post(f"{base}/presence", {"done": True}),
        client.post(f"{base}/takeaway", {"text": "x"}),
        client.post(f"{base}/close", {"host_thanks": "x"}),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert Note.objects.count() == 1


def test_anonymous_users_get_401(api: ApiClient, live: Live) -> None:
    """Without a session the API asks the person to sign in."""
    response = api.post(url(live), note_body())
    assert response.status_code in {401, 403}


def test_forged_assist_id_is_404(api: ApiClient, live: Live) -> None:
    """A made-up or malformed peer assist id is simply not found."""
    as_(api, live, "facilitator")
    assert api.post("/api/v1/assists/987654/notes", note_body()).status_code == 404
    assert api.get("/api/v1/assists/0/board").status_code in {400, 404}


def test_note_in_another_assist_is_not_found(api: ApiClient, live: Live) -> None:
    """A note id from another board cannot be reached through this one."""
    live.set(phase=Phase.ASK)
    other_note = Note.objects.create(
        assist=live.other_assist,
        client_id=uuid.uuid4(),
        text="x",
        author=live.other_assist.participants.first(),
    )
    response = as_(api, live, "facilitator").patch(
        url(live, f"notes/{other_note.pk}"), {"hidden": True}
    )
    assert response.status_code == 404


def test_csrf_is_required(api: ApiClient, live: Live) -> None:
    """A write without the CSRF token is refused."""
    live.set(phase=Phase.ASK)
    response = as_(api, live, "visitor").post(url(live), note_body(), csrf=False)
    assert response.status_code in {401, 403}
    assert Note.objects.count() == 0


@pytest.mark.parametrize("who", ["host_member", "visitor"])
def test_adding_a_note_takes_a_fixed_small_number_of_queries(
    api: ApiClient, live: Live, who: str, django_assert_max_num_queries: Any
) -> None:
    """The write path is the board's hot path: the session, the actor, the peer assist (and a
    user's membership), the participant, the lock, the retry check, the column check, the
    version, the insert and its audit entry, plus the test transaction's savepoint pair;
    however many notes the board holds."""
    live.set(phase=Phase.ASK)
    client = as_(api, live, who)
    for i in range(30):
        assert client.post(url(live), note_body(text=f"Earlier note {i}")).status_code == 201
    with django_assert_max_num_queries(13):
        response = client.post(url(live), note_body(learning_need_id=live.needs[0].pk))
    assert response.status_code == 201
    assert response.json()["version"] == 31
