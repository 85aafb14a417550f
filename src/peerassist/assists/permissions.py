"""Who may write what on the live board, in which phase. Checked on the server for every write.

- Only participants write; signed-in colleagues who are not participants may watch.
- Visitors (and sponsors) are read-only from *analyse* on: the host team works alone.
- Observers never write.
- Writes to a board that is closed (status outside ``lifecycle.BOARD_OPEN``) are refused;
  a locked board refuses everyone but the facilitator.
- Authors edit and delete their own notes; the facilitator edits or hides any note.
- The note taker writes on behalf of a named speaker (``spoken_by``).
"""

from __future__ import annotations

from peerassist.assists.lifecycle import BOARD_OPEN
from peerassist.assists.models import Note, Participant, PeerAssist, Phase

# The one role order lives in participants.py; named here too for code that already reads
# it from permissions (reports/presenters.py). The same object, not a copy.
from peerassist.assists.participants import ROLE_RANK as ROLE_RANK
from peerassist.core.errors import Forbidden

Role = Participant.Role

HOST_TEAM = {Role.FACILITATOR, Role.HOST_LEAD, Role.HOST_MEMBER, Role.NOTE_TAKER}
VISITING = {Role.VISITOR, Role.SPONSOR}
# Phases in which the visiting team adds and edits notes.
VISITOR_WRITE_PHASES = {Phase.WELCOME, Phase.TELL, Phase.ASK}


def is_facilitator(participant: Participant | None) -> bool:
    return participant is not None and participant.role == Role.FACILITATOR


def ensure_participant(participant: Participant | None) -> Participant:
    if participant is None:
        raise Forbidden(
            "Only participants of this peer assist can do that. Ask the facilitator to add you.",
            code="not_participant",
        )
    return participant


def ensure_facilitator(participant: Participant | None) -> Participant:
    if not is_facilitator(participant):
        raise Forbidden("Only the facilitator can do that.", code="not_facilitator")
    assert participant is not None
    return participant


def ensure_board_open(assist: PeerAssist) -> None:
    if assist.status not in BOARD_OPEN:
        raise Forbidden(
            "This peer assist is closed to new notes: its board is kept as a record.",
            code="session_closed",
        )


def note_write_refusal(participant: Participant | None, assist: PeerAssist) -> Forbidden | None:
    """Why this participant may not add notes now, or None if they may."""
    if participant is None:
        return Forbidden(
            "Only participants of this peer assist can add notes.", code="not_participant"
        )
    if assist.status not in BOARD_OPEN:
        return Forbidden(
            "This peer assist is closed to new notes: its board is kept as a record.",
            code="session_closed",
        )
    if assist.locked and not is_facilitator(participant):
        return Forbidden(
            "The facilitator has locked the board. You can read it, and write again once it "
            "is unlocked.",
            code="board_locked",
        )
    if participant.role == Role.OBSERVER:
        return Forbidden("Observers can read the board but not add to it.", code="read_only")
    if participant.role in VISITING and assist.phase not in VISITOR_WRITE_PHASES:
        if assist.phase == Phase.ANALYSE:
            detail = (
                "While the host team analyses the notes, visitors can read the board but not "
                "add to it or change it."
            )
        else:
            detail = "Visitors add notes up to the end of Ask; the board is now read-only for you."
        return Forbidden(detail, code="visitors_read_only")
    return None


def ensure_can_add_note(participant: Participant | None, assist: PeerAssist) -> Participant:
    refusal = note_write_refusal(participant, assist)
    if refusal is not None:
        raise refusal
    assert participant is not None
    return participant


def ensure_can_change_note(
    participant: Participant | None, assist: PeerAssist, note: Note
) -> Participant:
    """The author (or the note taker who captured it) may change it; the facilitator any."""
    participant = ensure_participant(participant)
    ensure_board_open(assist)
    if is_facilitator(participant):
        return participant
    if participant.pk not in {note.author_id, note.captured_by_id}:
        raise Forbidden(
            "You can change only your own notes; the facilitator can change any.",
            code="not_author",
        )
    return ensure_can_add_note(participant, assist)


def ensure_can_speak_for(
    participant: Participant, speaker: Participant | None, assist: PeerAssist
) -> None:
    """Only the note taker and the facilitator write notes on behalf of someone else."""
    if speaker is None or speaker.pk == participant.pk:
        return
    if participant.role not in {Role.NOTE_TAKER, Role.FACILITATOR}:
        raise Forbidden(
            "Only the note taker can write a note on behalf of someone else.",
            code="not_note_taker",
        )
