"""Fast capture reaches every open board: a confirmed paste arrives as one note.created per
line, in version order; a walk-in arrives as participant.added; a refused paste sends
nothing."""

from __future__ import annotations

import uuid

import pytest
from channels.db import database_sync_to_async

from peerassist.assists.live import bulk, walk_in
from peerassist.assists.models import Phase
from peerassist.core.errors import Invalid
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.assists.live.test_live_consumer import open_as, receive_until, set_fields

pytestmark = pytest.mark.django_db(transaction=True)


def paste(live: Live, texts: list[str]) -> None:
    bulk.notes_create_bulk(
        actor=live.note_taker,
        assist=live.assist,
        notes=[bulk.BulkNote(client_id=uuid.uuid4(), text=t) for t in texts],
    )


async def test_a_confirmed_paste_is_pushed_note_by_note(live: Live) -> None:
    await set_fields(live, phase=Phase.ASK)
    visitor = await open_as(live, "visitor")
    texts = [f"Point {i} from the wall" for i in range(1, 6)]
    await database_sync_to_async(paste)(live, texts)
    got = [await receive_until(visitor, "note.created") for _ in texts]
    assert [e["note"]["text"] for e in got] == texts
    assert [e["version"] for e in got] == [1, 2, 3, 4, 5]
    await visitor.disconnect()


async def test_a_refused_paste_pushes_nothing_and_a_walk_in_is_pushed(live: Live) -> None:
    await set_fields(live, phase=Phase.ASK)
    visitor = await open_as(live, "visitor")
    with pytest.raises(Invalid):
        await database_sync_to_async(paste)(live, ["A fine point", "  "])
    await database_sync_to_async(walk_in.participant_add_walk_in)(
        actor=live.note_taker, assist=live.assist, name="Dana Okafor", organisation_name="Leeds"
    )
    event = await receive_until(visitor, "participant.added")
    assert event["version"] == 1  # the refused paste took no version
    assert event["participant"]["name"] == "Dana Okafor"
    await visitor.disconnect()
