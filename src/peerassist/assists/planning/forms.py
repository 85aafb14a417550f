"""Forms for the planning pages. They parse input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from peerassist.accounts.forms import GuestAcceptForm
from peerassist.accounts.models import Membership
from peerassist.assists.models import AgendaItem, Attendance, Participant, PeerAssist, Phase
from peerassist.assists.planning.agenda import MAX_ITEM_MINUTES, TEMPLATES
from peerassist.assists.planning.services import GUEST_ROLES, PlanFields
from peerassist.core.forms import NhsForm
from peerassist.projects.models import Project

# Service error codes → the form field the message belongs to.
ERROR_FIELDS = {
    "title_required": "title",
    "title_too_long": "title",
    "bad_mode": "mode",
    "bad_video_link": "video_link",
    "bad_attendance": "attendance",
    "date_in_past": "date",
    "date_required": "date",
    "end_before_start": "ends_at",
    "bad_bar": "bar",
    "unknown_participant": "user",
    "bad_role": "role",
    "name_required": "name",
    "bad_email": "email",
    "duplicate": None,
    "bad_minutes": "minutes",
    "bad_phase": "phase",
    "bad_lead": "lead",
    "too_large": "file",
    "empty_file": "file",
    "bad_file_type": "file",
    "bad_file_content": "file",
}


def add_service_error(form: forms.Form, code: str, detail: str) -> None:
    """Show a service's refusal against the field it is about (or at the top)."""
    field = ERROR_FIELDS.get(code)
    form.add_error(field if field in form.fields else None, detail)


class PlanForm(NhsForm):
    title = forms.CharField(
        max_length=200, error_messages={"required": "Give the peer assist a title."}
    )
    purpose = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the host team wants to learn, and why now.",
    )
    open_decisions = forms.CharField(
        required=False,
        max_length=5000,
        label="Decisions still open",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line. A peer assist is for learning before you decide.",
    )
    deliverables = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, a ranked list of risks and options.",
    )
    ground_rules = forms.CharField(
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One per line. They start as the Learning Handbook's; shown on the board "
        "and the wall in Welcome and Tell.",
    )
    mode = forms.ChoiceField(choices=PeerAssist.Mode.choices, label="How people take part")
    venue = forms.CharField(required=False, max_length=300, help_text="Room and address.")
    video_link = forms.CharField(
        required=False,
        max_length=500,
        label="Video link",
        help_text="For online and hybrid sessions, like https://meet.example.org/abc.",
    )
    date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, like 2027-03-14."},
    )
    starts_at = forms.TimeField(
        required=False,
        label="Start time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time, like 09:30."},
    )
    ends_at = forms.TimeField(
        required=False,
        label="End time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time, like 13:00."},
    )
    bar = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Before Action Review",
        help_text="Its learning needs become the columns of the live board.",
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bars = project.bars.order_by("-created_at")
        self.fields["bar"].choices = [("", "None yet")] + [  # type: ignore[attr-defined]
            (b.pk, f"{b.title} ({b.created_at:%d %b %Y})") for b in bars
        ]

    def plan_fields(self) -> PlanFields:
        data = self.cleaned_data
        return PlanFields(
            title=data["title"],
            purpose=data["purpose"],
            open_decisions=data["open_decisions"],
            deliverables=data["deliverables"],
            # A post without the field (an older form) keeps the rules as they are.
            ground_rules=data["ground_rules"] if "ground_rules" in self.data else None,
            mode=data["mode"],
            venue=data["venue"],
            video_link=data["video_link"],
            date=data["date"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            bar_id=data["bar"],
        )

    @staticmethod
    def initial_for(assist: PeerAssist) -> dict[str, Any]:
        return {
            "title": assist.title,
            "purpose": assist.purpose,
            "open_decisions": assist.open_decisions,
            "deliverables": assist.deliverables,
            "ground_rules": assist.ground_rules,
            "mode": assist.mode,
            "venue": assist.venue,
            "video_link": assist.video_link,
            "date": assist.date,
            "starts_at": assist.starts_at,
            "ends_at": assist.ends_at,
            "bar": assist.bar_id,
        }


class NewPlanForm(PlanForm):
    """The plan form when a peer assist is made: also asks whether the planner facilitates."""

    planner_facilitates = forms.BooleanField(
        required=False,
        label="I will facilitate this peer assist",
        help_text="You join its people as host lead. Tick this to be its facilitator as well "
        "(a facilitator from outside the host team is better, if you can find one).",
    )


class AgendaTemplateForm(NhsForm):
    template = forms.ChoiceField(
        label="Agenda template",
        choices=[(t.key, f"{t.label}, {t.total_minutes} minutes") for t in TEMPLATES.values()],
        help_text="Replaces the current agenda; you can edit every item afterwards.",
    )


class AgendaItemForm(NhsForm):
    title = forms.CharField(max_length=200, error_messages={"required": "Give the item a title."})
    phase = forms.ChoiceField(choices=Phase.choices)
    lead = forms.ChoiceField(choices=AgendaItem.Lead.choices, label="Led by")
    minutes = forms.IntegerField(
        min_value=1,
        max_value=MAX_ITEM_MINUTES,
        error_messages={
            "required": "Give the length in minutes.",
            "invalid": "Give the length as a whole number of minutes.",
            "min_value": "Give at least 1 minute.",
            "max_value": f"Give at most {MAX_ITEM_MINUTES} minutes.",
        },
    )


class ColleagueForm(NhsForm):
    user = forms.TypedChoiceField(
        coerce=int,
        label="Colleague",
        error_messages={
            "required": "Choose a colleague.",
            "invalid_choice": "Choose a colleague from the list.",
        },
    )
    role = forms.ChoiceField(choices=Participant.Role.choices)
    experience = forms.CharField(
        required=False, max_length=2000, label="Relevant experience (optional)"
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        memberships = (
            Membership.objects.filter(organisation_id=organisation_id, user__is_active=True)
            .select_related("user")
            .order_by("user__full_name")
        )
        self.fields["user"].choices = [("", "Choose a colleague")] + [  # type: ignore[attr-defined]
            (m.user_id, f"{m.user.full_name}, {m.user.job_title or m.user.email}")
            for m in memberships
        ]


class VisitorForm(NhsForm):
    name = forms.CharField(max_length=150, error_messages={"required": "Give the visitor's name."})
    email = forms.EmailField(
        label="E-mail address",
        error_messages={
            "required": "Give the visitor's e-mail address.",
            "invalid": "Enter an e-mail address, like name@example.org.",
        },
    )
    organisation_name = forms.CharField(required=False, max_length=200, label="Organisation")
    job_title = forms.CharField(required=False, max_length=150, label="Job title")
    role = forms.ChoiceField(
        choices=[(r.value, r.label) for r in Participant.Role if r in GUEST_ROLES],
        initial=Participant.Role.VISITOR,
    )
    experience = forms.CharField(
        required=False,
        max_length=2000,
        label="Relevant experience",
        help_text="One line: what they have done that the host team can learn from.",
    )


class AttachmentForm(NhsForm):
    file = forms.FileField(
        label="Add a file to the briefing pack",
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument text, text, CSV, PNG or JPEG.",
        error_messages={"required": "Choose a file to upload."},
    )


class StatusForm(NhsForm):
    to_status = forms.CharField(max_length=20)
    reason = forms.CharField(required=False, max_length=500)


def _reply_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Will you take part?",
        choices=[
            (Participant.Rsvp.ACCEPTED, "Yes, I will take part"),
            (Participant.Rsvp.TENTATIVE, "Maybe, I am not sure yet"),
            (Participant.Rsvp.DECLINED, "No, I cannot take part"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether you will take part.",
            "invalid_choice": "Answer yes, no or maybe.",
        },
    )


def _attendance_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="How will you take part?",
        required=False,
        choices=Attendance.choices,
        widget=forms.RadioSelect,
        help_text="This peer assist is hybrid: say whether you will be in the room or on "
        "the video call.",
        error_messages={"invalid_choice": "Say whether you will be in the room or online."},
    )


class GuestReplyForm(GuestAcceptForm):
    """The guest's answer: coming, not coming or maybe, and consent to record their notes."""

    rsvp = _reply_field()
    attendance = _attendance_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rsvp") != Participant.Rsvp.DECLINED and not data.get("consent"):
            self.add_error("consent", "Tick the box to agree, or answer that you cannot take part.")
        return data


class ColleagueReplyForm(NhsForm):
    """A colleague's answer to their invitation. No consent box: the guest's consent covers
    notes written without an account; a colleague's account already does."""

    rsvp = _reply_field()
    attendance = _attendance_field()
