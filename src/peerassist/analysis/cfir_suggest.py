"""Construct and valence suggestions for one organisation: its context read from the database.

Reads only. Everything the engine (``analysis.cfir_ranker``) learns from an organisation
comes from that organisation's own rows, selected here by ``organisation_id`` and nothing
else: its own constructs, the codes its people confirmed (``Determinant`` rows of its
projects) and its notes and lessons as the background. No query here can reach another
organisation's rows, which is what keeps one organisation's examples from another's
suggestions (tested in tests/analysis/test_cfir_suggestions.py). The constructs and examples
are kept per process per organisation id, and read again when they change (ADR 0018).

Lessons live in a higher app; it registers its texts with ``register_background_source``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q

from peerassist.analysis.cfir_ranker import (
    Candidate,
    Example,
    OrgContext,
    RankedConstruct,
    ValenceGuess,
    cfir_engine,
)
from peerassist.analysis.models import CfirConstruct, Determinant, Valence
from peerassist.assists.models import Note

MAX_EXAMPLES = 500  # the organisation's most recent confirmed codes
MAX_BACKGROUND = 200  # of its most recent notes and lessons
MAX_TEXT = 2000


@dataclass(frozen=True)
class BackgroundSource:
    """Texts of one kind an organisation wrote: how many, and the most recent ``limit``."""

    count: Callable[[int], int]
    texts: Callable[[int, int], list[str]]


_sources: list[BackgroundSource] = []


def register_background_source(source: BackgroundSource) -> None:
    """Add a kind of text (lessons …) to every organisation's background."""
    _sources.append(source)


def _notes_count(organisation_id: int) -> int:
    return Note.objects.filter(assist__organisation_id=organisation_id).count()


def _notes_texts(organisation_id: int, limit: int) -> list[str]:
    return list(
        Note.objects.filter(assist__organisation_id=organisation_id, deleted_at__isnull=True)
        .order_by("-id")
        .values_list("text", flat=True)[:limit]
    )


NOTES = BackgroundSource(_notes_count, _notes_texts)


@dataclass(frozen=True)
class ConstructSuggestion:
    """One suggested construct as the coding page and the API show it."""

    construct: CfirConstruct
    score: float
    because_text: str = ""
    because_similarity: float = 0.0

    @property
    def full_name(self) -> str:
        """A subconstruct's name after its parent's, so the three "Innovation Recipients" differ."""
        parent = self.construct.parent
        return f"{parent.name} — {self.construct.name}" if parent else self.construct.name


@dataclass(frozen=True)
class CfirSuggestions:
    constructs: list[ConstructSuggestion]
    valence: ValenceGuess | None
    backend: str
    backend_label: str

    @property
    def valence_choice(self) -> str:
        """The determinant valence to pre-select: -1 barrier, +1 enabler, or mixed."""
        if self.valence is None:
            return ""
        return {"barrier": Valence.BARRIER, "enabler": Valence.ENABLER}.get(
            self.valence.valence, Valence.MIXED
        )


def _key(construct: CfirConstruct) -> str:
    return construct.code if construct.organisation_id is None else f"own:{construct.pk}"


def _own(organisation_id: int) -> list[Candidate]:
    rows = CfirConstruct.objects.filter(organisation_id=organisation_id).select_related("parent")
    return [
        Candidate(
            _key(row),
            row.code,
            f"{row.parent.name} — {row.name}" if row.parent else row.name,
            row.domain,
            row.definition,
        )
        for row in rows.order_by("order", "code")
    ]


def _examples(organisation_id: int) -> list[Example]:
    """The organisation's confirmed codes: the note or theme words and the constructs chosen."""
    determinants = (
        Determinant.objects.filter(project__organisation_id=organisation_id)
        .select_related("note", "theme")
        .prefetch_related("constructs")
        .order_by("-id")[:MAX_EXAMPLES]
    )
    examples = []
    for determinant in determinants:
        if determinant.note is not None:
            text = determinant.note.text
        elif determinant.theme is not None:
            text = determinant.theme.title
        else:
            text = determinant.description
        keys = tuple(_key(c) for c in determinant.constructs.all())
        if text.strip() and keys:
            examples.append(Example(text[:MAX_TEXT], keys))
    return examples


def _background_key(organisation_id: int) -> tuple[int, ...]:
    """The organisation and the size of its background, in powers of two (re-read rarely)."""
    sizes = [source.count(organisation_id) for source in (NOTES, *_sources)]
    return (organisation_id, *(size.bit_length() for size in sizes))


def _background_texts(organisation_id: int) -> Callable[[], list[str]]:
    def read() -> list[str]:
        sources = (NOTES, *_sources)
        share = MAX_BACKGROUND // len(sources)
        texts: list[str] = []
        for source in sources:
            texts.extend(t[:MAX_TEXT] for t in source.texts(organisation_id, share) if t.strip())
        return texts

    return read


def _version(organisation_id: int) -> tuple[Any, ...]:
    """What the organisation's own constructs and coded examples are, as of now, in two
    aggregate queries: any code added or removed, any construct added or edited, any coded
    note or theme edited (saved) changes it."""
    coded = Determinant.objects.filter(project__organisation_id=organisation_id).aggregate(
        count=Count("id"),
        last=Max("id"),
        changed=Max("updated_at"),
        note_changed=Max("note__updated_at"),
        theme_changed=Max("theme__updated_at"),
    )
    own = CfirConstruct.objects.filter(organisation_id=organisation_id).aggregate(
        count=Count("id"), last=Max("id"), changed=Max("updated_at")
    )
    return (*coded.values(), *own.values())


MAX_CONTEXTS = 256
_contexts: dict[int, tuple[tuple[Any, ...], list[Candidate], list[Example]]] = {}
_contexts_lock = threading.Lock()


def _own_and_examples(organisation_id: int) -> tuple[list[Candidate], list[Example]]:
    """The organisation's own constructs and coded examples, read again only when they change.

    Reading up to ``MAX_EXAMPLES`` codes with their notes and constructs cost about 25 ms of
    CPU per suggestion (more than the arithmetic and the cached encode together); the
    version check costs two aggregate queries. Kept per process, per organisation id, and
    only ever built from that organisation's rows.
    """
    version = _version(organisation_id)
    known = _contexts.get(organisation_id)
    if known is not None and known[0] == version:
        return known[1], known[2]
    own, examples = _own(organisation_id), _examples(organisation_id)
    with _contexts_lock:
        if len(_contexts) >= MAX_CONTEXTS:
            _contexts.clear()
        _contexts[organisation_id] = (version, own, examples)
    return own, examples


def org_context(organisation_id: int) -> OrgContext:
    own, examples = _own_and_examples(organisation_id)
    return OrgContext(
        own=own,
        examples=examples,
        background_key=_background_key(organisation_id),
        background=_background_texts(organisation_id),
    )


def suggestions_warm(texts: list[str]) -> None:
    """Have the sentence vectors of texts about to be coded ready (if the model is loaded).

    Keys match ``cfir_suggestions``' (the text cut to ``MAX_TEXT``), so a later suggestion for
    any of them encodes nothing.
    """
    from peerassist.semantic.embeddings import warm_in_background

    warm_in_background([text[:MAX_TEXT] for text in texts])


def cfir_suggestions(organisation_id: int, text: str, *, top: int = 5) -> CfirSuggestions:
    """Constructs (best first, with the reason when learned) and valence for ``text``.

    The person still chooses; nothing is written.
    """
    engine = cfir_engine()
    text = text[:MAX_TEXT]
    if not text.strip():
        return CfirSuggestions([], None, engine.name, engine.label)
    suggested = engine.suggest(text, context=org_context(organisation_id), top=top)
    return CfirSuggestions(
        _constructs(organisation_id, suggested.constructs),
        suggested.valence,
        engine.name,
        engine.label,
    )


def _constructs(organisation_id: int, ranked: list[RankedConstruct]) -> list[ConstructSuggestion]:
    codes = [r.candidate.key for r in ranked if not r.candidate.key.startswith("own:")]
    own_ids = [int(r.candidate.key[4:]) for r in ranked if r.candidate.key.startswith("own:")]
    rows = CfirConstruct.objects.filter(
        Q(organisation__isnull=True, code__in=codes)
        | Q(organisation_id=organisation_id, pk__in=own_ids)
    ).select_related("parent")
    by_key = {_key(row): row for row in rows}
    found = []
    for item in ranked:
        construct = by_key.get(item.candidate.key)
        if construct is None:  # a construct the data files know but the database does not
            continue
        because = item.because
        found.append(
            ConstructSuggestion(
                construct,
                item.score,
                because.text if because else "",
                because.similarity if because else 0.0,
            )
        )
    return found
