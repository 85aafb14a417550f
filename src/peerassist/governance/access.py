"""The doors to the governance pages: an organisation's administrators, and only its own."""

from __future__ import annotations

from peerassist.accounts.actors import Actor, actor_membership, actor_organisation_ids
from peerassist.accounts.models import Membership, Organisation, User
from peerassist.core.access import ensure_id
from peerassist.core.errors import Forbidden, NotFound
from peerassist.governance.models import SubjectAccessExport


def admin_organisations(actor: Actor | None) -> list[Organisation]:
    """The organisations the actor administers, by name (memberships are cached per request,
    so the menu asks this on every page without another query)."""
    organisations = []
    for organisation_id in actor_organisation_ids(actor):
        membership = actor_membership(actor, organisation_id)
        if membership is not None and membership.role == Membership.Role.ADMIN:
            organisations.append(membership.organisation)
    return sorted(organisations, key=lambda o: (o.name, o.pk))


def access_governance_organisation(
    actor: Actor | None, organisation_id: object = None
) -> Organisation:
    """The organisation the actor administers (the one named by ``organisation_id``, or the
    first by name); colleagues who are not administrators get a 403 with the reason."""
    if not isinstance(actor, User):
        raise NotFound("No such page.")
    organisations = admin_organisations(actor)
    if organisation_id not in (None, ""):
        wanted = ensure_id(organisation_id, "organisation")
        organisations = [o for o in organisations if o.pk == wanted]
        if not organisations and actor_membership(actor, wanted) is None:
            raise NotFound("No such organisation.")
    if not organisations:
        raise Forbidden(
            "Only your organisation's administrators can use the information governance pages.",
            code="not_admin",
        )
    return organisations[0]


def access_export(actor: Actor | None, export_id: object) -> SubjectAccessExport:
    """An export of an organisation the actor administers; others' exports do not exist."""
    pk = ensure_id(export_id, "export")
    export = (
        SubjectAccessExport.objects.select_related(
            "organisation", "requested_by", "subject_user", "subject_guest"
        )
        .filter(pk=pk)
        .first()
    )
    if export is None:
        raise NotFound("No such export.")
    organisation = access_governance_organisation(actor, export.organisation_id)
    if organisation.pk != export.organisation_id:
        raise NotFound("No such export.")
    return export
