"""Reads for follow-up: action lists across a project or the organisation, and their calendar.

Who sees what: a member of an organisation sees the actions of its projects; a person who
owns an action sees it wherever it lives. Who changes what: the owner, the project's host
team of its peer assist and the organisation's knowledge managers (``action_update`` in
``analysis/services.py`` checks it; ``actions_updatable_ids`` mirrors it for lists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from peerassist.accounts.actors import Actor, actor_is_knowledge_manager, actor_organisation_ids
from peerassist.accounts.models import User
from peerassist.analysis.access import HOST_TEAM_ROLES
from peerassist.analysis.models import Action
from peerassist.assists.models import Participant
from peerassist.core.access import ensure_id
from peerassist.core.errors import NotFound
from peerassist.core.export_text import export_text
from peerassist.projects.models import ProjectMember

DUE_SOON_DAYS = 7


class ActionScope(StrEnum):
    ALL = "all"
    MINE = "mine"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    OPEN = "open"

    @property
    def label(self) -> str:
        return {
            "all": "All actions",
            "mine": "My actions",
            "overdue": "Overdue",
            "due_soon": f"Due in the next {DUE_SOON_DAYS} days",
            "open": "Open",
        }[self.value]


@dataclass(frozen=True)
class ActionFilter:
    scope: ActionScope = ActionScope.OPEN
    status: str = ""
    project_id: int | None = None
    query: str = ""


def actions_visible(actor: Actor | None) -> QuerySet[Action]:
    """Every action the actor may see (guests see none here)."""
    if not isinstance(actor, User) or not actor.is_active:
        return Action.objects.none()
    return Action.objects.filter(
        Q(project__organisation_id__in=actor_organisation_ids(actor)) | Q(owner=actor)
    )


def action_list(*, actor: Actor | None, filters: ActionFilter) -> QuerySet[Action]:
    """The actions a person asked for, soonest due first (no due date last), one query."""
    today = timezone.localdate()
    actions = actions_visible(actor)
    if filters.project_id is not None:
        actions = actions.filter(project_id=filters.project_id)
    if filters.scope is ActionScope.MINE:
        actions = actions.filter(owner=actor)  # type: ignore[misc]
    elif filters.scope is ActionScope.OPEN:
        actions = actions.filter(status__in=Action.OPEN_STATUSES)
    elif filters.scope is ActionScope.OVERDUE:
        actions = actions.filter(status__in=Action.OPEN_STATUSES, due_date__lt=today)
    elif filters.scope is ActionScope.DUE_SOON:
        actions = actions.filter(
            status__in=Action.OPEN_STATUSES,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=DUE_SOON_DAYS),
        )
    if filters.status in Action.Status.values:
        actions = actions.filter(status=filters.status)
    if filters.query:
        actions = actions.filter(text__icontains=filters.query)
    return (
        actions.select_related("owner", "project", "assist")
        .order_by(
            "due_date",
            "id",
        )
        .distinct()
    )


def access_followup_action(actor: Actor | None, action_id: object) -> Action:
    """An action the actor may see, from any list; NotFound otherwise."""
    pk = ensure_id(action_id, "action")
    action = (
        actions_visible(actor).select_related("owner", "project", "assist").filter(pk=pk).first()
    )
    if action is None:
        raise NotFound("No such action.")
    return action


def actions_updatable_ids(actor: Actor | None, actions: list[Action]) -> set[int]:
    """Which of these actions the actor may change, in at most two queries.

    The same rule as ``analysis.services.action_can_edit`` (which ``action_update``
    enforces): the project's members, the organisation's knowledge managers, and the host
    team of the action's peer assist.
    """
    if not isinstance(actor, User) or not actions:
        return set()
    km_orgs = {
        o
        for o in {a.project.organisation_id for a in actions}
        if actor_is_knowledge_manager(actor, o)
    }
    host_projects = set(
        ProjectMember.objects.filter(
            user=actor, project_id__in={a.project_id for a in actions}
        ).values_list("project_id", flat=True)
    )
    host_assists = set(
        Participant.objects.filter(
            user=actor,
            role__in=HOST_TEAM_ROLES,
            assist_id__in={a.assist_id for a in actions if a.assist_id},
        ).values_list("assist_id", flat=True)
    )
    return {
        a.pk
        for a in actions
        if a.project.organisation_id in km_orgs
        or a.project_id in host_projects
        or a.assist_id in host_assists
    }


def actions_ics(actions: list[Action], *, name: str) -> bytes:
    """An iCalendar file with one all-day event per action that has a due date."""
    calendar = Calendar()
    calendar.add("prodid", "-//Peer Assist//Actions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "peerassist.local"
    stamp = timezone.now()
    for action in actions:
        if action.due_date is None:
            continue
        event = Event()
        event.add("uid", f"action-{action.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", action.due_date)
        event.add("dtend", action.due_date + timedelta(days=1))
        event.add("summary", export_text(f"Action due: {_one_line(action.text, 120)}"))
        event.add(
            "description",
            export_text(
                f"{action.text}\n\nProject: {action.project.title}\n"
                f"Status: {action.get_status_display()}\n"
                f"Owner: {action.owner.full_name if action.owner else 'No owner yet'}"
            ),
        )
        event.add("url", settings.SITE_URL + reverse("followup:actions") + f"#action-{action.pk}")
        event.add("status", "CANCELLED" if action.status == Action.Status.DROPPED else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


def _one_line(text: str, limit: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "\u2026"


def due_text(due: date | None, today: date | None = None) -> str:
    """ "Due today", "Due in 3 days", "2 days overdue"…: for lists and e-mails."""
    if due is None:
        return "No due date"
    today = today or timezone.localdate()
    days = (due - today).days
    if days == 0:
        return "Due today"
    if days == 1:
        return "Due tomorrow"
    if days > 1:
        return f"Due in {days} days"
    if days == -1:
        return "1 day overdue"
    return f"{-days} days overdue"
