"""Page forms: they parse and label input; services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms

from peerassist.core.forms import NhsForm
from peerassist.projects.models import Enabler, LearningNeed, Project, ProjectMember


class DateInput(forms.DateInput):
    input_type = "date"


class ProjectForm(NhsForm):
    title = forms.CharField(
        max_length=200,
        help_text="A short name your colleagues will recognise, for example "
        "“Evening recovery groups at the community clinic”.",
        error_messages={"required": "Enter a title for the project."},
    )
    aim = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the project will change, and for whom.",
    )
    care_setting = forms.CharField(
        required=False, max_length=120, help_text="For example, community addiction services."
    )
    service = forms.CharField(required=False, max_length=120, label="Service")
    stage = forms.ChoiceField(choices=Project.Stage.choices, initial=Project.Stage.PLANNING)
    start_date = forms.DateField(
        required=False, widget=DateInput(), help_text="Leave empty if not yet known."
    )
    key_decision_date = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Date of the next key decision",
        help_text="A peer assist helps most before this date, while the decision is still open.",
    )

    def __init__(self, *args: Any, organisations: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if organisations and len(organisations) > 1:
            self.fields["organisation_id"] = forms.TypedChoiceField(
                label="Organisation",
                coerce=int,
                choices=[(o.pk, o.name) for o in organisations],
            )
            self.fields["organisation_id"].widget.attrs["class"] = "nhsuk-select"


class MemberForm(NhsForm):
    user_id = forms.TypedChoiceField(label="Colleague", coerce=int, choices=())
    role = forms.ChoiceField(choices=ProjectMember.Role.choices, initial=ProjectMember.Role.MEMBER)

    def __init__(self, *args: Any, people: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        user_field = self.fields["user_id"]
        assert isinstance(user_field, forms.TypedChoiceField)
        user_field.choices = [("", "Choose a colleague")] + [
            (p.pk, f"{p.full_name} ({p.email})") for p in people or []
        ]
        user_field.error_messages["invalid_choice"] = "Choose a person from your organisation."
        user_field.error_messages["required"] = "Choose a colleague to add."


BAR_QUESTIONS: list[dict[str, str]] = [
    {
        "name": "intended_results",
        "label": "What are our intended results, and how will we measure them?",
        "guidance": "Say what will be different when the project succeeds, and the signs you "
        "will look for. Numbers help, but a clear description is enough.",
        "example": "Every nurse runs two recovery sessions a week by March; we will count "
        "sessions and ask clients how supported they feel.",
    },
    {
        "name": "anticipated_challenges",
        "label": "What challenges can we anticipate?",
        "guidance": "List what could get in the way: time, money, skills, other people's "
        "views. Missing enablers from your enablers check appear beside this question.",
        "example": "Clinic phones interrupt sessions; pharmacy colleagues may question "
        "whether this is nursing work.",
    },
    {
        "name": "previous_learning",
        "label": "What have we or others learned from similar situations?",
        "guidance": "Note what you already know from your own past work, reports, and other "
        "teams. Check the “Has this been solved before?” results beside your learning needs.",
        "example": "A neighbouring team found that diary time was lost within weeks unless "
        "other tasks were handed to someone else.",
    },
    {
        "name": "success_factors",
        "label": "What will make us successful this time?",
        "guidance": "Name the few things that, if you get them right, make success likely.",
        "example": "Protected time that stays protected; training before the first session; "
        "an early conversation with pharmacy.",
    },
]


class BarForm(NhsForm):
    intended_results = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    anticipated_challenges = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    previous_learning = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    success_factors = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for question in BAR_QUESTIONS:
            field = self.fields[question["name"]]
            field.label = question["label"]
            field.help_text = question["guidance"]
            field.widget.attrs["data-bar-field"] = question["name"]


class LearningNeedForm(NhsForm):
    question = forms.CharField(
        max_length=500,
        label="What do you want to learn from people who have done this before?",
        help_text="Ask one question, in words a visitor will understand without your context. "
        "For example: “How did you protect nurses' time without leaving other work undone?”",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the question you want to ask."},
    )
    priority = forms.ChoiceField(
        choices=LearningNeed.Priority.choices, initial=LearningNeed.Priority.MEDIUM
    )
    detail = forms.CharField(
        required=False,
        max_length=5000,
        label="Background (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EnablerForm(NhsForm):
    description = forms.CharField(
        max_length=500,
        label="Enabler",
        help_text="Something under your team's control that the project needs, for example "
        "“Time for sessions blocked out in diaries”.",
        error_messages={"required": "Describe the enabler."},
    )
    category = forms.ChoiceField(choices=Enabler.Category.choices)
    status = forms.ChoiceField(choices=Enabler.Status.choices, initial=Enabler.Status.MISSING)
    owner_id = forms.TypedChoiceField(
        label="Owner", coerce=int, required=False, empty_value=None, choices=()
    )
    notes = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, people: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner_id"]
        assert isinstance(owner_field, forms.TypedChoiceField)
        owner_field.choices = [("", "No owner yet")] + [(p.pk, p.full_name) for p in people or []]
        owner_field.error_messages["invalid_choice"] = "Choose an owner from your organisation."
