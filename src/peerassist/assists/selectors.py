"""Reads of peer assists that belong to neither the board nor planning (the list pages)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.assists.models import PeerAssist, Status


def assist_upcoming(*, actor: Actor | None) -> QuerySet[PeerAssist]:
    """Peer assists still to happen or happening now, soonest first."""
    today = timezone.localdate()
    return (
        PeerAssist.objects.filter(organisation_id__in=actor_organisation_ids(actor))
        .exclude(status__in=[Status.CLOSED, Status.FOLLOW_UP, Status.ACTIONS_AGREED])
        .exclude(date__lt=today)
        .select_related("project")
        .order_by("date", "starts_at", "id")
    )
