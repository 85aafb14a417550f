"""The join form people fill in on their phone. It parses; the rules are in ``join.py``."""

from __future__ import annotations

from django import forms
from django.forms.utils import ErrorDict

from peerassist.assists.live.join import EMAIL_MAX, NAME_MAX, ORGANISATION_MAX, JoinDetails
from peerassist.assists.models import Attendance, JoinRequest
from peerassist.core.forms import NhsForm

# Service error codes → the field the message belongs to (None: the top of the form).
ERROR_FIELDS = {
    "code_required": "code",
    "join_code_wrong": "code",
    "join_code_rotated": "code",
    "join_code_expired": "code",
    "join_closed": "code",
    "name_required": "name",
    "name_too_long": "name",
    "organisation_required": "organisation_name",
    "organisation_too_long": "organisation_name",
    "role_required": "role",
    "attendance_required": "attendance",
    "bad_email": "email",
    "consent_required": "consent",
}


class JoinForm(NhsForm):
    code = forms.CharField(
        label="Join code",
        max_length=40,
        help_text="The 8 letters and numbers on the screen in the room, like ABCD-EFGH.",
        error_messages={"required": "Enter the join code shown on the screen in the room."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "nhsuk-input--width-10",
            }
        ),
    )
    name = forms.CharField(
        label="Your name",
        max_length=NAME_MAX,
        help_text="As the others in the room know you. It is shown beside your notes.",
        error_messages={"required": "Give your name, as the others in the room know you."},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation_name = forms.CharField(
        label="Your organisation",
        max_length=ORGANISATION_MAX,
        error_messages={"required": "Give the organisation you work for."},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    role = forms.ChoiceField(
        label="You are taking part as",
        choices=JoinRequest.JoinRole.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether you are a visitor or on the host team.",
            "invalid_choice": "Say whether you are a visitor or on the host team.",
        },
    )
    attendance = forms.ChoiceField(
        label="Where are you?",
        choices=Attendance.choices,
        initial=Attendance.IN_ROOM,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether you are in the room or online.",
            "invalid_choice": "Say whether you are in the room or online.",
        },
    )
    email = forms.CharField(
        label="Your e-mail address (optional)",
        required=False,
        max_length=EMAIL_MAX,
        help_text="Only to send you the action list and the report when the host team shares "
        "them back after the session, as it does for invited visitors. Leave it empty if you "
        "do not want them.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    consent = forms.BooleanField(
        label="I have read the privacy notice and agree that my name, organisation and the "
        "notes I write are recorded and shared with the host team.",
        error_messages={
            "required": "Tick the box to agree that your name and notes are recorded, or "
            "close this page if you do not want to take part."
        },
    )

    def details(self) -> JoinDetails:
        data = self.cleaned_data
        return JoinDetails(
            code=data["code"],
            name=data["name"],
            organisation_name=data["organisation_name"],
            role=data["role"],
            attendance=data["attendance"],
            consent=data["consent"],
            email=data.get("email") or "",
        )

    def refuse(self, field: str | None, detail: str) -> None:
        """On the unfilled form of a QR link: why its code does not work, on that field only.

        An unbound form has no errors to add to, so it gets an empty set first; marking the
        other (empty) fields as wrong would only confuse somebody who has typed nothing yet.
        """
        self.cleaned_data = {}
        self._errors = ErrorDict()  # what full_clean() starts with
        self.add_error(field, detail)
        if field != "code":
            return
        widget = self.fields["code"].widget
        widget.attrs["aria-invalid"] = "true"
        widget.attrs["aria-describedby"] = "id_code-hint id_code-error"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} nhsuk-input--error".strip()
