"""Putting a socket's events back in version order (assists/live/push.py ``VersionOrder``)."""

from __future__ import annotations

from peerassist.assists.live.push import VersionOrder


def test_in_order_events_pass_straight_through() -> None:
    order = VersionOrder(sent=4)
    assert order.arrive(5, "e5") == ["e5"]
    assert order.arrive(6, "e6") == ["e6"]
    assert order.sent == 6 and not order.held


def test_an_early_event_waits_for_the_one_before_it() -> None:
    order = VersionOrder(sent=4)
    assert order.arrive(6, "e6") == []
    assert order.arrive(7, "e7") == []
    assert order.arrive(5, "e5") == ["e5", "e6", "e7"]
    assert order.sent == 7 and not order.held


def test_giving_up_sends_what_is_held_in_order_and_moves_on() -> None:
    order = VersionOrder(sent=4)
    order.arrive(8, "e8")
    order.arrive(6, "e6")
    assert order.give_up() == ["e6", "e8"]
    assert order.sent == 8
    assert order.arrive(9, "e9") == ["e9"]


def test_old_versions_are_not_held() -> None:
    """Events the hello already covered go through; the client ignores them."""
    order = VersionOrder(sent=10)
    assert order.arrive(9, "e9") == ["e9"]
    assert order.sent == 10
