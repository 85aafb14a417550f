"""The room: the wall's state and the join code's controls (issue #12).

``GET /assists/{id}/wall`` is what the projector shows (``access_wall``: the facilitator and
the host team). The ``/joins`` routes are the facilitator's: the current code and who is
waiting, a new code, the admission mode, and admitting or refusing somebody. Each write
goes through ``assists/live/join.py`` and pushes ``join.changed``.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema
from pydantic import StrictBool

from peerassist.api.answers import FACILITATOR_ONLY, JOIN_CLOSED, PLANNERS_ONLY, answers
from peerassist.api.auth import ApiRequest
from peerassist.assists.access import access_peer_assist
from peerassist.assists.live import join
from peerassist.assists.live.events import Controls, Person
from peerassist.assists.live.wall import access_wall, join_wire, wall_state
from peerassist.assists.models import PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import ensure_facilitator

router = Router(tags=["room: wall and join code"])


class JoinOut(Schema):
    """The join code as the wall and the facilitator's board show it."""

    admission: str = Field(description="`everyone` (admitted at once) or `by_hand` (waiting list).")
    open: bool = Field(description="Whether people can join by code in this phase.")
    closed_reason: str | None = Field(description="Why joining is closed, for a person to read.")
    code: str | None = Field(description="The current code as shown (grouped), or null.")
    url: str | None = Field(description="The address a phone opens, with the code in it.")
    qr: str | None = Field(description="The path of the QR code's SVG for this code.")
    expires_at: str | None = Field(description="When the code stops working (ISO 8601).")


class WaitingOut(Schema):
    """A person who asked to join and waits to be admitted or refused."""

    id: int
    name: str
    organisation: str
    role: str
    role_label: str
    attendance: str = Field(description="`in_room` or `online`.")
    attendance_label: str
    asked_at: str = Field(description="When they asked (ISO 8601).")


class JoinsOut(JoinOut):
    """The facilitator's join controls: the code, the session version, who is waiting."""

    version: int
    waiting: list[WaitingOut]


class Choice(Schema):
    value: str
    label: str


class NeedOut(Schema):
    id: int
    question: str


class AgendaStepOut(Schema):
    id: int
    title: str
    minutes: int


class WallNote(Schema):
    """A note as the room sees it: no viewer's privileges, no names when anonymous."""

    id: int
    text: str
    kind: str
    learning_need_id: int | None
    version: int
    created_at: str | None
    author: Person | None
    spoken_by: Person | None
    captured_by: Person | None
    speaker_confirmed: bool
    anonymous: bool
    held: bool
    hidden: bool
    deleted: bool


class FramingOut(Schema):
    """Why everyone is here (shown in Welcome and Tell): purpose, decisions, rules, BAR."""

    purpose: str
    open_decisions: list[str]
    ground_rules: list[str]
    intended_results: str
    learning_needs: list[str]


class WallOut(Schema):
    """Everything the room's screen shows."""

    id: int
    title: str
    version: int
    phase: str
    phase_label: str
    phases: list[Choice]
    status: str
    status_label: str
    anonymous: bool
    controls: Controls
    learning_needs: list[NeedOut]
    agenda: list[AgendaStepOut]
    notes: list[WallNote]
    withheld: dict[str, int] = Field(
        description="Notes withheld by private writing, counted per learning need id "
        "(the empty key: no learning need)."
    )
    people_here: int
    show_framing: bool
    framing: FramingOut
    join: JoinOut
    video_link: str
    now: str = Field(description="The server's time (ISO 8601), for the timer.")


class AdmissionIn(Schema):
    admission: str


class DecisionIn(Schema):
    admit: StrictBool


def _facilitated(request: ApiRequest, assist_id: int) -> PeerAssist:
    actor = request.auth
    assist = access_peer_assist(actor, assist_id)
    ensure_facilitator(participant_of(actor, assist))
    return assist


def _joins(request: ApiRequest, assist: PeerAssist) -> dict[str, Any]:
    assist.refresh_from_db()
    return {
        **join_wire(assist, absolute=request.build_absolute_uri),
        "version": assist.version,
        "waiting": [
            {
                "id": r.pk,
                "name": r.name,
                "organisation": r.organisation_name,
                "role": r.role,
                "role_label": r.get_role_display(),
                "attendance": r.attendance,
                "attendance_label": r.get_attendance_display(),
                "asked_at": r.created_at.isoformat(),
            }
            for r in join.join_waiting(assist)
        ],
    }


@router.get("/{assist_id}/wall", response=WallOut, summary="The wall view's state")
@answers(PLANNERS_ONLY)
def wall_get(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    """What the room's screen shows: notes as everyone may see them, no names when anonymous."""
    assist = access_wall(request.auth, assist_id)
    return wall_state(assist, absolute=request.build_absolute_uri)


@router.get("/{assist_id}/joins", response=JoinsOut, summary="The join code and who is waiting")
@answers(FACILITATOR_ONLY)
def joins_get(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    return _joins(request, _facilitated(request, assist_id))


@router.post("/{assist_id}/joins/code", response=JoinsOut, summary="Show a new join code")
@answers(FACILITATOR_ONLY, JOIN_CLOSED)
def join_code_new(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    """A new code; the one before stops working at once."""
    assist = access_peer_assist(request.auth, assist_id)
    join.join_code_rotate(actor=request.auth, assist=assist)
    return _joins(request, assist)


@router.put("/{assist_id}/joins/admission", response=JoinsOut, summary="Admit everyone or by hand")
@answers(FACILITATOR_ONLY)
def join_admission_put(request: ApiRequest, assist_id: int, payload: AdmissionIn) -> dict[str, Any]:
    assist = access_peer_assist(request.auth, assist_id)
    join.join_admission_set(
        actor=request.auth,
        assist=assist,
        admission=payload.admission,
    )
    return _joins(request, assist)


@router.post(
    "/{assist_id}/joins/{request_id}/decision", response=JoinsOut, summary="Admit or refuse"
)
@answers(FACILITATOR_ONLY)
def join_decide(
    request: ApiRequest, assist_id: int, request_id: int, payload: DecisionIn
) -> dict[str, Any]:
    assist = access_peer_assist(request.auth, assist_id)
    join.join_request_decide(
        actor=request.auth,
        assist=assist,
        request_id=request_id,
        admit=payload.admit,
    )
    return _joins(request, assist)
