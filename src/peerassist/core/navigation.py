"""The header menu. Entries whose page is not installed yet simply do not show.

Apps above core add entries shown only to some people (``register_menu_item``: the
governance pages for organisation administrators), so core imports no feature app.
"""

from __future__ import annotations

from collections.abc import Callable
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


# (label, URL name, who sees it): added by apps at start-up.
_extra: list[tuple[str, str, Callable[[HttpRequest], bool]]] = []


def register_menu_item(label: str, url_name: str, visible: Callable[[HttpRequest], bool]) -> None:
    """Add a menu entry shown only when ``visible(request)`` is true (once per label)."""
    if all(existing[0] != label for existing in _extra):
        _extra.append((label, url_name, visible))


def nav_items(request: HttpRequest) -> list[NavItem]:
    links: list[tuple[str, str]] = []
    entries = MENU + [(label, name) for label, name, visible in _extra if visible(request)]
    for label, name in entries:
        try:
            links.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    # Only the longest matching link is current (/projects/tools/ is not also "Projects").
    path = request.path
    matches = [h for _, h in links if path == h or (h != "/" and path.startswith(h))]
    current = max(matches, key=len, default=None)
    return [NavItem(label=label, href=href, current=href == current) for label, href in links]
