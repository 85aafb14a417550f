"""What lesson templates show: provenance links, citations, status tags."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from peerassist.lessons.models import Lesson
from peerassist.lessons.services import citation_links


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None


STATUS_TAGS = {
    Lesson.Status.DRAFT: "nhsuk-tag--grey",
    Lesson.Status.SUBMITTED: "nhsuk-tag--yellow",
    Lesson.Status.RETURNED: "nhsuk-tag--orange",
    Lesson.Status.APPROVED: "nhsuk-tag--green",
    Lesson.Status.REJECTED: "nhsuk-tag--red",
}
VALENCE_TAGS = {
    Lesson.Valence.ENABLER: "nhsuk-tag--green",
    Lesson.Valence.BARRIER: "nhsuk-tag--red",
    Lesson.Valence.MIXED: "nhsuk-tag--purple",
}


def _url(name: str, *args: object) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def lesson_provenance(lesson: Lesson, *, inside: bool) -> list[Link]:
    """Where the lesson came from, as links; links into the project only for its organisation."""
    links: list[Link] = []
    if lesson.project_id is not None and lesson.project is not None:
        links.append(
            Link(
                f"Project: {lesson.project.title}",
                _url("projects:detail", lesson.project_id) if inside else None,
            )
        )
    if lesson.assist_id is not None and lesson.assist is not None:
        links.append(
            Link(
                f"Peer assist: {lesson.assist.title}",
                _url("assists:detail", lesson.assist_id) if inside else None,
            )
        )
    kind = lesson.source_kind
    label = Lesson.Source(kind).label if kind in Lesson.Source.values else kind
    url: str | None = None
    if inside and lesson.source_id:
        if kind == Lesson.Source.RETROSPECT:
            url = _url("lessons:retrospect", lesson.source_id)
        elif kind == Lesson.Source.LOG and lesson.project_id:
            url = _url("lessons:log", lesson.project_id)
        elif kind == Lesson.Source.AAR and lesson.assist_id:
            url = _url("followup:aar", lesson.assist_id)
        elif kind in (Lesson.Source.THEME, Lesson.Source.DETERMINANT) and lesson.assist_id:
            url = _url("analysis:analysis", lesson.assist_id)
    links.append(Link(f"Source: {label}", url))
    return links


def lesson_citations(lesson: Lesson) -> list[Link]:
    return [Link(label, href) for label, href in citation_links(lesson.citations)]
