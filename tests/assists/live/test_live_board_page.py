"""The live board page: who may open it, and what it holds before JavaScript runs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from peerassist.accounts.middleware import GUEST_SESSION_KEY
from tests.assists.live.live_fixtures import Live, live_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def page_as(live: Live, who: str | None, outsider: Any = None, assist_id: Any = None) -> Any:
    client = Client()
    if who in {"visitor", "observer", "other_guest"}:
        session = client.session
        session[GUEST_SESSION_KEY] = getattr(live, who).pk
        session.save()
    elif who == "outsider":
        client.force_login(outsider)
    elif who is not None:
        client.force_login(getattr(live, who))
    return client.get(f"/assists/{assist_id or live.assist.pk}/board/")


@pytest.mark.parametrize(
    "who", ["facilitator", "host_member", "note_taker", "colleague", "visitor"]
)
def test_people_of_the_peer_assist_open_the_board(live: Live, who: str) -> None:
    """Participants, guests of this peer assist and colleagues get the board page."""
    response = page_as(live, who)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-ws="/ws/assists/' in html
    assert "The live board needs JavaScript" in html
    assert "dist/board.js" in html


@pytest.mark.parametrize("who", ["outsider", "other_guest"])
def test_strangers_get_404(live: Live, who: str, outsider: Any) -> None:
    """Another organisation's user or another peer assist's guest: not found."""
    assert page_as(live, who, outsider).status_code == 404


def test_nobody_is_sent_to_sign_in(live: Live) -> None:
    """Without a session the page asks the person to sign in."""
    response = page_as(live, None)
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


def test_unknown_peer_assist_is_404(live: Live) -> None:
    """A made-up id is simply not found."""
    assert page_as(live, "facilitator", assist_id=987654).status_code == 404


def test_the_title_is_escaped(live: Live) -> None:
    """A title with markup is shown as text."""
    live.set(title="<script>alert(1)</script>")
    html = page_as(live, "facilitator").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_detail_page_links_to_the_board(live: Live) -> None:
    """The peer assist's page offers the live board."""
    client = Client()
    client.force_login(live.host_lead)
    html = client.get(f"/assists/{live.assist.pk}/").content.decode()
    assert f'href="/assists/{live.assist.pk}/board/"' in html
