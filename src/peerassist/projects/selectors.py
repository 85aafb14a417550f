"""Reads of projects."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.projects.models import Project


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
