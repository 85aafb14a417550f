"""Helpers shared by every ``access_<entity>`` function."""

from __future__ import annotations

from peerassist.core.errors import NotFound

MAX_ID = 2**63 - 1


def ensure_id(value: object, what: str = "record") -> int:
    """An id a database can look up; anything else is simply not found (never a 500)."""
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise NotFound(f"No such {what}.") from None
    if not 0 < number <= MAX_ID:
        raise NotFound(f"No such {what}.")
    return number
