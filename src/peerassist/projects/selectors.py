"""Reads of projects, their learning events, BARs and enablers."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.accounts.models import User
from peerassist.projects.models import (
    BeforeActionReview,
    Enabler,
    LearningNeed,
    Project,
    ProjectMember,
)
from peerassist.projects.panels import LearningEvent, extra_learning_events


def project_list(*, actor: Actor | None, query: str = "") -> QuerySet[Project]:
    """Projects of every organisation the actor belongs to, newest first."""
    projects = Project.objects.filter(organisation_id__in=actor_organisation_ids(actor))
    query = query.strip()
    if query:
        projects = projects.filter(
            Q(title__icontains=query)
            | Q(aim__icontains=query)
            | Q(care_setting__icontains=query)
            | Q(service__icontains=query)
        )
    return projects.select_related("organisation").order_by("-created_at")


def project_list_with_team(*, actor: Actor | None, query: str = "") -> QuerySet[Project]:
    """``project_list`` with each host team loaded (one extra query, however many projects)."""
    return project_list(actor=actor, query=query).prefetch_related(
        Prefetch("members", queryset=project_team(None))
    )


def project_team(project: Project | None) -> QuerySet[ProjectMember]:
    """Host team, leads first."""
    # "lead" sorts before "member".
    members = ProjectMember.objects.select_related("user").order_by("role", "user__full_name")
    return members if project is None else members.filter(project=project)


def organisation_people(project: Project) -> QuerySet[User]:
    """Active people in the project's organisation, by name: who can join the host team."""
    return User.objects.filter(
        is_active=True, memberships__organisation_id=project.organisation_id
    ).order_by("full_name", "email")


def project_learning_events(actor: Actor, project: Project) -> list[LearningEvent]:
    """BARs, peer assists and whatever other apps add, newest first."""
    events = [
        LearningEvent(
            kind="Before Action Review",
            title=bar.title,
            url=reverse("projects:bar", args=[project.pk, bar.pk]),
            status=bar.get_status_display(),
            when=bar.created_at.date(),
        )
        for bar in project.bars.all()
    ]
    for assist in project.peer_assists.all():
        events.append(
            LearningEvent(
                kind="Peer assist",
                title=assist.title,
                url=reverse("assists:detail", args=[assist.pk]),
                status=assist.get_status_display(),
                when=assist.date or assist.created_at.date(),
            )
        )
    events.extend(extra_learning_events(actor, project))
    return sorted(events, key=_event_day, reverse=True)


def _event_day(event: LearningEvent) -> date:
    # Providers may give a date or a datetime; the two do not compare, so use the day.
    when = event.when
    return when.date() if isinstance(when, datetime) else when


def bar_learning_needs(bar: BeforeActionReview) -> QuerySet[LearningNeed]:
    return bar.learning_needs.order_by("order", "id")


def project_enablers(project: Project) -> QuerySet[Enabler]:
    return project.enablers.select_related("owner").order_by("order", "id")


def project_missing_enablers(project: Project) -> QuerySet[Enabler]:
    return project_enablers(project).filter(status=Enabler.Status.MISSING)
