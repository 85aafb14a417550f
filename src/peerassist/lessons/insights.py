"""Insights: enablers and barriers across projects, from approved lessons the actor may see.

Counts come from ``lessons_visible`` (approved lessons only), so a lesson hidden from somebody
never shapes the numbers they see. Actions that followed a barrier come from the actor's own
organisations' determinants only (actions never leave their organisation).
Codes from analysis count too: in an organisation's own view, every enabler or barrier its
host teams coded (``Determinant``) adds to the domain, construct and barrier counts, unless
it was published as a lesson that is now approved (then the lesson counts, once).
Determinants never leave their organisation, so the shared view counts lessons only.
Charts are SVG drawn here, with a title and description, beside tables of the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from peerassist.accounts.actors import Actor, actor_organisation_ids
from peerassist.analysis.models import Action, CfirConstruct, Determinant, Valence
from peerassist.lessons.models import Lesson
from peerassist.lessons.visibility import lessons_visible

VALENCES = (
    (Lesson.Valence.ENABLER, "Enablers"),
    (Lesson.Valence.BARRIER, "Barriers"),
    (Lesson.Valence.MIXED, "Mixed"),
)
DOMAIN_ORDER = [
    "Innovation",
    "Outer Setting",
    "Inner Setting",
    "Individuals",
    "Implementation Process",
]
TOP_BARRIERS = 8


@dataclass
class Row:
    label: str
    enabler: int = 0
    barrier: int = 0
    mixed: int = 0
    code: str = ""

    @property
    def total(self) -> int:
        return self.enabler + self.barrier + self.mixed


@dataclass
class Barrier:
    code: str
    name: str
    count: int
    recommendations: list[tuple[int, str, str]] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Insights:
    lesson_count: int
    domains: list[Row]
    constructs: list[Row]
    barriers: list[Barrier]
    quarters: list[Row]
    uncoded: int
    determinant_count: int = 0


def _valence_key(valence: str) -> str:
    """A determinant's valence (-2 … +2, mixed) as the lesson valence it counts under."""
    if valence in (Valence.ENABLER, Valence.STRONG_ENABLER):
        return Lesson.Valence.ENABLER
    if valence in (Valence.BARRIER, Valence.STRONG_BARRIER):
        return Lesson.Valence.BARRIER
    return Lesson.Valence.MIXED


def _determinants(actor: Actor | None, scope: str, organisation_id: int | None) -> Any:
    """The organisation's coded enablers and barriers not already counted as a lesson."""
    if scope == "shared" or organisation_id is None:
        return Determinant.objects.none()
    if organisation_id not in actor_organisation_ids(actor):
        return Determinant.objects.none()
    published = Lesson.objects.filter(
        organisation_id=organisation_id, status=Lesson.Status.APPROVED
    )
    from_determinants = published.filter(source_kind=Lesson.Source.DETERMINANT).values("source_id")
    from_themes = published.filter(source_kind=Lesson.Source.THEME).values("source_id")
    return (
        Determinant.objects.filter(project__organisation_id=organisation_id)
        .exclude(pk__in=from_determinants)
        .exclude(theme_id__in=from_themes)
    )


def _scope(actor: Actor | None, scope: str, organisation_id: int | None) -> Any:
    qs = lessons_visible(actor).filter(status=Lesson.Status.APPROVED)
    if scope == "shared":
        return qs.filter(visibility__in=[Lesson.Visibility.SHARED, Lesson.Visibility.PUBLIC])
    if organisation_id is None:
        return qs.none()
    return qs.filter(organisation_id=organisation_id)


def insights_for(actor: Actor | None, *, scope: str, organisation_id: int | None) -> Insights:
    """Counts by CFIR domain, construct, quarter, and the most common barriers."""
    lessons = _scope(actor, scope, organisation_id)
    lesson_ids = lessons.values("pk")
    through = Lesson.constructs.through.objects.filter(lesson_id__in=lesson_ids)

    domains: dict[str, Row] = {d: Row(d) for d in DOMAIN_ORDER}
    for item in (
        through.values("cfirconstruct__domain", "lesson__valence")
        .annotate(n=Count("lesson_id", distinct=True))
        .order_by()
    ):
        row = domains.setdefault(item["cfirconstruct__domain"], Row(item["cfirconstruct__domain"]))
        setattr(row, item["lesson__valence"], item["n"])

    determinants = _determinants(actor, scope, organisation_id)
    coded = Determinant.constructs.through.objects.filter(
        determinant_id__in=determinants.values("pk")
    )
    for code_item in (
        coded.values("cfirconstruct__domain", "determinant__valence")
        .annotate(n=Count("determinant_id", distinct=True))
        .order_by()
    ):
        domain = code_item["cfirconstruct__domain"]
        row = domains.setdefault(domain, Row(domain))
        key = _valence_key(code_item["determinant__valence"])
        setattr(row, key, getattr(row, key) + code_item["n"])

    constructs: dict[int, Row] = {}
    for entry in (
        through.values(
            "cfirconstruct_id",
            "cfirconstruct__code",
            "cfirconstruct__name",
            "cfirconstruct__order",
            "lesson__valence",
        )
        .annotate(n=Count("lesson_id", distinct=True))
        .order_by("cfirconstruct__order")
    ):
        row = constructs.setdefault(
            entry["cfirconstruct_id"],
            Row(
                f"{entry['cfirconstruct__code']} {entry['cfirconstruct__name']}",
                code=entry["cfirconstruct__code"],
            ),
        )
        setattr(row, entry["lesson__valence"], entry["n"])
    for code_entry in (
        coded.values(
            "cfirconstruct_id",
            "cfirconstruct__code",
            "cfirconstruct__name",
            "determinant__valence",
        )
        .annotate(n=Count("determinant_id", distinct=True))
        .order_by("cfirconstruct__order")
    ):
        row = constructs.setdefault(
            code_entry["cfirconstruct_id"],
            Row(
                f"{code_entry['cfirconstruct__code']} {code_entry['cfirconstruct__name']}",
                code=code_entry["cfirconstruct__code"],
            ),
        )
        key = _valence_key(code_entry["determinant__valence"])
        setattr(row, key, getattr(row, key) + code_entry["n"])

    quarters: dict[str, Row] = {}
    for published in lessons.exclude(published_at__isnull=True).values_list(
        "published_at", "valence"
    ):
        when, valence = published
        key = f"{when.year} Q{(when.month - 1) // 3 + 1}"
        row = quarters.setdefault(key, Row(key))
        setattr(row, valence, getattr(row, valence) + 1)

    barrier_rows = sorted(
        (r for r in constructs.values() if r.barrier),
        key=lambda r: (-r.barrier, r.code),
    )[:TOP_BARRIERS]
    barriers = _barrier_details(actor, lessons, barrier_rows, scope, organisation_id)

    return Insights(
        lesson_count=lessons.count(),
        domains=[r for r in domains.values()],
        constructs=sorted(constructs.values(), key=lambda r: (-r.total, r.code)),
        barriers=barriers,
        quarters=[quarters[k] for k in sorted(quarters)],
        uncoded=lessons.filter(constructs__isnull=True).count(),
        determinant_count=determinants.count(),
    )


def _barrier_details(
    actor: Actor | None,
    lessons: Any,
    rows: list[Row],
    scope: str,
    organisation_id: int | None,
) -> list[Barrier]:
    codes = [r.code for r in rows]
    if not codes:
        return []
    by_code: dict[str, Barrier] = {
        r.code: Barrier(r.code, r.label.split(" ", 1)[1], r.barrier) for r in rows
    }
    # What teams recommended after meeting the barrier (visible lessons only).
    recs = (
        Lesson.constructs.through.objects.filter(
            lesson_id__in=lessons.filter(valence=Lesson.Valence.BARRIER).values("pk"),
            cfirconstruct__code__in=codes,
        )
        .exclude(lesson__recommendation="")
        .values_list("cfirconstruct__code", "lesson_id", "lesson__title", "lesson__recommendation")
        .order_by("-lesson__published_at")
    )
    for code, lesson_id, title, recommendation in recs:
        barrier = by_code[code]
        if len(barrier.recommendations) < 3:
            barrier.recommendations.append((lesson_id, title, recommendation))
    # Actions from determinants coded as barriers with the same construct, own organisations.
    org_ids = actor_organisation_ids(actor)
    if scope != "shared" and organisation_id is not None:
        org_ids = org_ids & {organisation_id}
    if org_ids:
        construct_ids = CfirConstruct.objects.filter(code__in=codes).values("pk")
        actions = (
            Action.objects.filter(
                project__organisation_id__in=org_ids,
                determinant__valence__in=["-1", "-2"],
                determinant__constructs__in=construct_ids,
            )
            .values_list("determinant__constructs__code", "text", "status")
            .distinct()
            .order_by("-created_at")[:200]
        )
        for code, text, status in actions:
            followed = by_code.get(code)
            if followed is not None and len(followed.actions) < 3:
                followed.actions.append((text, Action.Status(status).label))
    return list(by_code.values())


def insights_rows(data: Insights) -> tuple[list[str], list[list[Any]]]:
    """The dashboard's numbers as one table for the CSV export."""
    header = ["section", "label", "enablers", "barriers", "mixed", "total"]
    rows: list[list[Any]] = []
    for section, items in (
        ("CFIR domain", data.domains),
        ("CFIR construct", data.constructs),
        ("Quarter", data.quarters),
    ):
        for r in items:
            rows.append([section, r.label, r.enabler, r.barrier, r.mixed, r.total])
    return header, rows


# --- SVG charts ---------------------------------------------------------------------------

COLOURS = {"enabler": "#007f3b", "barrier": "#d5281b", "mixed": "#330072"}
BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 230
CHART_WIDTH = 640


def _svg_stacked(chart_id: str, title: str, desc: str, rows: list[Row]) -> SafeString:
    """A horizontal stacked bar chart; every bar also carries its numbers as text."""
    top = 30
    height = top + len(rows) * (BAR_HEIGHT + GAP) + 10
    biggest = max((r.total for r in rows), default=0) or 1
    scale = (CHART_WIDTH - LABEL_WIDTH - 60) / biggest
    parts = [
        f'<svg class="pa-lesson-chart" viewBox="0 0 {CHART_WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    x = float(LABEL_WIDTH)
    for key, label in VALENCES:
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{COLOURS[key]}"></rect>'
            f'<text x="{x + 16}" y="15" font-size="12">{escape(label)}</text>'
        )
        x += 110
    for index, row in enumerate(rows):
        y = top + index * (BAR_HEIGHT + GAP)
        label = row.label if len(row.label) <= 34 else row.label[:33] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" font-size="13" '
            f'text-anchor="end">{escape(label)}</text>'
        )
        x = float(LABEL_WIDTH)
        for key, _ in VALENCES:
            value = getattr(row, key)
            if value:
                width = value * scale
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                    f'fill="{COLOURS[key]}"></rect>'
                )
                x += width
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + 15}" font-size="12">'
            f"{row.enabler}/{row.barrier}/{row.mixed}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part is escaped above


def insights_charts(data: Insights) -> dict[str, SafeString]:
    def words(rows: list[Row]) -> str:
        return "; ".join(
            f"{r.label}: {r.enabler} enablers, {r.barrier} barriers, {r.mixed} mixed" for r in rows
        )

    return {
        "domains": _svg_stacked(
            "chart-domains",
            "Enablers and barriers by CFIR domain",
            words(data.domains) or "No coded lessons yet.",
            data.domains,
        ),
        "constructs": _svg_stacked(
            "chart-constructs",
            "Most coded CFIR constructs",
            words(data.constructs[:12]) or "No coded lessons yet.",
            data.constructs[:12],
        ),
        "quarters": _svg_stacked(
            "chart-quarters",
            "Lessons published by quarter",
            words(data.quarters) or "No lessons published yet.",
            data.quarters,
        ),
    }
