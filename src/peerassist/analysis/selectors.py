"""Reads of a peer assist's analysis, each in a fixed number of queries however many notes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, Sum

from peerassist.analysis.access import AnalysisAccess
from peerassist.analysis.models import (
    Action,
    AnalysisSettings,
    CfirConstruct,
    Determinant,
    NotePlacement,
    Theme,
    ThemeSuggestion,
    Vote,
)
from peerassist.assists.models import Note


@dataclass
class ThemeView:
    theme: Theme
    notes: list[Note] = field(default_factory=list)
    my_dots: int = 0
    total_dots: int | None = None  # None while votes are hidden
    rank: int | None = None


@dataclass
class SuggestionView:
    suggestion: ThemeSuggestion
    notes: list[Note]
    duplicates: list[tuple[Note, Note]]
    # What the person sent with a decision the page refused: the notes they had unticked
    # and the title they had typed, shown again as they left them.
    unticked: frozenset[int] = frozenset()
    typed_title: str | None = None

    @property
    def title_shown(self) -> str:
        """The title in the box: as typed before a refused decision, else the suggested one."""
        return self.suggestion.title if self.typed_title is None else self.typed_title

    @property
    def is_add(self) -> bool:
        """Notes to add to a theme the team started (rather than a new theme)."""
        return self.suggestion.kind == ThemeSuggestion.Kind.ADD

    @property
    def theme_gone(self) -> bool:
        """An "add" suggestion whose theme was deleted since: it can only be dismissed."""
        return self.is_add and self.suggestion.theme_id is None

    @property
    def theme_title(self) -> str:
        """The started theme's title as it is now (renamed since, or deleted)."""
        theme = self.suggestion.theme
        return theme.title if self.is_add and theme is not None else self.suggestion.title


@dataclass
class VotingView:
    settings: AnalysisSettings
    used: int = 0

    @property
    def left(self) -> int:
        return max(0, self.settings.vote_budget - self.used)

    @property
    def is_open(self) -> bool:
        return self.settings.voting == AnalysisSettings.Voting.OPEN

    @property
    def is_closed(self) -> bool:
        return self.settings.voting == AnalysisSettings.Voting.CLOSED


@dataclass
class AnalysisState:
    themes: list[ThemeView]
    ungrouped: list[Note]
    suggestions: list[SuggestionView]
    voting: VotingView
    determinants: list[Determinant]
    actions: list[Action]

    @property
    def note_count(self) -> int:
        return len(self.ungrouped) + sum(len(t.notes) for t in self.themes)

    @property
    def ranked_themes(self) -> list[ThemeView]:
        if not self.voting.is_closed:
            return self.themes
        # Themes without dots have no rank and come after the ranked ones.
        return sorted(self.themes, key=lambda t: (t.rank is None, t.rank or 0, t.theme.order))


def analysis_notes(assist_id: int) -> list[Note]:
    """Every note still on the board (not deleted, not hidden), oldest first."""
    return list(
        Note.objects.filter(assist_id=assist_id, deleted_at__isnull=True, hidden=False)
        .select_related("learning_need", "placement")
        .order_by("created_at", "id")
    )


def analysis_state(access: AnalysisAccess) -> AnalysisState:
    """Themes with their notes, the ungrouped notes, suggestions, voting, codes and actions.

    Vote totals are included only once voting has closed; before that a voter sees only
    their own dots.
    """
    assist = access.assist
    notes = analysis_notes(assist.pk)
    by_id = {note.pk: note for note in notes}
    themes = [ThemeView(theme=t) for t in Theme.objects.filter(assist=assist)]
    views = {view.theme.pk: view for view in themes}
    ungrouped: list[Note] = []
    grouped: dict[int, list[tuple[int, int, Note]]] = defaultdict(list)
    for note in notes:
        placement: NotePlacement | None = getattr(note, "placement", None)
        if placement is None or placement.theme_id not in views:
            ungrouped.append(note)
        else:
            grouped[placement.theme_id].append((placement.order, placement.pk, note))
    for theme_id, rows in grouped.items():
        views[theme_id].notes = [note for _, _, note in sorted(rows, key=lambda r: r[:2])]

    # Unsaved defaults until the facilitator first changes something: reads never write.
    settings = AnalysisSettings.objects.filter(assist=assist).first() or AnalysisSettings(
        assist=assist
    )
    voting = VotingView(settings=settings)
    if access.participant is not None:
        for theme_id, dots in Vote.objects.filter(
            assist=assist, voter=access.participant
        ).values_list("theme_id", "dots"):
            if theme_id in views:
                views[theme_id].my_dots = dots
                voting.used += dots
    if voting.is_closed:
        totals = dict(
            Vote.objects.filter(assist=assist)
            .values("theme_id")
            .annotate(total=Sum("dots"))
            .values_list("theme_id", "total")
        )
        for view in themes:
            view.total_dots = int(totals.get(view.theme.pk, 0))
        voted = [view for view in themes if view.total_dots]
        for rank, view in enumerate(
            sorted(voted, key=lambda v: (-(v.total_dots or 0), v.theme.order)), start=1
        ):
            view.rank = rank

    suggestions = []
    for suggestion in ThemeSuggestion.objects.filter(
        assist=assist, status=ThemeSuggestion.Status.PENDING
    ).select_related("theme"):
        members = [
            by_id[i]
            for i in suggestion.note_ids
            if i in by_id and getattr(by_id[i], "placement", None) is None
        ]
        if len(members) < 1:
            continue
        pairs = [
            (by_id[a], by_id[b]) for a, b in suggestion.duplicates if a in by_id and b in by_id
        ]
        suggestions.append(SuggestionView(suggestion=suggestion, notes=members, duplicates=pairs))

    determinants = list(
        Determinant.objects.filter(assist=assist)
        .select_related("theme", "note")
        .prefetch_related(Prefetch("constructs", queryset=CfirConstruct.objects.order_by("order")))
    )
    actions = list(
        Action.objects.filter(assist=assist)
        .select_related("owner", "theme", "note", "determinant")
        .order_by("due_date", "id")
    )
    return AnalysisState(
        themes=themes,
        ungrouped=ungrouped,
        suggestions=suggestions,
        voting=voting,
        determinants=determinants,
        actions=actions,
    )


@dataclass
class ConstructDomain:
    name: str
    constructs: list[tuple[CfirConstruct, list[CfirConstruct]]]


def construct_tree(organisation_id: int) -> list[ConstructDomain]:
    """Domain → construct → subconstructs: the CFIR 2.0 list plus the organisation's own."""
    rows = list(
        CfirConstruct.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=organisation_id)
        ).order_by("order", "code")
    )
    children: dict[int, list[CfirConstruct]] = defaultdict(list)
    for row in rows:
        if row.parent_id is not None:
            children[row.parent_id].append(row)
    domains: dict[str, ConstructDomain] = {}
    for row in rows:
        if row.parent_id is not None:
            continue
        domain = domains.setdefault(row.domain, ConstructDomain(name=row.domain, constructs=[]))
        domain.constructs.append((row, children.get(row.pk, [])))
    return list(domains.values())
