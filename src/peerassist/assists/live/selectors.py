"""Reads of the live board: the whole board, presence, and notes as one viewer may see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import Guest, User
from peerassist.assists.models import (
    AgendaItem,
    Note,
    Participant,
    PeerAssist,
    Phase,
    PresenceSeat,
    Status,
)
from peerassist.assists.participants import participant_pick
from peerassist.projects.models import LearningNeed

# --- Live board (issue 4) ----------------------------------------------------------------------
# board_state reads the whole board in a fixed number of queries, however many notes; the
# ``*_wire`` functions give the full form that travels on the channel layer, and ``*_for_viewer``
# applies anonymity, private writing and hiding for one viewer (the API and the consumer
# share them, so a push never shows more than a fetch would).

PRESENCE_STALE_AFTER = timedelta(seconds=75)


def participant_wire(participant: Participant | None) -> dict[str, Any] | None:
    if participant is None:
        return None
    role_label = Participant.Role(participant.role).label
    described = participant.job_title or role_label
    label = ", ".join(p for p in (described, participant.organisation_name) if p)
    return {
        "id": participant.pk,
        "name": participant.display_name,
        "role": participant.role,
        "role_label": role_label,
        "organisation": participant.organisation_name,
        "label": label,
    }


def note_wire(note: Note, people: dict[int, Participant] | None = None) -> dict[str, Any]:
    """The full note as every server process sees it (never sent to a browser as is).

    People come from ``people`` (a board's participants by id), else from the note's own
    related objects: cached when the note was just created with them, one query each if not.
    """

    def person(field: str) -> dict[str, Any] | None:
        pid = getattr(note, f"{field}_id")
        if pid is None:
            return None
        if people is not None and pid in people:
            return participant_wire(people[pid])
        return participant_wire(getattr(note, field))

    return {
        "id": note.pk,
        "client_id": str(note.client_id),
        "text": note.text,
        "kind": note.kind,
        "learning_need_id": note.learning_need_id,
        "version": note.version,
        "created_at": note.created_at.isoformat() if note.created_at else None,
        "author": person("author"),
        "spoken_by": person("spoken_by"),
        "captured_by": person("captured_by"),
        "speaker_confirmed": note.speaker_confirmed_at is not None,
        "anonymous": note.anonymous,
        "held": note.held_at is not None,
        "hidden": note.hidden,
        "deleted": note.deleted_at is not None,
    }


def private_since(assist: PeerAssist) -> str | None:
    """When the private writing that is on now began (ISO 8601), or None when it is off.

    Private writing from before this field existed counts from the beginning of time."""
    if not assist.private_writing:
        return None
    since = assist.private_writing_since
    return since.isoformat() if since is not None else datetime.min.replace(tzinfo=UTC).isoformat()


def _written_since(wire: dict[str, Any], since: str) -> bool:
    created = wire.get("created_at")
    if not created:
        return True
    return datetime.fromisoformat(created) >= datetime.fromisoformat(since)


def note_for_viewer(
    wire: dict[str, Any],
    viewer: Participant | None,
    *,
    private_writing: bool,
    private_since: str | None = None,
) -> dict[str, Any]:
    """What one viewer may see of a note.

    Deleted notes, and hidden ones for anybody but the facilitator and the author, become
    ``{"id", "version", "deleted": true}``; under private writing other people's notes become
    ``{"id", "version", "withheld": true, "learning_need_id"}`` if written since it was
    turned on (``private_since``, see ``private_since()``); anonymous notes lose their
    names for everybody but the people on them.
    """
    viewer_id = viewer.pk if viewer is not None else None
    facilitator = viewer is not None and viewer.role == Participant.Role.FACILITATOR
    people = [wire.get(k) or {} for k in ("author", "spoken_by", "captured_by")]
    people_ids = {p.get("id") for p in people} - {None}
    mine = viewer_id is not None and viewer_id in people_ids
    base = {"id": wire["id"], "client_id": wire["client_id"], "version": wire["version"]}
    if wire["deleted"] or (wire["hidden"] and not (facilitator or mine)):
        return {**base, "deleted": True}
    withheld = private_writing and (private_since is None or _written_since(wire, private_since))
    if withheld and not (facilitator or mine):
        return {**base, "withheld": True, "learning_need_id": wire["learning_need_id"]}
    shaped = {**wire, "deleted": False}
    author = wire.get("author") or {}
    captured = wire.get("captured_by") or {}
    spoken = wire.get("spoken_by") or {}
    shaped["mine"] = viewer_id is not None and viewer_id in {author.get("id"), captured.get("id")}
    shaped["spoken_by_me"] = viewer_id is not None and viewer_id == spoken.get("id")
    if wire["anonymous"]:
        for key in ("author", "spoken_by", "captured_by"):
            if (wire.get(key) or {}).get("id") != viewer_id:
                shaped[key] = None
    return shaped


def note_answer(
    assist: PeerAssist, note: Note, viewer: Participant | None, *, version: int | None = None
) -> dict[str, Any]:
    """What a note write answers (``events.NoteAnswer``): the note as ``viewer`` sees it and
    the version of the write, for ``POST …/notes`` and the socket's ``note.ack`` alike.

    The services re-read ``assist`` in place under their lock, so its version and
    private-writing flag are those the write saw. A note written in a batch carries its own
    ``version`` (the batch's board is at the last note's).
    """
    shaped = note_for_viewer(
        note_wire(note),
        viewer,
        private_writing=assist.private_writing,
        private_since=private_since(assist),
    )
    return {"note": shaped, "version": assist.version if version is None else version}


def controls_wire(assist: PeerAssist) -> dict[str, Any]:
    running = assist.timer_ends_at is not None
    return {
        "anonymous": assist.anonymous,
        "private_writing": assist.private_writing,
        "locked": assist.locked,
        "spotlight_note_id": assist.spotlight_note_id,
        "spotlight_need_id": assist.spotlight_need_id,
        "timer": {
            "agenda_item_id": assist.current_item_id,
            "running": running,
            "ends_at": assist.timer_ends_at.isoformat() if assist.timer_ends_at else None,
            "paused_seconds": assist.timer_paused_seconds,
        },
    }


def presence_state(assist_id: int, people: dict[int, Participant] | None = None) -> dict[str, Any]:
    """Who has the board open now (on any process), their "I'm done" flags, who is typing.

    Two queries (seats, then the participants behind them unless ``people`` is given).
    """
    now = timezone.now()
    seats = list(
        PresenceSeat.objects.filter(
            assist_id=assist_id, last_seen__gte=now - PRESENCE_STALE_AFTER
        ).values("participant_id", "typing_until")
    )
    ids = {s["participant_id"] for s in seats if s["participant_id"] is not None}
    if people is None:
        people = {p.pk: p for p in Participant.objects.filter(pk__in=ids)}
    typing = {
        s["participant_id"] or -i
        for i, s in enumerate(seats, start=1)
        if s["typing_until"] is not None and s["typing_until"] > now
    }
    here = []
    for pid in sorted(ids):
        participant = people.get(pid)
        if participant is None:
            continue
        wire = participant_wire(participant) or {}
        here.append({**wire, "done": participant.is_done, "attendance": participant.attendance})
    return {
        "here": here,
        "watchers": sum(1 for s in seats if s["participant_id"] is None),
        "typing": len(typing),
    }


def board_learning_needs(assist: PeerAssist) -> QuerySet[LearningNeed]:
    """The board's columns: the BAR's learning needs (or the project's, without a BAR)."""
    if assist.bar_id:
        return LearningNeed.objects.filter(bar_id=assist.bar_id)
    return LearningNeed.objects.filter(project_id=assist.project_id)


def board_state(
    assist: PeerAssist, actor: Actor | None, since: int | None = None
) -> dict[str, Any]:
    """The board as this actor may see it; with ``since``, only notes changed after it.

    Six queries however many notes and people: participants, learning needs, agenda, notes,
    presence seats, and the actor's memberships (cached per request).
    """
    from peerassist.assists.live.phases import guidance_for
    from peerassist.assists.permissions import note_write_refusal

    participants = list(Participant.objects.filter(assist=assist))
    people = {p.pk: p for p in participants}
    viewer = participant_pick(
        [
            p
            for p in participants
            if (isinstance(actor, Guest) and p.guest_id == actor.pk)
            or (isinstance(actor, User) and p.user_id == actor.pk)
        ]
    )
    notes = Note.objects.filter(assist=assist)
    if since is not None:
        notes = notes.filter(version__gt=since)
    else:
        notes = notes.filter(deleted_at__isnull=True)
    refusal = note_write_refusal(viewer, assist)
    role = viewer.role if viewer else None
    return {
        "id": assist.pk,
        "title": assist.title,
        "version": assist.version,
        "since": since,
        "phase": assist.phase,
        "phases": [{"value": p.value, "label": p.label} for p in Phase],
        "status": assist.status,
        "status_label": Status(assist.status).label,
        "controls": controls_wire(assist),
        "me": {
            "participant": participant_wire(viewer),
            "role": role,
            "is_facilitator": role == Participant.Role.FACILITATOR,
            "is_host": role in {Participant.Role.HOST_LEAD, Participant.Role.HOST_MEMBER},
            "is_note_taker": role == Participant.Role.NOTE_TAKER,
            "can_write": refusal is None,
            "write_refusal": (
                {"code": refusal.code, "detail": refusal.detail} if refusal is not None else None
            ),
            "done": viewer.is_done if viewer else False,
            "takeaway": viewer.takeaway if viewer else "",
        },
        "guidance": guidance_for(role),
        "learning_needs": [
            {"id": n.pk, "question": n.question, "priority": n.priority}
            for n in board_learning_needs(assist)
        ],
        "participants": [participant_wire(p) for p in participants],
        "agenda": [
            {"id": a.pk, "title": a.title, "phase": a.phase, "minutes": a.minutes, "lead": a.lead}
            for a in AgendaItem.objects.filter(assist=assist)
        ],
        "notes": [
            shaped
            for n in notes.order_by("version", "id")
            if (
                shaped := note_for_viewer(
                    note_wire(n, people),
                    viewer,
                    private_writing=assist.private_writing,
                    private_since=private_since(assist),
                )
            ).get("deleted")
            is not True
            or since is not None
        ],
        "presence": presence_state(assist.pk, people),
        "takeaways": [
            {"participant_id": p.pk, "name": p.display_name, "text": p.takeaway}
            for p in participants
            if p.takeaway
        ],
        "closing": {
            "host_thanks": assist.host_thanks,
            "action_list_due": (
                assist.action_list_due.isoformat() if assist.action_list_due else None
            ),
        },
    }
