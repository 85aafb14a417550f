from __future__ import annotations

from django.middleware.csrf import get_token
from ninja import Router, Schema

from peerassist.accounts.actors import actor_organisation_ids
from peerassist.accounts.models import Guest, Membership, Organisation
from peerassist.api.auth import ApiRequest

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    organisation_id: int
    organisation: str
    role: str


class MeOut(Schema):
    kind: str
    name: str
    email: str
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str
    kind: str


@router.get("/me", response=MeOut, summary="The signed-in user or guest")
def me(request: ApiRequest) -> MeOut:
    actor = request.auth
    if isinstance(actor, Guest):
        return MeOut(kind="guest", name=actor.name, email=actor.email, memberships=[])
    memberships = Membership.objects.filter(user=actor).select_related("organisation")
    return MeOut(
        kind="user",
        name=actor.full_name,
        email=actor.email,
        memberships=[
            MembershipOut(
                organisation_id=m.organisation_id, organisation=m.organisation.name, role=m.role
            )
            for m in memberships
        ],
    )


@router.get("/organisations", response=list[OrganisationOut], summary="Your organisations")
def organisations(request: ApiRequest) -> list[Organisation]:
    ids = actor_organisation_ids(request.auth)
    return list(Organisation.objects.filter(id__in=ids).order_by("name"))


class CsrfOut(Schema):
    csrf_token: str


@router.get(
    "/csrf",
    response=CsrfOut,
    auth=None,
    summary="Set the CSRF cookie and return its token (send it as X-CSRFToken on writes)",
)
def csrf(request: ApiRequest) -> CsrfOut:
    return CsrfOut(csrf_token=get_token(request))
