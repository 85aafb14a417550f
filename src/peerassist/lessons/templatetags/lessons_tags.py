"""Template filters for lesson pages: tag colours for status and valence."""

from __future__ import annotations

from django import template

from peerassist.lessons.presenters import STATUS_TAGS, VALENCE_TAGS

register = template.Library()


@register.filter
def status_tag(status: str) -> str:
    return str(STATUS_TAGS.get(status, "nhsuk-tag--grey"))  # type: ignore[call-overload]


@register.filter
def valence_tag(valence: str) -> str:
    return str(VALENCE_TAGS.get(valence, "nhsuk-tag--grey"))  # type: ignore[call-overload]
