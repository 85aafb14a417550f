"""The governance pages' forms: find a person, and the retention rules.

The retention fields are plain text boxes (``inputmode=numeric``): the service checks the
range and says what is allowed, so the page, a command or a test get the same message.
"""

from __future__ import annotations

from django import forms

from peerassist.core.forms import NhsForm
from peerassist.governance.models import AUDIT_DAYS_MIN, DAYS_MAX


class PersonSearchForm(NhsForm):
    q = forms.CharField(
        label="Name or e-mail address",
        max_length=150,
        help_text="Part of their name or e-mail address. Finds accounts and invited guests.",
    )


def _days_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-5"}),
    )


class RetentionForm(NhsForm):
    note_days = _days_field(
        "Days to keep raw notes after a peer assist closes",
        f"From 1 to {DAYS_MAX}, for the notes and the photos of the board. Themes, CFIR codes, "
        "actions and approved lessons stay.",
    )
    guest_days = _days_field(
        "Days guests stay identifiable",
        f"From 1 to {DAYS_MAX}, counted from their link's expiry, their last visit or the "
        "close of their peer assist, whichever is latest. Then they are anonymised.",
    )
    audit_days = _days_field(
        "Days to keep the audit log",
        f"From {AUDIT_DAYS_MIN} to {DAYS_MAX}.",
    )
