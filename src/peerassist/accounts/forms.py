from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from peerassist.core.forms import NhsForm, NhsFormMixin


class SignInForm(NhsFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "Enter the e-mail address and password of your account. Both are case-sensitive "
            "for the password; after 5 failed tries the account is locked for 15 minutes."
        ),
        "inactive": "This account is switched off. Ask your organisation's administrator.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "autofocus": True, "class": "nhsuk-input"}
        )
        self.fields["password"].widget.attrs["class"] = "nhsuk-input"
        self.fields["username"].error_messages["required"] = "Enter your e-mail address"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean_username(self) -> str:
        return str(self.cleaned_data.get("username", "")).strip().lower()


class NhsPasswordResetForm(NhsFormMixin, PasswordResetForm):
    pass


class NhsSetPasswordForm(NhsFormMixin, SetPasswordForm):
    pass


class GuestAcceptForm(NhsFormMixin, forms.Form):
    consent = forms.BooleanField(
        required=True,
        label="I agree that the notes I write in this peer assist are recorded and shared "
        "with the host team.",
        error_messages={"required": "Tick the box to agree, or close this page."},
    )


class AuditFilterForm(NhsForm):
    """The audit log's filters; every field optional, bad values are shown beside the field."""

    person = forms.CharField(
        label="Person", required=False, max_length=100, help_text="Part of a name or e-mail."
    )
    kind = forms.CharField(
        label="What happened",
        required=False,
        max_length=60,
        help_text="For example note, phase.changed, sign_in.failed or export.",
    )
    object_type = forms.ChoiceField(label="Kind of object", required=False, choices=[])
    object_id = forms.CharField(label="Object id", required=False, max_length=40)
    date_from = forms.DateField(
        label="From",
        required=False,
        help_text="A date, like 2026-12-01.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        help_text="A date, like 2026-12-31.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, object_types: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["object_type"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", "Any")] + [(t, t) for t in (object_types or [])]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data


class ApiTokenForm(NhsForm):
    name = forms.CharField(
        label="Name", max_length=100, help_text="What will use it, such as “Monthly report”."
    )
    access = forms.ChoiceField(
        label="What it may do",
        choices=[("read", "Read only"), ("read_write", "Read and write")],
        initial="read",
    )
    valid_days = forms.TypedChoiceField(
        label="Works for",
        coerce=int,
        choices=[(7, "7 days"), (30, "30 days"), (90, "90 days"), (365, "1 year")],
        initial=90,
    )


class ErasureForm(NhsForm):
    email = forms.EmailField(
        label="Their e-mail address", help_text="The account's, or the visitor's invitation's."
    )
    confirm_name = forms.CharField(
        label="Type their full name to confirm",
        max_length=150,
        help_text="Erasure cannot be undone.",
    )
