"""Services for following lessons: the only writers of ``Subscription``."""

from __future__ import annotations

from django.db import transaction

from peerassist.accounts.actors import actor_organisation_ids
from peerassist.accounts.models import User
from peerassist.analysis.models import CfirConstruct
from peerassist.core.access import ensure_id
from peerassist.core.errors import Invalid, NotFound
from peerassist.finding.models import Subscription

MAX_SUBSCRIPTIONS = 50


@transaction.atomic
def subscription_create(
    *, user: User, kind: str, construct_code: str = "", value: str = ""
) -> Subscription:
    """Follow a construct, care setting or keyword; following the same thing twice is a no-op."""
    if not actor_organisation_ids(user):
        raise Invalid("Only members of an organisation can follow lessons.", code="no_org")
    value = " ".join((value or "").split())[:120]
    construct = None
    if kind == Subscription.Kind.CONSTRUCT:
        org_ids = actor_organisation_ids(user)
        construct = (
            CfirConstruct.objects.filter(
                code=construct_code[:20], organisation__isnull=True
            ).first()
            or CfirConstruct.objects.filter(
                code=construct_code[:20], organisation_id__in=org_ids
            ).first()
        )
        if construct is None:
            raise Invalid("Choose a CFIR construct from the list.", code="unknown_construct")
        value = ""
    elif kind in (Subscription.Kind.SETTING, Subscription.Kind.KEYWORD):
        if not value:
            raise Invalid("Enter the care setting or keyword to follow.", code="empty")
        value = value.lower() if kind == Subscription.Kind.KEYWORD else value
    else:
        raise Invalid("Follow a construct, a care setting or a keyword.", code="bad_kind")
    existing = Subscription.objects.filter(
        user=user, kind=kind, construct=construct, value=value
    ).first()
    if existing is not None:
        return existing
    if Subscription.objects.filter(user=user).count() >= MAX_SUBSCRIPTIONS:
        raise Invalid(
            f"You can follow up to {MAX_SUBSCRIPTIONS} things; stop following one first.",
            code="too_many",
        )
    return Subscription.objects.create(user=user, kind=kind, construct=construct, value=value)


@transaction.atomic
def subscription_delete(*, user: User, subscription_id: object) -> None:
    """Stop following; someone else's subscription is not found."""
    pk = ensure_id(subscription_id, "subscription")
    deleted, _ = Subscription.objects.filter(pk=pk, user=user).delete()
    if not deleted:
        raise NotFound("No such subscription.")
