"""What reports and follow-up add to other apps' pages: the home page and the project page.

Registered from ``ReportsConfig.ready()`` through ``core.home`` and ``projects.panels`` so
those lower apps never import this one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import User
from peerassist.core.home import HomeSection

if TYPE_CHECKING:
    from peerassist.projects.models import Project
    from peerassist.projects.panels import LearningEvent, ProjectPanel

HOME_ACTIONS = 5


def my_actions_section(actor: Actor) -> HomeSection | None:
    """The signed-in person's open actions, soonest due first, with the overdue count."""
    if not isinstance(actor, User):
        return None
    from peerassist.analysis.models import Action
    from peerassist.followup.action_lists import ActionFilter, ActionScope, action_list

    mine = action_list(actor=actor, filters=ActionFilter(scope=ActionScope.MINE)).filter(
        status__in=Action.OPEN_STATUSES
    )
    actions = list(mine[:HOME_ACTIONS])
    if not actions:
        return None
    today = timezone.localdate()
    return HomeSection(
        key="actions",
        title="Your actions",
        template="analysis/actions_home.html",
        context={
            "actions": actions,
            "total": mine.count(),
            "overdue": mine.filter(due_date__lt=today).count(),
            "today": today,
        },
        order=40,
    )


def project_actions_panel(actor: Actor, project: Project) -> ProjectPanel | None:
    """Open and overdue actions of the project, its calendar, and its peer assists' reports."""
    if not isinstance(actor, User):
        return None
    from peerassist.analysis.models import Action
    from peerassist.projects.panels import ProjectPanel

    open_actions = Action.objects.filter(project=project, status__in=Action.OPEN_STATUSES)
    return ProjectPanel(
        key="actions",
        title="Actions and reports",
        template="analysis/actions_project_panel.html",
        context={
            "open_count": open_actions.count(),
            "overdue_count": open_actions.filter(due_date__lt=timezone.localdate()).count(),
            "assists": list(project.peer_assists.order_by("-date", "-created_at")[:10]),
        },
        order=40,
    )


def project_aar_events(actor: Actor, project: Project) -> list[LearningEvent]:
    """Each peer assist's After Action Review, in the project's learning events."""
    from peerassist.analysis.models import AfterActionReview
    from peerassist.projects.panels import LearningEvent

    return [
        LearningEvent(
            kind="After Action Review",
            title=f"After Action Review: {review.assist.title}",
            url=reverse("followup:aar", args=[review.assist_id]),
            status="Recorded",
            when=review.updated_at,
        )
        for review in AfterActionReview.objects.filter(
            project=project, assist__isnull=False
        ).select_related("assist")
        if review.assist is not None
    ]
