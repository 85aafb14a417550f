"""The audit log: one append-only row per change to domain data, sign-in, export or erasure.

Rows name people and objects by id, never by foreign key, so they outlive what they describe
and an erasure (which anonymises the person's own row) leaves the log untouched and still
meaningful: the page shows the person's current, anonymised name. On PostgreSQL a trigger
refuses UPDATE and DELETE (migration 0002); only the retention task removes old rows, by
turning the trigger's guard off inside its own transaction (``audit.retention``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class ActorKind(models.TextChoices):
    USER = "user", "User"
    GUEST = "guest", "Guest"
    TOKEN = "token", "API token"
    SYSTEM = "system", "System"
    ANONYMOUS = "anonymous", "Not signed in"


class Channel(models.TextChoices):
    WEB = "web", "Web page"
    API = "api", "API"
    SOCKET = "socket", "Live board socket"
    TASK = "task", "Background task"
    COMMAND = "command", "Command line"


class AuditEntry(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_guest_id = models.BigIntegerField(null=True, blank=True)
    token_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    kind = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    # {"field": [before, after]}; personal fields say only that they changed.
    changes = models.JSONField(default=dict, blank=True)
    # The person the entry is about (subject access and erasure find their entries by it).
    subject_user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    subject_guest_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation_id", "-at"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.object_type}#{self.object_id}"
