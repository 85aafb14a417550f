"""The room: the wall's state and the join code's controls (issue #12).

``GET /assists/{id}/wall`` is what the projector shows (``access_wall``: the facilitator and
the host team). The ``/joins`` routes are the facilitator's: the current code and who is
waiting, a new code, the admission mode, and admitting or refusing somebody. Each write
goes through ``assists/live/join.py`` and pushes ``join.changed``.
"""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema
from pydantic import StrictBool

from peerassist.api.auth import ApiRequest
from peerassist.assists.access import access_peer_assist
from peerassist.assists.live import join
from peerassist.assists.live.wall import access_wall, join_wire, wall_state
from peerassist.assists.models import PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import ensure_facilitator

router = Router(tags=["room: wall and join code"])


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


@router.get("/{assist_id}/wall", response=dict, summary="The wall view's state")
def wall_get(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    """What the room's screen shows: notes as everyone may see them, no names when anonymous."""
    assist = access_wall(request.auth, assist_id)
    return wall_state(assist, absolute=request.build_absolute_uri)


@router.get("/{assist_id}/joins", response=dict, summary="The join code and who is waiting")
def joins_get(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    return _joins(request, _facilitated(request, assist_id))


@router.post("/{assist_id}/joins/code", response=dict, summary="Show a new join code")
def join_code_new(request: ApiRequest, assist_id: int) -> dict[str, Any]:
    """A new code; the one before stops working at once."""
    assist = access_peer_assist(request.auth, assist_id)
    join.join_code_rotate(actor=request.auth, assist=assist)
    return _joins(request, assist)


@router.put("/{assist_id}/joins/admission", response=dict, summary="Admit everyone or by hand")
def join_admission_put(request: ApiRequest, assist_id: int, payload: AdmissionIn) -> dict[str, Any]:
    assist = access_peer_assist(request.auth, assist_id)
    join.join_admission_set(
        actor=request.auth,
        assist=assist,
        admission=payload.admission,
    )
    return _joins(request, assist)


@router.post("/{assist_id}/joins/{request_id}/decision", response=dict, summary="Admit or refuse")
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
