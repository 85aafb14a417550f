"""One object per board and event loop in this process: the fan-out and the note writer.

Both are found by the board's id from any of its sockets, and both must be made again
for another event loop (each test has its own) or another channel layer; one lookup
keeps the two from drifting apart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar


class BoardObject(Protocol):
    layer: Any
    assist_id: int
    loop: asyncio.AbstractEventLoop


T = TypeVar("T", bound=BoardObject)


class PerBoard(Generic[T]):
    def __init__(self, make: Callable[[Any, int, asyncio.AbstractEventLoop], T]) -> None:
        self._make = make
        self._found: dict[tuple[int, int], T] = {}

    def get(self, layer: Any, assist_id: int) -> T:
        """The board's object on the running loop (made on first use)."""
        loop = asyncio.get_running_loop()
        key = (id(loop), assist_id)
        found = self._found.get(key)
        if found is None or found.loop is not loop or found.layer is not layer:
            found = self._found[key] = self._make(layer, assist_id, loop)
        return found

    def forget(self, obj: T) -> None:
        """Drop ``obj`` until the board's next use (not a newer object made since)."""
        key = (id(obj.loop), obj.assist_id)
        if self._found.get(key) is obj:
            del self._found[key]

    def __contains__(self, key: tuple[int, int]) -> bool:
        return key in self._found
