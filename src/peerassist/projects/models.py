"""Projects, their host teams, Before Action Reviews, learning needs and enablers."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from peerassist.accounts.models import Organisation
from peerassist.core.models import TimeStampedModel


class Project(TimeStampedModel):
    class Stage(models.TextChoices):
        IDEA = "idea", "Idea"
        PLANNING = "planning", "Planning"
        IMPLEMENTING = "implementing", "Implementing"
        EMBEDDING = "embedding", "Embedding and sustaining"
        COMPLETED = "completed", "Completed"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(max_length=200)
    aim = models.TextField(blank=True, max_length=5000)
    care_setting = models.CharField(max_length=120, blank=True)
    service = models.CharField(max_length=120, blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PLANNING)
    start_date = models.DateField(null=True, blank=True)
    key_decision_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class ProjectMember(TimeStampedModel):
    """A member of the host team. A team of one is a team."""

    class Role(models.TextChoices):
        LEAD = "lead", "Host lead"
        MEMBER = "member", "Host member"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_host_role_per_project")
        ]


class BeforeActionReview(TimeStampedModel):
    """The four BAR questions; learning needs hang off it and become the board's columns."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETE = "complete", "Complete"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="bars")
    title = models.CharField(max_length=200, default="Before Action Review")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    intended_results = models.TextField(blank=True, max_length=10000)
    anticipated_challenges = models.TextField(blank=True, max_length=10000)
    previous_learning = models.TextField(blank=True, max_length=10000)
    success_factors = models.TextField(blank=True, max_length=10000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]


class LearningNeed(TimeStampedModel):
    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    bar = models.ForeignKey(
        BeforeActionReview, on_delete=models.CASCADE, related_name="learning_needs"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="learning_needs")
    question = models.CharField(max_length=500)
    detail = models.TextField(blank=True, max_length=5000)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.question


class Enabler(TimeStampedModel):
    """A key enabler under the host team's control, checked before the project starts."""

    class Category(models.TextChoices):
        RESOURCES = "resources", "Resources"
        STAFF_CAPACITY = "staff_capacity", "Staff capacity"
        SUPPORT_TRAINING = "support_training", "Support and training"
        STAKEHOLDER_BUY_IN = "stakeholder_buy_in", "Stakeholder buy-in"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        IN_PLACE = "in_place", "In place"
        PLANNED = "planned", "Planned"
        MISSING = "missing", "Missing"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="enablers")
    category = models.CharField(max_length=30, choices=Category.choices)
    description = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MISSING)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True, max_length=5000)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
