"""Reads of peer assists that belong to neither the board nor planning (the list pages)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.accounts.models import User
from peerassist.assists.models import PeerAssist, Status


def assist_upcoming(*, actor: Actor | None) -> QuerySet[PeerAssist]:
    """Peer assists still to happen or happening now, soonest first: the actor's
    organisations' and those of other organisations she is invited to as herself."""
    today = timezone.localdate()
    invited = (
        PeerAssist.objects.filter(participants__user=actor, participants__revoked_at__isnull=True)
        if isinstance(actor, User) and actor.is_active
        else PeerAssist.objects.none()
    )
    return (
        PeerAssist.objects.filter(
            Q(organisation_id__in=actor_organisation_ids(actor)) | Q(pk__in=invited.values("pk"))
        )
        .exclude(status__in=[Status.CLOSED, Status.FOLLOW_UP, Status.ACTIONS_AGREED])
        .exclude(date__lt=today)
        .select_related("project")
        .order_by("date", "starts_at", "id")
    )
