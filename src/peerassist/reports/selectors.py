"""Reads for the session report: everything about one peer assist in a fixed number of queries.

``report_build(assist_id)`` is the one entry point (pages, exports, the share-back e-mail and
the benchmarks call it). Related rows are fetched once per table and joined in Python, so the
number of queries does not grow with the number of notes, themes, votes or actions
(tests/reports/test_report_queries.py pins it).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Sum

from peerassist.analysis.models import (
    Action,
    AfterActionReview,
    AnalysisSettings,
    CfirConstruct,
    Determinant,
    NotePlacement,
    Theme,
    Vote,
)
from peerassist.assists.models import Note, Participant, PeerAssist
from peerassist.core.access import ensure_id
from peerassist.core.errors import NotFound
from peerassist.followup.models import ShareBack
from peerassist.projects.models import LearningNeed


@dataclass
class ReportData:
    """The raw material of one report; ``reports/presenters.py`` turns it into what is shown."""

    assist: PeerAssist
    learning_needs: list[LearningNeed]
    participants: list[Participant]
    notes: list[Note]  # live and visible: not deleted, not hidden
    hidden_note_count: int
    themes: list[Theme]
    theme_note_ids: dict[int, list[int]]  # theme id -> note ids in the theme's order
    theme_votes: dict[int, int]
    voting_closed: bool
    determinants: list[Determinant]
    actions: list[Action]
    aar: AfterActionReview | None
    share_backs: list[ShareBack] = field(default_factory=list)

    @property
    def participants_by_id(self) -> dict[int, Participant]:
        return {p.pk: p for p in self.participants}

    @property
    def ungrouped_note_ids(self) -> list[int]:
        placed = {nid for ids in self.theme_note_ids.values() for nid in ids}
        return [n.pk for n in self.notes if n.pk not in placed]


def report_build(assist_id: int) -> ReportData:
    """Everything the report shows about a peer assist. No access check: call one first."""
    assist_id = ensure_id(assist_id, "peer assist")
    assist = (
        PeerAssist.objects.select_related("project", "organisation", "bar")
        .filter(pk=assist_id)
        .first()
    )
    if assist is None:
        raise NotFound("No such peer assist.")
    return report_data(assist=assist)


def report_data(*, assist: PeerAssist) -> ReportData:
    """As ``report_build`` for a peer assist already fetched (with project, organisation, bar)."""
    learning_needs = (
        list(LearningNeed.objects.filter(bar_id=assist.bar_id)) if assist.bar_id else []
    )
    participants = list(
        Participant.objects.filter(assist=assist).select_related("user", "guest").order_by("id")
    )
    all_notes = list(Note.objects.filter(assist=assist, deleted_at__isnull=True))
    notes = [n for n in all_notes if not n.hidden]
    visible_ids = {n.pk for n in notes}

    themes = list(Theme.objects.filter(assist=assist))
    theme_note_ids: dict[int, list[int]] = defaultdict(list)
    for placement in NotePlacement.objects.filter(theme__assist=assist).order_by("order", "id"):
        if placement.note_id in visible_ids:
            theme_note_ids[placement.theme_id].append(placement.note_id)
    settings_row = AnalysisSettings.objects.filter(assist=assist).first()
    voting_closed = (
        settings_row is not None and settings_row.voting == AnalysisSettings.Voting.CLOSED
    )
    theme_votes: dict[int, int] = {}
    if voting_closed:
        theme_votes = {
            row["theme_id"]: row["total"] or 0
            for row in Vote.objects.filter(assist=assist)
            .values("theme_id")
            .annotate(total=Sum("dots"))
        }

    determinants = list(
        Determinant.objects.filter(assist=assist).prefetch_related(
            Prefetch("constructs", queryset=CfirConstruct.objects.order_by("order", "code")),
            Prefetch("evidence", queryset=Note.objects.only("id")),
        )
    )
    actions = list(
        Action.objects.filter(assist=assist).select_related("owner").order_by("due_date", "id")
    )
    aar = AfterActionReview.objects.filter(assist=assist).first()
    share_backs = list(ShareBack.objects.filter(assist=assist).order_by("round"))
    return ReportData(
        assist=assist,
        learning_needs=learning_needs,
        participants=participants,
        notes=notes,
        hidden_note_count=len(all_notes) - len(notes),
        themes=themes,
        theme_note_ids=dict(theme_note_ids),
        theme_votes=theme_votes,
        voting_closed=voting_closed,
        determinants=determinants,
        actions=actions,
        aar=aar,
        share_backs=share_backs,
    )
