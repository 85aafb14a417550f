"""Writes of the live session: notes, phases, facilitator controls, presence, take-aways.

Every write that participants can see runs in one transaction that locks the peer assist
row, checks the actor's role (assists/permissions.py) against the fresh state, bumps
``PeerAssist.version`` by one and queues the event with ``broadcast_on_commit``: concurrent
writers never share a version and nothing is pushed for a write that rolled back.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from peerassist.accounts.actors import Actor
from peerassist.accounts.models import User
from peerassist.assists import lifecycle
from peerassist.assists.live import events
from peerassist.assists.live.phases import (
    phase_next,
    phase_previous,
    phase_validate,
    status_steps,
)
from peerassist.assists.live.pid_guard import pid_findings, pid_summary
from peerassist.assists.live.selectors import (
    board_learning_needs,
    controls_wire,
    note_wire,
    participant_wire,
    presence_state,
    private_since,
)
from peerassist.assists.models import (
    AgendaItem,
    Note,
    Participant,
    PeerAssist,
    Phase,
    PhaseChange,
    PresenceSeat,
)
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import (
    ensure_board_open,
    ensure_can_add_note,
    ensure_can_change_note,
    ensure_can_speak_for,
    ensure_facilitator,
    ensure_participant,
    is_facilitator,
)
from peerassist.assists.versions import version_give_back, version_take, version_take_locking
from peerassist.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

TAKEAWAY_MAX = 2000
CLOSING_MAX = 5000
TIMER_MAX_MINUTES = 480


# --- shared steps -----------------------------------------------------------------------------


def _locked(assist: PeerAssist) -> PeerAssist:
    """Re-read the peer assist under a row lock (PostgreSQL; SQLite serialises writers).

    In place, so the caller's object carries the fresh state (and, after ``version_take``, the new
    version) without another query.
    """
    assist.refresh_from_db(from_queryset=PeerAssist.objects.select_for_update())
    return assist


def _emit(assist: PeerAssist, event: events.LiveEvent) -> None:
    """Queue a versioned event, with the private-writing flag the consumer shapes notes by."""
    events.emit(
        assist.pk,
        event,
        private_writing=assist.private_writing,
        private_since=private_since(assist),
    )


def _clean_text(text: object, *, what: str = "note", limit: int = Note.MAX_LENGTH) -> str:
    if not isinstance(text, str):
        raise Invalid(f"The {what} must be text.", code="invalid")
    # NUL cannot be stored in PostgreSQL text (it would be a 500); it is never meaningful.
    cleaned = text.replace("\x00", "").strip()
    if not cleaned:
        raise Invalid(f"Write something in the {what} first.", code="empty")
    if len(cleaned) > limit:
        raise Invalid(
            f"A {what} can be at most {limit:,} characters; this one has {len(cleaned):,}. "
            "Shorten it or split it in two.",
            code="too_long",
        )
    return cleaned


def _clean_kind(kind: object) -> str:
    if kind not in Note.Kind.values:
        raise Invalid(
            "Choose a kind of note: " + ", ".join(Note.Kind.values) + ".", code="invalid_kind"
        )
    return str(kind)


def _clean_need(
    assist: PeerAssist, need_id: object, known: frozenset[int] | None = None
) -> int | None:
    if need_id is None:
        return None
    if (
        not isinstance(need_id, int)
        or isinstance(need_id, bool)
        or (
            need_id not in known
            if known is not None
            else not board_learning_needs(assist).filter(pk=need_id).exists()
        )
    ):
        raise Invalid(
            "That learning need is not on this board. Choose one of the board's columns, "
            "or “Other”.",
            code="unknown_learning_need",
        )
    return need_id


def _guard_sensitive(text: str, confirm_sensitive: bool) -> bool:
    """Refuse text that looks like patient data, unless the writer confirms it is safe.

    Returns whether the note must be held for the facilitator: the writer's word alone
    does not send such text to everybody (one click would, from every screen).
    """
    if confirm_sensitive:
        return bool(pid_findings(text))
    findings = pid_findings(text)
    if findings:
        raise Conflict(
            f"This note looks as if it holds {pid_summary(findings)}. Patient-identifiable "
            "data must not go on the board: edit it out, or confirm that it is safe to keep "
            "(the facilitator then checks it before anybody else sees it).",
            code="sensitive_data",
        )
    return False


def _hold(note: Note, participant: Participant | None, held: bool) -> list[str]:
    """Hold a note whose flagged text its writer kept, unless the facilitator wrote it (the
    facilitator is the one who checks). Returns the fields that changed."""
    if not held or is_facilitator(participant):
        return []
    note.hidden = True
    note.held_at = timezone.now()
    return ["hidden", "held_at"]


def _release(note: Note) -> list[str]:
    """The facilitator released (or corrected) a held note: everybody may see it now."""
    if note.held_at is None:
        return []
    note.held_at = None
    note.hidden = False
    return ["held_at", "hidden"]


def _participant_in(assist: PeerAssist, participant_id: object, what: str) -> Participant:
    participant = (
        Participant.objects.filter(assist=assist, pk=participant_id).first()
        if isinstance(participant_id, int) and not isinstance(participant_id, bool)
        else None
    )
    if participant is None:
        raise Invalid(f"Choose the {what} from this peer assist's participants.", code="invalid")
    return participant


def _note_in(assist: PeerAssist, note_id: object) -> Note:
    note = (
        Note.objects.select_for_update()
        .filter(assist=assist, pk=note_id, deleted_at__isnull=True)
        .first()
        if isinstance(note_id, int)
        else None
    )
    if note is None:
        raise NotFound("No such note on this board; it may have been deleted.")
    return note


def _note_event(
    assist: PeerAssist, kind: type[events.NoteCreated | events.NoteUpdated], note: Note
) -> None:
    _emit(assist, kind(version=assist.version, note=events.NoteWire(**note_wire(note))))


def note_created_emit(assist: PeerAssist, note: Note) -> None:
    """Queue ``note.created`` for a note saved in a batch, at the note's own version."""
    _emit(assist, events.NoteCreated(version=note.version, note=events.NoteWire(**note_wire(note))))


# --- notes ------------------------------------------------------------------------------------


def note_create(
    *,
    actor: Actor | None,
    assist: PeerAssist,
    client_id: uuid.UUID,
    text: object,
    kind: object = Note.Kind.INSIGHT,
    learning_need_id: object = None,
    spoken_by_id: object = None,
    anonymous: bool = False,
    confirm_sensitive: bool = False,
    held_participant: Participant | None = None,
) -> tuple[Note, bool]:
    """Add a note once per ``client_id``: a retry returns the first note and ``False``.

    The note taker (or facilitator) may name another participant as the speaker; the note is
    then theirs to confirm or correct. Anonymous mode makes every new note anonymous.

    ``held_participant`` is ``participant_of(actor, assist)`` when the caller already holds
    it (the board's socket, which is closed the moment the person's access ends,
    core/disconnect.py); it saves that query on the hot path. Roles and the phase are still
    checked here against the freshly locked peer assist.

    The client-id check is folded into the insert (the ``one_note_per_client_id``
    constraint): a new note, nearly every call, costs no look-up first. Only when the insert
    collides, or a check refuses, is the earlier note looked for, in a fresh transaction,
    so a retry still gets its note back even if the board has since moved on (a visitor's
    note retried after analysis began).
    """
    try:
        note = _note_insert(
            actor=actor,
            assist=assist,
            client_id=client_id,
            text=text,
            kind=kind,
            learning_need_id=learning_need_id,
            spoken_by_id=spoken_by_id,
            anonymous=anonymous,
            confirm_sensitive=confirm_sensitive,
            held_participant=held_participant,
        )
    except (DomainError, IntegrityError):
        earlier = _note_retried(actor, assist, client_id, held_participant)
        if earlier is None:
            raise
        return earlier, False
    return note, True


@transaction.atomic
def _note_retried(
    actor: Actor | None,
    assist: PeerAssist,
    client_id: uuid.UUID,
    held_participant: Participant | None,
) -> Note | None:
    """The note this ``client_id`` already made, if it is the actor's (else 409)."""
    assist = _locked(assist)  # the version the answer carries is the committed one
    existing = Note.objects.filter(assist=assist, client_id=client_id).first()
    if existing is None:
        return None
    participant = held_participant or participant_of(actor, assist)
    if participant is None or existing.author_id != participant.pk:
        raise Conflict(
            "That note id is already used on this board. Reload the board and try again.",
            code="client_id_taken",
        )
    return existing


@transaction.atomic
def _note_insert(
    *,
    actor: Actor | None,
    assist: PeerAssist,
    client_id: uuid.UUID,
    text: object,
    kind: object,
    learning_need_id: object,
    spoken_by_id: object,
    anonymous: bool,
    confirm_sensitive: bool,
    held_participant: Participant | None,
) -> Note:
    version_take_locking(assist)  # the row lock, the fresh read and the next version at once
    try:
        note = note_prepare(
            actor=actor,
            assist=assist,
            client_id=client_id,
            text=text,
            kind=kind,
            learning_need_id=learning_need_id,
            spoken_by_id=spoken_by_id,
            anonymous=anonymous,
            confirm_sensitive=confirm_sensitive,
            held_participant=held_participant,
        )
        note.version = assist.version
        note.save(force_insert=True)
    except BaseException:
        version_give_back(assist)  # the transaction rolls back; so does the copy in hand
        raise
    _note_event(assist, events.NoteCreated, note)
    return note


def note_prepare(
    *,
    actor: Actor | None,
    assist: PeerAssist,
    client_id: uuid.UUID,
    text: object,
    kind: object,
    learning_need_id: object,
    spoken_by_id: object,
    anonymous: bool,
    confirm_sensitive: bool,
    held_participant: Participant | None,
    need_ids: frozenset[int] | None = None,
) -> Note:
    """Every check of a new note against the locked peer assist, and the unsaved note.

    It writes nothing, so a refusal (a ``DomainError``) needs no rollback: ``note_create``
    saves the note at once, and a batch of notes (``note_batch.py``) saves the notes that
    passed together. ``need_ids``, the board's columns when the caller has read them once,
    saves a query a note."""
    if held_participant is not None and held_participant.assist_id != assist.pk:
        raise NotFound()
    participant = ensure_can_add_note(held_participant or participant_of(actor, assist), assist)
    cleaned = _clean_text(text)
    note_kind = _clean_kind(kind)
    need = _clean_need(assist, learning_need_id, need_ids)
    speaker = None
    if spoken_by_id is not None:
        speaker = _participant_in(assist, spoken_by_id, "speaker")
        ensure_can_speak_for(participant, speaker, assist)
        if speaker.pk == participant.pk:
            speaker = None
    held = _guard_sensitive(cleaned, confirm_sensitive)
    note = Note(
        assist=assist,
        client_id=client_id,
        text=cleaned,
        kind=note_kind,
        learning_need_id=need,
        author=participant,
        spoken_by=speaker,
        captured_by=participant if speaker is not None else None,
        anonymous=bool(anonymous) or assist.anonymous,
        version=0,  # taken once every check has passed
    )
    _hold(note, participant, held)
    return note


@transaction.atomic
def note_update(
    *,
    actor: Actor | None,
    assist: PeerAssist,
    note_id: int,
    changes: dict[str, Any],
    confirm_sensitive: bool = False,
) -> Note:
    """Change a note's text, kind or learning need (author), or hide it (facilitator)."""
    assist = _locked(assist)
    participant = participant_of(actor, assist)
    note = _note_in(assist, note_id)
    fields: list[str] = []
    if "hidden" in changes:
        ensure_facilitator(participant)
        ensure_board_open(assist)
        note.hidden = bool(changes["hidden"])
        fields.append("hidden")
        if not note.hidden:
            fields += _release(note)
    content = {k: changes[k] for k in ("text", "kind", "learning_need_id") if k in changes}
    if content:
        ensure_can_change_note(participant, assist, note)
        if "text" in content:
            note.text = _clean_text(content["text"])
            held = _guard_sensitive(note.text, confirm_sensitive)
            fields.append("text")
            # The facilitator's correction releases a held note; the writer's keeps it held.
            fields += _release(note) if is_facilitator(participant) else []
            fields += _hold(note, participant, held)
            if note.spoken_by_id and not is_facilitator(participant):
                note.speaker_confirmed_at = None
                fields.append("speaker_confirmed_at")
        if "kind" in content:
            note.kind = _clean_kind(content["kind"])
            fields.append("kind")
        if "learning_need_id" in content:
            note.learning_need_id = _clean_need(assist, content["learning_need_id"])
            fields.append("learning_need")
    if not fields:
        raise Invalid("Nothing to change: send text, kind, learning_need_id or hidden.")
    note.version = version_take(assist)
    note.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])
    _note_event(assist, events.NoteUpdated, note)
    return note


@transaction.atomic
def note_delete(*, actor: Actor | None, assist: PeerAssist, note_id: int) -> int:
    """Soft-delete a note (author or facilitator); returns the new version."""
    assist = _locked(assist)
    participant = participant_of(actor, assist)
    note = _note_in(assist, note_id)
    ensure_can_change_note(participant, assist, note)
    note.deleted_at = timezone.now()
    note.version = version_take(assist)
    note.save(update_fields=["deleted_at", "version", "updated_at"])
    if assist.spotlight_note_id == note.pk:
        PeerAssist.objects.filter(pk=assist.pk).update(spotlight_note=None)
        assist.spotlight_note_id = None
    gone = events.NoteGone(
        id=note.pk, client_id=str(note.client_id), version=note.version, deleted=True
    )
    _emit(assist, events.NoteDeleted(version=assist.version, note=gone))
    return assist.version


@transaction.atomic
def note_confirm_by_speaker(
    *,
    actor: Actor | None,
    assist: PeerAssist,
    note_id: int,
    text: object = None,
    confirm_sensitive: bool = False,
) -> Note:
    """The named speaker confirms a note taken on their behalf, correcting it if they wish."""
    assist = _locked(assist)
    participant = ensure_participant(participant_of(actor, assist))
    ensure_board_open(assist)
    note = _note_in(assist, note_id)
    if note.spoken_by_id != participant.pk:
        raise Forbidden("Only the person a note was taken for can confirm it.", code="not_speaker")
    fields = ["speaker_confirmed_at"]
    if text is not None:
        note.text = _clean_text(text)
        fields.append("text")
        fields += _hold(note, participant, _guard_sensitive(note.text, confirm_sensitive))
    note.speaker_confirmed_at = timezone.now()
    note.version = version_take(assist)
    note.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])
    _note_event(assist, events.NoteUpdated, note)
    return note


# --- phases -----------------------------------------------------------------------------------


@transaction.atomic
def phase_set(
    *,
    actor: Actor | None,
    assist: PeerAssist,
    to_phase: object,
    expected_from: object = None,
) -> PeerAssist:
    """Move the session to ``to_phase`` (facilitator only), recorded in PhaseChange.

    ``expected_from`` guards against a double click or two facilitators moving at once: if
    the phase is no longer the one the client saw, the move is refused with 409. The first
    move away from welcome sets the lifecycle status to live, entering analyse sets it to
    analysis, when the lifecycle allows; a lifecycle refusal never blocks the phase move.
    """
    assist = _locked(assist)
    participant = ensure_facilitator(participant_of(actor, assist))
    target = phase_validate(to_phase)
    if expected_from is not None and expected_from != assist.phase:
        raise Conflict(
            f"The phase has already moved to “{Phase(assist.phase).label}”. Check the board "
            "before moving it again.",
            code="phase_moved",
        )
    if target == assist.phase:
        return assist
    from_phase = assist.phase
    version = version_take(assist)
    PhaseChange.objects.create(
        assist=assist, from_phase=from_phase, to_phase=target, by=participant, version=version
    )
    first_item = AgendaItem.objects.filter(assist=assist, phase=target).order_by("order", "id")
    assist.phase = target
    assist.current_item = first_item.first()
    assist.timer_ends_at = None
    assist.timer_paused_seconds = None
    assist.spotlight_note = None
    assist.spotlight_need = None
    assist.save(
        update_fields=[
            "phase",
            "current_item",
            "timer_ends_at",
            "timer_paused_seconds",
            "spotlight_note",
            "spotlight_need",
            "updated_at",
        ]
    )
    for status in status_steps(target, assist.status):
        if not lifecycle.assist_can_move(assist, status):
            continue
        user = actor if isinstance(actor, User) else None
        lifecycle.assist_status_set(
            assist=assist, to_status=status, by_user=user, reason=f"Phase moved to {target}."
        )
        assist.status = status
    _emit(
        assist,
        events.PhaseChanged(
            version=version,
            phase=target,
            from_phase=from_phase,
            status=assist.status,
            controls=events.Controls(**controls_wire(assist)),
        ),
    )
    return assist


def phase_advance(
    *, actor: Actor | None, assist: PeerAssist, direction: str, expected_from: object = None
) -> PeerAssist:
    """One step forward (``"next"``) or back (``"back"``)."""
    current = expected_from if isinstance(expected_from, str) else assist.phase
    current = phase_validate(current)
    if direction == "next":
        target = phase_next(current)
    elif direction == "back":
        target = phase_previous(current)
    else:
        raise Invalid("Direction must be “next” or “back”.", code="invalid")
    if target is None:
        raise Invalid("There is no phase that way.", code="no_such_phase")
    return phase_set(actor=actor, assist=assist, to_phase=target, expected_from=current)


# --- facilitator controls ---------------------------------------------------------------------

CONTROL_KEYS = {
    "anonymous",
    "private_writing",
    "locked",
    "spotlight_note_id",
    "spotlight_need_id",
    "timer",
    "agenda_item_id",
    "minutes",
}


@transaction.atomic
def controls_update(
    *, actor: Actor | None, assist: PeerAssist, changes: dict[str, Any]
) -> PeerAssist:
    """Change the facilitator's controls: timer, spotlight, anonymity, private writing, lock.

    ``timer`` is ``"start"`` (from the current agenda item's minutes, or ``minutes``, or on
    from a pause), ``"pause"`` or ``"reset"``; ``agenda_item_id`` picks the item it times.
    Turning ``private_writing`` off reveals everybody's notes.
    """
    assist = _locked(assist)
    ensure_facilitator(participant_of(actor, assist))
    unknown = set(changes) - CONTROL_KEYS
    if unknown or not changes:
        raise Invalid(
            "Send one or more of: " + ", ".join(sorted(CONTROL_KEYS)) + ".", code="invalid"
        )
    fields: set[str] = set()
    for flag in ("anonymous", "private_writing", "locked"):
        if flag in changes:
            if not isinstance(changes[flag], bool):
                raise Invalid(f"“{flag}” must be true or false.")
            if flag == "private_writing" and changes[flag] != assist.private_writing:
                # Only notes written from now on are withheld.
                assist.private_writing_since = timezone.now() if changes[flag] else None
                fields.add("private_writing_since")
            setattr(assist, flag, changes[flag])
            fields.add(flag)
    if "spotlight_note_id" in changes:
        note_id = changes["spotlight_note_id"]
        if note_id is not None and not (
            isinstance(note_id, int)
            and Note.objects.filter(assist=assist, pk=note_id, deleted_at__isnull=True).exists()
        ):
            raise Invalid("That note is not on this board.", code="unknown_note")
        assist.spotlight_note_id = note_id
        assist.spotlight_need_id = None if note_id is not None else assist.spotlight_need_id
        fields |= {"spotlight_note", "spotlight_need"}
    if "spotlight_need_id" in changes:
        assist.spotlight_need_id = _clean_need(assist, changes["spotlight_need_id"])
        if assist.spotlight_need_id is not None:
            assist.spotlight_note_id = None
        fields |= {"spotlight_note", "spotlight_need"}
    if "agenda_item_id" in changes:
        item_id = changes["agenda_item_id"]
        if item_id is not None and not (
            isinstance(item_id, int)
            and AgendaItem.objects.filter(assist=assist, pk=item_id).exists()
        ):
            raise Invalid("That agenda item is not in this peer assist.", code="unknown_item")
        if item_id != assist.current_item_id:
            assist.timer_ends_at = None
            assist.timer_paused_seconds = None
        assist.current_item_id = item_id
        fields |= {"current_item", "timer_ends_at", "timer_paused_seconds"}
    if "timer" in changes or "minutes" in changes:
        _timer_apply(assist, changes.get("timer", "start"), changes.get("minutes"))
        fields |= {"timer_ends_at", "timer_paused_seconds"}
    version = version_take(assist)
    assist.save(update_fields=[*sorted(fields), "updated_at"])
    revealed = "private_writing" in changes and not changes["private_writing"]
    _emit(
        assist,
        events.ControlsChanged(
            version=version, controls=events.Controls(**controls_wire(assist)), revealed=revealed
        ),
    )
    return assist


def _timer_apply(assist: PeerAssist, action: object, minutes: object) -> None:
    now = timezone.now()
    if action == "start":
        if minutes is not None:
            if not isinstance(minutes, int) or isinstance(minutes, bool):
                raise Invalid("Minutes must be a whole number.")
            if not 1 <= minutes <= TIMER_MAX_MINUTES:
                raise Invalid(f"Set the timer between 1 and {TIMER_MAX_MINUTES} minutes.")
            seconds = minutes * 60
        elif assist.timer_paused_seconds is not None:
            seconds = assist.timer_paused_seconds
        elif assist.current_item_id is not None:
            item = AgendaItem.objects.filter(pk=assist.current_item_id).first()
            seconds = (item.minutes if item else 15) * 60
        else:
            seconds = 15 * 60
        assist.timer_ends_at = now + timedelta(seconds=seconds)
        assist.timer_paused_seconds = None
    elif action == "pause":
        if assist.timer_ends_at is None:
            raise Invalid("The timer is not running.", code="timer_not_running")
        assist.timer_paused_seconds = max(0, int((assist.timer_ends_at - now).total_seconds()))
        assist.timer_ends_at = None
    elif action == "reset":
        assist.timer_ends_at = None
        assist.timer_paused_seconds = None
    else:
        raise Invalid("The timer can “start”, “pause” or “reset”.", code="invalid")


# --- presence (not versioned: it changes often and nobody resyncs it) -------------------------


def _presence_push(assist_id: int) -> None:
    presence = events.Presence(**presence_state(assist_id))
    events.emit(assist_id, events.PresenceChanged(presence=presence))


def presence_join(
    *, assist: PeerAssist, participant: Participant | None, channel_name: str
) -> None:
    """A socket opened: take a seat (one per socket) and tell everyone."""
    PresenceSeat.objects.update_or_create(
        channel_name=channel_name,
        defaults={"assist": assist, "participant": participant, "last_seen": timezone.now()},
    )
    _presence_push(assist.pk)


def presence_heartbeat(*, assist: PeerAssist, channel_name: str) -> None:
    """Keep this socket's seat fresh, and sweep seats left behind by dead processes."""
    now = timezone.now()
    PresenceSeat.objects.filter(channel_name=channel_name).update(last_seen=now)
    from peerassist.assists.live.selectors import PRESENCE_STALE_AFTER

    stale = PresenceSeat.objects.filter(assist=assist, last_seen__lt=now - PRESENCE_STALE_AFTER)
    if stale.delete()[0]:
        _presence_push(assist.pk)


def presence_leave(*, assist: PeerAssist, channel_name: str) -> None:
    PresenceSeat.objects.filter(channel_name=channel_name).delete()
    _presence_push(assist.pk)


TYPING_FOR = timedelta(seconds=8)


def typing_set(*, assist: PeerAssist, channel_name: str, active: bool) -> None:
    """Mark this socket as writing a note for the next few seconds (renewed while typing).

    Everyone is told only when the count changes, not on every renewal.
    """
    now = timezone.now()
    seat = PresenceSeat.objects.filter(channel_name=channel_name).first()
    if seat is None:
        return
    was_typing = seat.typing_until is not None and seat.typing_until > now
    PresenceSeat.objects.filter(pk=seat.pk).update(
        typing_until=now + TYPING_FOR if active else None, last_seen=now
    )
    if was_typing != active:
        _presence_push(assist.pk)


@transaction.atomic
def participant_done_set(*, actor: Actor | None, assist: PeerAssist, done: object) -> Participant:
    """Raise or lower this participant's "I'm done" flag."""
    if not isinstance(done, bool):
        raise Invalid("“done” must be true or false.")
    participant = ensure_participant(participant_of(actor, assist))
    Participant.objects.filter(pk=participant.pk).update(is_done=done)
    participant.is_done = done
    _presence_push(assist.pk)
    return participant


# --- close: take-aways, thanks and the promised date ------------------------------------------


@transaction.atomic
def takeaway_set(*, actor: Actor | None, assist: PeerAssist, text: object) -> Participant:
    """Save what this participant will take away (in *close*)."""
    assist = _locked(assist)
    participant = ensure_participant(participant_of(actor, assist))
    if assist.phase != Phase.CLOSE:
        raise Forbidden("Take-aways are written in the Close phase.", code="wrong_phase")
    if assist.status == lifecycle.Status.CLOSED:
        raise Forbidden("This peer assist is closed.", code="session_closed")
    participant.takeaway = _clean_text(text, what="take-away", limit=TAKEAWAY_MAX)
    participant.save(update_fields=["takeaway", "updated_at"])
    version = version_take(assist)
    person = participant_wire(participant)
    _emit(
        assist,
        events.TakeawaySaved(
            version=version,
            participant=events.Person(**person) if person else None,
            text=participant.takeaway,
        ),
    )
    return participant


@transaction.atomic
def closing_set(
    *, actor: Actor | None, assist: PeerAssist, host_thanks: object, action_list_due: object
) -> PeerAssist:
    """The host lead's (or facilitator's) thanks and the date the action list will be sent."""
    assist = _locked(assist)
    participant = ensure_participant(participant_of(actor, assist))
    if participant.role not in {Participant.Role.HOST_LEAD, Participant.Role.FACILITATOR}:
        raise Forbidden(
            "Only the host lead or the facilitator records the thanks and the date.",
            code="not_host_lead",
        )
    if assist.status == lifecycle.Status.CLOSED:
        raise Forbidden("This peer assist is closed.", code="session_closed")
    assist.host_thanks = _clean_text(host_thanks, what="thanks", limit=CLOSING_MAX)
    if action_list_due is not None and not isinstance(action_list_due, date):
        raise Invalid("Give the date as YYYY-MM-DD.")
    if isinstance(action_list_due, date) and action_list_due < timezone.localdate():
        raise Invalid("The action list date cannot be in the past.", code="date_in_past")
    assist.action_list_due = action_list_due
    version = version_take(assist)
    assist.save(update_fields=["host_thanks", "action_list_due", "updated_at"])
    _emit(
        assist,
        events.ClosingSaved(
            version=version,
            host_thanks=assist.host_thanks,
            action_list_due=action_list_due.isoformat() if action_list_due else None,
        ),
    )
    return assist
