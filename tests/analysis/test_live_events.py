"""Analysis changes reach the open board sockets of the peer assist, visitors included."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.analysis.access import analysis_access
from peerassist.analysis.services import theme_create
from peerassist.config.asgi import application
from tests.analysis.conftest import Analysis, make_analysis

pytestmark = pytest.mark.django_db(transaction=True)


def _cookie(user=None, guest=None) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    if user is not None:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value
    session = SessionStore()
    session[GUEST_SESSION_KEY] = guest.pk
    session.create()
    return str(session.session_key)


async def _open(assist_id: int, key: str) -> WebsocketCommunicator:
    headers = [
        (b"origin", b"http://testserver"),
        (b"host", b"testserver"),
        (b"cookie", f"sessionid={key}".encode()),
    ]
    comm = WebsocketCommunicator(application, f"/ws/assists/{assist_id}/", headers=headers)
    connected, _ = await comm.connect(timeout=10)
    assert connected
    return comm


async def _next(comm: WebsocketCommunicator, kind: str) -> dict:
    async with asyncio.timeout(10):
        while True:
            frame = await comm.receive_json_from(timeout=10)
            if frame["type"] == kind:
                return frame


async def test_theme_and_placement_events_reach_a_watching_visitor(org, other_org) -> None:
    """The watching visitor gets theme.created, then note.placed with the next version."""
    an: Analysis = await database_sync_to_async(make_analysis)(org, other_org)
    visitor_key = await database_sync_to_async(_cookie)(guest=an.visitor)
    visitor = await _open(an.assist.pk, visitor_key)
    await _next(visitor, "hello")

    def make_theme() -> int:
        access = analysis_access(an.host, an.assist.pk)
        return theme_create(access=access, title="Protected time", note_ids=[an.notes[0].pk]).pk

    theme_id = await database_sync_to_async(make_theme)()
    created = await _next(visitor, "theme.created")
    placed = await _next(visitor, "note.placed")
    assert created["theme"]["id"] == theme_id
    assert placed == {
        "type": "note.placed",
        "version": created["version"] + 1,
        "note_ids": [an.notes[0].pk],
        "theme_id": theme_id,
    }
    await visitor.disconnect()
