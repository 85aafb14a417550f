"""Concurrent writers: one note per client id, and never two changes with one version."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import close_old_connections

from peerassist.assists.live import services
from peerassist.assists.models import Note, PeerAssist, Phase
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


def run_in_threads(fn: Any, count: int = THREADS) -> list[Any]:
    def call(i: int) -> Any:
        try:
            return fn(i)
        except Exception as error:  # collected, so one failure shows with the rest
            return error
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(call, range(count)))


def test_twenty_retries_of_one_note_make_one_note(live: Live) -> None:
    """Twenty simultaneous sends with the same client id: one created, nineteen replays."""
    live.set(phase=Phase.ASK)
    client_id = uuid.uuid4()

    def send(_: int) -> bool:
        _note, created = services.note_create(
            actor=live.visitor, assist=live.assist, client_id=client_id, text="Only once"
        )
        return created

    results = run_in_threads(send)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    assert Note.objects.filter(client_id=client_id).count() == 1
    assert PeerAssist.objects.get(pk=live.assist.pk).version == 1


def test_twenty_different_notes_get_twenty_distinct_versions(live: Live) -> None:
    """Concurrent writers never reuse a version: 1..20, each note its own."""
    live.set(phase=Phase.ASK)

    def send(i: int) -> int:
        note, _ = services.note_create(
            actor=live.visitor, assist=live.assist, client_id=uuid.uuid4(), text=f"Note {i}"
        )
        return note.version

    results = run_in_threads(send)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(results) == list(range(1, THREADS + 1))
    assert PeerAssist.objects.get(pk=live.assist.pk).version == THREADS
