"""Extra home-page sections contributed by feature apps (lessons, actions), in a fixed order.

Each app registers a function that returns a ``HomeSection``; neither core nor the ``home``
app imports those providers, so the dependency points the right way (lessons → core).
The actor is typed loosely here because core knows nothing of accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class HomeSection:
    key: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


_providers: list[Callable[[Any], HomeSection | None]] = []


def register_home_section(provider: Callable[[Any], HomeSection | None]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def home_sections(actor: Any) -> list[HomeSection]:
    sections = [s for p in _providers if (s := p(actor)) is not None]
    return sorted(sections, key=lambda s: s.order)
