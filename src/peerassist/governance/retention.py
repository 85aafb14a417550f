"""Retention: each organisation's rules, what the next run would remove, and the run.

Three rules, counted in days (defaults and reasons in docs/dpia.md):
- **raw notes** of a peer assist are deleted ``note_days`` after it closed (the latest move
  to "closed"). Themes, CFIR codes, actions and lessons stay; a theme simply has no notes
  under it any more, and actions keep the words they were made from (``source_text``).
  Photos of the board (flipcharts, paper notes) are raw notes too, and go with them, files
  and the text read from them.
- **guests** are anonymised with the erasure (``accounts.erasure.guest_erase``)
  ``guest_days`` after the later of their link's expiry, their last visit and the close of
  the peer assist they were invited to; never while that peer assist is still open.
- **audit entries** of the organisation older than ``audit_days`` are deleted through
  ``audit.retention`` (the only deletion the PostgreSQL trigger lets through). Entries that
  belong to no organisation (sign-ins) go after the longest rule of any organisation.

``retention_preview`` and ``retention_apply`` share one selector per rule, so the preview
lists exactly what the run removes. Each run writes one audit entry per organisation, after
the purge, with the counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django_tasks import task

from peerassist.accounts.erasure import FORMER, guest_erase
from peerassist.accounts.models import Guest, Organisation, User
from peerassist.assists.live.photos import board_photos_remove
from peerassist.assists.models import BoardPhoto, Note, PeerAssist, Status, StatusChange
from peerassist.audit.context import audit_as
from peerassist.audit.models import AuditEntry, Channel
from peerassist.audit.record import audit_record
from peerassist.audit.retention import audit_entries_purge
from peerassist.core.errors import Invalid
from peerassist.governance.exports import exports_expire
from peerassist.governance.models import (
    AUDIT_DAYS_DEFAULT,
    AUDIT_DAYS_MIN,
    DAYS_MAX,
    RetentionPolicy,
)

LIST_LIMIT = 50  # rows the preview names; the counts are always whole


def retention_policy(organisation: Organisation) -> RetentionPolicy:
    """The organisation's rules; the defaults until an administrator saves their own."""
    policy = RetentionPolicy.objects.filter(organisation=organisation).first()
    return policy or RetentionPolicy(organisation=organisation)


def _days(value: object, label: str, minimum: int, code: str) -> int:
    text = str(value if value is not None else "").strip()
    if not text:
        raise Invalid(f"Enter how many days to keep {label}.", code=code)
    if len(text) > 9 and text.lstrip("+-").isdigit():
        text = "-1" if text.startswith("-") else str(DAYS_MAX + 1)  # out of range, not garbage
    try:
        days = int(text)
    except ValueError:
        raise Invalid(
            f"Enter the days to keep {label} as a whole number, like 365.", code=code
        ) from None
    if days < minimum or days > DAYS_MAX:
        raise Invalid(
            f"Enter a number of days for {label} from {minimum} to {DAYS_MAX} (ten years).",
            code=code,
        )
    return days


RULES = {  # field → (words in messages, smallest allowed)
    "note_days": ("raw notes", 1),
    "guest_days": ("guests identifiable", 1),
    "audit_days": ("the audit log", AUDIT_DAYS_MIN),
}


def retention_days(name: str, value: object) -> int:
    """One rule's days, checked against its range; ``Invalid`` (code = the field) if not."""
    label, minimum = RULES[name]
    return _days(value, label, minimum, name)


@transaction.atomic
def retention_policy_update(
    *,
    actor: User,
    organisation: Organisation,
    note_days: object,
    guest_days: object,
    audit_days: object,
) -> RetentionPolicy:
    """Save the organisation's rules after checking each is in range (audited)."""
    values = {
        "note_days": retention_days("note_days", note_days),
        "guest_days": retention_days("guest_days", guest_days),
        "audit_days": retention_days("audit_days", audit_days),
    }
    policy = RetentionPolicy.objects.select_for_update().filter(organisation=organisation).first()
    before = {k: getattr(policy, k) if policy else None for k in values}
    if policy is None:
        policy = RetentionPolicy(organisation=organisation)
    for name, value in values.items():
        setattr(policy, name, value)
    policy.updated_at = timezone.now()
    policy.updated_by = actor
    policy.save()
    changes = {k: (before[k], v) for k, v in values.items() if before[k] != v}
    if changes:
        audit_record(
            kind="retention.policy_changed",
            obj=policy,
            organisation_id=organisation.pk,
            changes=changes,
        )
    return policy


# --- What each rule removes -----------------------------------------------------------------


def _closed_at(assist_ref: str) -> Subquery:
    """When the peer assist named by the outer ``assist_ref`` last moved to "closed"."""
    return Subquery(
        StatusChange.objects.filter(assist_id=OuterRef(assist_ref), to_status=Status.CLOSED)
        .values("assist")
        .annotate(last=Max("at"))
        .values("last")[:1]
    )


def closed_assists(organisation: Organisation, before: datetime) -> QuerySet[PeerAssist]:
    """The organisation's closed peer assists that closed before ``before`` (one closed
    without a recorded move counts from its last change)."""
    return (
        PeerAssist.objects.filter(organisation=organisation, status=Status.CLOSED)
        .annotate(closed_at=Coalesce(_closed_at("pk"), "updated_at"))
        .filter(closed_at__lt=before)
    )


def _past_note_rule(organisation: Organisation, policy: RetentionPolicy, now: datetime) -> Any:
    """The peer assists whose raw notes and photos are due (their ids, as a subquery)."""
    return closed_assists(organisation, now - timedelta(days=policy.note_days)).values("pk")


def notes_due(organisation: Organisation, policy: RetentionPolicy, now: datetime) -> QuerySet[Note]:
    return Note.objects.filter(assist__in=_past_note_rule(organisation, policy, now)).order_by(
        "assist_id", "id"
    )


def photos_due(
    organisation: Organisation, policy: RetentionPolicy, now: datetime
) -> QuerySet[BoardPhoto]:
    return BoardPhoto.objects.filter(
        assist__in=_past_note_rule(organisation, policy, now)
    ).order_by("assist_id", "id")


def guests_due(
    organisation: Organisation, policy: RetentionPolicy, now: datetime
) -> QuerySet[Guest]:
    cutoff = now - timedelta(days=policy.guest_days)
    open_assists = PeerAssist.objects.filter(organisation=organisation).exclude(
        status=Status.CLOSED
    )
    closed_at = Coalesce(
        _closed_at("scope_id"),
        Subquery(
            PeerAssist.objects.filter(pk=OuterRef("scope_id"), status=Status.CLOSED).values(
                "updated_at"
            )[:1]
        ),
    )
    return (
        Guest.objects.filter(organisation=organisation)
        .exclude(nonce="erased")
        .exclude(name__startswith=FORMER)
        .exclude(scope_kind="peer_assist", scope_id__in=open_assists.values("pk"))
        .annotate(
            last_active=Greatest(
                "expires_at",
                Coalesce("last_seen_at", "expires_at"),
                Coalesce(closed_at, "expires_at"),
            )
        )
        .filter(last_active__lt=cutoff)
        .order_by("pk")
    )


def audit_due(
    organisation: Organisation, policy: RetentionPolicy, now: datetime
) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        organisation_id=organisation.pk, at__lt=now - timedelta(days=policy.audit_days)
    )


@dataclass
class RetentionPreview:
    organisation: Organisation
    policy: RetentionPolicy
    note_count: int
    notes_by_assist: list[tuple[str, int]]
    photo_count: int
    guest_count: int
    guests: list[Guest]
    audit_count: int
    oldest_audit: datetime | None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def nothing(self) -> bool:
        return not (self.note_count or self.photo_count or self.guest_count or self.audit_count)


def retention_preview(organisation: Organisation, now: datetime | None = None) -> RetentionPreview:
    """What the next run would remove for the organisation, with counts per kind."""
    now = now or timezone.now()
    policy = retention_policy(organisation)
    notes = notes_due(organisation, policy, now)
    by_assist = (
        PeerAssist.objects.filter(pk__in=notes.values("assist_id"))
        .annotate(due=Subquery(_count_notes(notes)))
        .order_by("title", "pk")
    )
    guests = guests_due(organisation, policy, now)
    audit = audit_due(organisation, policy, now)
    preview = RetentionPreview(
        organisation=organisation,
        policy=policy,
        note_count=notes.count(),
        notes_by_assist=[(a.title, a.due or 0) for a in by_assist[:LIST_LIMIT]],
        photo_count=photos_due(organisation, policy, now).count(),
        guest_count=guests.count(),
        guests=list(guests[:LIST_LIMIT]),
        audit_count=audit.count(),
        oldest_audit=audit.order_by("at").values_list("at", flat=True).first(),
    )
    preview.counts = {
        "notes": preview.note_count,
        "photos": preview.photo_count,
        "guests": preview.guest_count,
        "audit_entries": preview.audit_count,
    }
    return preview


def _count_notes(notes: QuerySet[Note]) -> QuerySet[Any]:
    return (
        notes.filter(assist_id=OuterRef("pk"))
        .order_by()
        .values("assist_id")
        .annotate(n=Count("pk"))
        .values("n")
    )


def retention_apply(organisation: Organisation, now: datetime | None = None) -> dict[str, int]:
    """Apply the organisation's three rules now; one audit entry says what went."""
    now = now or timezone.now()
    policy = retention_policy(organisation)
    with transaction.atomic():
        notes = list(notes_due(organisation, policy, now).select_related("assist"))
        for note in notes:
            note.delete()  # one at a time: each is audited as note.deleted
        photos = board_photos_remove(photos_due(organisation, policy, now))
    guests = 0
    for guest in guests_due(organisation, policy, now):
        guest_erase(guest=guest, confirm_name=guest.name)
        guests += 1
    audit = audit_entries_purge(
        organisation_id=organisation.pk, before=now - timedelta(days=policy.audit_days)
    )
    counts = {"notes": len(notes), "photos": photos, "guests": guests, "audit_entries": audit}
    audit_record(
        kind="retention.run",
        object_type="retention",
        object_label=f"Retention run for {organisation.name}",
        organisation_id=organisation.pk,
        changes={k: (None, v) for k, v in counts.items()},
    )
    return counts


def unowned_audit_cutoff(now: datetime) -> datetime:
    """Entries of no organisation go after the longest audit rule of any organisation."""
    days = list(RetentionPolicy.objects.values_list("audit_days", flat=True))
    if len(days) < Organisation.objects.count():
        days.append(AUDIT_DAYS_DEFAULT)  # an organisation still on the default
    return now - timedelta(days=max(days, default=AUDIT_DAYS_DEFAULT))


@task()
def retention_apply_all_task() -> dict[str, int]:
    """The daily job, in the task worker."""
    with audit_as(channel=Channel.TASK):
        return retention_apply_all()


def retention_apply_all(now: datetime | None = None) -> dict[str, int]:
    """Every organisation's rules, then entries of no organisation and expired exports."""
    now = now or timezone.now()
    totals = {
        "organisations": 0,
        "notes": 0,
        "photos": 0,
        "guests": 0,
        "audit_entries": 0,
        "exports": 0,
    }
    for organisation in Organisation.objects.order_by("pk"):
        counts = retention_apply(organisation, now)
        totals["organisations"] += 1
        for name, value in counts.items():
            totals[name] += value
    totals["audit_entries"] += audit_entries_purge(
        organisation_id=None, before=unowned_audit_cutoff(now)
    )
    totals["exports"] = exports_expire()
    return totals
