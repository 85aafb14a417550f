"""Analysis: themes, votes, coded enablers and barriers (CFIR 2.0), and actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from peerassist.accounts.models import Organisation
from peerassist.core.models import TimeStampedModel


class CfirConstruct(TimeStampedModel):
    """A CFIR 2.0 domain construct or subconstruct, or an organisation's own addition.

    The standard list (organisation null) is loaded by a data migration from
    ``analysis/data/cfir2.csv``; organisations may add their own constructs.
    """

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="constructs"
    )
    code = models.CharField(max_length=20)
    domain = models.CharField(max_length=60)
    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    definition = models.CharField(max_length=500, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(organisation__isnull=True), name="standard_cfir_code"
            ),
            models.UniqueConstraint(
                fields=["organisation", "code"],
                condition=Q(organisation__isnull=False),
                name="org_cfir_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# --- Analysis of one peer assist: themes, suggestions, dot votes -------------------------


class Theme(TimeStampedModel):
    """A group of notes made by the host team in analysis; titled, ordered and votable."""

    MAX_TITLE = 200

    assist = models.ForeignKey(
        "assists.PeerAssist", on_delete=models.CASCADE, related_name="themes"
    )
    title = models.CharField(max_length=MAX_TITLE)
    summary = models.TextField(blank=True, max_length=2000)
    order = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        "assists.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The session version at this theme's last change, as for notes.
    version = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["assist", "order"])]

    def __str__(self) -> str:
        return self.title


class NotePlacement(models.Model):
    """Which theme a note sits in; a note without a placement is "ungrouped"."""

    note = models.OneToOneField("assists.Note", on_delete=models.CASCADE, related_name="placement")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="placements")
    order = models.PositiveIntegerField(default=0)
    placed_by = models.ForeignKey(
        "assists.Participant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]


class ThemeSuggestion(models.Model):
    """One proposal from "Suggest themes"; waits for the host team to accept or dismiss it.

    Two kinds: a **new** group of ungrouped notes (accepting makes a theme of them), or
    notes to **add** to a theme the team has already started (accepting places them into
    that theme, ADR 0019). ``theme`` is the started theme for an "add" suggestion, and the
    theme made from a "new" one once it is accepted (so a retried accept answers with it).
    An "add" suggestion whose theme was deleted keeps its kind and title, with ``theme`` null.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    class Kind(models.TextChoices):
        NEW = "new", "A new theme"
        ADD = "add", "Add to a theme"

    assist = models.ForeignKey(
        "assists.PeerAssist", on_delete=models.CASCADE, related_name="theme_suggestions"
    )
    kind = models.CharField(max_length=3, choices=Kind.choices, default=Kind.NEW)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    # The proposed title; for an "add" suggestion, the theme's title when it was suggested.
    title = models.CharField(max_length=200)
    note_ids = models.JSONField(default=list)
    # Pairs of note ids whose texts say nearly the same thing.
    duplicates = models.JSONField(default=list, blank=True)
    backend = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["assist", "status"])]


class AnalysisSettings(TimeStampedModel):
    """The facilitator's dot-voting settings for one peer assist."""

    class Voting(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    MAX_BUDGET = 50

    assist = models.OneToOneField(
        "assists.PeerAssist", on_delete=models.CASCADE, related_name="analysis_settings"
    )
    vote_budget = models.PositiveSmallIntegerField(default=5)
    max_per_theme = models.PositiveSmallIntegerField(default=3)
    voting = models.CharField(max_length=12, choices=Voting.choices, default=Voting.NOT_STARTED)
    voting_opened_at = models.DateTimeField(null=True, blank=True)
    voting_closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(vote_budget__gte=1) & Q(vote_budget__lte=50), name="vote_budget_range"
            ),
            models.CheckConstraint(
                condition=Q(max_per_theme__gte=1) & Q(max_per_theme__lte=F("vote_budget")),
                name="max_per_theme_within_budget",
            ),
        ]


class Vote(models.Model):
    """A voter's dots on one theme (one row per voter per theme, ``dots`` ≥ 1).

    The budget across themes is enforced in ``vote_cast`` under a row lock on the voter's
    participant record, so concurrent requests from one voter queue behind each other.
    """

    assist = models.ForeignKey("assists.PeerAssist", on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey("assists.Participant", on_delete=models.CASCADE, related_name="votes")
    dots = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "voter"], name="one_vote_row_per_voter_theme"),
            models.CheckConstraint(condition=Q(dots__gte=1), name="vote_dots_positive"),
        ]
        indexes = [models.Index(fields=["assist", "voter"])]


# --- Enablers and barriers, actions, after action review ---------------------------------


class Valence(models.TextChoices):
    """How a determinant acts on the project: -2 strong barrier … +2 strong enabler, or mixed."""

    STRONG_BARRIER = "-2", "-2 strong barrier"
    BARRIER = "-1", "-1 barrier"
    NEUTRAL = "0", "0 neither"
    ENABLER = "+1", "+1 enabler"
    STRONG_ENABLER = "+2", "+2 strong enabler"
    MIXED = "mixed", "Mixed: both enabler and barrier"


class Determinant(TimeStampedModel):
    """A coded enabler or barrier, with its CFIR 2.0 constructs and the notes behind it."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="determinants"
    )
    assist = models.ForeignKey(
        "assists.PeerAssist",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="determinants",
    )
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="determinants"
    )
    note = models.ForeignKey(
        "assists.Note",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="determinants",
    )
    valence = models.CharField(max_length=5, choices=Valence.choices)
    constructs = models.ManyToManyField(CfirConstruct, related_name="determinants")
    evidence = models.ManyToManyField("assists.Note", blank=True, related_name="evidence_for")
    description = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valence__in=[v.value for v in Valence]), name="determinant_valence"
            )
        ]

    @property
    def score(self) -> int | None:
        """The valence as a number for charts (-2 … +2), or None when mixed."""
        return None if self.valence == Valence.MIXED else int(self.valence)


class Action(TimeStampedModel):
    """A host commitment with an owner and a due date, and where it came from."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Agreed"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    OPEN_STATUSES = (Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS)
    MAX_TEXT = 1000

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="actions"
    )
    assist = models.ForeignKey(
        "assists.PeerAssist",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    text = models.TextField(max_length=MAX_TEXT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions_owned",
    )
    due_date = models.DateField(null=True, blank=True)
    priority = models.CharField(max_length=6, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    # Provenance: what the action was made from (kept when the source is edited).
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    note = models.ForeignKey(
        "assists.Note", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    determinant = models.ForeignKey(
        Determinant, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    source_text = models.TextField(
        blank=True, max_length=2000, help_text="The source's words when the action was made."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["owner", "status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class AfterActionReview(TimeStampedModel):
    """The four AAR answers on a peer assist (or a project), set beside the BAR it followed."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="after_action_reviews"
    )
    assist = models.OneToOneField(
        "assists.PeerAssist",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="after_action_review",
    )
    bar = models.ForeignKey(
        "projects.BeforeActionReview",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="after_action_reviews",
    )
    supposed_to_happen = models.TextField(blank=True, max_length=10000)
    actually_happened = models.TextField(blank=True, max_length=10000)
    why_different = models.TextField(blank=True, max_length=10000)
    what_we_learn = models.TextField(blank=True, max_length=10000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
