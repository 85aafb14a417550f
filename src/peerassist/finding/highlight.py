"""Highlighted matches: escape the text first, then wrap the matched words in ``<mark>``.

Matching happens on the raw text; the output is built from escaped pieces between the
matches and escaped matches inside ``<mark>``, so nothing a lesson's author wrote can ever
become markup. Words match by a crude stem (``referrals`` finds ``referral``, ``referring``),
close to what the engines' stemmers do.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ers", "er", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _pattern(words: list[str]) -> re.Pattern[str] | None:
    stems = sorted({stem(w) for w in words if len(w) >= 2}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)


def matched_words(text: str, words: list[str]) -> list[str]:
    """The query words that occur in the text (by stem), in query order."""
    lower = text.lower()
    found = []
    for word in words:
        if re.search(r"\b" + re.escape(stem(word)), lower):
            found.append(word)
    return found


def highlight(text: str, words: list[str]) -> SafeString:
    """The whole text, escaped, with matches marked."""
    pattern = _pattern(words)
    if pattern is None:
        return mark_safe(escape(text))  # noqa: S308 — escaped just now
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece escaped above


def snippet(text: str, words: list[str], *, width: int = 240) -> SafeString:
    """About ``width`` characters around the first match (or the start), highlighted."""
    text = " ".join((text or "").split())
    pattern = _pattern(words)
    first = pattern.search(text) if pattern else None
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
