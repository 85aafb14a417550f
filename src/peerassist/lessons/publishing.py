"""Notes to lessons without retyping: publish a theme or a coded determinant in one step.

The lesson is written from what analysis already holds: the theme's or determinant's notes
become the evidence ("what happened"), its CFIR codes and valence are carried over, and it
goes straight to the organisation's knowledge managers for the usual review
(``lesson_submit``). Publishing the same source again returns the lesson already made from
it (unless that one was rejected), so a retried request or a second click makes nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from peerassist.accounts.models import User
from peerassist.core.errors import Invalid
from peerassist.lessons.models import Lesson
from peerassist.lessons.services import _valence_from_score, lesson_create, lesson_submit

KINDS = (Lesson.Source.THEME, Lesson.Source.DETERMINANT)
MAX_EVIDENCE = 9000  # characters of notes quoted in "what happened" (the field holds 10,000)


@dataclass
class Publication:
    """What publishing a source would write: shown on the page before the person confirms."""

    kind: str
    source: Any
    title: str
    lesson: str
    context: str
    notes: list[str]
    valence: str
    construct_ids: list[int] = field(default_factory=list)
    construct_labels: list[str] = field(default_factory=list)

    @property
    def evidence(self) -> str:
        lines: list[str] = []
        total = 0
        for text in self.notes:
            line = f"- {' '.join(text.split())}"
            total += len(line) + 1
            if total > MAX_EVIDENCE:
                lines.append(f"- … and {len(self.notes) - len(lines)} more notes")
                break
            lines.append(line)
        heading = "Notes from the peer assist"
        title = getattr(self.source_assist, "title", "")
        return f"{heading} “{title}”:\n" + "\n".join(lines) if title else "\n".join(lines)

    @property
    def source_assist(self) -> Any:
        return self.source.assist


def _combined_valence(valences: list[str]) -> str:
    kinds = {_valence_from_score(v) for v in valences}
    return kinds.pop() if len(kinds) == 1 else Lesson.Valence.MIXED


def _live(notes: Any) -> list[str]:
    return [n.text for n in notes if n.deleted_at is None and n.text.strip()]


def publication_of(kind: str, source: Any) -> Publication:
    """The lesson a theme or determinant would become (reads only; access already checked)."""
    if kind == Lesson.Source.THEME:
        notes = _live(p.note for p in source.placements.select_related("note").order_by("order"))
        determinants = list(source.determinants.prefetch_related("constructs"))
        constructs = {c.pk: c for d in determinants for c in d.constructs.all()}
        return Publication(
            kind,
            source,
            title=source.title,
            lesson=source.summary or source.title,
            context=source.assist.purpose,
            notes=notes,
            valence=_combined_valence([d.valence for d in determinants]),
            construct_ids=sorted(constructs),
            construct_labels=[f"{c.code} {c.name}" for c in constructs.values()],
        )
    if kind == Lesson.Source.DETERMINANT:
        cited = list(source.evidence.order_by("id"))
        if source.note is not None and source.note not in cited:
            cited.insert(0, source.note)
        words = (
            source.description
            or (source.theme.title if source.theme else "")
            or (source.note.text if source.note else "")
        )
        coded = list(source.constructs.order_by("order", "code"))
        return Publication(
            kind,
            source,
            title=" ".join(words.split("\n")[0].split())[:200],
            lesson=words,
            context=source.assist.purpose if source.assist else "",
            notes=_live(cited),
            valence=_valence_from_score(source.valence),
            construct_ids=[c.pk for c in coded],
            construct_labels=[f"{c.code} {c.name}" for c in coded],
        )
    raise Invalid("Only a theme or an enabler or barrier can be published in one step.")


def lesson_already_published(kind: str, source: Any) -> Lesson | None:
    project = source.assist.project if kind == Lesson.Source.THEME else source.project
    return (
        Lesson.objects.filter(
            organisation_id=project.organisation_id, source_kind=kind, source_id=source.pk
        )
        .exclude(status=Lesson.Status.REJECTED)
        .order_by("id")
        .first()
    )


@transaction.atomic
def lesson_publish_from_analysis(
    *,
    actor: User,
    kind: str,
    source: Any,
    visibility: str = Lesson.Visibility.ORGANISATION,
) -> tuple[Lesson, bool]:
    """Write the lesson for a theme or determinant and send it for review, in one step.

    Returns the lesson and whether it is new. The caller has fetched ``source`` through
    ``lesson_source_object`` (host team or knowledge managers of its project only).
    """
    if kind not in KINDS:
        raise Invalid(
            "Only a theme or an enabler or barrier can be published in one step.",
            code="source_kind",
        )
    type(source).objects.select_for_update().filter(pk=source.pk).first()  # one at a time
    existing = lesson_already_published(kind, source)
    if existing is not None:
        return existing, False
    publication = publication_of(kind, source)
    if not publication.title.strip():
        raise Invalid(
            "This enabler or barrier has no words to title a lesson with: describe it first.",
            code="title",
        )
    project = source.assist.project if kind == Lesson.Source.THEME else source.project
    lesson = lesson_create(
        actor=actor,
        project=project,
        construct_ids=publication.construct_ids,
        source_kind=kind,
        source_id=source.pk,
        assist_id=source.assist_id,
        title=publication.title,
        lesson=publication.lesson,
        context=publication.context,
        what_happened=publication.evidence,
        valence=publication.valence,
        visibility=visibility,
    )
    return lesson_submit(actor=actor, lesson=lesson), True
