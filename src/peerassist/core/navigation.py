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
    ("Home", "home:home"),
    ("Projects", "projects:list"),
    ("Peer assists", "assists:list"),
    ("Actions", "followup:actions"),
    ("Lessons", "lessons:list"),
    ("Insights", "lessons:insights"),
    ("Learning tools", "projects:tools"),
]


def nav_items(request: HttpRequest) -> list[NavItem]:
    links: list[tuple[str, str]] = []
    for label, name in MENU:
        try:
            links.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    # Only the longest matching link is current (/projects/tools/ is not also "Projects").
    path = request.path
    matches = [h for _, h in links if path == h or (h != "/" and path.startswith(h))]
    current = max(matches, key=len, default=None)
    return [NavItem(label=label, href=href, current=href == current) for label, href in links]
