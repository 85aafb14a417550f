"""The HTTP side of the ASGI application: each request's Django work in one pooled thread.

In-process, against the real application and database: pages, the API, an async view,
errors, and the one path that must come back to the event loop from the pool (a note's
broadcast reaching a WebSocket on the same loop).
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from channels.db import database_sync_to_async

from peerassist.assists.models import Note, Phase
from peerassist.config.asgi import application
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401
from tests.assists.live.test_live_consumer import cookie_for, open_as, receive_until

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = "a" * 32


def http(session_key: str | None = None) -> httpx.AsyncClient:
    cookies = {"csrftoken": CSRF}
    if session_key:
        cookies["sessionid"] = session_key
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application),
        base_url="http://testserver",
        cookies=cookies,
        headers={"X-CSRFToken": CSRF, "Origin": "http://testserver"},
    )


async def test_async_views_errors_and_pages_answer_through_the_pool() -> None:
    """An async view (health, with the database and channel layer), the API's JSON 404 and
    refusal, and a page: each answered as Django's own handler would."""
    async with http() as client:
        health = await client.get("/healthz")
        assert health.status_code == 200
        assert health.json()["database"] == "ok"
        assert health.json()["channel_layer"] == "ok"
        missing = await client.get("/api/v1/no-such-route")
        assert missing.status_code == 404
        assert set(missing.json()) == {"detail", "code"}
        refused = await client.get("/api/v1/me")
        assert refused.status_code == 401
        page = await client.get("/accounts/sign-in/")
        assert page.status_code == 200
        assert "text/html" in page.headers["content-type"]
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")


async def test_a_note_posted_over_http_reaches_a_socket_on_the_same_loop(live: Live) -> None:
    """The POST runs in a pool thread; its broadcast must come back to this event loop,
    where the in-memory channel layer and the socket live."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    listener = await open_as(live, "host_lead")
    await receive_until(listener, "hello")
    key = await database_sync_to_async(cookie_for)(live.visitor)
    async with http(key) as client:
        response = await client.post(
            f"/api/v1/assists/{live.assist.pk}/notes",
            json={"client_id": str(uuid.uuid4()), "text": "Ask pharmacy first."},
        )
    assert response.status_code == 201, response.text
    pushed = await receive_until(listener, "note.created")
    assert pushed["note"]["text"] == "Ask pharmacy first."
    assert pushed["version"] == response.json()["version"]
    await listener.disconnect()


async def test_many_requests_at_once_are_all_answered(live: Live) -> None:
    """More concurrent requests than pool threads queue; none is lost or mixed up."""
    await database_sync_to_async(live.set)(phase=Phase.ASK)
    key = await database_sync_to_async(cookie_for)(live.host_member)
    async with http(key) as client:
        texts = [f"Note {i}" for i in range(30)]
        responses = await asyncio.gather(
            *(
                client.post(
                    f"/api/v1/assists/{live.assist.pk}/notes",
                    json={"client_id": str(uuid.uuid4()), "text": text},
                )
                for text in texts
            )
        )
    assert [r.status_code for r in responses] == [201] * 30
    assert sorted(r.json()["note"]["text"] for r in responses) == sorted(texts)
    assert sorted(r.json()["version"] for r in responses) == list(range(1, 31))
    stored = await database_sync_to_async(
        lambda: sorted(Note.objects.filter(assist=live.assist).values_list("text", flat=True))
    )()
    assert stored == sorted(texts)
