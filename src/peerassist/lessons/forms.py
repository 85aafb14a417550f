"""Lesson, review, log, report and retrospect forms (NHS.UK components)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from peerassist.core.errors import Invalid
from peerassist.core.forms import NhsForm
from peerassist.lessons.models import Lesson, LessonsLogEntry
from peerassist.lessons.services import CITATION_HELP, citations_clean


class LessonForm(NhsForm):
    title = forms.CharField(
        max_length=200,
        help_text="One line a busy reader can scan.",
        error_messages={"required": "Enter a title for the lesson."},
    )
    context = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was being done, and where.",
    )
    what_happened = forms.CharField(
        label="What happened",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    lesson = forms.CharField(
        label="The lesson",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What another team should know.",
        error_messages={"required": "Enter the lesson: what another team should know."},
    )
    recommendation = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you would advise them to do.",
    )
    care_setting = forms.CharField(label="Care setting", required=False, max_length=120)
    service = forms.CharField(required=False, max_length=120)
    population = forms.CharField(required=False, max_length=200)
    valence = forms.ChoiceField(
        label="Did this help or hinder?",
        choices=Lesson.Valence.choices,
        widget=forms.RadioSelect,
        initial=Lesson.Valence.MIXED,
    )
    constructs = forms.MultipleChoiceField(
        label="CFIR 2.0 constructs", required=False, widget=forms.CheckboxSelectMultiple
    )
    evidence_level = forms.ChoiceField(
        label="Evidence",
        choices=Lesson.Evidence.choices,
        widget=forms.RadioSelect,
        initial=Lesson.Evidence.EXPERIENCE,
    )
    citations = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"One a line: {CITATION_HELP}.",
    )
    visibility = forms.ChoiceField(
        label="Who can see it once approved",
        choices=Lesson.Visibility.choices,
        widget=forms.RadioSelect,
        initial=Lesson.Visibility.ORGANISATION,
    )

    def __init__(self, *args: Any, construct_groups: dict[str, list[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.construct_groups = construct_groups
        cast(forms.MultipleChoiceField, self.fields["constructs"]).choices = [
            (str(c.pk), f"{c.code} {c.name}") for group in construct_groups.values() for c in group
        ]
        for name in ("valence", "evidence_level", "visibility", "constructs"):
            # Radios and checkboxes are drawn by the template, not NhsForm's input class.
            self.fields[name].widget.attrs.pop("class", None)

    def clean_citations(self) -> str:
        try:
            return citations_clean(self.cleaned_data.get("citations", ""))
        except Invalid as error:
            raise forms.ValidationError(error.detail) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        research = data.get("evidence_level") == Lesson.Evidence.RESEARCH
        if research and not data.get("citations") and "citations" not in self.errors:
            self.add_error(
                "citations",
                "Add at least one citation for research or guidance, or choose Experience only.",
            )
        return data

    def chosen_constructs(self) -> set[str]:
        if self.is_bound:
            return set(self.data.getlist("constructs")) if hasattr(self.data, "getlist") else set()
        return {str(v) for v in (self.initial.get("constructs") or [])}

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["construct_ids"] = [int(c) for c in data.pop("constructs", [])]
        return data


class ReviewForm(NhsForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("approve", "Approve: it can leave the project"),
            ("return", "Return to the author with comments"),
            ("reject", "Reject"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose approve, return or reject."},
    )
    comment = forms.CharField(
        label="Comments for the author",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when you return or reject the lesson.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs.pop("class", None)


class LogEntryForm(NhsForm):
    kind = forms.ChoiceField(
        label="What kind of entry", choices=LessonsLogEntry.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label="What you noticed",
        max_length=2000,
        error_messages={"required": "Enter what you noticed."},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence or two is enough; you can turn it into a lesson later.",
    )
    happened_on = forms.DateField(
        label="When (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs.pop("class", None)
        self.fields["kind"].initial = LessonsLogEntry.Kind.WENT_WELL


class ReportForm(NhsForm):
    title = forms.CharField(max_length=200, initial="Lessons learned report")
    phase = forms.CharField(
        required=False, max_length=120, help_text="For example Pilot phase, or Whole project."
    )
    period_start = forms.DateField(
        label="Period from (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_end = forms.DateField(
        label="Period to (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_steps = forms.CharField(
        label="Next steps",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RetrospectForm(NhsForm):
    title = forms.CharField(max_length=200, initial="Retrospect")
    held_on = forms.DateField(
        label="Held on (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    objectives = forms.CharField(
        label="Objectives revisited",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What did we set out to achieve, and did we?",
    )
    went_well = forms.CharField(
        label="What went well",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    went_well_why = forms.CharField(
        label="Why did it go well",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    could_be_better = forms.CharField(
        label="What could have gone better",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    do_differently = forms.CharField(
        label="What would we do differently next time",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line: each line can become a draft lesson.",
    )
