"""The forms of fast capture (paste many notes, a walk-in speaker, a photo) and the choices
they offer, shared by the pages (views_capture.py) and the board's panel (capture_tags)."""

from __future__ import annotations

from typing import Any

from django import forms

from peerassist.accounts.actors import Actor
from peerassist.assists.live import bulk, photos, walk_in
from peerassist.assists.live.selectors import board_learning_needs
from peerassist.assists.models import Note, Participant, PeerAssist
from peerassist.assists.participants import participant_of


class BulkForm(forms.Form):
    text = forms.CharField(
        label="Notes, one per line",
        help_text=(
            f"Up to {bulk.MAX_LINES} lines. Empty lines are left out. Start a line with a "
            "participant's name and a colon (“Priya: …”) to say who said it. No patient "
            "names, NHS numbers, dates of birth or addresses."
        ),
        widget=forms.Textarea(attrs={"rows": 10, "class": "nhsuk-textarea"}),
        max_length=bulk.MAX_PASTE_CHARS,
        error_messages={
            "required": "Paste or type at least one note: one note per line.",
            "max_length": bulk.too_many_lines_message(bulk.MAX_LINES * 10),
        },
    )
    kind = forms.ChoiceField(
        label="Kind of note", choices=Note.Kind.choices, initial=Note.Kind.INSIGHT
    )
    learning_need = forms.TypedChoiceField(
        label="Learning need they answer",
        help_text="You can change it for each line in the preview.",
        required=False,
        coerce=int,
        empty_value=None,
    )
    speaker = forms.TypedChoiceField(
        label="Who said them", required=False, coerce=int, empty_value=None
    )
    batch = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, preview_choices: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "nhsuk-select"
        need_field = self.fields["learning_need"]
        need_field.choices = [("", "Other (no learning need)"), *preview_choices["needs"]]  # type: ignore[attr-defined]
        need_field.widget.attrs["class"] = "nhsuk-select"
        speaker_field = self.fields["speaker"]
        speaker_field.choices = [("", "Me"), *preview_choices["speakers"]]  # type: ignore[attr-defined]
        speaker_field.widget.attrs["class"] = "nhsuk-select"
        if not preview_choices["can_speak"]:
            del self.fields["speaker"]


def capture_choices(actor: Actor | None, assist: PeerAssist) -> dict[str, Any]:
    """Learning needs and, for the note taker and facilitator, the speakers to choose from."""
    me = participant_of(actor, assist)
    can_speak = me is not None and me.role in {
        Participant.Role.NOTE_TAKER,
        Participant.Role.FACILITATOR,
    }
    speakers = [
        (p.pk, f"{p.display_name} ({p.get_role_display()})")
        for p in Participant.objects.filter(assist=assist)
        if me is None or p.pk != me.pk
    ]
    return {
        "needs": [(n.pk, n.question) for n in board_learning_needs(assist)],
        "speakers": speakers if can_speak else [],
        "can_speak": can_speak,
    }


class WalkInForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=150, error_messages={"required": "Give the speaker's name."}
    )
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    role = forms.ChoiceField(
        label="Role", choices=list(walk_in.WALK_IN_ROLES.items()), initial="visitor"
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"class": "nhsuk-input", "autocomplete": "off"})
        self.fields["organisation"].widget.attrs.update(
            {"class": "nhsuk-input", "autocomplete": "off"}
        )
        self.fields["role"].widget.attrs["class"] = "nhsuk-select"


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label="Photo of a flipchart or paper notes",
        help_text=(
            "Take it with your phone's camera, or choose a JPEG or PNG file of up to "
            "10 MB. Printed or clearly written text is read into draft notes for you to check."
        ),
        error_messages={"required": "Choose a photo, or take one with your camera."},
    )
    caption = forms.CharField(
        label="Caption (optional)", max_length=photos.CAPTION_MAX, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs.update(
            {"class": "nhsuk-file-upload", "accept": "image/*", "capture": "environment"}
        )
        self.fields["caption"].widget.attrs["class"] = "nhsuk-input"
