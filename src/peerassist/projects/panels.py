"""Sections other apps add to a project page (open actions, lessons, AARs, retrospects).

Each app registers a function ``(actor, project) -> ProjectPanel | None`` from its
``AppConfig.ready()``; projects never imports those apps, so the dependency points their way.
A panel's template is included with the panel's context plus ``project`` and ``can_edit``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from peerassist.accounts.actors import Actor
from peerassist.projects.models import Project


@dataclass
class ProjectPanel:
    key: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 100


@dataclass(frozen=True)
class LearningEvent:
    """One row in a project's "learning events" list (a BAR, a peer assist, an AAR ...)."""

    kind: str
    title: str
    url: str
    status: str
    when: Any  # a date or datetime, for newest-first ordering and display


PanelProvider = Callable[[Actor, Project], "ProjectPanel | None"]
EventProvider = Callable[[Actor, Project], list[LearningEvent]]

_panels: list[PanelProvider] = []
_events: list[EventProvider] = []


def register_project_panel(provider: PanelProvider) -> None:
    """Add a section to every project page (registering twice has no effect)."""
    if provider not in _panels:
        _panels.append(provider)


def register_learning_events(provider: EventProvider) -> None:
    """Add a kind of learning event (AARs, retrospects) to the project's events list."""
    if provider not in _events:
        _events.append(provider)


def project_panels(actor: Actor, project: Project) -> list[ProjectPanel]:
    panels = [p for provider in _panels if (p := provider(actor, project)) is not None]
    return sorted(panels, key=lambda p: p.order)


def extra_learning_events(actor: Actor, project: Project) -> list[LearningEvent]:
    return [event for provider in _events for event in provider(actor, project)]
