"""Highlighted matches: escape the text first, then wrap the matched words in ``<mark>``.

Matching happens on the raw text; the output is built from escaped pieces between the
matches and escaped matches inside ``<mark>``, so nothing a lesson's author wrote can ever
become markup. A word matches when its Snowball (Porter 2) English stem is the stem of a
query word: the stemmer PostgreSQL's ``english`` configuration uses, and close to the Porter
stemmer of SQLite's FTS5 table, so what is marked is what the engine matched
(``referrals`` finds ``referral``, ``studies`` finds ``study``, ``care`` does not find
``career``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_WORD = re.compile(r"[^\W_]+")  # as the query parser splits words
_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """The English stem of one word, lower case (cached: lesson texts repeat their words)."""
    return str(_stemmer.stemWord(word.lower()))


def _stems(words: list[str]) -> set[str]:
    return {stem(w) for w in words if len(w) >= 2}


def _matches(text: str, stems: set[str]) -> Iterator[re.Match[str]]:
    return (m for m in _WORD.finditer(text) if stem(m.group(0)) in stems)


def matched_words(text: str, words: list[str]) -> list[str]:
    """The query words that occur in the text (by stem), in query order."""
    present = {stem(w) for w in set(_WORD.findall(text.lower()))}
    return [word for word in words if stem(word) in present]


def highlight(text: str, words: list[str]) -> SafeString:
    """The whole text, escaped, with matches marked."""
    stems = _stems(words)
    if not stems:
        return mark_safe(escape(text))  # noqa: S308 — escaped just now
    out: list[str] = []
    last = 0
    for match in _matches(text, stems):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece escaped above


def snippet(text: str, words: list[str], *, width: int = 240) -> SafeString:
    """About ``width`` characters around the first match (or the start), highlighted."""
    text = " ".join((text or "").split())
    stems = _stems(words)
    first = next(_matches(text, stems), None) if stems else None
    start = 0
    if first is not None and first.start() > width // 3:
        start = first.start() - width // 3
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first.start() else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + width // 2 else end
    piece = text[start:end]
    html = highlight(piece, words)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + html + suffix)  # noqa: S308 — prefix/suffix are constants
