"""One answer to "which participant is this person here": the board, the socket, the planning
API and the analysis agree for somebody who holds several roles on one peer assist.

Before the re-cut three functions answered it (the planning one took the oldest record, the
board and the analysis the most capable); now ``assists.participants.participant_of`` does.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async

from peerassist.accounts.models import Guest, User
from peerassist.assists.models import Participant, Phase, Status
from peerassist.assists.participants import ROLE_RANK, participant_of, role_rank
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.assists.live.test_live_consumer import open_as, receive_until
from tests.conftest import ApiClient
from tests.factories import ParticipantFactory

Role = Participant.Role


def as_actor(actor: User | Guest) -> ApiClient:
    api = ApiClient()
    api._csrf()
    return api.as_guest(actor) if isinstance(actor, Guest) else api.login(actor)


def board_me(live: Live, actor: User | Guest) -> dict[str, Any]:
    answer = as_actor(actor).get(f"/api/v1/assists/{live.assist.pk}/board")
    assert answer.status_code == 200
    return answer.json()["me"]


def analysis(live: Live, actor: User | Guest) -> dict[str, Any]:
    answer = as_actor(actor).get(f"/api/v1/analysis/assists/{live.assist.pk}")
    assert answer.status_code == 200
    return answer.json()


def colleague_as_visitor_then_note_taker(live: Live) -> tuple[Participant, Participant]:
    """The colleague is first listed as a visitor (the older record), then as the note taker."""
    visitor = ParticipantFactory(assist=live.assist, user=live.colleague, role=Role.VISITOR)
    note_taker = ParticipantFactory(assist=live.assist, user=live.colleague, role=Role.NOTE_TAKER)
    return visitor, note_taker


def test_role_rank_puts_the_most_capable_first() -> None:
    assert ROLE_RANK[0] == Role.FACILITATOR
    assert ROLE_RANK[-1] == Role.OBSERVER
    assert sorted(Role, key=role_rank) == list(ROLE_RANK)
    assert set(ROLE_RANK) == set(Role)


@pytest.mark.django_db
def test_visitor_and_note_taker_acts_as_note_taker_on_board_and_in_analysis(live: Live) -> None:
    """Same record on the board and in the analysis: the note taker, not the older visitor."""
    _, note_taker = colleague_as_visitor_then_note_taker(live)
    assert participant_of(live.colleague, live.assist) == note_taker
    live.set(status=Status.ANALYSIS, phase=Phase.ANALYSE)

    me = board_me(live, live.colleague)
    assert me["participant"]["id"] == note_taker.pk
    assert me["role"] == Role.NOTE_TAKER
    # Visitors are read-only from analyse on; the note taker still writes.
    assert me["can_write"] is True

    state = analysis(live, live.colleague)
    assert state["can_edit"] is True
    assert state["can_vote"] is True


@pytest.mark.django_db
def test_visitor_and_note_taker_writes_as_note_taker_over_the_api(live: Live) -> None:
    """From analyse on a visitor is refused; the same person as note taker writes."""
    _, note_taker = colleague_as_visitor_then_note_taker(live)
    live.set(status=Status.ANALYSIS, phase=Phase.ANALYSE)
    body = {"client_id": str(uuid.uuid4()), "text": "Keep the rota protected", "kind": "tip"}
    answer = as_actor(live.colleague).post(f"/api/v1/assists/{live.assist.pk}/notes", body)
    assert answer.status_code == 201, answer.content
    assert answer.json()["note"]["author"]["id"] == note_taker.pk


@pytest.mark.django_db(transaction=True)
async def test_the_socket_greets_the_same_participant_as_the_board(live: Live) -> None:
    """The WebSocket's hello names the record the API's board names."""
    _, note_taker = await database_sync_to_async(colleague_as_visitor_then_note_taker)(live)
    comm = await open_as(live, "colleague")
    try:
        hello = await receive_until(comm, "hello")
        assert hello["participant_id"] == note_taker.pk
    finally:
        await comm.disconnect()


@pytest.mark.django_db
def test_people_outside_the_peer_assist_are_nobody(live: Live, outsider: User) -> None:
    assert participant_of(None, live.assist) is None
    assert participant_of(outsider, live.assist) is None
    assert participant_of(live.other_guest, live.assist) is None
