"""The "has this been solved before?" search beside each learning need.

Finders take ``(actor, need)`` and return ``RelatedItem``s, each saying why it matched. This
module is only the registry: projects sits below the apps that hold what is searched, so the
finding app plugs in its finders with ``register_related_finder`` (past peer assists and notes
by keyword, ``finding/past_assists.py``; lessons by full text and meaning,
``finding/related.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from peerassist.accounts.actors import Actor
from peerassist.projects.models import LearningNeed


@dataclass(frozen=True)
class RelatedItem:
    kind: str  # "Peer assist", "Note from a peer assist", "Lesson" ...
    title: str
    url: str
    excerpt: str
    reason: str  # why it matched, in words, e.g. 'Mentions "protect", "diaries"'
    score: float = 0.0
    id: int = 0  # the peer assist's, note's or lesson's own id
    matched_terms: tuple[str, ...] = ()
    similarity: float | None = None  # cosine similarity, where a vector ranking found it


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


def related_for_need(actor: Actor, need: LearningNeed) -> list[RelatedItem]:
    """The best matches from every finder, strongest first."""
    items = [item for finder in _finders for item in finder(actor, need)]
    return sorted(items, key=lambda i: i.score, reverse=True)[:MAX_RESULTS]
