"""Forms for the search page, the people finder and subscriptions."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.accounts.models import Organisation
from peerassist.analysis.models import CfirConstruct
from peerassist.core.forms import NhsForm
from peerassist.finding.models import Subscription
from peerassist.finding.search import LessonFilters
from peerassist.lessons.models import Lesson
from peerassist.lessons.visibility import lessons_visible

ANY = [("", "Any")]


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


MAX_QUERY = 1000


def construct_choices(actor: Actor | None) -> list[tuple[str, str]]:
    org_ids = actor_organisation_ids(actor)
    constructs = CfirConstruct.objects.filter(
        organisation__isnull=True
    ) | CfirConstruct.objects.filter(organisation_id__in=org_ids)
    return [(c.code, f"{c.code} {c.name}") for c in constructs.order_by("order", "code")]


def domain_choices() -> list[tuple[str, str]]:
    domains = (
        CfirConstruct.objects.filter(organisation__isnull=True)
        .order_by("order")
        .values_list("domain", flat=True)
    )
    seen: list[str] = []
    for domain in domains:
        if domain and domain not in seen:
            seen.append(domain)
    return [(d, d) for d in seen]


class LessonSearchForm(NhsForm):
    """The search box and filters; every field optional, every value checked."""

    q = forms.CharField(
        label="Words to search for", required=False, max_length=MAX_QUERY, strip=True
    )
    valence = forms.ChoiceField(label="Enabler or barrier", required=False)
    domain = forms.ChoiceField(label="CFIR domain", required=False)
    construct = forms.ChoiceField(label="CFIR construct", required=False)
    setting = forms.CharField(label="Care setting", required=False, max_length=120)
    organisation = forms.TypedChoiceField(
        label="Organisation", required=False, coerce=int, empty_value=None
    )
    evidence = forms.ChoiceField(label="Evidence", required=False)
    published_from = forms.DateField(
        label="Published from",
        required=False,
        help_text="For example, 2025-01-31",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    published_to = forms.DateField(
        label="Published to",
        required=False,
        help_text="For example, 2025-12-31",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, actor: Actor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "valence").choices = ANY + list(Lesson.Valence.choices)
        _choices(self, "evidence").choices = ANY + list(Lesson.Evidence.choices)
        _choices(self, "domain").choices = ANY + domain_choices()
        _choices(self, "construct").choices = ANY + construct_choices(actor)
        organisations = Organisation.objects.filter(
            pk__in=lessons_visible(actor).values("organisation_id")
        ).order_by("name")
        _choices(self, "organisation").choices = ANY + [(o.pk, o.name) for o in organisations]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and start > end:
            self.add_error(
                "published_to", "Published to must be the same as or after published from"
            )
        return data

    def filters(self) -> LessonFilters:
        """The filters from the valid fields (invalid ones are left out and reported)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return LessonFilters(
            valence=data.get("valence") or "",
            domain=data.get("domain") or "",
            construct=data.get("construct") or "",
            setting=data.get("setting") or "",
            organisation=data.get("organisation") or None,
            evidence=data.get("evidence") or "",
            published_from=data.get("published_from"),
            published_to=data.get("published_to"),
        )


class SubscriptionForm(NhsForm):
    kind = forms.ChoiceField(label="What to follow", choices=Subscription.Kind.choices)
    construct = forms.ChoiceField(label="CFIR construct", required=False)
    value = forms.CharField(
        label="Care setting or keyword",
        required=False,
        max_length=120,
        help_text="For example, community pharmacy, or falls",
    )

    def __init__(self, *args: Any, actor: Actor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "construct").choices = [
            ("", "Choose a construct"),
            *construct_choices(actor),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Subscription.Kind.CONSTRUCT and not data.get("construct"):
            self.add_error("construct", "Choose the CFIR construct to follow")
        if (
            kind in (Subscription.Kind.SETTING, Subscription.Kind.KEYWORD)
            and not (data.get("value") or "").strip()
        ):
            self.add_error("value", "Enter the care setting or keyword to follow")
        return data
