"""Who may change an organisation's single sign-on: its administrators, nobody else."""

from __future__ import annotations

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import Membership, Organisation, User
from peerassist.core.errors import Forbidden, NotFound


def access_sso_organisation(actor: Actor | None, organisation_id: object = None) -> Organisation:
    """The organisation (``organisation_id``, else the first one) the actor administers."""
    if not isinstance(actor, User):
        raise NotFound("No such page.")
    memberships = Membership.objects.filter(user=actor).select_related("organisation")
    if organisation_id not in (None, ""):
        try:
            memberships = memberships.filter(organisation_id=int(str(organisation_id)))
        except ValueError:
            raise NotFound("No such organisation.") from None
        if not memberships.exists():
            raise NotFound("No such organisation.")
    membership = (
        memberships.filter(role=Membership.Role.ADMIN).order_by("organisation__name").first()
    )
    if membership is None:
        raise Forbidden(
            "Only your organisation's administrators can change its single sign-on.",
            code="not_admin",
        )
    return membership.organisation
