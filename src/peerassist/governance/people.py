"""Who counts as a person of an organisation, for a subject access export.

A user is one if they are a member, or took part in one of its peer assists (a colleague
from elsewhere invited by account); a guest is one if the organisation invited them. A
person is named in forms as ``user:<id>`` or ``guest:<id>``; anything else, or a person the
organisation does not hold, gets the same answer, so ids of other organisations' people do
not leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from peerassist.accounts.models import Guest, Organisation, User
from peerassist.core.errors import Invalid

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class Person:
    kind: str  # "user" or "guest"
    pk: int
    name: str
    email: str
    detail: str  # "Member", "Visitor (guest) in …"

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.pk}"


def _users_of(organisation: Organisation) -> Q:
    return Q(memberships__organisation=organisation) | Q(
        participations__assist__organisation=organisation
    )


def people_search(organisation: Organisation, text: str) -> list[Person]:
    """People of the organisation whose name or e-mail contains ``text`` (at most 50)."""
    text = " ".join(text.split())
    if not text:
        return []
    users = (
        User.objects.filter(_users_of(organisation))
        .filter(Q(full_name__icontains=text) | Q(email__icontains=text))
        .distinct()
        .order_by("full_name", "pk")[:SEARCH_LIMIT]
    )
    guests = Guest.objects.filter(organisation=organisation).filter(
        Q(name__icontains=text) | Q(email__icontains=text)
    )
    found = [Person("user", u.pk, u.full_name, u.email, "Account") for u in users]
    found += [
        Person("guest", g.pk, g.name, g.email, "Guest (invited visitor)")
        for g in guests.order_by("name", "pk")[:SEARCH_LIMIT]
    ]
    return found[:SEARCH_LIMIT]


def person_of_organisation(organisation: Organisation, ref: str) -> User | Guest:
    """The user or guest named by ``ref``, if the organisation holds them; else ``Invalid``."""
    kind, _, raw_id = (ref or "").strip().partition(":")
    missing = Invalid(
        f"{organisation.name} holds nobody by that reference. Search by name or e-mail "
        "and choose the person from the list.",
        code="unknown_person",
    )
    try:
        pk = int(raw_id)
    except ValueError:
        raise missing from None
    if pk <= 0 or pk > 2**62:
        raise missing
    if kind == "user":
        user = User.objects.filter(_users_of(organisation), pk=pk).distinct().first()
        if user is not None:
            return user
    elif kind == "guest":
        guest = Guest.objects.filter(organisation=organisation, pk=pk).first()
        if guest is not None:
            return guest
    raise missing
