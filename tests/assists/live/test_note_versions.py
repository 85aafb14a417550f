"""A note written alone locks the board, reads it fresh and takes its version in one
statement: what it is checked against is the board as committed, a refused note leaves the
board's version (and the caller's copy of it) where it was, and the next note takes the next
version with no gap."""

from __future__ import annotations

import uuid

import pytest

from peerassist.assists.live import services
from peerassist.assists.models import Note, PeerAssist, Phase
from peerassist.core.errors import DomainError
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def add(live: Live, assist: PeerAssist, text: str, client_id: uuid.UUID | None = None) -> Note:
    note, _ = services.note_create(
        actor=live.host_member, assist=assist, client_id=client_id or uuid.uuid4(), text=text
    )
    return note


def test_a_note_is_checked_against_the_board_as_committed_not_the_copy_in_hand(
    live: Live,
) -> None:
    """A socket's copy of the board said Ask; the facilitator has since locked it."""
    live.set(phase=Phase.ASK)
    in_hand = PeerAssist.objects.get(pk=live.assist.pk)
    PeerAssist.objects.filter(pk=live.assist.pk).update(locked=True, version=7)

    with pytest.raises(DomainError):
        add(live, in_hand, "Ask the pharmacist first.")

    assert in_hand.locked is True  # read fresh under the lock
    assert in_hand.version == 7  # the refused note's version was given back
    assert PeerAssist.objects.get(pk=live.assist.pk).version == 7
    assert not Note.objects.filter(assist=live.assist).exists()


def test_a_refused_note_leaves_no_gap_in_the_versions(live: Live) -> None:
    live.set(phase=Phase.ASK)
    first = add(live, live.assist, "Book the room early.")
    with pytest.raises(DomainError):
        add(live, live.assist, "   ")  # empty: refused after the version was taken
    assert live.assist.version == first.version
    second = add(live, live.assist, "Ask the pharmacist first.")
    assert second.version == first.version + 1
    assert PeerAssist.objects.get(pk=live.assist.pk).version == second.version


def test_a_retried_note_answers_with_its_first_version_and_takes_none(live: Live) -> None:
    live.set(phase=Phase.ASK)
    client_id = uuid.uuid4()
    first = add(live, live.assist, "Book the room early.", client_id)
    again, created = services.note_create(
        actor=live.host_member, assist=live.assist, client_id=client_id, text="Book the room early."
    )
    assert created is False and again.pk == first.pk and again.version == first.version
    assert live.assist.version == first.version
    assert PeerAssist.objects.get(pk=live.assist.pk).version == first.version


def test_a_board_deleted_meanwhile_is_not_found(live: Live) -> None:
    live.set(phase=Phase.ASK)
    in_hand = PeerAssist.objects.get(pk=live.assist.pk)
    PeerAssist.objects.filter(pk=live.assist.pk).delete()
    with pytest.raises(PeerAssist.DoesNotExist):
        add(live, in_hand, "Book the room early.")
