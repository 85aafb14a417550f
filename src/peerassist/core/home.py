"""Extra home-page sections contributed by other apps (lessons, actions), in a fixed order.

Each app registers a function that returns a ``HomeSection``; core never imports those apps,
so the dependency points the right way (lessons → core, not core → lessons).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from peerassist.accounts.actors import Actor


@dataclass
class HomeSection:
    key: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


_providers: list[Callable[[Actor], HomeSection | None]] = []


def register_home_section(provider: Callable[[Actor], HomeSection | None]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def home_sections(actor: Actor) -> list[HomeSection]:
    sections = [s for p in _providers if (s := p(actor)) is not None]
    return sorted(sections, key=lambda s: s.order)
