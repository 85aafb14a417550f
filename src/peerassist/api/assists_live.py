"""The live board's write path and resync: notes, board, phase, controls, presence, close.

Thin: parse, find the peer assist through ``access_peer_assist`` (users and guests alike),
call a service, shape the answer for this viewer. The protocol is in docs/realtime.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool

from peerassist.api.answers import (
    CLIENT_ID_TAKEN,
    FACILITATOR_ONLY,
    PARTICIPANTS_ONLY,
    PHASE_CONFLICT,
    POSSIBLE_PATIENT_DATA,
    answers,
)
from peerassist.api.auth import ApiRequest
from peerassist.assists.access import access_peer_assist
from peerassist.assists.live import services
from peerassist.assists.live.events import (
    NOTE_TRANSPORT_MAX,
    BoardState,
    ClosingAnswer,
    ControlsAnswer,
    DoneAnswer,
    NoteAnswer,
    NoteIn,
    PhaseAnswer,
    TakeawayAnswer,
    VersionAnswer,
)
from peerassist.assists.live.selectors import (
    board_state,
    controls_wire,
    note_answer,
)
from peerassist.assists.models import Note, Participant, PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.core.errors import Invalid

router = Router(tags=["live board"])

MAX_TEXT = NOTE_TRANSPORT_MAX  # generous transport limit; the 1,000-character rule is the service's


class NotePatch(Schema):
    text: str | None = Field(default=None, max_length=MAX_TEXT)
    kind: str | None = None
    learning_need_id: int | None = None
    hidden: StrictBool | None = None
    confirm_sensitive: StrictBool = False


class ConfirmIn(Schema):
    text: str | None = Field(default=None, max_length=MAX_TEXT)
    confirm_sensitive: StrictBool = False


class PhaseIn(Schema):
    to: str | None = None
    direction: Literal["next", "back"] | None = None
    expected_from: str | None = None


class ControlsIn(Schema):
    anonymous: StrictBool | None = None
    private_writing: StrictBool | None = None
    locked: StrictBool | None = None
    spotlight_note_id: int | None = None
    spotlight_need_id: int | None = None
    timer: Literal["start", "pause", "reset"] | None = None
    agenda_item_id: int | None = None
    minutes: int | None = None


class PresenceIn(Schema):
    done: StrictBool


class TakeawayIn(Schema):
    text: str = Field(max_length=MAX_TEXT)


class ClosingIn(Schema):
    host_thanks: str = Field(max_length=MAX_TEXT)
    action_list_due: dt.date | None = None


def _assist(request: ApiRequest, assist_id: int) -> PeerAssist:
    return access_peer_assist(request.auth, assist_id)


def _note_out(
    request: ApiRequest, assist: PeerAssist, note: Note, viewer: Participant | None = None
) -> dict[str, Any]:
    """The note as this viewer sees it, and the version of the write that made it.

    ``viewer`` saves a lookup when the caller already knows it (the author of a note just
    added).
    """
    if viewer is None:
        viewer = participant_of(request.auth, assist)
    return note_answer(assist, note, viewer)


@router.post(
    "/{assist_id}/notes", response={200: NoteAnswer, 201: NoteAnswer}, summary="Add a note"
)
@answers(PARTICIPANTS_ONLY, POSSIBLE_PATIENT_DATA, CLIENT_ID_TAKEN)
def note_add(request: ApiRequest, assist_id: int, payload: NoteIn) -> Status[dict[str, Any]]:
    """201 with the new note; 200 with the same note when ``client_id`` was seen before."""
    assist = _assist(request, assist_id)
    note, created = services.note_create(
        actor=request.auth,
        assist=assist,
        client_id=payload.client_id,
        text=payload.text,
        kind=payload.kind,
        learning_need_id=payload.learning_need_id,
        spoken_by_id=payload.spoken_by_id,
        anonymous=payload.anonymous,
        confirm_sensitive=payload.confirm_sensitive,
    )
    # The author is the viewer: the service found them, and the note caches them.
    return Status(201 if created else 200, _note_out(request, assist, note, note.author))


@router.patch("/{assist_id}/notes/{note_id}", response=NoteAnswer, summary="Change or hide a note")
@answers(PARTICIPANTS_ONLY, FACILITATOR_ONLY, POSSIBLE_PATIENT_DATA)
def note_change(
    request: ApiRequest, assist_id: int, note_id: int, payload: NotePatch
) -> dict[str, Any]:
    assist = _assist(request, assist_id)
    changes = payload.model_dump(exclude_unset=True)
    confirm = bool(changes.pop("confirm_sensitive", False))
    for key in ("text", "kind", "hidden"):
        if key in changes and changes[key] is None:
            raise Invalid(f"“{key}” cannot be empty.")
    note = services.note_update(
        actor=request.auth,
        assist=assist,
        note_id=note_id,
        changes=changes,
        confirm_sensitive=confirm,
    )
    return _note_out(request, assist, note)


@router.delete("/{assist_id}/notes/{note_id}", response=VersionAnswer, summary="Delete a note")
@answers(PARTICIPANTS_ONLY)
def note_remove(request: ApiRequest, assist_id: int, note_id: int) -> dict[str, Any]:
    assist = _assist(request, assist_id)
    version = services.note_delete(actor=request.auth, assist=assist, note_id=note_id)
    return {"version": version}


@router.post(
    "/{assist_id}/notes/{note_id}/confirm",
    response=NoteAnswer,
    summary="Confirm (or correct) a note taken on your behalf",
)
@answers(PARTICIPANTS_ONLY, POSSIBLE_PATIENT_DATA)
def note_confirm(
    request: ApiRequest, assist_id: int, note_id: int, payload: ConfirmIn
) -> dict[str, Any]:
    assist = _assist(request, assist_id)
    note = services.note_confirm_by_speaker(
        actor=request.auth,
        assist=assist,
        note_id=note_id,
        text=payload.text,
        confirm_sensitive=payload.confirm_sensitive,
    )
    return _note_out(request, assist, note)


@router.get("/{assist_id}/board", response=BoardState, summary="The board, or what changed since N")
def board(request: ApiRequest, assist_id: int, since: int | None = None) -> dict[str, Any]:
    if since is not None and since < 0:
        raise Invalid("“since” must be a version number, 0 or more.")
    assist = _assist(request, assist_id)
    return board_state(assist, request.auth, since=since)


@router.post("/{assist_id}/phase", response=PhaseAnswer, summary="Move the phase (facilitator)")
@answers(FACILITATOR_ONLY, PHASE_CONFLICT)
def phase(request: ApiRequest, assist_id: int, payload: PhaseIn) -> dict[str, Any]:
    assist = _assist(request, assist_id)
    actor = request.auth
    if payload.direction is not None:
        assist = services.phase_advance(
            actor=actor,
            assist=assist,
            direction=payload.direction,
            expected_from=payload.expected_from,
        )
    elif payload.to is not None:
        assist = services.phase_set(
            actor=actor, assist=assist, to_phase=payload.to, expected_from=payload.expected_from
        )
    else:
        raise Invalid("Send “to” (a phase) or “direction” (next or back).")
    return {"phase": assist.phase, "status": assist.status, "version": assist.version}


@router.patch("/{assist_id}/controls", response=ControlsAnswer, summary="Facilitator controls")
@answers(FACILITATOR_ONLY)
def controls(request: ApiRequest, assist_id: int, payload: ControlsIn) -> dict[str, Any]:
    assist = _assist(request, assist_id)
    changes = payload.model_dump(exclude_unset=True)
    assist = services.controls_update(actor=request.auth, assist=assist, changes=changes)
    return {"controls": controls_wire(assist), "version": assist.version}


@router.post("/{assist_id}/presence", response=DoneAnswer, summary="Say you are done (or not)")
@answers(PARTICIPANTS_ONLY)
def presence(request: ApiRequest, assist_id: int, payload: PresenceIn) -> dict[str, Any]:
    assist = _assist(request, assist_id)
    participant = services.participant_done_set(
        actor=request.auth,
        assist=assist,
        done=payload.done,
    )
    return {"done": participant.is_done}


@router.post("/{assist_id}/takeaway", response=TakeawayAnswer, summary="What you will take away")
@answers(PARTICIPANTS_ONLY)
def takeaway(request: ApiRequest, assist_id: int, payload: TakeawayIn) -> dict[str, Any]:
    assist = _assist(request, assist_id)
    participant = services.takeaway_set(actor=request.auth, assist=assist, text=payload.text)
    assist.refresh_from_db(fields=["version"])
    return {"takeaway": participant.takeaway, "version": assist.version}


@router.post(
    "/{assist_id}/close", response=ClosingAnswer, summary="Host thanks and action-list date"
)
@answers(PARTICIPANTS_ONLY)
def closing(request: ApiRequest, assist_id: int, payload: ClosingIn) -> dict[str, Any]:
    assist = _assist(request, assist_id)
    assist = services.closing_set(
        actor=request.auth,
        assist=assist,
        host_thanks=payload.host_thanks,
        action_list_due=payload.action_list_due,
    )
    return {
        "host_thanks": assist.host_thanks,
        "action_list_due": assist.action_list_due,
        "version": assist.version,
    }
