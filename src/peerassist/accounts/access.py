"""The doors to accounts objects. Each raises NotFound for anything outside the actor's reach."""

from __future__ import annotations

from peerassist.accounts.actors import Actor, actor_membership
from peerassist.accounts.models import Organisation
from peerassist.core.access import ensure_id
from peerassist.core.errors import NotFound


def access_organisation(actor: Actor | None, organisation_id: int) -> Organisation:
    """The organisation, if the actor is a member of it."""
    membership = actor_membership(actor, ensure_id(organisation_id, "organisation"))
    if membership is None:
        raise NotFound("No such organisation.")
    return membership.organisation
