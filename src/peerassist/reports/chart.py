"""The chart of enablers and barriers by CFIR 2.0 domain, drawn as plain SVG by our own code.

A diverging bar per domain: barriers grow to the left of the centre line, enablers to the
right, strong ones in the darker shade; mixed determinants are counted in a column of their
own. The same numbers are always shown in a table next to the chart (``DomainCount`` rows),
so the picture is never the only way to read them. No style attributes and no scripts: the
markup passes the CSP and renders the same in browsers and in WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# NHS.UK palette; every fill has at least 3:1 contrast against white (WCAG 1.4.11).
STRONG_BARRIER = "#8a1538"
BARRIER = "#d5281b"
ENABLER = "#005eb8"
STRONG_ENABLER = "#003087"
MIXED = "#4c6272"
INK = "#212b32"
AXIS = "#768692"

WIDTH = 640
LABEL_WIDTH = 176
MIXED_WIDTH = 76
ROW = 34
BAR = 20
TOP = 44
LEGEND = 48


@dataclass(frozen=True)
class DomainCount:
    """How many coded determinants touch one CFIR domain, by valence."""

    domain: str
    strong_barrier: int = 0
    barrier: int = 0
    mixed: int = 0
    enabler: int = 0
    strong_enabler: int = 0

    @property
    def barriers(self) -> int:
        return self.strong_barrier + self.barrier

    @property
    def enablers(self) -> int:
        return self.enabler + self.strong_enabler

    @property
    def total(self) -> int:
        return self.barriers + self.enablers + self.mixed

    def summary(self) -> str:
        return (
            f"{self.domain}: {_plural(self.barriers, 'barrier')} "
            f"({self.strong_barrier} strong), {_plural(self.enablers, 'enabler')} "
            f"({self.strong_enabler} strong), {self.mixed} mixed"
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def chart_svg(rows: list[DomainCount], *, id_prefix: str = "cfir-chart") -> SafeString:
    """The SVG markup for the rows; ``id_prefix`` keeps the title/desc ids unique on a page."""
    height = TOP + ROW * max(len(rows), 1) + LEGEND
    centre = LABEL_WIDTH + (WIDTH - LABEL_WIDTH - MIXED_WIDTH) / 2
    half = (WIDTH - LABEL_WIDTH - MIXED_WIDTH) / 2 - 28  # room for the count at each end
    largest = max([max(r.barriers, r.enablers) for r in rows] + [1])
    unit = half / largest
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    description = (
        "; ".join(r.summary() for r in rows) + "."
        if rows
        else "No enablers or barriers have been coded yet."
    )
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pa-chart" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="Arial, Helvetica, sans-serif">',
        f'<title id="{title_id}">Enablers and barriers by CFIR 2.0 domain</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<text x="{centre - 8:.0f}" y="18" text-anchor="end" font-size="13" fill="{INK}" '
        f'font-weight="bold">\u2190 Barriers</text>',
        f'<text x="{centre + 8:.0f}" y="18" font-size="13" fill="{INK}" '
        f'font-weight="bold">Enablers \u2192</text>',
        f'<text x="{WIDTH - 4}" y="18" text-anchor="end" font-size="13" fill="{INK}" '
        f'font-weight="bold">Mixed</text>',
    ]
    for i, row in enumerate(rows):
        y = TOP + i * ROW
        mid = y + BAR / 2 + 5
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{mid:.0f}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{escape(_shorten(row.domain, 24))}</text>'
        )
        # Barriers, right to left from the centre: the weaker next to the axis.
        x = centre
        for count, fill in ((row.barrier, BARRIER), (row.strong_barrier, STRONG_BARRIER)):
            if count:
                width = count * unit
                x -= width
                parts.append(_rect(x, y, width, fill))
        if row.barriers:
            parts.append(
                f'<text x="{x - 4:.1f}" y="{mid:.0f}" text-anchor="end" font-size="13" '
                f'fill="{INK}">{row.barriers}</text>'
            )
        x = centre
        for count, fill in ((row.enabler, ENABLER), (row.strong_enabler, STRONG_ENABLER)):
            if count:
                width = count * unit
                parts.append(_rect(x, y, width, fill))
                x += width
        if row.enablers:
            parts.append(
                f'<text x="{x + 4:.1f}" y="{mid:.0f}" font-size="13" fill="{INK}">'
                f"{row.enablers}</text>"
            )
        parts.append(
            f'<text x="{WIDTH - 4}" y="{mid:.0f}" text-anchor="end" font-size="13" '
            f'fill="{MIXED if row.mixed else AXIS}">{row.mixed}</text>'
        )
    bottom = TOP + ROW * max(len(rows), 1) - (ROW - BAR)
    parts.append(
        f'<line x1="{centre:.1f}" y1="{TOP - 6}" x2="{centre:.1f}" y2="{bottom + 6}" '
        f'stroke="{AXIS}" stroke-width="1"/>'
    )
    legend_y = bottom + 30
    x = 8.0
    for label, fill in (
        ("Strong barrier", STRONG_BARRIER),
        ("Barrier", BARRIER),
        ("Enabler", ENABLER),
        ("Strong enabler", STRONG_ENABLER),
    ):
        parts.append(
            f'<rect x="{x:.0f}" y="{legend_y - 11}" width="14" height="14" fill="{fill}"/>'
            f'<text x="{x + 19:.0f}" y="{legend_y}" font-size="12" fill="{INK}">{label}</text>'
        )
        x += 34 + len(label) * 6.4
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def _rect(x: float, y: float, width: float, fill: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" fill="{fill}" '
        f'stroke="#ffffff" stroke-width="1"/>'
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
