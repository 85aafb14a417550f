"""Bulk capture over the API: preview, one confirm, retries, limits, refusals, walk-ins."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from peerassist.assists.models import Note, Participant, PeerAssist, Phase
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

NHS_NUMBER = "943 476 5919"  # a valid check digit: the guard must flag it


def url(live: Live, tail: str) -> str:
    return f"/api/v1/assists/{live.assist.pk}/{tail}"


def as_(api: ApiClient, live: Live, who: str) -> ApiClient:
    api._csrf()
    actor = getattr(live, who)
    if who in {"visitor", "visitor2", "observer", "other_guest"}:
        return api.as_guest(actor)
    return api.login(actor)


def lines_body(count: int, **over: Any) -> dict[str, Any]:
    return {
        "notes": [
            {"client_id": str(uuid.uuid4()), "text": f"Point {i} from the flipchart"}
            for i in range(1, count + 1)
        ],
        "kind": "tip",
        **over,
    }


def test_preview_splits_lines_names_speakers_and_flags_patient_data(
    api: ApiClient, live: Live
) -> None:
    """The note taker sees one entry per non-empty line, with its speaker and the guard's
    finding; nothing is saved."""
    live.set(phase=Phase.ASK)
    text = (
        "- Book protected time first\n"
        "\n"
        "Visitor: Train the matrons before go-live\n"
        "   \n"
        f"Patient {NHS_NUMBER} was seen twice\n"
    )
    response = as_(api, live, "note_taker").post(
        url(live, "notes/bulk/preview"),
        {"text": text, "learning_need_id": live.needs[0].pk},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [line["text"] for line in body["lines"]] == [
        "Book protected time first",
        "Train the matrons before go-live",
        f"Patient {NHS_NUMBER} was seen twice",
    ]
    assert body["empty_lines"] == 2
    assert body["lines"][1]["spoken_by_id"] == live.people["visitor"].pk
    assert body["lines"][0]["spoken_by_id"] is None
    assert all(line["learning_need_id"] == live.needs[0].pk for line in body["lines"])
    assert body["lines"][2]["pid_findings"] == ["nhs_number"]
    assert "NHS number" in body["lines"][2]["pid_warning"]
    assert body["flagged"] == 1
    assert len({line["client_id"] for line in body["lines"]}) == 3
    assert Note.objects.count() == 0


def test_preview_gives_the_same_client_ids_for_the_same_batch(api: ApiClient, live: Live) -> None:
    """A preview made again for the same paste keeps its client ids, so a confirm after a
    reload cannot add the notes twice."""
    live.set(phase=Phase.ASK)
    client = as_(api, live, "note_taker")
    batch = str(uuid.uuid4())
    first = client.post(
        url(live, "notes/bulk/preview"), {"text": "a b c\nd e f", "batch_id": batch}
    )
    again = client.post(
        url(live, "notes/bulk/preview"), {"text": "a b c\nd e f", "batch_id": batch}
    )
    assert [x["client_id"] for x in first.json()["lines"]] == [
        x["client_id"] for x in again.json()["lines"]
    ]


def test_confirm_adds_every_line_once_and_a_retry_adds_nothing(api: ApiClient, live: Live) -> None:
    """30 lines become 30 notes in one confirm; the same confirm again answers 200 with the
    same notes and creates none."""
    live.set(phase=Phase.ASK)
    client = as_(api, live, "note_taker")
    body = lines_body(30)
    body["notes"][0]["spoken_by_id"] = live.people["visitor"].pk
    body["notes"][1]["learning_need_id"] = live.needs[1].pk
    response = client.post(url(live, "notes/bulk"), body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["created"] == 30
    assert len(data["notes"]) == 30
    assert data["version"] == 30
    assert Note.objects.filter(assist=live.assist).count() == 30
    first = Note.objects.get(client_id=body["notes"][0]["client_id"])
    assert first.spoken_by == live.people["visitor"]
    assert first.captured_by == live.people["note_taker"]
    assert first.kind == "tip"
    assert Note.objects.get(client_id=body["notes"][1]["client_id"]).learning_need == live.needs[1]

    retry = client.post(url(live, "notes/bulk"), body)
    assert retry.status_code == 200, retry.json()
    assert retry.json()["created"] == 0
    assert [n["id"] for n in retry.json()["notes"]] == [n["id"] for n in data["notes"]]
    assert Note.objects.filter(assist=live.assist).count() == 30
    live.assist.refresh_from_db()
    assert live.assist.version == 30


def test_a_flagged_line_refuses_the_paste_until_confirmed_safe(api: ApiClient, live: Live) -> None:
    """A line with an NHS number is named and nothing is saved; confirmed safe, all go in."""
    live.set(phase=Phase.ASK)
    client = as_(api, live, "note_taker")
    body = lines_body(3)
    body["notes"][1]["text"] = f"Seen {NHS_NUMBER} at clinic"
    refused = client.post(url(live, "notes/bulk"), body)
    assert refused.status_code == 400
    data = refused.json()
    assert data["code"] == "invalid_lines"
    assert "Nothing was saved" in data["detail"]
    assert [(line["index"], line["code"]) for line in data["lines"]] == [(2, "sensitive_data")]
    assert "NHS number" in data["lines"][0]["detail"]
    assert Note.objects.count() == 0
    live.assist.refresh_from_db()
    assert live.assist.version == 0

    body["notes"][1]["confirm_sensitive"] = True
    accepted = client.post(url(live, "notes/bulk"), body)
    assert accepted.status_code == 201, accepted.json()
    assert Note.objects.count() == 3


def test_empty_and_too_long_lines_are_named(api: ApiClient, live: Live) -> None:
    live.set(phase=Phase.ASK)
    body = lines_body(3)
    body["notes"][0]["text"] = "   "
    body["notes"][2]["text"] = "x" * 1001
    response = as_(api, live, "note_taker").post(url(live, "notes/bulk"), body)
    assert response.status_code == 400
    assert [(line["index"], line["code"]) for line in response.json()["lines"]] == [
        (1, "empty"),
        (3, "too_long"),
    ]
    assert Note.objects.count() == 0


@pytest.mark.parametrize("tail", ["notes/bulk/preview", "notes/bulk"])
def test_two_thousand_lines_get_a_clear_limit_and_save_nothing(
    api: ApiClient, live: Live, tail: str
) -> None:
    """2,000 pasted lines are refused with the limit and what to do; nothing is saved."""
    live.set(phase=Phase.ASK)
    if tail == "notes/bulk":
        body: dict[str, Any] = lines_body(2000)
    else:
        body = {"text": "\n".join(f"Point {i}" for i in range(2000))}
    response = as_(api, live, "note_taker").post(url(live, tail), body)
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "too_many_lines"
    assert "2,000 lines" in data["detail"]
    assert "at most 200" in data["detail"]
    assert Note.objects.count() == 0


def test_empty_paste_is_refused(api: ApiClient, live: Live) -> None:
    live.set(phase=Phase.ASK)
    client = as_(api, live, "note_taker")
    preview = client.post(url(live, "notes/bulk/preview"), {"text": "\n \n\n"})
    assert preview.status_code == 400
    assert preview.json()["code"] == "empty"
    confirm = client.post(url(live, "notes/bulk"), {"notes": []})
    assert confirm.status_code == 400
    assert confirm.json()["code"] == "empty"


@pytest.mark.parametrize("tail", ["notes/bulk/preview", "notes/bulk"])
def test_visitors_cannot_paste_while_the_host_team_analyses(
    api: ApiClient, live: Live, tail: str
) -> None:
    live.set(phase=Phase.ANALYSE)
    body = lines_body(2) if tail == "notes/bulk" else {"text": "one\ntwo"}
    response = as_(api, live, "visitor").post(url(live, tail), body)
    assert response.status_code == 403
    assert response.json()["code"] == "visitors_read_only"
    assert Note.objects.count() == 0


def test_only_the_note_taker_and_facilitator_write_for_others(api: ApiClient, live: Live) -> None:
    """A host member naming a speaker is refused for the whole paste."""
    live.set(phase=Phase.ASK)
    body = lines_body(2)
    body["notes"][1]["spoken_by_id"] = live.people["visitor"].pk
    response = as_(api, live, "host_member").post(url(live, "notes/bulk"), body)
    assert response.status_code == 403
    assert response.json()["code"] == "not_note_taker"
    assert Note.objects.count() == 0


@pytest.mark.parametrize("who", ["outsider", "other_guest"])
def test_other_organisations_and_peer_assists_get_404(
    api: ApiClient, live: Live, outsider: Any, who: str
) -> None:
    live.set(phase=Phase.ASK)
    if who == "outsider":
        api._csrf()
        client = api.login(outsider)
    else:
        client = as_(api, live, who)
    for tail, body in (("notes/bulk", lines_body(1)), ("notes/bulk/preview", {"text": "a b c"})):
        response = client.post(url(live, tail), body)
        assert response.status_code == 404, (tail, response.json())
    assert Note.objects.count() == 0


def test_note_taker_adds_a_walk_in_speaker_and_writes_for_them(api: ApiClient, live: Live) -> None:
    """A walk-in is added by name, organisation and role, shows on the board, and can be
    named as the speaker at once; their record opens no door."""
    live.set(phase=Phase.ASK)
    client = as_(api, live, "note_taker")
    response = client.post(
        url(live, "speakers"),
        {"name": "  Dana   Okafor ", "organisation": "Leeds Community Trust", "role": "visitor"},
    )
    assert response.status_code == 201, response.json()
    person = response.json()["participant"]
    assert person["name"] == "Dana Okafor"
    assert person["organisation"] == "Leeds Community Trust"
    assert response.json()["version"] == 1
    walk_in = Participant.objects.get(pk=person["id"])
    assert walk_in.guest is not None
    assert not walk_in.guest.is_active
    board = client.get(url(live, "board")).json()
    assert person["id"] in [p["id"] for p in board["participants"]]

    preview = client.post(url(live, "notes/bulk/preview"), {"text": "Dana: Start small"}).json()
    assert preview["lines"][0]["spoken_by_id"] == person["id"]
    assert preview["lines"][0]["text"] == "Start small"

    again = client.post(url(live, "speakers"), {"name": "dana okafor"})
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"


@pytest.mark.parametrize(
    ("who", "body", "status", "code"),
    [
        ("visitor", {"name": "Sam"}, 403, "not_note_taker"),
        ("host_member", {"name": "Sam"}, 403, "not_note_taker"),
        ("note_taker", {"name": "  "}, 400, "name_required"),
        ("note_taker", {"name": "Sam", "role": "host_lead"}, 400, "bad_role"),
    ],
)
def test_walk_in_refusals(
    api: ApiClient, live: Live, who: str, body: dict[str, Any], status: int, code: str
) -> None:
    live.set(phase=Phase.ASK)
    before = Participant.objects.count()
    response = as_(api, live, who).post(url(live, "speakers"), body)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert Participant.objects.count() == before


def test_no_walk_ins_once_the_peer_assist_is_closed(api: ApiClient, live: Live) -> None:
    live.set(phase=Phase.CLOSE, status=PeerAssist._meta.get_field("status").default)
    live.set(status="closed")
    response = as_(api, live, "note_taker").post(url(live, "speakers"), {"name": "Sam"})
    assert response.status_code == 403
    assert response.json()["code"] == "session_closed"
