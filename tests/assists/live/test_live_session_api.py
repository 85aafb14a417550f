"""Phases, facilitator controls, presence, take-aways and the board read, over the API."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from peerassist.assists.models import Note, Participant, PeerAssist, Phase, PhaseChange, Status
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db

GUESTS = {"visitor", "visitor2", "observer", "other_guest"}


def client(live: Live, who: str) -> ApiClient:
    api = ApiClient()
    api._csrf()
    actor = getattr(live, who)
    return api.as_guest(actor) if who in GUESTS else api.login(actor)


def url(live: Live, tail: str) -> str:
    return f"/api/v1/assists/{live.assist.pk}/{tail}"


def add_note(live: Live, who: str = "visitor", **over: Any) -> Any:
    body = {"client_id": str(uuid.uuid4()), "text": "A note", "kind": "tip", **over}
    return client(live, who).post(url(live, "notes"), body)


# --- phases -----------------------------------------------------------------------------------


def test_facilitator_moves_forward_and_back_and_every_move_is_recorded(live: Live) -> None:
    """Next, next, back: three PhaseChange rows with who and which version."""
    api = client(live, "facilitator")
    assert api.post(url(live, "phase"), {"direction": "next"}).json()["phase"] == "tell"
    assert api.post(url(live, "phase"), {"to": "analyse"}).json()["phase"] == "analyse"
    back = api.post(url(live, "phase"), {"direction": "back"})
    assert back.json() == {"phase": "ask", "status": "live", "version": 3}
    moves = list(PhaseChange.objects.values_list("from_phase", "to_phase", "version"))
    assert moves == [("welcome", "tell", 1), ("tell", "analyse", 2), ("analyse", "ask", 3)]
    assert all(c.by == live.people["facilitator"] for c in PhaseChange.objects.all())


def test_leaving_welcome_makes_the_peer_assist_live_and_analyse_makes_it_analysis(
    live: Live,
) -> None:
    """The lifecycle follows the phases where the lifecycle allows it."""
    api = client(live, "facilitator")
    api.post(url(live, "phase"), {"to": "tell"})
    live.assist.refresh_from_db()
    assert live.assist.status == Status.LIVE
    api.post(url(live, "phase"), {"to": "analyse"})
    live.assist.refresh_from_db()
    assert live.assist.status == Status.ANALYSIS


def test_close_phase_means_actions_agreed_and_stepping_back_returns_to_analysis(
    live: Live,
) -> None:
    """After Close the status no longer says "Analysis": the actions have been agreed.
    From a live session straight to Close it passes through Analysis, as the lifecycle asks."""
    api = client(live, "facilitator")
    api.post(url(live, "phase"), {"to": "tell"})
    closed = api.post(url(live, "phase"), {"to": "close"})
    assert closed.json()["status"] == Status.ACTIONS_AGREED
    live.assist.refresh_from_db()
    assert live.assist.status == Status.ACTIONS_AGREED
    steps = list(live.assist.status_changes.values_list("from_status", "to_status"))
    assert steps[-2:] == [("live", "analysis"), ("analysis", "actions_agreed")]
    assert api.post(url(live, "phase"), {"to": "analyse"}).json()["status"] == Status.ANALYSIS
    assert api.post(url(live, "phase"), {"to": "close"}).json()["status"] == "actions_agreed"
    # Back to Ask: the session is live again and takes notes.
    assert api.post(url(live, "phase"), {"to": "ask"}).json()["status"] == Status.LIVE
    assert add_note(live, "visitor").status_code == 201


def test_a_lifecycle_refusal_never_blocks_the_phase(live: Live) -> None:
    """A draft peer assist cannot go live, but the practice board still changes phase."""
    live.set(status=Status.DRAFT)
    response = client(live, "facilitator").post(url(live, "phase"), {"to": "tell"})
    assert response.status_code == 200
    live.assist.refresh_from_db()
    assert (live.assist.phase, live.assist.status) == ("tell", "draft")


@pytest.mark.parametrize("who", ["host_lead", "host_member", "note_taker", "visitor", "colleague"])
def test_only_the_facilitator_moves_the_phase(live: Live, who: str) -> None:
    """Everybody else gets 403 not_facilitator and the phase stays."""
    response = client(live, who).post(url(live, "phase"), {"direction": "next"})
    assert response.status_code == 403
    assert response.json()["code"] == "not_facilitator"
    live.assist.refresh_from_db()
    assert live.assist.phase == Phase.WELCOME
    assert PhaseChange.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"to": "party"}, 400, "invalid_phase"),
        ({"direction": "sideways"}, 400, "invalid"),
        ({"direction": "back"}, 400, "no_such_phase"),
        ({}, 400, "invalid"),
        ({"to": "ask", "expected_from": "tell"}, 409, "phase_moved"),
    ],
)
def test_bad_phase_moves_are_explained(
    live: Live, body: dict[str, Any], status: int, code: str
) -> None:
    """Unknown phases, no phase before welcome, or a stale view: a clear refusal."""
    response = client(live, "facilitator").post(url(live, "phase"), body)
    assert response.status_code == status
    assert response.json()["code"] == code


def test_a_double_click_moves_only_one_step(live: Live) -> None:
    """Two 'next' clicks from the same view of welcome move once; the second gets 409."""
    api = client(live, "facilitator")
    first = api.post(url(live, "phase"), {"direction": "next", "expected_from": "welcome"})
    second = api.post(url(live, "phase"), {"direction": "next", "expected_from": "welcome"})
    assert first.status_code == 200 and second.status_code == 409
    live.assist.refresh_from_db()
    assert live.assist.phase == Phase.TELL


def test_entering_a_phase_points_the_timer_at_its_first_agenda_item(live: Live) -> None:
    """The current item follows the phase, and a running timer stops."""
    api = client(live, "facilitator")
    api.patch(url(live, "controls"), {"timer": "start"})
    api.post(url(live, "phase"), {"to": "ask"})
    controls = api.get(url(live, "board")).json()["controls"]
    ask_item = live.assist.agenda_items.get(phase="ask")
    assert controls["timer"] == {
        "agenda_item_id": ask_item.pk,
        "running": False,
        "ends_at": None,
        "paused_seconds": None,
    }


# --- controls ---------------------------------------------------------------------------------


def test_timer_starts_pauses_resumes_and_resets(live: Live) -> None:
    """Start from the item's minutes, pause keeps what is left, start resumes, reset clears."""
    api = client(live, "facilitator")
    item = live.assist.agenda_items.get(phase="welcome")
    started = api.patch(url(live, "controls"), {"timer": "start", "agenda_item_id": item.pk})
    timer = started.json()["controls"]["timer"]
    assert timer["running"] is True
    ends = timezone.datetime.fromisoformat(timer["ends_at"])
    assert timedelta(minutes=9) < ends - timezone.now() <= timedelta(minutes=10)
    paused = api.patch(url(live, "controls"), {"timer": "pause"}).json()["controls"]["timer"]
    assert paused["running"] is False and 590 <= paused["paused_seconds"] <= 600
    resumed = api.patch(url(live, "controls"), {"timer": "start"}).json()["controls"]["timer"]
    assert resumed["running"] is True and resumed["paused_seconds"] is None
    reset = api.patch(url(live, "controls"), {"timer": "reset"}).json()["controls"]["timer"]
    assert reset["running"] is False and reset["paused_seconds"] is None
    assert api.patch(url(live, "controls"), {"timer": "start", "minutes": 3}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"timer": "explode"},
        {"timer": "start", "minutes": 0},
        {"timer": "start", "minutes": 9999},
        {"agenda_item_id": 999_999},
        {"spotlight_note_id": 999_999},
        {"spotlight_need_id": 999_999},
        {"locked": "yes"},
        {},
    ],
)
def test_bad_controls_are_refused_and_nothing_changes(live: Live, body: dict[str, Any]) -> None:
    """Out-of-range minutes, unknown ids, wrong types: 400, version unchanged."""
    response = client(live, "facilitator").patch(url(live, "controls"), body)
    assert response.status_code == 400, response.json()
    live.assist.refresh_from_db()
    assert live.assist.version == 0


def test_pausing_a_stopped_timer_is_refused(live: Live) -> None:
    """There is nothing to pause before the timer starts."""
    response = client(live, "facilitator").patch(url(live, "controls"), {"timer": "pause"})
    assert response.json()["code"] == "timer_not_running"


@pytest.mark.parametrize("who", ["host_lead", "note_taker", "visitor", "observer", "colleague"])
def test_only_the_facilitator_changes_controls(live: Live, who: str) -> None:
    """Lock, spotlight and the rest are the facilitator's."""
    response = client(live, who).patch(url(live, "controls"), {"locked": True})
    assert response.status_code == 403
    assert response.json()["code"] == "not_facilitator"


def test_spotlight_a_note_then_a_learning_need(live: Live) -> None:
    """One thing is in the spotlight at a time."""
    live.set(phase=Phase.ASK)
    note_id = add_note(live).json()["note"]["id"]
    api = client(live, "facilitator")
    on_note = api.patch(url(live, "controls"), {"spotlight_note_id": note_id}).json()
    assert on_note["controls"]["spotlight_note_id"] == note_id
    on_need = api.patch(url(live, "controls"), {"spotlight_need_id": live.needs[1].pk}).json()
    assert on_need["controls"]["spotlight_note_id"] is None
    assert on_need["controls"]["spotlight_need_id"] == live.needs[1].pk
    cleared = api.patch(url(live, "controls"), {"spotlight_need_id": None}).json()
    assert cleared["controls"]["spotlight_need_id"] is None


def test_private_writing_hides_others_notes_until_revealed(live: Live) -> None:
    """Under private writing each person sees their own notes; the reveal shows everyone's."""
    live.set(phase=Phase.ASK)
    facilitator = client(live, "facilitator")
    facilitator.patch(url(live, "controls"), {"private_writing": True})
    add_note(live, "visitor", text="Visitor one's idea")
    add_note(live, "visitor2", text="Visitor two's idea")
    seen = client(live, "visitor").get(url(live, "board")).json()["notes"]
    assert [n.get("text") for n in seen if not n.get("withheld")] == ["Visitor one's idea"]
    assert sum(1 for n in seen if n.get("withheld")) == 1
    assert len(facilitator.get(url(live, "board")).json()["notes"]) == 2
    revealed = facilitator.patch(url(live, "controls"), {"private_writing": False})
    assert revealed.status_code == 200
    seen = client(live, "visitor").get(url(live, "board")).json()["notes"]
    assert sorted(n["text"] for n in seen) == ["Visitor one's idea", "Visitor two's idea"]


def test_anonymous_mode_hides_names_from_everyone_else(live: Live) -> None:
    """Notes written in anonymous mode stay anonymous after the mode ends."""
    live.set(phase=Phase.ASK, anonymous=True)
    add_note(live, "visitor", text="Said without a name")
    live.set(anonymous=False)
    other = client(live, "host_lead").get(url(live, "board")).json()["notes"][0]
    assert other["author"] is None and other["anonymous"] is True
    own = client(live, "visitor").get(url(live, "board")).json()["notes"][0]
    assert own["author"]["name"] == "Visitor" and own["mine"] is True


# --- board read -------------------------------------------------------------------------------


def test_board_since_returns_only_what_changed_including_deletions(live: Live) -> None:
    """since=N gives the notes changed after N, deletions as {deleted: true}."""
    live.set(phase=Phase.ASK)
    first = add_note(live, text="First").json()["note"]
    add_note(live, text="Second")
    api = client(live, "visitor")
    api.delete(url(live, f"notes/{first['id']}"))
    changed = api.get(url(live, "board"), since=1).json()
    assert changed["version"] == 3 and changed["since"] == 1
    assert [(n["version"], n.get("text"), n["deleted"]) for n in changed["notes"]] == [
        (2, "Second", False),
        (3, None, True),
    ]
    assert [n["text"] for n in api.get(url(live, "board")).json()["notes"]] == ["Second"]
    assert api.get(url(live, "board"), since=-1).status_code == 400
    assert api.get(url(live, "board"), since="x").status_code == 400


def test_board_tells_each_role_what_to_do_now(live: Live) -> None:
    """Guidance is per role: the visitor is told to take a back seat in analyse."""
    live.set(phase=Phase.ANALYSE)
    board = client(live, "visitor").get(url(live, "board")).json()
    assert "back seat" in board["guidance"]["analyse"]["now"]
    assert board["me"]["can_write"] is False
    assert board["me"]["write_refusal"]["code"] == "visitors_read_only"
    host = client(live, "host_lead").get(url(live, "board")).json()
    assert "group them" in host["guidance"]["analyse"]["now"]
    assert host["me"]["can_write"] is True


def test_board_reads_in_a_fixed_number_of_queries(
    live: Live, django_assert_max_num_queries: Any
) -> None:
    """Ten notes or sixty, the board costs the same number of queries."""
    live.set(phase=Phase.ASK)
    author = live.people["visitor"]

    def notes(n: int) -> None:
        Note.objects.bulk_create(
            Note(assist=live.assist, client_id=uuid.uuid4(), text=f"n{i}", author=author, version=i)
            for i in range(n)
        )

    api = client(live, "host_lead")
    notes(10)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert len(api.get(url(live, "board")).json()["notes"]) == 10
    notes(50)
    with CaptureQueriesContext(connection) as large:
        assert len(api.get(url(live, "board")).json()["notes"]) == 60
    assert len(large) == len(small)
    with django_assert_max_num_queries(len(small)):
        api.get(url(live, "board"))


# --- presence, take-aways, closing ------------------------------------------------------------


def test_done_flag_is_for_participants(live: Live) -> None:
    """A participant raises and lowers "I'm done"; a watching colleague cannot."""
    api = client(live, "visitor")
    assert api.post(url(live, "presence"), {"done": True}).json() == {"done": True}
    assert Participant.objects.get(pk=live.people["visitor"].pk).is_done is True
    assert api.post(url(live, "presence"), {"done": False}).json() == {"done": False}
    refused = client(live, "colleague").post(url(live, "presence"), {"done": True})
    assert refused.status_code == 403
    assert client(live, "visitor").post(url(live, "presence"), {"done": "yes"}).status_code == 400


def test_takeaways_are_written_in_close(live: Live) -> None:
    """Only in close; empty and over-long take-aways are refused; everyone sees them."""
    api = client(live, "visitor")
    assert api.post(url(live, "takeaway"), {"text": "Ring-fence time"}).json()["code"] == (
        "wrong_phase"
    )
    live.set(phase=Phase.CLOSE)
    assert api.post(url(live, "takeaway"), {"text": " "}).status_code == 400
    assert api.post(url(live, "takeaway"), {"text": "x" * 2001}).status_code == 400
    saved = api.post(url(live, "takeaway"), {"text": "Ring-fence time"})
    assert saved.status_code == 200
    board = client(live, "host_lead").get(url(live, "board")).json()
    assert board["takeaways"] == [
        {"participant_id": live.people["visitor"].pk, "name": "Visitor", "text": "Ring-fence time"}
    ]


def test_host_lead_records_thanks_and_the_action_list_date(live: Live) -> None:
    """The host lead (or facilitator) records thanks and a date that is not in the past."""
    live.set(phase=Phase.CLOSE)
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    body = {"host_thanks": "Thank you all.", "action_list_due": due}
    assert client(live, "visitor").post(url(live, "close"), body).json()["code"] == "not_host_lead"
    assert client(live, "host_member").post(url(live, "close"), body).status_code == 403
    past = {**body, "action_list_due": "2001-01-01"}
    assert client(live, "host_lead").post(url(live, "close"), past).json()["code"] == "date_in_past"
    assert (
        client(live, "host_lead")
        .post(url(live, "close"), {**body, "action_list_due": "soon"})
        .status_code
        == 400
    )
    saved = client(live, "host_lead").post(url(live, "close"), body)
    assert saved.status_code == 200
    board = client(live, "visitor").get(url(live, "board")).json()
    assert board["closing"] == {"host_thanks": "Thank you all.", "action_list_due": due}


def test_versions_grow_by_one_for_every_visible_change(live: Live) -> None:
    """Note, edit, phase, control, take-away: each is exactly one version."""
    api = client(live, "facilitator")
    api.post(url(live, "phase"), {"to": "ask"})
    note = add_note(live, "facilitator").json()["note"]
    api.patch(url(live, f"notes/{note['id']}"), {"kind": "risk"})
    api.patch(url(live, "controls"), {"locked": True})
    api.post(url(live, "phase"), {"to": "close"})
    api.post(url(live, "takeaway"), {"text": "Done"})
    assert PeerAssist.objects.get(pk=live.assist.pk).version == 6


def test_private_writing_withholds_only_notes_written_after_it_was_turned_on(
    live: Live,
) -> None:
    """Notes everyone has already seen stay visible when private writing starts; notes
    written from then on are withheld from others; turning it off shows them all."""
    live.set(phase=Phase.ASK)
    seen = add_note(live, "visitor", text="Everyone saw this one").json()["note"]["id"]
    facilitator = client(live, "facilitator")
    assert facilitator.patch(url(live, "controls"), {"private_writing": True}).status_code == 200
    fresh = add_note(live, "visitor", text="Written in private").json()["note"]["id"]

    def as_seen_by(who: str) -> dict[int, Any]:
        return {n["id"]: n for n in client(live, who).get(url(live, "board")).json()["notes"]}

    other = as_seen_by("visitor2")
    assert other[seen]["text"] == "Everyone saw this one"
    assert other[fresh].get("withheld") is True and "text" not in other[fresh]
    assert as_seen_by("visitor")[fresh]["text"] == "Written in private"
    # An edit of the old note after the switch does not hide it either.
    client(live, "visitor").patch(url(live, f"notes/{seen}"), {"text": "Everyone saw this, edited"})
    assert as_seen_by("visitor2")[seen]["text"] == "Everyone saw this, edited"
    facilitator.patch(url(live, "controls"), {"private_writing": False})
    assert as_seen_by("visitor2")[fresh]["text"] == "Written in private"
