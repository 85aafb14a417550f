"""Writes of the host team's analysis: themes, note placements, suggestions, dot votes,
enablers and barriers, and actions.

Each service takes the ``AnalysisAccess`` its caller got from ``analysis.access`` (so the
actor's rights were checked once, at the door) and checks the right it needs again here,
inside the transaction. A change other viewers see locks the peer assist row, bumps
``PeerAssist.version`` and queues an event with ``broadcast_on_commit``; a rolled-back write
sends nothing. Votes are the exception: they stay hidden until voting closes, so casting one
is neither versioned nor broadcast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import User
from peerassist.analysis.access import (
    HOST_TEAM_ROLES,
    AnalysisAccess,
    ensure_can_edit,
    ensure_can_vote,
    ensure_facilitator,
    ensure_knowledge_manager,
)
from peerassist.analysis.models import (
    Action,
    AnalysisSettings,
    CfirConstruct,
    Determinant,
    NotePlacement,
    Theme,
    ThemeSuggestion,
    Valence,
    Vote,
)
from peerassist.assists.live import events
from peerassist.assists.models import Note, Participant, PeerAssist
from peerassist.assists.versions import version_take
from peerassist.core.access import MAX_ID
from peerassist.core.errors import Conflict, Forbidden, Invalid, NotFound
from peerassist.projects.models import ProjectMember

SUGGEST_MAX_NOTES = 1000
DESCRIPTION_MAX = 2000


# --- shared steps -----------------------------------------------------------------------------


def _lock(assist: PeerAssist) -> PeerAssist:
    """Lock the peer assist row (PostgreSQL; SQLite serialises writers) and refresh the
    fields analysis depends on, on the caller's own instance so it sees the new version."""
    locked = PeerAssist.objects.select_for_update().only("version", "status").get(pk=assist.pk)
    assist.version = locked.version
    assist.status = locked.status
    return assist


def _emit(assist: PeerAssist, event: events.AnalysisEvent) -> None:
    events.emit(assist.pk, event)


def _theme(theme: Theme) -> events.ThemeWire:
    return events.ThemeWire(**theme_wire(theme))


def _clean_text(value: object, *, what: str, limit: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid(f"The {what} must be text.", code="invalid")
    # NUL goes, as in notes: PostgreSQL cannot store it, and SQLite would keep it.
    text = value.replace("\x00", "").strip()
    if required and not text:
        raise Invalid(f"Enter the {what}.", code="invalid")
    if len(text) > limit:
        raise Invalid(
            f"The {what} is {len(text):,} characters long; keep it to {limit:,}.", code="too_long"
        )
    return text


def _ids(values: object, *, what: str) -> list[int]:
    if not isinstance(values, list | tuple):
        raise Invalid(f"Give the {what} as a list of ids.", code="invalid")
    ids: list[int] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise Invalid(f"Each of the {what} must be an id.", code="invalid")
        try:
            number = int(value)
        except ValueError:
            raise Invalid(f"Each of the {what} must be an id.", code="invalid") from None
        if not 0 < number <= MAX_ID:  # the database cannot even look up a larger one
            raise Invalid(f"Each of the {what} must be an id.", code="invalid")
        if number not in ids:
            ids.append(number)
    return ids


def _live_notes(assist: PeerAssist, note_ids: Sequence[int]) -> list[Note]:
    """The notes of this peer assist with these ids; unknown or deleted ones are refused."""
    notes = list(Note.objects.filter(assist=assist, pk__in=note_ids, deleted_at__isnull=True))
    if len(notes) != len(set(note_ids)):
        raise NotFound("One or more of those notes are not in this peer assist.")
    by_id = {note.pk: note for note in notes}
    return [by_id[i] for i in note_ids]


def theme_wire(theme: Theme) -> dict[str, Any]:
    return {
        "id": theme.pk,
        "title": theme.title,
        "summary": theme.summary,
        "order": theme.order,
        "version": theme.version,
    }


# --- themes -----------------------------------------------------------------------------------


def _next_theme_order(assist: PeerAssist) -> int:
    highest = Theme.objects.filter(assist=assist).aggregate(m=Max("order"))["m"]
    return 0 if highest is None else int(highest) + 1


def _place(
    assist: PeerAssist, notes: Iterable[Note], theme: Theme | None, by: Participant | None
) -> list[int]:
    """Put notes into ``theme`` (or back to ungrouped); returns the ids that moved."""
    moved: list[int] = []
    notes = list(notes)
    current = {p.note_id: p for p in NotePlacement.objects.filter(note__in=[n.pk for n in notes])}
    next_order = 0
    if theme is not None:
        highest = NotePlacement.objects.filter(theme=theme).aggregate(m=Max("order"))["m"]
        next_order = 0 if highest is None else int(highest) + 1
    for note in notes:
        placement = current.get(note.pk)
        if theme is None:
            if placement is not None:
                placement.delete()
                moved.append(note.pk)
            continue
        if placement is not None and placement.theme_id == theme.pk:
            continue
        if placement is None:
            NotePlacement.objects.create(note=note, theme=theme, order=next_order, placed_by=by)
        else:
            placement.theme = theme
            placement.order = next_order
            placement.placed_by = by
            placement.save(update_fields=["theme", "order", "placed_by", "placed_at"])
        next_order += 1
        moved.append(note.pk)
    return moved


def _emit_placed(assist: PeerAssist, note_ids: list[int], theme: Theme | None) -> None:
    if not note_ids:
        return
    version = version_take(assist)
    theme_id = theme.pk if theme is not None else None
    _emit(assist, events.NotePlaced(version=version, note_ids=note_ids, theme_id=theme_id))


def _ensure_not_voting(assist: PeerAssist, what: str) -> None:
    settings = AnalysisSettings.objects.filter(assist=assist).first()
    if settings is not None and settings.voting == AnalysisSettings.Voting.OPEN:
        raise Conflict(
            f"Voting is open: close it before you {what}, so nobody's dots are lost.",
            code="voting_open",
        )


@transaction.atomic
def theme_create(
    *, access: AnalysisAccess, title: object, note_ids: Sequence[int | str] = ()
) -> Theme:
    """A new theme at the end of the list, optionally with notes moved into it."""
    ensure_can_edit(access)
    title = _clean_text(title, what="theme title", limit=Theme.MAX_TITLE)
    assist = _lock(access.assist)
    notes = _live_notes(assist, _ids(list(note_ids), what="notes"))
    theme = Theme.objects.create(
        assist=assist, title=title, order=_next_theme_order(assist), created_by=access.participant
    )
    theme.version = version_take(assist)
    theme.save(update_fields=["version"])
    _emit(assist, events.ThemeCreated(version=theme.version, theme=_theme(theme)))
    _emit_placed(assist, _place(assist, notes, theme, access.participant), theme)
    return theme


@transaction.atomic
def theme_update(
    *, access: AnalysisAccess, theme: Theme, title: object = None, summary: object = None
) -> Theme:
    """Rename a theme or change its summary."""
    ensure_can_edit(access)
    assist = _lock(access.assist)
    fields = []
    if title is not None:
        theme.title = _clean_text(title, what="theme title", limit=Theme.MAX_TITLE)
        fields.append("title")
    if summary is not None:
        theme.summary = _clean_text(
            summary, what="theme summary", limit=DESCRIPTION_MAX, required=False
        )
        fields.append("summary")
    if not fields:
        return theme
    theme.version = version_take(assist)
    theme.save(update_fields=[*fields, "version", "updated_at"])
    _emit(assist, events.ThemeUpdated(version=theme.version, theme=_theme(theme)))
    return theme


@transaction.atomic
def theme_delete(*, access: AnalysisAccess, theme: Theme) -> int:
    """Delete a theme; its notes go back to "ungrouped". Returns the new version."""
    ensure_can_edit(access)
    assist = _lock(access.assist)
    _ensure_not_voting(assist, "delete a theme")
    note_ids = list(theme.placements.values_list("note_id", flat=True))
    theme_id = theme.pk
    theme.delete()
    version = version_take(assist)
    _emit(assist, events.ThemeDeleted(version=version, theme_id=theme_id, note_ids=note_ids))
    return version


@transaction.atomic
def theme_merge(*, access: AnalysisAccess, source: Theme, target: Theme) -> Theme:
    """Move every note of ``source`` into ``target`` and delete ``source``; votes add up."""
    ensure_can_edit(access)
    if source.pk == target.pk:
        raise Invalid("Choose two different themes to merge.", code="same_theme")
    assist = _lock(access.assist)
    _ensure_not_voting(assist, "merge themes")
    notes = [p.note for p in source.placements.select_related("note")]
    moved = _place(assist, notes, target, access.participant)
    for vote in Vote.objects.filter(theme=source):
        existing = Vote.objects.filter(theme=target, voter_id=vote.voter_id).first()
        if existing is None:
            vote.theme = target
            vote.save(update_fields=["theme", "updated_at"])
        else:
            existing.dots += vote.dots
            existing.save(update_fields=["dots", "updated_at"])
    source_id = source.pk
    source.delete()
    version = version_take(assist)
    _emit(assist, events.ThemeDeleted(version=version, theme_id=source_id, note_ids=[]))
    _emit_placed(assist, moved, target)
    return target


@transaction.atomic
def theme_split(
    *, access: AnalysisAccess, theme: Theme, note_ids: Sequence[int | str], title: object
) -> Theme:
    """Move the chosen notes of ``theme`` into a new theme at the end of the list."""
    ensure_can_edit(access)
    ids = _ids(list(note_ids), what="notes")
    if not ids:
        raise Invalid("Choose the notes to move into the new theme.", code="no_notes")
    inside = set(theme.placements.values_list("note_id", flat=True))
    if not set(ids) <= inside:
        raise Invalid("Choose only notes that are in this theme.", code="not_in_theme")
    return theme_create(access=access, title=title, note_ids=ids)


@transaction.atomic
def theme_reorder(*, access: AnalysisAccess, theme_ids: Sequence[int | str]) -> list[Theme]:
    """Put the themes in the given order (every theme of the peer assist, once)."""
    ensure_can_edit(access)
    assist = _lock(access.assist)
    ids = _ids(list(theme_ids), what="themes")
    themes = {t.pk: t for t in Theme.objects.filter(assist=assist)}
    if sorted(ids) != sorted(themes):
        raise Invalid("List every theme of this peer assist exactly once.", code="bad_order")
    version = version_take(assist)
    ordered = []
    for order, pk in enumerate(ids):
        theme = themes[pk]
        if theme.order != order:
            theme.order = order
            theme.version = version
            theme.save(update_fields=["order", "version", "updated_at"])
        ordered.append(theme)
    for theme in ordered:
        _emit(assist, events.ThemeUpdated(version=version, theme=_theme(theme)))
    return ordered


def theme_move(*, access: AnalysisAccess, theme: Theme, offset: int) -> list[Theme]:
    """Move a theme up (−1) or down (+1) the list, by keyboard or button."""
    ids = list(
        Theme.objects.filter(assist=access.assist)
        .order_by("order", "id")
        .values_list("pk", flat=True)
    )
    index = ids.index(theme.pk)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    return theme_reorder(access=access, theme_ids=ids)


@transaction.atomic
def note_place(*, access: AnalysisAccess, note: Note, theme: Theme | None) -> int:
    """Put a note into a theme, or back to ungrouped (``theme`` None). Returns the version."""
    ensure_can_edit(access)
    assist = _lock(access.assist)
    moved = _place(assist, [note], theme, access.participant)
    _emit_placed(assist, moved, theme)
    return assist.version


@transaction.atomic
def notes_place(
    *, access: AnalysisAccess, note_ids: Sequence[int | str], theme: Theme | None
) -> int:
    """Put several notes into a theme (or back to ungrouped) in one change."""
    ensure_can_edit(access)
    assist = _lock(access.assist)
    notes = _live_notes(assist, _ids(list(note_ids), what="notes"))
    if not notes:
        raise Invalid("Choose at least one note to move.", code="no_notes")
    _emit_placed(assist, _place(assist, notes, theme, access.participant), theme)
    return assist.version


# --- suggested themes -------------------------------------------------------------------------


def _started_themes(assist: PeerAssist) -> list[tuple[Theme, list[str]]]:
    """The board's themes in order, each with the texts of the notes on the board in it."""
    themes = list(Theme.objects.filter(assist=assist))
    texts: dict[int, list[str]] = {theme.pk: [] for theme in themes}
    for theme_id, text in (
        NotePlacement.objects.filter(
            theme__assist=assist, note__deleted_at__isnull=True, note__hidden=False
        )
        .order_by("theme_id", "order", "id")
        .values_list("theme_id", "note__text")
    ):
        texts[theme_id].append(text)
    return [(theme, texts[theme.pk]) for theme in themes]


def suggestions_run(*, access: AnalysisAccess) -> list[ThemeSuggestion]:
    """Propose where the ungrouped notes go and store the proposals, replacing pending ones.

    When the board already has themes, the notes that clearly fit one of them (its title and
    the notes already in it, ``semantic.clustering.suggest_with_themes``, ADR 0019) are
    proposed as "add to this theme", one suggestion a theme; the rest are grouped into new
    themes as before. Nothing moves: each proposal waits for ``suggestion_accept`` or
    ``suggestion_dismiss``. This is the one request path that loads the sentence model. The
    grouping runs outside any transaction (on SQLite a transaction holds the write lock for
    its whole length); only storing the result is atomic.
    """
    from peerassist.semantic.clustering import suggest_with_themes

    ensure_can_edit(access)
    assist = access.assist
    notes = list(
        Note.objects.filter(
            assist=assist, deleted_at__isnull=True, hidden=False, placement__isnull=True
        ).values_list("pk", "text")
    )
    started = _started_themes(assist)
    # One ungrouped note can still go into a started theme; grouping needs two.
    if len(notes) < (1 if started else 2):
        raise Invalid(
            "There are no ungrouped notes left to suggest a place for."
            if started
            else "There are fewer than two ungrouped notes: there is nothing left to suggest.",
            code="too_few_notes",
        )
    if len(notes) > SUGGEST_MAX_NOTES:
        raise Invalid(
            f"There are {len(notes):,} ungrouped notes; suggestions work on up to "
            f"{SUGGEST_MAX_NOTES:,}. Group some by hand first.",
            code="too_many_notes",
        )
    placements, result = suggest_with_themes(
        notes, [(theme.title, texts) for theme, texts in started]
    )
    additions: dict[int, list[tuple[float, int]]] = {}
    for placement in placements:
        additions.setdefault(placement.theme, []).append((placement.score, placement.note_id))
    adds = [
        (started[index][0], [note_id for _, note_id in sorted(found, key=lambda f: -f[0])])
        for index, found in sorted(additions.items())
    ]
    with transaction.atomic():
        return _suggestions_store(assist, adds, result)


def _suggestions_store(
    assist: PeerAssist, adds: list[tuple[Theme, list[int]]], result: Any
) -> list[ThemeSuggestion]:
    """Replace the pending suggestions: "add to" ones first, in theme order, then new groups.

    A started theme deleted while the grouping ran gets no suggestion (its notes stay
    ungrouped for the next run).
    """
    ThemeSuggestion.objects.filter(assist=assist, status=ThemeSuggestion.Status.PENDING).delete()
    alive = set(
        Theme.objects.filter(pk__in=[theme.pk for theme, _ in adds]).values_list("pk", flat=True)
    )
    stored = [
        ThemeSuggestion.objects.create(
            assist=assist,
            kind=ThemeSuggestion.Kind.ADD,
            theme=theme,
            title=theme.title[:200],
            note_ids=note_ids,
            backend=result.backend,
            order=order,
        )
        for order, (theme, note_ids) in enumerate(
            (theme, ids) for theme, ids in adds if theme.pk in alive
        )
    ]
    return stored + [
        ThemeSuggestion.objects.create(
            assist=assist,
            title=group.title[:200],
            note_ids=group.note_ids,
            duplicates=[list(pair) for pair in group.duplicates],
            backend=result.backend,
            order=len(stored) + order,
        )
        for order, group in enumerate(result.groups)
    ]


def _decidable(access: AnalysisAccess, suggestion: ThemeSuggestion) -> ThemeSuggestion:
    """The suggestion, locked, as it stands now (any status)."""
    suggestion = ThemeSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.assist_id != access.assist.pk:
        raise NotFound("No such suggestion in this peer assist.")
    return suggestion


def _decided() -> Conflict:
    return Conflict("Somebody has already decided on this suggestion.", code="decided")


@transaction.atomic
def suggestion_accept(
    *,
    access: AnalysisAccess,
    suggestion: ThemeSuggestion,
    title: object = None,
    note_ids: Sequence[int | str] | None = None,
) -> Theme:
    """Accept a suggestion; returns the theme its notes are now in.

    A **new** group becomes a theme with its notes that are still ungrouped (``title``
    replaces the suggested one). An **add** suggestion places its notes into the started
    theme through ``notes_place``, the service manual placement uses (version, ``note.placed``
    event, the same rights); ``title`` is ignored. ``note_ids``, when given, are the notes the
    person saw and chose (the page sends them; for "add to" the ones left ticked, the others
    stay ungrouped): if any of them has since been placed elsewhere or deleted, nothing moves
    and a Conflict says which, so nobody's placement is undone; the suggestion stays pending
    and lists the notes still ungrouped. Without ``note_ids`` the notes still ungrouped are
    taken.

    Accepting an accepted suggestion again (a retried request, a double click) answers with
    the same theme and changes nothing. An "add" suggestion whose theme was deleted is a
    Conflict; its notes stay ungrouped.
    """
    ensure_can_edit(access)
    assist = _lock(access.assist)
    suggestion = _decidable(access, suggestion)
    if suggestion.status == ThemeSuggestion.Status.ACCEPTED and suggestion.theme is not None:
        return suggestion.theme
    if suggestion.status != ThemeSuggestion.Status.PENDING:
        raise _decided()
    is_add = suggestion.kind == ThemeSuggestion.Kind.ADD
    if is_add and suggestion.theme is None:
        raise Conflict(
            f"The theme “{suggestion.title}” was deleted after this suggestion was made, so "
            "nothing moved and its notes are still ungrouped. Dismiss the suggestion, or press "
            "Suggest themes again.",
            code="theme_deleted",
        )
    suggested = [int(i) for i in suggestion.note_ids]
    wanted = suggested if note_ids is None else _ids(list(note_ids), what="notes")
    if not wanted:
        raise Invalid("Tick at least one note to add, or dismiss the suggestion.", code="no_notes")
    if not set(wanted) <= set(suggested):
        raise Invalid("Choose only notes of this suggestion.", code="not_in_suggestion")
    free = set(
        Note.objects.filter(
            assist=assist, pk__in=wanted, deleted_at__isnull=True, placement__isnull=True
        ).values_list("pk", flat=True)
    )
    taken = [i for i in wanted if i not in free]
    if note_ids is not None and taken:
        raise Conflict(_taken_message(assist, taken), code="notes_taken")
    still_free = [i for i in wanted if i in free]
    if is_add:
        if not still_free:
            raise Conflict(_taken_message(assist, taken), code="notes_taken")
        theme = suggestion.theme
        assert theme is not None
        notes_place(access=access, note_ids=still_free, theme=theme)
    else:
        theme = theme_create(
            access=access,
            title=suggestion.title if title in (None, "") else title,
            note_ids=still_free,
        )
    suggestion.status = ThemeSuggestion.Status.ACCEPTED
    suggestion.theme = theme
    suggestion.save(update_fields=["status", "theme"])
    return theme


def _taken_message(assist: PeerAssist, note_ids: list[int]) -> str:
    """Where the notes of a suggestion went since it was made, in words."""
    rows = list(
        Note.objects.filter(assist=assist, pk__in=note_ids).values_list(
            "text", "deleted_at", "placement__theme__title"
        )
    )
    parts = []
    for text, deleted_at, theme_title in rows[:3]:
        short = text if len(text) <= 60 else text[:59].rstrip() + "…"
        where = "was deleted" if deleted_at is not None else f"is now in “{theme_title}”"
        parts.append(f"“{short}” {where}")
    more = f" and {len(rows) - 3} more" if len(rows) > 3 else ""
    return (
        "Somebody else moved these notes after the suggestion was made: "
        + "; ".join(parts)
        + more
        + ". Nothing moved; the suggestion now shows the notes still ungrouped."
    )


@transaction.atomic
def suggestion_dismiss(*, access: AnalysisAccess, suggestion: ThemeSuggestion) -> None:
    """Dismiss a pending suggestion; dismissing it again changes nothing."""
    ensure_can_edit(access)
    suggestion = _decidable(access, suggestion)
    if suggestion.status == ThemeSuggestion.Status.DISMISSED:
        return
    if suggestion.status != ThemeSuggestion.Status.PENDING:
        raise _decided()
    suggestion.status = ThemeSuggestion.Status.DISMISSED
    suggestion.save(update_fields=["status"])


# --- dot voting -------------------------------------------------------------------------------


def analysis_settings_for(assist: PeerAssist) -> AnalysisSettings:
    settings, _ = AnalysisSettings.objects.get_or_create(assist=assist)
    return settings


def _positive(value: object, *, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Invalid(f"The {what} must be a whole number.", code="invalid")
    try:
        number = int(value)
    except ValueError:
        raise Invalid(f"The {what} must be a whole number.", code="invalid") from None
    if not low <= number <= high:
        raise Invalid(f"The {what} must be between {low} and {high}.", code="out_of_range")
    return number


def _voting_event(assist: PeerAssist, settings: AnalysisSettings) -> None:
    version = version_take(assist)
    voting = events.VotingWire(
        status=settings.voting, budget=settings.vote_budget, max_per_theme=settings.max_per_theme
    )
    _emit(assist, events.VotingChanged(version=version, voting=voting))


@transaction.atomic
def voting_configure(
    *, access: AnalysisAccess, budget: object, max_per_theme: object
) -> AnalysisSettings:
    """The facilitator sets each voter's dots and the most one voter may put on one theme."""
    ensure_facilitator(access)
    assist = _lock(access.assist)
    budget = _positive(
        budget, what="number of dots per person", low=1, high=AnalysisSettings.MAX_BUDGET
    )
    most = _positive(max_per_theme, what="most dots on one theme", low=1, high=budget)
    settings = analysis_settings_for(assist)
    if settings.voting == AnalysisSettings.Voting.OPEN:
        raise Conflict("Close voting before you change the dots.", code="voting_open")
    settings.vote_budget = budget
    settings.max_per_theme = most
    settings.save(update_fields=["vote_budget", "max_per_theme", "updated_at"])
    _voting_event(assist, settings)
    return settings


@transaction.atomic
def voting_open(
    *, access: AnalysisAccess, budget: object = None, max_per_theme: object = None
) -> AnalysisSettings:
    """Open dot voting (again); votes stay hidden until it closes.

    ``budget`` and ``max_per_theme``, when given, are applied first, in the same
    transaction: the numbers typed beside "Open voting" are the ones voting opens with.
    """
    ensure_facilitator(access)
    if budget is not None or max_per_theme is not None:
        current = analysis_settings_for(access.assist)
        voting_configure(
            access=access,
            budget=current.vote_budget if budget is None else budget,
            max_per_theme=current.max_per_theme if max_per_theme is None else max_per_theme,
        )
    assist = _lock(access.assist)
    if not Theme.objects.filter(assist=assist).exists():
        raise Conflict("Make at least one theme before voting opens.", code="no_themes")
    settings = analysis_settings_for(assist)
    if settings.voting != AnalysisSettings.Voting.OPEN:
        settings.voting = AnalysisSettings.Voting.OPEN
        settings.voting_opened_at = timezone.now()
        settings.save(update_fields=["voting", "voting_opened_at", "updated_at"])
        _voting_event(assist, settings)
    return settings


@transaction.atomic
def voting_close(*, access: AnalysisAccess) -> AnalysisSettings:
    """Close voting: the totals become visible and themes are ranked by them."""
    ensure_facilitator(access)
    assist = _lock(access.assist)
    settings = analysis_settings_for(assist)
    if settings.voting != AnalysisSettings.Voting.OPEN:
        raise Conflict("Voting is not open.", code="voting_not_open")
    settings.voting = AnalysisSettings.Voting.CLOSED
    settings.voting_closed_at = timezone.now()
    settings.save(update_fields=["voting", "voting_closed_at", "updated_at"])
    _voting_event(assist, settings)
    return settings


@transaction.atomic
def vote_set(*, access: AnalysisAccess, theme: Theme, dots: object) -> int:
    """Set the acting voter's dots on one theme (0 takes them all back); returns dots left.

    The voter is always the actor's own participant record. The voter's row is locked first,
    so two requests from one person (two tabs, a double click) run one after the other and
    the budget holds; the unique (theme, voter) row makes a retried request harmless.
    """
    voter = ensure_can_vote(access)
    settings = analysis_settings_for(access.assist)
    if settings.voting != AnalysisSettings.Voting.OPEN:
        raise Conflict("Voting is not open.", code="voting_not_open")
    count = _positive(dots, what="number of dots", low=0, high=settings.max_per_theme)
    Participant.objects.select_for_update().get(pk=voter.pk)
    elsewhere = (
        Vote.objects.filter(assist=access.assist, voter=voter)
        .exclude(theme=theme)
        .aggregate(total=Sum("dots"))["total"]
        or 0
    )
    if elsewhere + count > settings.vote_budget:
        left = settings.vote_budget - elsewhere
        raise Conflict(
            f"You have {left} of your {settings.vote_budget} dots left to place.",
            code="over_budget",
        )
    if count == 0:
        Vote.objects.filter(theme=theme, voter=voter).delete()
    else:
        Vote.objects.update_or_create(
            theme=theme, voter=voter, defaults={"assist": access.assist, "dots": count}
        )
    return int(settings.vote_budget - elsewhere - count)


# --- enablers and barriers --------------------------------------------------------------------


def _constructs(organisation_id: int, construct_ids: object) -> list[CfirConstruct]:
    ids = _ids(construct_ids, what="constructs") if construct_ids is not None else []
    if not ids:
        raise Invalid("Choose at least one CFIR 2.0 construct.", code="no_constructs")
    found = list(
        CfirConstruct.objects.filter(pk__in=ids).filter(
            Q(organisation__isnull=True) | Q(organisation_id=organisation_id)
        )
    )
    if len(found) != len(ids):
        raise Invalid("One or more of those constructs do not exist.", code="unknown_construct")
    return found


def _valence(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:+d}" if value else "0"
    if value not in Valence.values:
        raise Invalid(
            "Choose how it acts: -2 strong barrier, -1 barrier, 0 neither, +1 enabler, "
            "+2 strong enabler, or mixed.",
            code="bad_valence",
        )
    return str(value)


@transaction.atomic
def determinant_create(
    *,
    access: AnalysisAccess,
    valence: object,
    construct_ids: object,
    theme: Theme | None = None,
    note: Note | None = None,
    evidence_note_ids: Sequence[int | str] = (),
    description: object = "",
) -> Determinant:
    """Code a theme or note as an enabler or barrier against CFIR 2.0 constructs."""
    ensure_can_edit(access)
    if theme is None and note is None:
        raise Invalid(
            "Choose the theme or note this enabler or barrier comes from.", code="no_source"
        )
    value = _valence(valence)
    text = _clean_text(description, what="description", limit=DESCRIPTION_MAX, required=False)
    constructs = _constructs(access.assist.organisation_id, construct_ids)
    assist = _lock(access.assist)
    evidence = _live_notes(assist, _ids(list(evidence_note_ids), what="evidence notes"))
    if note is not None and note not in evidence:
        evidence.append(note)
    if theme is not None and not evidence:
        evidence = [p.note for p in theme.placements.select_related("note")]
    determinant = Determinant.objects.create(
        project_id=assist.project_id,
        assist=assist,
        theme=theme,
        note=note,
        valence=value,
        description=text,
        created_by=access.actor if isinstance(access.actor, User) else None,
    )
    determinant.constructs.set(constructs)
    determinant.evidence.set(evidence)
    version = version_take(assist)
    _emit(assist, events.DeterminantCreated(version=version, determinant_id=determinant.pk))
    return determinant


@transaction.atomic
def determinant_delete(*, access: AnalysisAccess, determinant: Determinant) -> int:
    ensure_can_edit(access)
    assist = _lock(access.assist)
    pk = determinant.pk
    determinant.delete()
    version = version_take(assist)
    _emit(assist, events.DeterminantDeleted(version=version, determinant_id=pk))
    return version


@transaction.atomic
def construct_create(
    *,
    actor: Actor | None,
    organisation_id: int,
    code: object,
    name: object,
    domain: object,
    definition: object = "",
    parent_id: object = None,
) -> CfirConstruct:
    """An organisation's own construct (knowledge managers only), beside the CFIR 2.0 list."""
    ensure_knowledge_manager(actor, organisation_id)
    code = _clean_text(code, what="code", limit=20)
    name = _clean_text(name, what="name", limit=120)
    domain = _clean_text(domain, what="domain", limit=60)
    definition = _clean_text(definition, what="definition", limit=500, required=False)
    parent = None
    if parent_id not in (None, ""):
        parent = CfirConstruct.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=organisation_id),
            pk=_ids([parent_id], what="parent")[0],
        ).first()
        if parent is None:
            raise Invalid("There is no such parent construct.", code="unknown_construct")
    if CfirConstruct.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id=organisation_id), code__iexact=code
    ).exists():
        raise Conflict(f"A construct with the code {code} already exists.", code="duplicate_code")
    return CfirConstruct.objects.create(
        organisation_id=organisation_id,
        code=code,
        name=name,
        domain=domain,
        definition=definition,
        parent=parent,
        order=10_000,
    )


# --- actions ----------------------------------------------------------------------------------


def host_team_users(assist: PeerAssist) -> list[User]:
    """People who may own an action: the project's members and host-team participants."""
    ids = set(
        ProjectMember.objects.filter(project_id=assist.project_id).values_list("user_id", flat=True)
    )
    ids |= set(
        Participant.objects.filter(
            assist=assist, role__in=HOST_TEAM_ROLES, user__isnull=False
        ).values_list("user_id", flat=True)
    )
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "email"))


def _owner(assist: PeerAssist, owner_id: object) -> User | None:
    if owner_id in (None, ""):
        return None
    pk = _ids([owner_id], what="owner")[0]
    owner = next((u for u in host_team_users(assist) if u.pk == pk), None)
    if owner is None:
        raise Invalid("The owner must be a member of the host team.", code="owner_not_host")
    return owner


def _due(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise Invalid("Enter the due date as a real date, for example 2026-12-31.", code="bad_date")


def _choice(value: object, choices: type[Action.Status] | type[Action.Priority], what: str) -> str:
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise Invalid(f"Choose a {what}: {allowed}.", code=f"bad_{what}")
    return str(value)


@transaction.atomic
def action_create(
    *,
    access: AnalysisAccess,
    text: object,
    owner_id: object = None,
    due_date: object = None,
    priority: object = Action.Priority.MEDIUM,
    status: object = Action.Status.PROPOSED,
    theme: Theme | None = None,
    note: Note | None = None,
    determinant: Determinant | None = None,
) -> Action:
    """An action from this peer assist, keeping the theme, note or determinant it came from."""
    ensure_can_edit(access)
    text = _clean_text(text, what="action", limit=Action.MAX_TEXT)
    assist = _lock(access.assist)
    owner = _owner(assist, owner_id)
    status = _choice(status, Action.Status, "status")
    source = (
        theme.title
        if theme
        else note.text
        if note
        else determinant.description
        if determinant
        else ""
    )
    action = Action.objects.create(
        project_id=assist.project_id,
        assist=assist,
        text=text,
        owner=owner,
        due_date=_due(due_date),
        priority=_choice(priority, Action.Priority, "priority"),
        status=status,
        theme=theme,
        note=note,
        determinant=determinant,
        source_text=source[:2000],
        created_by=access.actor if isinstance(access.actor, User) else None,
        completed_at=timezone.now() if status == Action.Status.DONE else None,
    )
    version = version_take(assist)
    _emit(assist, events.ActionCreated(version=version, action_id=action.pk))
    return action


def action_can_edit(actor: Actor | None, action: Action) -> bool:
    """The host team of the action's peer assist, or the project's members and KMs."""
    from peerassist.projects.access import project_can_edit

    if not isinstance(actor, User):
        return False
    if project_can_edit(actor, action.project):
        return True
    if action.assist_id is None:
        return False
    return Participant.objects.filter(
        assist_id=action.assist_id, user=actor, role__in=HOST_TEAM_ROLES
    ).exists()


@transaction.atomic
def action_update(*, actor: Actor | None, action: Action, **changes: object) -> Action:
    """Change an action's text, owner, due date, priority or status.

    ``action`` must have been reached through an access function; the actor must be on its
    host team. Done stamps ``completed_at``; reopening clears it.
    """
    if not action_can_edit(actor, action):
        raise Forbidden("Only the host team can change this action.", code="not_host_team")
    unknown = set(changes) - {"text", "owner_id", "due_date", "priority", "status"}
    if unknown:
        raise Invalid(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    fields: list[str] = []
    if "text" in changes:
        action.text = _clean_text(changes["text"], what="action", limit=Action.MAX_TEXT)
        fields.append("text")
    if "owner_id" in changes:
        if action.assist is not None:
            action.owner = _owner(action.assist, changes["owner_id"])
        else:
            member_ids = ProjectMember.objects.filter(project=action.project).values_list(
                "user_id", flat=True
            )
            owner_id = changes["owner_id"]
            if owner_id in (None, ""):
                action.owner = None
            else:
                pk = _ids([owner_id], what="owner")[0]
                if pk not in set(member_ids):
                    raise Invalid(
                        "The owner must be a member of the host team.", code="owner_not_host"
                    )
                action.owner = User.objects.get(pk=pk)
        fields.append("owner")
    if "due_date" in changes:
        action.due_date = _due(changes["due_date"])
        fields.append("due_date")
    if "priority" in changes:
        action.priority = _choice(changes["priority"], Action.Priority, "priority")
        fields.append("priority")
    if "status" in changes:
        status = _choice(changes["status"], Action.Status, "status")
        if status == Action.Status.DONE and action.status != Action.Status.DONE:
            action.completed_at = timezone.now()
        elif status != Action.Status.DONE:
            action.completed_at = None
        action.status = status
        fields += ["status", "completed_at"]
    if not fields:
        return action
    action.save(update_fields=[*fields, "updated_at"])
    if action.assist_id is not None:
        assist = _lock(action.assist)  # type: ignore[arg-type]
        version = version_take(assist)
        _emit(assist, events.ActionUpdated(version=version, action_id=action.pk))
    return action
