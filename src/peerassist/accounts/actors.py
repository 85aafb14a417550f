"""Who is acting: a signed-in user or a guest admitted by an invitation link."""

from __future__ import annotations

from typing import TypeAlias

from peerassist.accounts.models import Guest, Membership, User

Actor: TypeAlias = User | Guest


def actor_is_guest(actor: Actor | None) -> bool:
    return isinstance(actor, Guest)


def actor_membership(actor: Actor | None, organisation_id: int) -> Membership | None:
    """The user's membership of the organisation, or None (guests never have one)."""
    if not isinstance(actor, User) or not actor.is_active:
        return None
    for membership in _memberships(actor):
        if membership.organisation_id == organisation_id:
            return membership
    return None


def actor_organisation_ids(actor: Actor | None) -> set[int]:
    if not isinstance(actor, User) or not actor.is_active:
        return set()
    return {m.organisation_id for m in _memberships(actor)}


def actor_is_knowledge_manager(actor: Actor | None, organisation_id: int) -> bool:
    membership = actor_membership(actor, organisation_id)
    return membership is not None and membership.role in {
        Membership.Role.KNOWLEDGE_MANAGER,
        Membership.Role.ADMIN,
    }


def _memberships(user: User) -> list[Membership]:
    # Cached on the instance: a request asks this many times.
    cached: list[Membership] | None = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organisation"))
        user._membership_cache = cached  # type: ignore[attr-defined]
    return cached
