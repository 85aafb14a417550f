"""What left the building: share-backs to the visitors, their replies, and action reminders.

These are delivery records. They let the follow-up services (``followup/services.py``) send
each e-mail once however often the periodic command runs, and let the host team see what
was sent, when and to whom (docs/adr/0006-follow-up-delivery-records.md).

They were born in the ``reports`` app and keep its table names (``Meta.db_table``): moving
them into ``followup`` changed Django's bookkeeping only, not one table or row
(``followup/migrations/0001_initial.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from peerassist.analysis.models import Action
from peerassist.assists.models import Participant, PeerAssist
from peerassist.core.models import TimeStampedModel


class ShareBack(TimeStampedModel):
    """One sending of the action list and report to a peer assist's visitors.

    ``round`` is 1 for the first sending and grows only when the host team asks to send
    again; the unique constraint makes the scheduled sending happen at most once even if
    two workers race for it.
    """

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", "On the promised date"
        MANUAL = "manual", "Sent by the host team"

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="share_backs")
    round = models.PositiveIntegerField(default=1)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(blank=True, max_length=2000)

    class Meta:
        db_table = "reports_shareback"
        ordering = ["assist", "round"]
        constraints = [
            models.UniqueConstraint(fields=["assist", "round"], name="one_share_back_per_round")
        ]

    def __str__(self) -> str:
        return f"Share-back {self.round} of {self.assist}"


class ShareBackDelivery(models.Model):
    """One visitor's e-mail in a share-back; ``sent_at`` is set once the e-mail has gone."""

    share_back = models.ForeignKey(ShareBack, on_delete=models.CASCADE, related_name="deliveries")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reports_sharebackdelivery"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["share_back", "participant"], name="one_delivery_per_visitor"
            )
        ]


class ShareBackComment(TimeStampedModel):
    """A visitor's reply to the shared-back action list, shown to the host team."""

    MAX_LENGTH = 2000

    assist = models.ForeignKey(
        PeerAssist, on_delete=models.CASCADE, related_name="share_back_comments"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=MAX_LENGTH)

    class Meta:
        db_table = "reports_sharebackcomment"
        ordering = ["created_at", "id"]


class ActionReminder(models.Model):
    """A reminder e-mail sent to an action's owner; one per action, kind and due date.

    Moving the due date makes room for fresh reminders; running the periodic command twice
    on one day sends nothing new.
    """

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_date = models.DateField()
    email = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "reports_actionreminder"
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "kind", "due_date"], name="one_reminder_per_action_kind_due"
            )
        ]
