"""The live board page: a shell the board module (frontend/src/board.js) brings to life.

Everything on the board is read and written through the API and pushed over the WebSocket
(docs/realtime.md); the page itself only checks access and says what needs JavaScript.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from peerassist.accounts.actors import Actor
from peerassist.assists.access import access_peer_assist, assist_can_plan
from peerassist.assists.live.framing import FRAMING_PHASES, framing_for
from peerassist.assists.live.wall import wall_can_open
from peerassist.assists.models import Attendance, Note, Participant, PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import is_facilitator
from peerassist.core.errors import NotFound


def video_link_shown(actor: Actor, assist: PeerAssist, participant: Participant | None) -> bool:
    """Whether the board offers the video call: to the people taking part online, and to the
    facilitator and planners (who run the call). Everyone is online in an online peer assist;
    in the room, a link on every screen only invites a second, echoing audio feed."""
    if not assist.video_link:
        return False
    if assist.mode == PeerAssist.Mode.ONLINE:
        return True
    if participant is not None and participant.attendance == Attendance.ONLINE:
        return True
    return is_facilitator(participant) or assist_can_plan(actor, assist)


def board(request: HttpRequest, assist_id: int) -> HttpResponse:
    actor = getattr(request, "actor", None)
    if actor is None:
        return redirect_to_login(request.get_full_path())
    try:
        assist = access_peer_assist(actor, assist_id)
    except NotFound as error:
        raise Http404(error.detail) from None
    participant = participant_of(actor, assist)
    return render(
        request,
        "assists/board.html",
        {
            "assist": assist,
            "kinds": Note.Kind.choices,
            "max_length": Note.MAX_LENGTH,
            "framing": framing_for(assist),
            "show_framing": assist.phase in FRAMING_PHASES,
            "is_facilitator": is_facilitator(participant),
            "can_open_wall": wall_can_open(actor, assist),
            "show_video_link": video_link_shown(actor, assist, participant),
        },
    )
