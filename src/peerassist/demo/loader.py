"""Demo data: every app contributes a loader, run in order. Running it twice changes nothing.

This app sits above the feature apps because it runs all of their loaders.

All people, places and organisations are fictional; the two case studies are retold in our
own words.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.db import transaction

from peerassist.accounts.demo import DEMO_PASSWORD, DEMO_USERS

# Dotted paths of ``load()`` functions, in dependency order.
DEMO_STEPS: list[str] = [
    "peerassist.accounts.demo.load",
    "peerassist.projects.demo.load",
    "peerassist.assists.planning.demo.load",
    "peerassist.assists.live.demo.load",
    "peerassist.analysis.demo.load",
    "peerassist.lessons.demo.load",
]


def _resolve(path: str) -> Callable[[], None]:
    module, name = path.rsplit(".", 1)
    return getattr(import_module(module), name)


@transaction.atomic
def demo_load() -> None:
    for step in DEMO_STEPS:
        _resolve(step)()


def demo_logins() -> list[tuple[str, str, str]]:
    return [(u.email, DEMO_PASSWORD, u.what) for u in DEMO_USERS]
