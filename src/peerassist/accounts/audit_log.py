"""The audit log as an organisation's administrators see it: filters, names, CSV rows.

The log itself (``peerassist.audit``) holds ids; names are looked up when shown, so a person
erased since shows as the anonymised name they now have.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from peerassist.accounts.actors import Actor, actor_membership
from peerassist.accounts.models import Guest, Membership, Organisation, User
from peerassist.audit.models import AuditEntry
from peerassist.core.errors import Forbidden, NotFound


def access_audit_organisation(
    actor: Actor | None, organisation_id: object = None, *, doing: str = "see its audit log"
) -> Organisation:
    """The organisation whose log the actor may read (or whose people they may erase,
    ``doing`` says which in the refusal): one they administer."""
    if not isinstance(actor, User):
        raise NotFound("No such page.")
    memberships = Membership.objects.filter(user=actor, role=Membership.Role.ADMIN)
    if organisation_id not in (None, ""):
        try:
            memberships = memberships.filter(organisation_id=int(str(organisation_id)))
        except ValueError:
            raise NotFound("No such organisation.") from None
    membership = memberships.select_related("organisation").order_by("organisation__name").first()
    if membership is None or actor_membership(actor, membership.organisation_id) is None:
        raise Forbidden(f"Only your organisation's administrators can {doing}.", code="not_admin")
    return membership.organisation


@dataclass(frozen=True)
class AuditFilters:
    person: str = ""
    object_type: str = ""
    object_id: str = ""
    kind: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_entries(organisation: Organisation, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """Entries about the organisation, and sign-ins and exports of its members."""
    members = Membership.objects.filter(organisation=organisation).values("user_id")
    entries = AuditEntry.objects.filter(
        Q(organisation_id=organisation.pk)
        | Q(organisation_id__isnull=True, actor_user_id__in=members)
        | Q(organisation_id__isnull=True, subject_user_id__in=members)
    )
    if filters.person:
        users = User.objects.filter(
            Q(full_name__icontains=filters.person) | Q(email__icontains=filters.person)
        ).values("id")
        guests = Guest.objects.filter(
            Q(name__icontains=filters.person) | Q(email__icontains=filters.person),
            organisation=organisation,
        ).values("id")
        entries = entries.filter(
            Q(actor_user_id__in=users)
            | Q(subject_user_id__in=users)
            | Q(actor_guest_id__in=guests)
            | Q(subject_guest_id__in=guests)
        )
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type)
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id)
    if filters.kind:
        entries = entries.filter(kind__startswith=filters.kind)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        entries = entries.filter(at__gte=datetime.combine(filters.date_from, time.min, zone))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, zone)
        entries = entries.filter(at__lt=end)
    return entries.order_by("-at", "-id")


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    actor: str
    subject: str
    changes: str


def audit_rows(entries: list[AuditEntry]) -> list[AuditRow]:
    """Entries with people's current names (two queries, whatever the number of rows)."""
    user_ids = {i for e in entries for i in (e.actor_user_id, e.subject_user_id) if i is not None}
    guest_ids = {
        i for e in entries for i in (e.actor_guest_id, e.subject_guest_id) if i is not None
    }
    users = dict(User.objects.filter(pk__in=user_ids).values_list("id", "full_name"))
    guests = dict(Guest.objects.filter(pk__in=guest_ids).values_list("id", "name"))

    def person(user_id: int | None, guest_id: int | None) -> str:
        if user_id is not None:
            return users.get(user_id) or f"Deleted account {user_id}"
        if guest_id is not None:
            return (guests.get(guest_id) or f"Deleted guest {guest_id}") + " (guest)"
        return ""

    rows = []
    for e in entries:
        actor = person(e.actor_user_id, e.actor_guest_id) or e.get_actor_kind_display()
        if e.token_id:
            actor += f" (API token {e.token_id})"
        rows.append(
            AuditRow(
                entry=e,
                actor=actor,
                subject=person(e.subject_user_id, e.subject_guest_id),
                changes=changes_text(e.changes),
            )
        )
    return rows


def changes_text(changes: dict[str, Any]) -> str:
    parts = []
    for name, pair in sorted(changes.items()):
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        if before in (None, ""):
            parts.append(f"{name}: {after}")
        else:
            parts.append(f"{name}: {before} → {after}")
    return "; ".join(parts)


CSV_HEADER = [
    "When",
    "Who",
    "From",
    "Address",
    "What happened",
    "Object",
    "Object id",
    "Object name",
    "About",
    "Changes",
]


def audit_csv_rows(rows: list[AuditRow]) -> list[list[Any]]:
    return [
        [
            timezone.localtime(r.entry.at).isoformat(timespec="seconds"),
            r.actor,
            r.entry.get_channel_display(),
            r.entry.ip_address or "",
            r.entry.kind,
            r.entry.object_type,
            r.entry.object_id,
            r.entry.object_label,
            r.subject,
            r.changes,
        ]
        for r in rows
    ]
