from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm

from peerassist.core.forms import NhsFormMixin


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
