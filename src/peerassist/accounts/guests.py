"""Where an admitted guest lands, by the kind of resource they were invited to.

Apps register a landing for their scope kind (assists registers "peer_assist"), so accounts
never imports them.
"""

from __future__ import annotations

from collections.abc import Callable

from peerassist.accounts.models import Guest

_landings: dict[str, Callable[[Guest], str]] = {}


def register_guest_landing(scope_kind: str, landing: Callable[[Guest], str]) -> None:
    _landings[scope_kind] = landing


def guest_landing_url(guest: Guest) -> str:
    landing = _landings.get(guest.scope_kind)
    return landing(guest) if landing else "/accounts/guest/welcome/"
