"""Presenters: turn ``ReportData`` into what the report shows, so templates stay dumb.

The same ``SessionReport`` feeds the page, the PDF (same HTML), the Markdown, the CSV/XLSX
tables and the share-back e-mail. The content rules (docs/adr/0005-report-content.md):

- every live note is shown, grouped by learning need, and again under its theme (or under
  "Not in a theme"); notes the facilitator hid are left out and counted;
- a note written anonymously, or any note of a peer assist run in anonymous mode, never
  carries a name (nor its speaker's or note taker's); take-aways in anonymous mode neither;
- participants are listed by role (attendance is not attribution); people who declined are
  not listed;
- vote totals appear only once voting has closed (votes are hidden until then).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from peerassist.analysis.cfir import cfir_rows
from peerassist.analysis.models import Action, Determinant, Valence
from peerassist.assists.models import Note, Participant
from peerassist.assists.participants import ROLE_RANK
from peerassist.reports.chart import DomainCount, chart_svg
from peerassist.reports.selectors import ReportData

ANONYMOUS = "Anonymous"


@dataclass(frozen=True)
class NoteView:
    id: int
    ref: str  # "N12": the number people quote in the analysis and the actions
    text: str
    kind: str
    attribution: str
    learning_need: str
    theme: str


@dataclass(frozen=True)
class NoteSection:
    heading: str
    notes: list[NoteView]


@dataclass(frozen=True)
class PersonView:
    name: str
    organisation: str
    job_title: str


@dataclass(frozen=True)
class RoleGroup:
    role: str
    people: list[PersonView]


@dataclass(frozen=True)
class NeedView:
    ref: str
    question: str
    detail: str
    priority: str
    note_count: int


@dataclass(frozen=True)
class ThemeView:
    ref: str
    title: str
    summary: str
    votes: int | None  # None until voting closes
    rank: int | None
    notes: list[NoteView]


@dataclass(frozen=True)
class DeterminantView:
    ref: str
    subject: str
    valence: str
    score: int | None
    constructs: list[str]
    domains: list[str]
    description: str
    evidence: list[str]  # note refs


@dataclass(frozen=True)
class ActionView:
    id: int
    ref: str
    text: str
    owner: str
    due_date: date | None
    due: str
    priority: str
    status: str
    status_value: str
    source: str
    overdue: bool


@dataclass(frozen=True)
class TakeawayView:
    name: str
    text: str


@dataclass(frozen=True)
class ComparisonRow:
    question: str
    before: str
    after: str


@dataclass
class SessionReport:
    assist_id: int
    title: str
    project: str
    organisation: str
    date: str
    mode: str
    venue: str
    status: str
    anonymous: bool
    purpose: str
    open_decisions: list[str]
    deliverables: str
    learning_needs: list[NeedView]
    participants: list[RoleGroup]
    note_count: int
    hidden_note_count: int
    note_sections: list[NoteSection]
    themes: list[ThemeView]
    ungrouped: list[NoteView]
    voting_closed: bool
    determinants: list[DeterminantView]
    chart_rows: list[DomainCount]
    actions: list[ActionView]
    takeaways: list[TakeawayView]
    host_thanks: str
    action_list_due: str
    aar: list[ComparisonRow] = field(default_factory=list)
    shared_back: str = ""
    generated: str = ""

    @property
    def chart(self) -> SafeString:
        return chart_svg(self.chart_rows, id_prefix=f"cfir-chart-{self.assist_id}")

    @property
    def all_notes(self) -> list[NoteView]:
        return [n for section in self.note_sections for n in section.notes]


def words_date(value: date | None, empty: str = "Not set") -> str:
    return date_format(value, "j F Y") if value else empty


def report_present(data: ReportData) -> SessionReport:
    """The report as people read it (see the module docstring for the content rules)."""
    assist = data.assist
    people = data.participants_by_id
    needs = {n.pk: n for n in data.learning_needs}
    theme_of_note: dict[int, str] = {}
    theme_refs = {t.pk: f"T{i}" for i, t in enumerate(data.themes, start=1)}
    for theme in data.themes:
        for nid in data.theme_note_ids.get(theme.pk, []):
            theme_of_note[nid] = f"{theme_refs[theme.pk]} {theme.title}"

    note_views: dict[int, NoteView] = {}
    for number, note in enumerate(data.notes, start=1):
        need = needs.get(note.learning_need_id) if note.learning_need_id else None
        note_views[note.pk] = NoteView(
            id=note.pk,
            ref=f"N{number}",
            text=note.text,
            kind=note.get_kind_display(),
            attribution=note_attribution(note, people, anonymous_mode=assist.anonymous),
            learning_need=need.question if need else "",
            theme=theme_of_note.get(note.pk, ""),
        )

    # Notes by learning need, in the BAR's order, then those answering no (known) need.
    by_need: dict[int | None, list[NoteView]] = defaultdict(list)
    for note in data.notes:
        key = note.learning_need_id if note.learning_need_id in needs else None
        by_need[key].append(note_views[note.pk])
    sections = [
        NoteSection(heading=f"L{i}. {need.question}", notes=by_need[need.pk])
        for i, need in enumerate(data.learning_needs, start=1)
        if by_need.get(need.pk)
    ]
    if by_need.get(None):
        sections.append(NoteSection(heading="Not linked to a learning need", notes=by_need[None]))
    need_counts = Counter(n.learning_need_id for n in data.notes)

    ranks = _ranks(data.theme_votes) if data.voting_closed else {}
    themes = [
        ThemeView(
            ref=theme_refs[t.pk],
            title=t.title,
            summary=t.summary,
            votes=data.theme_votes.get(t.pk, 0) if data.voting_closed else None,
            rank=ranks.get(t.pk) if data.voting_closed else None,
            notes=[note_views[nid] for nid in data.theme_note_ids.get(t.pk, [])],
        )
        for t in data.themes
    ]
    if data.voting_closed:
        # Voted themes by rank; themes without a vote after them, in their own order.
        themes.sort(key=lambda t: (t.rank is None, t.rank or 0))

    determinant_refs = {d.pk: f"D{i}" for i, d in enumerate(data.determinants, start=1)}
    determinants = [
        _determinant_view(d, determinant_refs[d.pk], note_views, theme_refs, data)
        for d in data.determinants
    ]
    actions = [
        _action_view(a, i, note_views, theme_refs, determinant_refs, data)
        for i, a in enumerate(data.actions, start=1)
    ]
    takeaways = [
        TakeawayView(
            name=ANONYMOUS if assist.anonymous else p.display_name,
            text=p.takeaway,
        )
        for p in data.participants
        if p.takeaway.strip()
    ]
    aar_rows: list[ComparisonRow] = []
    if data.aar is not None:
        bar = data.aar.bar or assist.bar
        aar_rows = [
            ComparisonRow(
                "What was supposed to happen?",
                bar.intended_results if bar else "",
                data.aar.supposed_to_happen,
            ),
            ComparisonRow("What actually happened?", "", data.aar.actually_happened),
            ComparisonRow("Why was there a difference?", "", data.aar.why_different),
            ComparisonRow("What do we learn from it?", "", data.aar.what_we_learn),
        ]
    last_share = data.share_backs[-1] if data.share_backs else None
    return SessionReport(
        assist_id=assist.pk,
        title=assist.title,
        project=assist.project.title,
        organisation=assist.organisation.name,
        date=words_date(assist.date),
        mode=assist.get_mode_display(),
        venue=assist.venue,
        status=assist.get_status_display(),
        anonymous=assist.anonymous,
        purpose=assist.purpose,
        open_decisions=[
            line.strip() for line in assist.open_decisions.splitlines() if line.strip()
        ],
        deliverables=assist.deliverables,
        learning_needs=[
            NeedView(
                ref=f"L{i}",
                question=n.question,
                detail=n.detail,
                priority=n.get_priority_display(),
                note_count=need_counts.get(n.pk, 0),
            )
            for i, n in enumerate(data.learning_needs, start=1)
        ],
        participants=_role_groups(data.participants),
        note_count=len(data.notes),
        hidden_note_count=data.hidden_note_count,
        note_sections=sections,
        themes=themes,
        ungrouped=[note_views[nid] for nid in data.ungrouped_note_ids],
        voting_closed=data.voting_closed,
        determinants=determinants,
        chart_rows=domain_counts(data.determinants),
        actions=actions,
        takeaways=takeaways,
        host_thanks=assist.host_thanks,
        action_list_due=words_date(assist.action_list_due, "No date promised"),
        aar=aar_rows,
        shared_back=(
            f"Shared back with the visitors on "
            f"{date_format(timezone.localtime(last_share.created_at), 'j F Y')}"
            if last_share
            else ""
        ),
        generated=date_format(timezone.localtime(), "j F Y, H:i"),
    )


def note_attribution(note: Note, people: dict[int, Participant], *, anonymous_mode: bool) -> str:
    """Who said it, unless the note or the session is anonymous."""
    if anonymous_mode or note.anonymous:
        return ANONYMOUS
    speaker = people.get(note.spoken_by_id) if note.spoken_by_id else None
    author = people.get(note.author_id)
    who = speaker or author
    name = who.display_name if who is not None else ""
    taker = people.get(note.captured_by_id) if note.captured_by_id else None
    if taker is not None and taker.display_name != name:
        return f"{name} (noted by {taker.display_name})"
    return name


def domain_counts(determinants: list[Determinant]) -> list[DomainCount]:
    """Determinants per CFIR domain, by valence; one determinant counts once per domain.

    Standard domains always appear, in CFIR order; an organisation's own domain names
    follow. Neutral (0) determinants are not counted as either.
    """
    order = list(dict.fromkeys(row.domain for row in cfir_rows()))
    tallies: dict[str, Counter[str]] = {domain: Counter() for domain in order}
    for determinant in determinants:
        for domain in dict.fromkeys(c.domain for c in determinant.constructs.all()):
            tallies.setdefault(domain, Counter())[determinant.valence] += 1
    return [
        DomainCount(
            domain=domain,
            strong_barrier=t[Valence.STRONG_BARRIER],
            barrier=t[Valence.BARRIER],
            mixed=t[Valence.MIXED],
            enabler=t[Valence.ENABLER],
            strong_enabler=t[Valence.STRONG_ENABLER],
        )
        for domain, t in tallies.items()
    ]


def _ranks(votes: dict[int, int]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) by votes, most first; a theme without votes has no
    rank (it is not last-equal with every other unvoted theme, it was not chosen)."""
    ranked: dict[int, int] = {}
    ordered = sorted(((t, n) for t, n in votes.items() if n > 0), key=lambda kv: -kv[1])
    for position, (theme_id, total) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        ranked[theme_id] = ranked[previous[0]] if previous and previous[1] == total else position
    return ranked


def _role_groups(participants: list[Participant]) -> list[RoleGroup]:
    """People by role, in the house's one role order (``assists.permissions.ROLE_RANK``)."""
    grouped: dict[str, list[PersonView]] = defaultdict(list)
    for p in participants:
        if p.rsvp == Participant.Rsvp.DECLINED:
            continue
        grouped[p.role].append(PersonView(p.display_name, p.organisation_name, p.job_title))
    labels = dict(Participant.Role.choices)
    return [
        RoleGroup(role=labels[role], people=grouped[role]) for role in ROLE_RANK if grouped[role]
    ]


def _determinant_view(
    d: Determinant,
    ref: str,
    notes: dict[int, NoteView],
    theme_refs: dict[int, str],
    data: ReportData,
) -> DeterminantView:
    constructs = list(d.constructs.all())
    return DeterminantView(
        ref=ref,
        subject=_subject(d.theme_id, d.note_id, notes, theme_refs, data),
        valence=d.get_valence_display(),
        score=d.score,
        constructs=[f"{c.code} {c.name}" for c in constructs],
        domains=list(dict.fromkeys(c.domain for c in constructs)),
        description=d.description,
        evidence=[notes[n.pk].ref for n in d.evidence.all() if n.pk in notes],
    )


def _action_view(
    a: Action,
    number: int,
    notes: dict[int, NoteView],
    theme_refs: dict[int, str],
    determinant_refs: dict[int, str],
    data: ReportData,
) -> ActionView:
    source = _subject(a.theme_id, a.note_id, notes, theme_refs, data)
    if a.determinant_id and a.determinant_id in determinant_refs:
        source = f"Enabler or barrier {determinant_refs[a.determinant_id]}"
    today = timezone.localdate()
    return ActionView(
        id=a.pk,
        ref=f"A{number}",
        text=a.text,
        owner=(a.owner.full_name if a.owner else "No owner yet"),
        due_date=a.due_date,
        due=words_date(a.due_date, "No due date"),
        priority=a.get_priority_display(),
        status=a.get_status_display(),
        status_value=a.status,
        source=source,
        overdue=bool(a.due_date and a.due_date < today and a.is_open),
    )


def _subject(
    theme_id: int | None,
    note_id: int | None,
    notes: dict[int, NoteView],
    theme_refs: dict[int, str],
    data: ReportData,
) -> str:
    if theme_id and theme_id in theme_refs:
        title = next(t.title for t in data.themes if t.pk == theme_id)
        return f"Theme {theme_refs[theme_id]}: {title}"
    if note_id and note_id in notes:
        return f"Note {notes[note_id].ref}"
    return "Written directly"
