"""Following lessons: subscriptions to a construct, a care setting or a keyword; deliveries."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q

from peerassist.analysis.models import CfirConstruct
from peerassist.core.models import TimeStampedModel
from peerassist.lessons.models import Lesson


class Subscription(TimeStampedModel):
    """One person following one thing; the digest sends lessons published after ``created_at``."""

    class Kind(models.TextChoices):
        CONSTRUCT = "construct", "CFIR construct"
        SETTING = "setting", "Care setting"
        KEYWORD = "keyword", "Keyword"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_subscriptions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    construct = models.ForeignKey(
        CfirConstruct, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["kind", "value", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "value", "construct"], name="one_subscription_per_thing"
            ),
            models.CheckConstraint(
                condition=Q(kind="construct", construct__isnull=False)
                | (~Q(kind="construct") & Q(construct__isnull=True) & ~Q(value="")),
                name="subscription_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.describe()}"

    def describe(self) -> str:
        if self.kind == self.Kind.CONSTRUCT and self.construct is not None:
            return f"the CFIR construct “{self.construct.name}”"
        if self.kind == self.Kind.SETTING:
            return f"the care setting “{self.value}”"
        return f"the keyword “{self.value}”"


class DigestDelivery(models.Model):
    """A lesson sent to a person in a digest: never twice to the same person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_delivery_per_lesson")
        ]


class LessonDocument(models.Model):
    """PostgreSQL only: one lesson's weighted tsvector, searched by ``finding/fts.py``.

    A stored vector rather than an expression index, so that ranking never re-parses the
    lessons' text. The table is made by ``migrations/0002_lesson_fulltext`` (raw SQL, and no
    table at all on SQLite, which searches an FTS5 table instead): hence unmanaged. No
    foreign key to the lesson: Django's flush truncates ``lessons_lesson`` without CASCADE.
    """

    lesson_id = models.BigIntegerField(primary_key=True)
    document = SearchVectorField()

    class Meta:
        managed = False
        db_table = "lessons_lesson_tsv"

    def __str__(self) -> str:
        return f"Full text of lesson {self.lesson_id}"
