"""Suggested enablers, drawn from the two case studies in the demo data.

A team adds one with a single click; it arrives as "missing" so that the team decides its
status and owner for itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.utils.text import slugify


@dataclass(frozen=True)
class SuggestedEnabler:
    key: str
    category: str
    category_label: str
    description: str
    source: str


@cache
def suggested_enablers() -> tuple[SuggestedEnabler, ...]:
    from peerassist.projects.demo import HAT_ENABLERS, STIGMA_ENABLERS
    from peerassist.projects.models import Enabler

    labels = dict(Enabler.Category.choices)
    items: list[SuggestedEnabler] = []
    for source, rows in (
        ("HAT recovery model case study", HAT_ENABLERS),
        ("anti-stigma training case study", STIGMA_ENABLERS),
    ):
        for category, description, _status in rows:
            items.append(
                SuggestedEnabler(
                    key=slugify(description)[:60],
                    category=str(category),
                    category_label=str(labels[category]),
                    description=description,
                    source=source,
                )
            )
    return tuple(items)


def suggested_enabler(key: object) -> SuggestedEnabler | None:
    return next((s for s in suggested_enablers() if s.key == key), None)
