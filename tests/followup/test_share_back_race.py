"""Two share-backs racing (two workers, or a worker and the host's button) start one round.

A real transaction per thread. No ``serialized_rollback``: after another transactional test
has flushed and re-created the content types, restoring the serialized copy collides with them.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from peerassist.core.errors import Conflict
from peerassist.followup.models import ShareBack, ShareBackDelivery
from peerassist.followup.services import share_back_send
from tests.followup.session_fixtures import build_session


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_start_exactly_one_round(org, cfir_loaded) -> None:
    """Of two simultaneous sends one wins; the other is refused as already shared back."""
    session = build_session(org, notes=2)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        try:
            barrier.wait(timeout=10)
            share_back_send(assist=session.assist, by=None, trigger=ShareBack.Trigger.SCHEDULED)
            outcomes.append("sent")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["conflict", "sent"]
    assert ShareBack.objects.count() == 1
    assert ShareBackDelivery.objects.filter(sent_at__isnull=False).count() == 2
