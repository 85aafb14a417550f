"""What information governance keeps: subject access exports and each organisation's
retention rules.

An export row records who asked, about whom, how far the task worker has got and where the
ZIP lies (a random file name in a private folder, never a URL). The file goes once it is
downloaded or a day has passed; the row stays, as the record that the request was met.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peerassist.accounts.models import Guest, Organisation, User

# Defaults, in days (docs/dpia.md says why), and the range an administrator may choose.
NOTE_DAYS_DEFAULT = 365
GUEST_DAYS_DEFAULT = 365
AUDIT_DAYS_DEFAULT = 730
DAYS_MAX = 3650
AUDIT_DAYS_MIN = 30  # the database trigger refuses to purge younger entries (ADR 0016)


class SubjectAccessExport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the task worker"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready to download"
        DOWNLOADED = "downloaded", "Downloaded"
        EXPIRED = "expired", "Expired"
        FAILED = "failed", "Failed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="subject_access_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    subject_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject_guest = models.ForeignKey(
        Guest, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    step_label = models.CharField(max_length=100, blank=True)
    file_name = models.CharField(max_length=80, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(subject_user__isnull=False) & Q(subject_guest__isnull=True))
                | (Q(subject_user__isnull=True) & Q(subject_guest__isnull=False)),
                name="export_subject_is_user_or_guest",
            )
        ]

    def __str__(self) -> str:
        return f"Subject access export {self.pk}"

    @property
    def subject(self) -> User | Guest:
        return self.subject_user or self.subject_guest  # type: ignore[return-value]

    @property
    def percent(self) -> int:
        if self.status in {self.Status.READY, self.Status.DOWNLOADED}:
            return 100
        if not self.steps_total:
            return 0
        return min(99, round(100 * self.steps_done / self.steps_total))

    @property
    def in_progress(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.BUILDING}


class RetentionPolicy(models.Model):
    """How long one organisation keeps raw notes, identifiable guests and its audit log."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="retention_policy"
    )
    note_days = models.PositiveIntegerField(default=NOTE_DAYS_DEFAULT)
    guest_days = models.PositiveIntegerField(default=GUEST_DAYS_DEFAULT)
    audit_days = models.PositiveIntegerField(default=AUDIT_DAYS_DEFAULT)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "retention policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(note_days__gte=1) & Q(note_days__lte=DAYS_MAX),
                name="retention_note_days_range",
            ),
            models.CheckConstraint(
                condition=Q(guest_days__gte=1) & Q(guest_days__lte=DAYS_MAX),
                name="retention_guest_days_range",
            ),
            models.CheckConstraint(
                condition=Q(audit_days__gte=AUDIT_DAYS_MIN) & Q(audit_days__lte=DAYS_MAX),
                name="retention_audit_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Retention for organisation {self.organisation_id}"
