"""The header menu. Entries whose page is not installed yet simply do not show."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    current: bool


MENU: list[tuple[str, str]] = [
    ("Home", "core:home"),
    ("Projects", "projects:list"),
    ("Peer assists", "assists:list"),
    ("Actions", "analysis:actions"),
    ("Lessons", "lessons:list"),
    ("Insights", "lessons:insights"),
    ("Learning tools", "projects:tools"),
]


def nav_items(request: HttpRequest) -> list[NavItem]:
    items: list[NavItem] = []
    for label, name in MENU:
        try:
            href = reverse(name)
        except NoReverseMatch:
            continue
        current = request.path == href if href == "/" else request.path.startswith(href)
        items.append(NavItem(label=label, href=href, current=current))
    return items
