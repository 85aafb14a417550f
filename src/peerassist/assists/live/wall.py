"""The wall: a read-only view of the live board for the room's projector or TV.

Who may open it: the facilitator (user or guest) and the people who may plan the peer
assist (host team, knowledge managers). It shows the join code, which lets anyone in the
room become a participant, so it is for the people who run the session; visitors and
colleagues who merely watch are refused with the reason (403), strangers get 404 (ADR 0011).

Whoever opens it, the wall shows what *everyone in the room* may see: notes are shaped for
no particular viewer (``note_for_viewer(..., None)``), so hidden notes and, under private
writing, other people's notes never reach the projector from the facilitator's laptop; in
anonymous mode no names at all.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from peerassist.accounts.actors import Actor
from peerassist.assists.access import access_peer_assist, assist_can_plan
from peerassist.assists.live.framing import FRAMING_PHASES, framing_for
from peerassist.assists.live.join import code_display, join_closed_reason, join_code_current
from peerassist.assists.live.selectors import (
    board_learning_needs,
    controls_wire,
    note_for_viewer,
    note_wire,
    presence_state,
)
from peerassist.assists.models import AgendaItem, Note, Participant, PeerAssist, Phase, Status
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import is_facilitator
from peerassist.core.errors import Forbidden

NAME_KEYS = ("author", "spoken_by", "captured_by")


def wall_can_open(actor: Actor | None, assist: PeerAssist) -> bool:
    return assist_can_plan(actor, assist) or is_facilitator(participant_of(actor, assist))


def access_wall(actor: Actor | None, assist_id: object) -> PeerAssist:
    """The peer assist, if the actor may put its wall on a screen; 404 outside their reach."""
    assist = access_peer_assist(actor, assist_id)  # type: ignore[arg-type]
    if not wall_can_open(actor, assist):
        raise Forbidden(
            "Only the facilitator and the host team can open the wall view: it shows the "
            "code that lets people join. Open the live board instead.",
            code="not_facilitator",
        )
    return assist


def wall_note(wire: dict[str, Any], *, private_writing: bool, anonymous: bool) -> dict[str, Any]:
    """A note as the room sees it: no viewer's privileges; no names in anonymous mode."""
    shaped = note_for_viewer(wire, None, private_writing=private_writing)
    if anonymous and not shaped.get("deleted") and not shaped.get("withheld"):
        shaped = {**shaped, **dict.fromkeys(NAME_KEYS)}
    for key in ("mine", "spoken_by_me", "client_id"):
        shaped.pop(key, None)
    return shaped


def presence_count(presence: dict[str, Any]) -> int:
    """People with the board open: participants, and colleagues watching."""
    return len(presence.get("here", [])) + int(presence.get("watchers", 0))


def join_wire(assist: PeerAssist, *, absolute: Any) -> dict[str, Any]:
    """The join code as the wall and the facilitator's board show it (None once closed).

    ``absolute`` turns a path into the address phones should open (the request's own host).
    """
    closed = join_closed_reason(assist)
    current = join_code_current(assist)
    base = {
        "admission": assist.join_admission,
        "open": closed is None,
        "closed_reason": closed,
        "code": None,
        "url": None,
        "qr": None,
        "expires_at": None,
    }
    if current is None:
        return base
    path = f"{reverse('join')}?code={current.code}"
    return {
        **base,
        "code": code_display(current.code),
        "url": absolute(path),
        "qr": reverse("assists:join_qr", args=[assist.pk]) + f"?v={current.pk}",
        "expires_at": current.expires_at.isoformat(),
    }


def wall_state(assist: PeerAssist, *, absolute: Any) -> dict[str, Any]:
    """Everything the wall shows, as the room may see it. Eight queries, however many notes."""
    participants = {p.pk: p for p in Participant.objects.filter(assist=assist)}
    notes = []
    withheld: dict[str, int] = {}
    for note in Note.objects.filter(assist=assist, deleted_at__isnull=True).order_by("id"):
        shaped = wall_note(
            note_wire(note, participants),
            private_writing=assist.private_writing,
            anonymous=assist.anonymous,
        )
        if shaped.get("deleted"):
            continue
        if shaped.get("withheld"):
            key = str(shaped.get("learning_need_id") or "")
            withheld[key] = withheld.get(key, 0) + 1
            continue
        notes.append(shaped)
    presence = presence_state(assist.pk, participants)
    framing = framing_for(assist)
    return {
        "id": assist.pk,
        "title": assist.title,
        "version": assist.version,
        "phase": assist.phase,
        "phase_label": Phase(assist.phase).label,
        "phases": [{"value": p.value, "label": p.label} for p in Phase],
        "status": assist.status,
        "status_label": Status(assist.status).label,
        "anonymous": assist.anonymous,
        "controls": controls_wire(assist),
        "learning_needs": [
            {"id": n.pk, "question": n.question} for n in board_learning_needs(assist)
        ],
        "agenda": [
            {"id": a.pk, "title": a.title, "minutes": a.minutes}
            for a in AgendaItem.objects.filter(assist=assist)
        ],
        "notes": notes,
        "withheld": withheld,
        "people_here": presence_count(presence),
        "show_framing": assist.phase in FRAMING_PHASES,
        "framing": framing.as_dict(),
        "join": join_wire(assist, absolute=absolute),
        "video_link": assist.video_link,
        "now": timezone.now().isoformat(),
    }
