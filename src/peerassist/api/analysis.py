"""The host team's analysis: themes, placements, suggestions, dot votes, codes and actions.

Thin: find the peer assist's analysis through ``analysis.access`` (users and guests alike),
call a service, shape the answer. Visitors and other colleagues may read; writes need the host
team (403 ``analysis_read_only``); another organisation's peer assist is a 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema
from ninja.responses import Status

from peerassist.analysis import services
from peerassist.analysis.access import (
    AnalysisAccess,
    access_action,
    access_analysis,
    access_determinant,
    access_note,
    access_theme,
)
from peerassist.analysis.cfir_suggest import cfir_suggestions
from peerassist.analysis.models import Action, Determinant, ThemeSuggestion
from peerassist.analysis.selectors import AnalysisState, analysis_state
from peerassist.api.answers import (
    ALREADY_DONE,
    ANALYSTS_ONLY,
    FACILITATOR_ONLY,
    IDS_IN_INPUT,
    KNOWLEDGE_MANAGERS_ONLY,
    RULES,
    SUGGESTION_OVERTAKEN,
    VOTING_CONFLICT,
    answers,
)
from peerassist.api.auth import ApiRequest
from peerassist.core.access import ensure_id
from peerassist.core.errors import NotFound

router = Router(tags=["analysis"])

MAX_TEXT = 20_000  # transport limit; the services hold the real limits
MAX_IDS = 2_000


def _access(request: ApiRequest, assist_id: int, *, edit: bool = False) -> AnalysisAccess:
    return access_analysis(getattr(request, "actor", None), assist_id, edit=edit)


def _note_wire(note: Any) -> dict[str, Any]:
    return {
        "id": note.pk,
        "text": note.text,
        "kind": note.kind,
        "learning_need": note.learning_need.question if note.learning_need else None,
    }


def _action_wire(action: Action) -> dict[str, Any]:
    return {
        "id": action.pk,
        "text": action.text,
        "owner_id": action.owner_id,
        "owner": action.owner.full_name if action.owner else None,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "priority": action.priority,
        "status": action.status,
        "theme_id": action.theme_id,
        "note_id": action.note_id,
        "determinant_id": action.determinant_id,
        "source_text": action.source_text,
        "completed_at": action.completed_at.isoformat() if action.completed_at else None,
    }


def _determinant_wire(determinant: Determinant) -> dict[str, Any]:
    return {
        "id": determinant.pk,
        "valence": determinant.valence,
        "score": determinant.score,
        "theme_id": determinant.theme_id,
        "note_id": determinant.note_id,
        "description": determinant.description,
        "constructs": [
            {"id": c.pk, "code": c.code, "name": c.name, "domain": c.domain}
            for c in determinant.constructs.all()
        ],
    }


def _state_wire(access: AnalysisAccess, state: AnalysisState) -> dict[str, Any]:
    voting = state.voting
    return {
        "version": access.assist.version,
        "can_edit": access.can_edit,
        "can_vote": access.can_vote,
        "is_facilitator": access.is_facilitator,
        "themes": [
            {
                **services.theme_wire(view.theme),
                "note_ids": [n.pk for n in view.notes],
                "my_dots": view.my_dots,
                "total_dots": view.total_dots,
                "rank": view.rank,
            }
            for view in state.themes
        ],
        "notes": [
            _note_wire(n) for n in [*state.ungrouped, *(n for t in state.themes for n in t.notes)]
        ],
        "ungrouped_note_ids": [n.pk for n in state.ungrouped],
        "suggestions": [
            {
                "id": s.suggestion.pk,
                "kind": s.suggestion.kind,
                "theme_id": s.suggestion.theme_id,
                "title": s.theme_title,
                "note_ids": [n.pk for n in s.notes],
                "duplicates": [[a.pk, b.pk] for a, b in s.duplicates],
                "backend": s.suggestion.backend,
            }
            for s in state.suggestions
        ],
        "voting": {
            "status": voting.settings.voting,
            "budget": voting.settings.vote_budget,
            "max_per_theme": voting.settings.max_per_theme,
            "my_dots_used": voting.used,
            "my_dots_left": voting.left,
        },
        "determinants": [_determinant_wire(d) for d in state.determinants],
        "actions": [_action_wire(a) for a in state.actions],
    }


@router.get("/assists/{assist_id}")
def analysis_get(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    """The whole analysis as this viewer sees it (vote totals only once voting has closed)."""
    access = _access(request, assist_id)
    return _state_wire(access, analysis_state(access))


# --- themes -----------------------------------------------------------------------------------


class ThemeIn(Schema):
    title: str = Field(max_length=MAX_TEXT)
    note_ids: list[int] = Field(default_factory=list, max_length=MAX_IDS)


class ThemePatch(Schema):
    title: str | None = Field(default=None, max_length=MAX_TEXT)
    summary: str | None = Field(default=None, max_length=MAX_TEXT)


class MergeIn(Schema):
    into_id: int


class SplitIn(Schema):
    title: str = Field(max_length=MAX_TEXT)
    note_ids: list[int] = Field(max_length=MAX_IDS)


class OrderIn(Schema):
    theme_ids: list[int] = Field(max_length=MAX_IDS)


class PlaceIn(Schema):
    note_ids: list[int] = Field(max_length=MAX_IDS)
    theme_id: int | None = None


@router.post("/assists/{assist_id}/themes", response={201: dict})
@answers(ANALYSTS_ONLY, IDS_IN_INPUT, VOTING_CONFLICT)
def theme_create(request: ApiRequest, assist_id: int, payload: ThemeIn) -> Status:
    access = _access(request, assist_id, edit=True)
    theme = services.theme_create(access=access, title=payload.title, note_ids=payload.note_ids)
    return Status(201, {"theme": services.theme_wire(theme), "version": access.assist.version})


@router.patch("/assists/{assist_id}/themes/{theme_id}")
@answers(ANALYSTS_ONLY, VOTING_CONFLICT)
def theme_update(
    request: ApiRequest, assist_id: int, theme_id: int, payload: ThemePatch
) -> dict[str, Any]:
    access = _access(request, assist_id, edit=True)
    theme = services.theme_update(
        access=access,
        theme=access_theme(access, theme_id),
        title=payload.title,
        summary=payload.summary,
    )
    return {"theme": services.theme_wire(theme), "version": access.assist.version}


@router.delete("/assists/{assist_id}/themes/{theme_id}")
@answers(ANALYSTS_ONLY, VOTING_CONFLICT)
def theme_delete(request: ApiRequest, assist_id: int, theme_id: int) -> dict[str, Any]:
    access = _access(request, assist_id, edit=True)
    version = services.theme_delete(access=access, theme=access_theme(access, theme_id))
    return {"version": version}


@router.post("/assists/{assist_id}/themes/{theme_id}/merge")
@answers(ANALYSTS_ONLY, IDS_IN_INPUT, VOTING_CONFLICT)
def theme_merge(
    request: ApiRequest, assist_id: int, theme_id: int, payload: MergeIn
) -> dict[str, Any]:
    access = _access(request, assist_id, edit=True)
    target = services.theme_merge(
        access=access,
        source=access_theme(access, theme_id),
        target=access_theme(access, payload.into_id),
    )
    return {"theme": services.theme_wire(target), "version": access.assist.version}


@router.post("/assists/{assist_id}/themes/{theme_id}/split", response={201: dict})
@answers(ANALYSTS_ONLY, IDS_IN_INPUT, VOTING_CONFLICT)
def theme_split(request: ApiRequest, assist_id: int, theme_id: int, payload: SplitIn) -> Status:
    access = _access(request, assist_id, edit=True)
    theme = services.theme_split(
        access=access,
        theme=access_theme(access, theme_id),
        note_ids=payload.note_ids,
        title=payload.title,
    )
    return Status(201, {"theme": services.theme_wire(theme), "version": access.assist.version})


@router.put("/assists/{assist_id}/theme-order")
@answers(ANALYSTS_ONLY, IDS_IN_INPUT)
def theme_reorder(request: ApiRequest, assist_id: int, payload: OrderIn) -> dict[str, Any]:
    access = _access(request, assist_id, edit=True)
    themes = services.theme_reorder(access=access, theme_ids=payload.theme_ids)
    return {"themes": [services.theme_wire(t) for t in themes], "version": access.assist.version}


@router.post("/assists/{assist_id}/placements")
@answers(ANALYSTS_ONLY, IDS_IN_INPUT, VOTING_CONFLICT)
def notes_place(request: ApiRequest, assist_id: int, payload: PlaceIn) -> dict[str, Any]:
    """Move notes into a theme, or back to ungrouped with ``theme_id: null``."""
    access = _access(request, assist_id, edit=True)
    theme = access_theme(access, payload.theme_id) if payload.theme_id is not None else None
    version = services.notes_place(access=access, note_ids=payload.note_ids, theme=theme)
    return {"version": version}


# --- suggestions ------------------------------------------------------------------------------


class AcceptIn(Schema):
    title: str | None = Field(default=None, max_length=MAX_TEXT)
    note_ids: list[int | str] | None = Field(default=None, max_length=MAX_IDS)


def _suggestion(access: AnalysisAccess, suggestion_id: int) -> ThemeSuggestion:
    pk = ensure_id(suggestion_id, "suggestion")
    suggestion = ThemeSuggestion.objects.filter(pk=pk, assist=access.assist).first()
    if suggestion is None:
        raise NotFound("No such suggestion in this peer assist.")
    return suggestion


def _suggestion_wire(suggestion: ThemeSuggestion) -> dict[str, Any]:
    return {
        "id": suggestion.pk,
        "kind": suggestion.kind,
        "theme_id": suggestion.theme_id,
        "title": suggestion.title,
        "note_ids": suggestion.note_ids,
        "duplicates": suggestion.duplicates,
    }


@router.post("/assists/{assist_id}/suggestions", response={201: dict})
@answers(ANALYSTS_ONLY, RULES, VOTING_CONFLICT)
def suggestions_run(request: ApiRequest, assist_id: int) -> Status:
    """Propose where the ungrouped notes go; the answer lists proposals, nothing has moved.

    ``kind`` "add" proposes adding notes to a theme the team started (``theme_id``), "new" a
    new theme of ungrouped notes.
    """
    from peerassist.semantic.embeddings import embedding_backend

    access = _access(request, assist_id, edit=True)
    suggestions = services.suggestions_run(access=access)
    backend = embedding_backend()
    return Status(
        201,
        {
            "backend": backend.name,
            "backend_label": backend.label,
            "suggestions": [_suggestion_wire(s) for s in suggestions],
        },
    )


@router.post("/assists/{assist_id}/suggestions/{suggestion_id}/accept", response={201: dict})
@answers(ANALYSTS_ONLY, ALREADY_DONE, SUGGESTION_OVERTAKEN, VOTING_CONFLICT)
def suggestion_accept(
    request: ApiRequest, assist_id: int, suggestion_id: int, payload: AcceptIn
) -> Status:
    """Accept a suggestion: a new theme of its notes, or its notes added to the started theme.

    Send ``note_ids`` (the notes shown) to refuse, rather than skip, notes moved since.
    Accepting it again answers the same theme and changes nothing.
    """
    access = _access(request, assist_id, edit=True)
    theme = services.suggestion_accept(
        access=access,
        suggestion=_suggestion(access, suggestion_id),
        title=payload.title,
        note_ids=payload.note_ids,
    )
    return Status(201, {"theme": services.theme_wire(theme), "version": access.assist.version})


@router.post("/assists/{assist_id}/suggestions/{suggestion_id}/dismiss")
@answers(ANALYSTS_ONLY, ALREADY_DONE)
def suggestion_dismiss(request: ApiRequest, assist_id: int, suggestion_id: int) -> dict[str, Any]:
    access = _access(request, assist_id, edit=True)
    services.suggestion_dismiss(access=access, suggestion=_suggestion(access, suggestion_id))
    return {"dismissed": suggestion_id}


# --- voting -----------------------------------------------------------------------------------


class VotingIn(Schema):
    budget: int
    max_per_theme: int


class VoteIn(Schema):
    dots: int


def _voting_wire(settings: Any) -> dict[str, Any]:
    return {
        "status": settings.voting,
        "budget": settings.vote_budget,
        "max_per_theme": settings.max_per_theme,
    }


@router.put("/assists/{assist_id}/voting")
@answers(FACILITATOR_ONLY, VOTING_CONFLICT)
def voting_configure(request: ApiRequest, assist_id: int, payload: VotingIn) -> dict[str, Any]:
    access = _access(request, assist_id)
    settings = services.voting_configure(
        access=access, budget=payload.budget, max_per_theme=payload.max_per_theme
    )
    return {"voting": _voting_wire(settings)}


@router.post("/assists/{assist_id}/voting/open")
@answers(FACILITATOR_ONLY, VOTING_CONFLICT)
def voting_open(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    access = _access(request, assist_id)
    return {"voting": _voting_wire(services.voting_open(access=access))}


@router.post("/assists/{assist_id}/voting/close")
@answers(FACILITATOR_ONLY, VOTING_CONFLICT)
def voting_close(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    access = _access(request, assist_id)
    return {"voting": _voting_wire(services.voting_close(access=access))}


@router.put("/assists/{assist_id}/themes/{theme_id}/my-vote")
@answers(ANALYSTS_ONLY, VOTING_CONFLICT)
def vote_set(request: ApiRequest, assist_id: int, theme_id: int, payload: VoteIn) -> dict[str, Any]:
    """Set your own dots on a theme (0 takes them back). There is no way to name a voter."""
    access = _access(request, assist_id)
    theme = access_theme(access, theme_id)
    left = services.vote_set(access=access, theme=theme, dots=payload.dots)
    return {"theme_id": theme.pk, "dots": payload.dots, "dots_left": left}


# --- enablers and barriers --------------------------------------------------------------------


class DeterminantIn(Schema):
    valence: str | int
    construct_ids: list[int] = Field(max_length=200)
    theme_id: int | None = None
    note_id: int | None = None
    evidence_note_ids: list[int] = Field(default_factory=list, max_length=MAX_IDS)
    description: str = Field(default="", max_length=MAX_TEXT)


@router.post("/assists/{assist_id}/determinants", response={201: dict})
@answers(ANALYSTS_ONLY, IDS_IN_INPUT)
def determinant_create(request: ApiRequest, assist_id: int, payload: DeterminantIn) -> Status:
    access = _access(request, assist_id, edit=True)
    determinant = services.determinant_create(
        access=access,
        valence=payload.valence,
        construct_ids=payload.construct_ids,
        theme=access_theme(access, payload.theme_id) if payload.theme_id is not None else None,
        note=access_note(access, payload.note_id) if payload.note_id is not None else None,
        evidence_note_ids=payload.evidence_note_ids,
        description=payload.description,
    )
    return Status(201, {"determinant": _determinant_wire(determinant)})


@router.delete("/assists/{assist_id}/determinants/{determinant_id}")
@answers(ANALYSTS_ONLY)
def determinant_delete(request: ApiRequest, assist_id: int, determinant_id: int) -> dict[str, Any]:
    access = _access(request, assist_id, edit=True)
    version = services.determinant_delete(
        access=access, determinant=access_determinant(access, determinant_id)
    )
    return {"version": version}


@router.get("/assists/{assist_id}/construct-suggestions")
def constructs_suggest(request: ApiRequest, assist_id: int, text: str = "") -> dict[str, Any]:
    """Suggested constructs for ``text``, best first, with the valence and the reasons.

    ``because`` is set when the organisation coded a similar note with that construct.
    """
    access = _access(request, assist_id)
    found = cfir_suggestions(access.assist.organisation_id, text)
    return {
        "constructs": [
            {
                "id": s.construct.pk,
                "code": s.construct.code,
                "name": s.construct.name,
                "full_name": s.full_name,
                "domain": s.construct.domain,
                "own": s.construct.organisation_id is not None,
                "score": round(s.score, 4),
                "because": {"text": s.because_text, "similarity": round(s.because_similarity, 3)}
                if s.because_text
                else None,
            }
            for s in found.constructs
        ],
        "valence": {
            "value": found.valence.valence,
            "choice": found.valence_choice,
            "probability": round(found.valence.probability, 3),
        }
        if found.valence
        else None,
        "backend": found.backend,
        "backend_label": found.backend_label,
    }


class ConstructIn(Schema):
    code: str = Field(max_length=MAX_TEXT)
    name: str = Field(max_length=MAX_TEXT)
    domain: str = Field(max_length=MAX_TEXT)
    definition: str = Field(default="", max_length=MAX_TEXT)
    parent_id: int | None = None


@router.post("/assists/{assist_id}/constructs", response={201: dict})
@answers(KNOWLEDGE_MANAGERS_ONLY, ALREADY_DONE)
def construct_create(request: ApiRequest, assist_id: int, payload: ConstructIn) -> Status:
    """A knowledge manager adds one of the organisation's own constructs."""
    access = _access(request, assist_id)
    construct = services.construct_create(
        actor=access.actor,
        organisation_id=access.assist.organisation_id,
        code=payload.code,
        name=payload.name,
        domain=payload.domain,
        definition=payload.definition,
        parent_id=payload.parent_id,
    )
    return Status(
        201, {"construct": {"id": construct.pk, "code": construct.code, "name": construct.name}}
    )


# --- actions ----------------------------------------------------------------------------------


class ActionIn(Schema):
    text: str = Field(max_length=MAX_TEXT)
    owner_id: int | None = None
    due_date: dt.date | None = None
    priority: str = Action.Priority.MEDIUM
    status: str = Action.Status.PROPOSED
    theme_id: int | None = None
    note_id: int | None = None
    determinant_id: int | None = None


class ActionPatch(Schema):
    text: str | None = Field(default=None, max_length=MAX_TEXT)
    owner_id: int | None = None
    due_date: dt.date | None = None
    priority: str | None = None
    status: str | None = None


@router.post("/assists/{assist_id}/actions", response={201: dict})
@answers(ANALYSTS_ONLY, IDS_IN_INPUT)
def action_create(request: ApiRequest, assist_id: int, payload: ActionIn) -> Status:
    access = _access(request, assist_id, edit=True)
    action = services.action_create(
        access=access,
        text=payload.text,
        owner_id=payload.owner_id,
        due_date=payload.due_date,
        priority=payload.priority,
        status=payload.status,
        theme=access_theme(access, payload.theme_id) if payload.theme_id is not None else None,
        note=access_note(access, payload.note_id) if payload.note_id is not None else None,
        determinant=(
            access_determinant(access, payload.determinant_id)
            if payload.determinant_id is not None
            else None
        ),
    )
    return Status(201, {"action": _action_wire(action)})


@router.patch("/assists/{assist_id}/actions/{action_id}")
@answers(ANALYSTS_ONLY)
def action_update(
    request: ApiRequest, assist_id: int, action_id: int, payload: ActionPatch
) -> dict[str, Any]:
    access = _access(request, assist_id, edit=True)
    action = access_action(access, action_id)
    changes = payload.dict(exclude_unset=True)
    action = services.action_update(actor=access.actor, action=action, **changes)
    return {"action": _action_wire(action)}
