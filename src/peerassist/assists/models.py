"""Peer assists: the plan, the agenda, the people, the phases and the sticky notes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from peerassist.accounts.models import Guest, Organisation
from peerassist.assists.ground_rules import default_ground_rules
from peerassist.core.models import TimeStampedModel
from peerassist.projects.models import BeforeActionReview, LearningNeed, Project


class Phase(models.TextChoices):
    WELCOME = "welcome", "Welcome and aims"
    TELL = "tell", "Tell: the host's context"
    ASK = "ask", "Ask: discussion and notes"
    ANALYSE = "analyse", "Analyse: the host team makes sense of the notes"
    ACTIONS = "actions", "Feedback and actions"
    CLOSE = "close", "Close and take-aways"


PHASE_ORDER: list[str] = [p.value for p in Phase]


class Status(models.TextChoices):
    """The life of a peer assist, from first draft to closed (see assists/lifecycle.py)."""

    DRAFT = "draft", "Draft"
    PLANNING = "planning", "Planning"
    INVITED = "invited", "Invitations sent"
    SCHEDULED = "scheduled", "Scheduled"
    LIVE = "live", "Live"
    ANALYSIS = "analysis", "Analysis"
    ACTIONS_AGREED = "actions_agreed", "Actions agreed"
    FOLLOW_UP = "follow_up", "Follow-up"
    CLOSED = "closed", "Closed"


class JoinAdmission(models.TextChoices):
    EVERYONE = "everyone", "Admit everyone with the code"
    BY_HAND = "by_hand", "Admit each person by hand"


class Attendance(models.TextChoices):
    IN_ROOM = "in_room", "In the room"
    ONLINE = "online", "Online"


class PeerAssist(TimeStampedModel):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="peer_assists"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="peer_assists")
    bar = models.ForeignKey(
        BeforeActionReview,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="peer_assists",
        help_text="The BAR whose learning needs become the board's columns.",
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True, max_length=5000)
    open_decisions = models.TextField(blank=True, max_length=5000, help_text="One per line.")
    deliverables = models.TextField(blank=True, max_length=5000)
    ground_rules = models.TextField(
        blank=True,
        max_length=3000,
        default=default_ground_rules,
        help_text="One per line; shown on the board and the wall in Welcome and Tell.",
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    venue = models.CharField(max_length=300, blank=True)
    video_link = models.URLField(blank=True, max_length=500)
    date = models.DateField(null=True, blank=True)
    starts_at = models.TimeField(null=True, blank=True)
    ends_at = models.TimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    logistics = models.JSONField(default=dict, blank=True)

    # Live session state. ``version`` grows by one with every change any participant can see.
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.WELCOME)
    version = models.BigIntegerField(default=0)
    anonymous = models.BooleanField(default=False)
    private_writing = models.BooleanField(default=False)
    # When private writing was last turned on: it withholds only notes written since then,
    # never notes everybody has already seen.
    private_writing_since = models.DateTimeField(null=True, blank=True)
    locked = models.BooleanField(default=False)
    spotlight_note = models.ForeignKey(
        "Note", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    spotlight_need = models.ForeignKey(
        LearningNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_item = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    timer_paused_seconds = models.PositiveIntegerField(null=True, blank=True)

    # Join from a phone in the room (assists/live/join.py): everyone at once, or by hand.
    join_admission = models.CharField(
        max_length=10, choices=JoinAdmission.choices, default=JoinAdmission.BY_HAND
    )

    # Close: the host's thanks and the date the visitors will get the action list.
    host_thanks = models.TextField(blank=True, max_length=5000)
    action_list_due = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-created_at"]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.title


class StatusChange(models.Model):
    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class AgendaItem(TimeStampedModel):
    class Lead(models.TextChoices):
        FACILITATOR = "facilitator", "Facilitator"
        HOST = "host", "Host team"
        VISITORS = "visitors", "Visiting team"
        ALL = "all", "Everyone"

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    phase = models.CharField(max_length=10, choices=Phase.choices)
    lead = models.CharField(max_length=12, choices=Lead.choices, default=Lead.ALL)
    minutes = models.PositiveIntegerField(default=15)
    guidance = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["order", "id"]


class Participant(TimeStampedModel):
    """A user or guest in one peer assist, with a role."""

    class Role(models.TextChoices):
        FACILITATOR = "facilitator", "Facilitator"
        HOST_LEAD = "host_lead", "Host lead"
        HOST_MEMBER = "host_member", "Host member"
        NOTE_TAKER = "note_taker", "Note taker"
        SPONSOR = "sponsor", "Sponsor"
        VISITOR = "visitor", "Visitor"
        OBSERVER = "observer", "Observer"

    class Rsvp(models.TextChoices):
        NOT_INVITED = "not_invited", "Not yet invited"
        PENDING = "pending", "Awaiting reply"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        TENTATIVE = "tentative", "Tentative"

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="participations",
    )
    guest = models.OneToOneField(
        Guest, null=True, blank=True, on_delete=models.CASCADE, related_name="participant"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    display_name = models.CharField(max_length=150)
    organisation_name = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    experience = models.TextField(blank=True, max_length=2000)
    rsvp = models.CharField(max_length=12, choices=Rsvp.choices, default=Rsvp.NOT_INVITED)
    attendance = models.CharField(max_length=8, choices=Attendance.choices, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    # When the mail server took the latest invitation; earlier than ``invited_at`` (or empty)
    # while its e-mail is still queued for the task worker.
    invitation_sent_at = models.DateTimeField(null=True, blank=True)
    is_done = models.BooleanField(default=False)
    takeaway = models.TextField(blank=True, max_length=2000)
    # A person from another organisation invited with her own account has no guest link to
    # withdraw; revoking her invitation stamps her records here, which closes the door.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(guest__isnull=True))
                | (Q(user__isnull=True) & Q(guest__isnull=False)),
                name="participant_is_user_or_guest",
            ),
            models.UniqueConstraint(
                fields=["assist", "user", "role"],
                condition=Q(user__isnull=False),
                name="one_role_per_user_per_assist",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def is_host(self) -> bool:
        return self.role in {self.Role.HOST_LEAD, self.Role.HOST_MEMBER}


class Note(TimeStampedModel):
    """A sticky note. Deletion is soft so that clients resyncing "since version N" see it go."""

    class Kind(models.TextChoices):
        INSIGHT = "insight", "Insight"
        TIP = "tip", "Tip"
        RISK = "risk", "Risk"
        QUESTION = "question", "Question"
        RESOURCE = "resource", "Resource"

    MAX_LENGTH = 1000

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="notes")
    client_id = models.UUIDField()
    text = models.TextField(max_length=MAX_LENGTH)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INSIGHT)
    learning_need = models.ForeignKey(
        LearningNeed, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes"
    )
    author = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="notes_authored")
    spoken_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes_spoken"
    )
    captured_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="notes_captured"
    )
    speaker_confirmed_at = models.DateTimeField(null=True, blank=True)
    anonymous = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    # Set when the writer kept text the patient-data guard flagged ("it is safe"): the note is
    # hidden from everyone but its people and the facilitator, who releases or edits it.
    held_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # The session version at this note's last change: "what changed since N" is one query.
    version = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assist", "client_id"], name="one_note_per_client_id")
        ]
        indexes = [models.Index(fields=["assist", "version"])]


class PhaseChange(models.Model):
    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=10, choices=Phase.choices)
    to_phase = models.CharField(max_length=10, choices=Phase.choices)
    by = models.ForeignKey(Participant, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.BigIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Attachment(TimeStampedModel):
    """A file in the briefing pack, stored under the data directory."""

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class PresenceSeat(models.Model):
    """One open board socket: who is here, on any server process, kept fresh by heartbeats.

    A seat whose ``last_seen`` is older than ``assists.presence.STALE_AFTER`` no longer counts
    (its process died without closing it); the next heartbeat from anyone sweeps it away.
    """

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel_name = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField()
    typing_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["assist", "last_seen"])]


class BoardPhoto(TimeStampedModel):
    """A photo of a flipchart or paper notes, attached to a peer assist (assists/live/photos.py).

    Stored under the data directory with a random name and without its EXIF data (GPS, camera,
    time). Its text is read in the background (assists/live/ocr.py) into ``read_text``, which
    the note taker turns into notes through the bulk preview; nothing is posted by itself.
    """

    class Reading(models.TextChoices):
        WAITING = "waiting", "Waiting to be read"
        READING = "reading", "Reading the text"
        DONE = "done", "Text read"
        EMPTY = "empty", "No text found"
        FAILED = "failed", "Could not be read"

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="photos/%Y/%m/")
    original_name = models.CharField(max_length=255)
    caption = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=50)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reading = models.CharField(max_length=10, choices=Reading.choices, default=Reading.WAITING)
    reading_error = models.CharField(max_length=500, blank=True)
    read_text = models.TextField(blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The drafts' notes take their client ids from this (bulk_client_id), so confirming the
    # drafts twice adds each note once.
    drafts_batch = models.UUIDField(default=uuid.uuid4, unique=True)

    class Meta:
        ordering = ["created_at", "id"]


class JoinCode(models.Model):
    """A short code (and QR code) people in the room type to join this peer assist.

    One is current per peer assist; rotating it stamps ``replaced_at`` on the old one, which
    is kept so that somebody typing it is told it was replaced rather than that it is wrong.
    """

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="join_codes")
    code = models.CharField(max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class JoinRequest(TimeStampedModel):
    """Somebody who typed the join code: waiting for the facilitator, admitted or refused."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ADMITTED = "admitted", "Admitted"
        REFUSED = "refused", "Refused"

    class JoinRole(models.TextChoices):
        VISITOR = "visitor", "Visitor"
        HOST_TEAM = "host_team", "Host team"

    assist = models.ForeignKey(PeerAssist, on_delete=models.CASCADE, related_name="join_requests")
    join_code = models.ForeignKey(JoinCode, on_delete=models.CASCADE, related_name="requests")
    name = models.CharField(max_length=150)
    organisation_name = models.CharField(max_length=200)
    role = models.CharField(max_length=10, choices=JoinRole.choices)
    attendance = models.CharField(
        max_length=8, choices=Attendance.choices, default=Attendance.IN_ROOM
    )
    # Optional: where the share-back (action list and report) is e-mailed after the session.
    email = models.EmailField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    consent_given_at = models.DateTimeField()
    participant = models.OneToOneField(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["assist", "state"])]


class JoinThrottle(models.Model):
    """Attempts at joining per key (an IP address or a code) in a fixed window.

    In the database, not a per-process cache, so that every app process counts the same
    attempts (docs/deployment.md runs several).
    """

    key = models.CharField(max_length=200, unique=True)
    window_started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
