"""Lessons: reusable learning, reviewed before it leaves the project, findable by others."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from peerassist.accounts.models import Organisation
from peerassist.analysis.models import CfirConstruct
from peerassist.assists.models import PeerAssist
from peerassist.core.models import TimeStampedModel
from peerassist.projects.models import Project


class Lesson(TimeStampedModel):
    class Valence(models.TextChoices):
        ENABLER = "enabler", "Enabler"
        BARRIER = "barrier", "Barrier"
        MIXED = "mixed", "Mixed"

    class Evidence(models.TextChoices):
        EXPERIENCE = "experience", "Experience only"
        RESEARCH = "research", "Backed by research or guidance"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Awaiting review"
        RETURNED = "returned", "Returned with comments"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    class Visibility(models.TextChoices):
        PROJECT = "project", "Project team only"
        ORGANISATION = "organisation", "Our organisation"
        SHARED = "shared", "Every organisation on Peer Assist"
        PUBLIC = "public", "Anyone with the public link"

    class Source(models.TextChoices):
        DIRECT = "direct", "Written directly"
        THEME = "theme", "Theme"
        DETERMINANT = "determinant", "Enabler or barrier"
        NOTE = "note", "Notes"
        AAR = "aar", "After action review"
        RETROSPECT = "retrospect", "Retrospect"
        LOG = "log", "Lessons learned log"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="lessons")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    assist = models.ForeignKey(
        PeerAssist, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons"
    )
    title = models.CharField(max_length=200)
    context = models.TextField(blank=True, max_length=10000)
    what_happened = models.TextField(blank=True, max_length=10000)
    lesson = models.TextField(max_length=10000)
    recommendation = models.TextField(blank=True, max_length=10000)
    care_setting = models.CharField(max_length=120, blank=True)
    service = models.CharField(max_length=120, blank=True)
    population = models.CharField(max_length=200, blank=True)
    valence = models.CharField(max_length=10, choices=Valence.choices, default=Valence.MIXED)
    constructs = models.ManyToManyField(CfirConstruct, blank=True, related_name="lessons")
    evidence_level = models.CharField(
        max_length=12, choices=Evidence.choices, default=Evidence.EXPERIENCE
    )
    citations = models.TextField(
        blank=True, max_length=5000, help_text="One per line: DOI, URL or guideline id."
    )
    source_kind = models.CharField(max_length=12, choices=Source.choices, default=Source.DIRECT)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_comment = models.TextField(blank=True, max_length=5000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.ORGANISATION
    )
    public_token = models.CharField(max_length=40, blank=True, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [
            models.Index(fields=["status", "visibility"]),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.title


class LessonReview(models.Model):
    """One step of a lesson's review history: submitted, approved, returned or rejected."""

    class Decision(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned with comments"
        REJECTED = "rejected", "Rejected"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="reviews")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True, max_length=5000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class LessonsLogEntry(TimeStampedModel):
    """A quick entry in a project's lessons learned log, written while the work happens."""

    class Kind(models.TextChoices):
        WENT_WELL = "went_well", "Went well"
        COULD_IMPROVE = "could_improve", "Could have gone better"
        IDEA = "idea", "Idea to try"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="lessons_log")
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.WENT_WELL)
    text = models.TextField(max_length=2000)
    happened_on = models.DateField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "-created_at"])]

    def __str__(self) -> str:
        return self.text[:80]


class LessonsReport(TimeStampedModel):
    """A lessons learned report at the end of a phase or project: the log and the lessons."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="lessons_reports")
    title = models.CharField(max_length=200)
    phase = models.CharField(max_length=120, blank=True, help_text="For example, Pilot phase.")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True, max_length=10000)
    next_steps = models.TextField(blank=True, max_length=10000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Retrospect(TimeStampedModel):
    """The retrospect at the end of a project: objectives revisited and what to do differently."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="retrospects")
    title = models.CharField(max_length=200, default="Retrospect")
    held_on = models.DateField(null=True, blank=True)
    objectives = models.TextField(blank=True, max_length=10000)
    went_well = models.TextField(blank=True, max_length=10000)
    went_well_why = models.TextField(blank=True, max_length=10000)
    could_be_better = models.TextField(blank=True, max_length=10000)
    do_differently = models.TextField(blank=True, max_length=10000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
