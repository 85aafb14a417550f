"""The "has this been solved before?" search beside each learning need.

Finders take ``(actor, need)`` and return ``RelatedItem``s, each saying why it matched. The
built-in finder searches past peer assists and notes of the actor's organisations with the
database's text search; the lessons app plugs in its (semantic) lesson search with
``register_related_finder``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.projects.models import LearningNeed


@dataclass(frozen=True)
class RelatedItem:
    kind: str  # "Peer assist", "Note from a peer assist", "Lesson" ...
    title: str
    url: str
    excerpt: str
    reason: str  # why it matched, in words, e.g. 'Mentions "protect", "diaries"'
    score: float = 0.0


RelatedFinder = Callable[[Actor, LearningNeed], list[RelatedItem]]
_finders: list[RelatedFinder] = []
MAX_RESULTS = 5
MAX_TERMS = 6

STOP_WORDS = frozenset(
    """
    about after again also another because been before being between both could does doing
    during each every from have having here into just made make many more most much other
    our over same should since some such than that their them then there these they this
    those through under until very were what when where which while will with would your
    you how did get got keep kept work worked
    """.split()  # noqa: SIM905 (a word list reads better as words)
)


def register_related_finder(finder: RelatedFinder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def search_terms(text: str) -> list[str]:
    """The distinctive words of a question: four letters or more, not common words, in order."""
    seen: list[str] = []
    for word in re.findall(r"[a-z][a-z'-]{3,}", text.lower()):
        word = word.strip("'-")
        if len(word) >= 4 and word not in STOP_WORDS and word not in seen:
            seen.append(word)
    # Longer words are usually more distinctive.
    return sorted(seen, key=len, reverse=True)[:MAX_TERMS]


def _reason(text: str, terms: list[str]) -> tuple[str, int]:
    lower = text.lower()
    hits = [t for t in terms if t in lower]
    return "Mentions " + ", ".join(f"“{t}”" for t in hits), len(hits)


def _excerpt(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def find_in_peer_assists(actor: Actor, need: LearningNeed) -> list[RelatedItem]:
    """Past peer assists and notes of the actor's organisations sharing words with the need."""
    from peerassist.assists.models import Note, PeerAssist

    terms = search_terms(need.question + " " + need.detail)
    org_ids = actor_organisation_ids(actor)
    if not terms or not org_ids:
        return []
    assist_match = Q()
    note_match = Q()
    for term in terms:
        assist_match |= Q(title__icontains=term) | Q(purpose__icontains=term)
        note_match |= Q(text__icontains=term)
    items: list[RelatedItem] = []
    assists = (
        PeerAssist.objects.filter(organisation_id__in=org_ids)
        .exclude(project_id=need.project_id)
        .filter(assist_match)
        .only("id", "title", "purpose")[:20]
    )
    for assist in assists:
        reason, hits = _reason(f"{assist.title} {assist.purpose}", terms)
        items.append(
            RelatedItem(
                kind="Peer assist",
                title=assist.title,
                url=reverse("assists:detail", args=[assist.pk]),
                excerpt=_excerpt(assist.purpose),
                reason=reason,
                score=hits + 0.5,
            )
        )
    notes = (
        Note.objects.filter(
            assist__organisation_id__in=org_ids, deleted_at__isnull=True, hidden=False
        )
        .exclude(assist__project_id=need.project_id)
        .filter(note_match)
        .select_related("assist")
        .only("id", "text", "assist__id", "assist__title")[:20]
    )
    for note in notes:
        reason, hits = _reason(note.text, terms)
        items.append(
            RelatedItem(
                kind="Note from a peer assist",
                title=note.assist.title,
                url=reverse("assists:detail", args=[note.assist_id]),
                excerpt=_excerpt(note.text),
                reason=reason,
                score=hits,
            )
        )
    return items


register_related_finder(find_in_peer_assists)


def related_for_need(actor: Actor, need: LearningNeed) -> list[RelatedItem]:
    """The best matches from every finder, strongest first."""
    items = [item for finder in _finders for item in finder(actor, need)]
    return sorted(items, key=lambda i: i.score, reverse=True)[:MAX_RESULTS]
