"""Bulk capture: many pasted lines become many notes, after one preview and one confirm.

The note taker types or pastes what was said (or what a photo's text reader found), one note
per line. ``bulk_preview`` splits the paste and says, per line, which learning need and speaker
it will carry and whether the patient-data guard flags it; nothing is written. The confirm,
``notes_create_bulk``, runs every line through ``note_create`` (the one write path for notes)
in one transaction: each line's client id makes a retried confirm create each note once, and
if any line is refused nothing is saved and each refused line is named.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from peerassist.accounts.actors import Actor
from peerassist.assists.live.pid_guard import Finding, pid_findings, pid_summary
from peerassist.assists.live.selectors import board_learning_needs
from peerassist.assists.live.services import note_create
from peerassist.assists.models import Note, Participant, PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.assists.permissions import ensure_can_add_note
from peerassist.core.errors import Conflict, Invalid

# One paste is one sitting's worth of notes: enough for a whole flipchart or a morning's
# notes, small enough that the preview stays one readable page and the form stays under
# Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (three fields per line).
MAX_LINES = 200
# Transport limit on the pasted text; the per-note 1,000-character rule is note_create's.
MAX_PASTE_CHARS = MAX_LINES * (Note.MAX_LENGTH + 1)

# "- ", "* ", "• ", "1. ", "2) " at the start of a line: list markers, not part of the note.
_BULLET = re.compile(r"^\s*(?:[-*•‣◦–—]|\d{1,3}[.)])\s+")
# "Priya: ..." or "Priya Shah - ..." names the speaker when the name is a participant's.
_SPEAKER = re.compile(r"^(?P<name>[^:\n]{1,150}?)\s*:\s+(?P<rest>\S.*)$")


def too_many_lines_message(count: int) -> str:
    return (
        f"You pasted {count:,} lines, and one paste can hold at most {MAX_LINES} notes. "
        f"Paste the first {MAX_LINES}, add them, then paste the rest. Nothing was saved."
    )


def bulk_client_id(batch_id: uuid.UUID, index: int) -> uuid.UUID:
    """The client id of line ``index`` of a paste: the same on every retry of that paste."""
    return uuid.uuid5(batch_id, f"line-{index}")


@dataclass
class PreviewLine:
    """One pasted line as it will be added: text, learning need, speaker, guard findings."""

    index: int
    text: str
    client_id: uuid.UUID
    learning_need_id: int | None = None
    spoken_by_id: int | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str = ""

    @property
    def pid_warning(self) -> str:
        if not self.findings:
            return ""
        return f"This line looks as if it holds {pid_summary(self.findings)}."


@dataclass
class BulkPreview:
    batch_id: uuid.UUID
    lines: list[PreviewLine]
    empty_lines: int
    learning_needs: list[tuple[int, str]]
    speakers: list[tuple[int, str]]
    can_speak_for_others: bool

    @property
    def flagged(self) -> int:
        return sum(1 for line in self.lines if line.findings)


@dataclass(frozen=True)
class BulkNote:
    """One line of a confirm, as a form or the API sends it."""

    client_id: uuid.UUID
    text: str
    learning_need_id: int | None = None
    spoken_by_id: int | None = None
    confirm_sensitive: bool = False


@dataclass(frozen=True)
class LineError:
    index: int
    code: str
    detail: str


class BulkInvalid(Invalid):
    """Some lines were refused; nothing was saved. ``lines`` names each refused line."""

    code = "invalid_lines"

    def __init__(self, lines: list[LineError]) -> None:
        count = len(lines)
        super().__init__(
            f"{count} of the lines need changing before they can be added"
            if count != 1
            else "1 line needs changing before it can be added",
        )
        self.detail += ". Nothing was saved."
        self.lines = lines


def split_paste(text: object) -> tuple[list[str], int]:
    """The paste's non-empty lines (list markers dropped) and how many empty lines it had."""
    if not isinstance(text, str):
        raise Invalid("Paste the notes as text, one per line.", code="invalid")
    if len(text) > MAX_PASTE_CHARS:
        raise Invalid(
            too_many_lines_message(text.count("\n") + 1)
            if text.count("\n") >= MAX_LINES
            else (
                f"That paste is too long ({len(text):,} characters). Paste at most "
                f"{MAX_LINES} notes of up to {Note.MAX_LENGTH:,} characters each."
            ),
            code="too_many_lines",
        )
    kept: list[str] = []
    empty = 0
    for raw in text.replace("\x00", "").splitlines():
        line = _BULLET.sub("", raw, count=1).strip()
        if not line:
            empty += 1
            continue
        kept.append(line)
    if len(kept) > MAX_LINES:
        raise Invalid(too_many_lines_message(len(kept)), code="too_many_lines")
    if not kept:
        raise Invalid("Paste at least one note: one note per line.", code="empty")
    return kept, empty


def _speaker_names(participants: list[Participant]) -> dict[str, int | None]:
    """Lower-cased full names and unique first names → participant id (None if ambiguous)."""
    names: dict[str, int | None] = {}
    firsts: dict[str, set[int]] = {}
    for person in participants:
        full = " ".join(person.display_name.split()).lower()
        if full:
            names[full] = person.pk if names.get(full, person.pk) == person.pk else None
            firsts.setdefault(full.split()[0], set()).add(person.pk)
    for first, ids in firsts.items():
        names.setdefault(first, next(iter(ids)) if len(ids) == 1 else None)
    return names


def bulk_preview(
    *,
    actor: Actor | None,
    assist: PeerAssist,
    text: object,
    learning_need_id: int | None = None,
    spoken_by_id: int | None = None,
    batch_id: uuid.UUID | None = None,
) -> BulkPreview:
    """What a paste would add, line by line; refuses people who may not add notes now.

    A line that starts with a participant's name and a colon ("Priya: ...") is taken as said
    by them when the actor may write for others; every other line carries the defaults.
    """
    participant = ensure_can_add_note(participant_of(actor, assist), assist)
    lines, empty = split_paste(text)
    needs = [(n.pk, n.question) for n in board_learning_needs(assist)]
    need_ids = {pk for pk, _ in needs}
    if learning_need_id is not None and learning_need_id not in need_ids:
        raise Invalid(
            "That learning need is not on this board. Choose one of the board's columns, "
            "or “Other”.",
            code="unknown_learning_need",
        )
    can_speak = participant.role in {Participant.Role.NOTE_TAKER, Participant.Role.FACILITATOR}
    people = [p for p in Participant.objects.filter(assist=assist) if p.pk != participant.pk]
    speaker_ids = {p.pk for p in people}
    if spoken_by_id is not None and not (can_speak and spoken_by_id in speaker_ids):
        raise Invalid(
            "Choose the speaker from this peer assist's participants; only the note taker "
            "and the facilitator write for someone else.",
            code="invalid_speaker",
        )
    names = _speaker_names(people) if can_speak else {}
    batch_id = batch_id or uuid.uuid4()
    preview: list[PreviewLine] = []
    for index, line in enumerate(lines, start=1):
        speaker = spoken_by_id
        match = _SPEAKER.match(line) if names else None
        if match and names.get(" ".join(match["name"].split()).lower()) is not None:
            speaker = names[" ".join(match["name"].split()).lower()]
            line = match["rest"].strip()
        item = PreviewLine(
            index=index,
            text=line,
            client_id=bulk_client_id(batch_id, index),
            learning_need_id=learning_need_id,
            spoken_by_id=speaker,
            findings=pid_findings(line),
        )
        if len(line) > Note.MAX_LENGTH:
            item.error = (
                f"A note can be at most {Note.MAX_LENGTH:,} characters; this line has "
                f"{len(line):,}. Shorten it or split it in two."
            )
        preview.append(item)
    return BulkPreview(
        batch_id=batch_id,
        lines=preview,
        empty_lines=empty,
        learning_needs=needs,
        speakers=[(p.pk, f"{p.display_name} ({p.get_role_display()})") for p in people],
        can_speak_for_others=can_speak,
    )


@transaction.atomic
def notes_create_bulk(
    *,
    actor: Actor | None,
    assist: PeerAssist,
    notes: Sequence[BulkNote],
    kind: object = Note.Kind.INSIGHT,
    anonymous: bool = False,
) -> tuple[list[Note], int]:
    """Add every line through ``note_create``, all or nothing; returns the notes and how many
    are new (a retried confirm returns the same notes and 0).

    A refusal of the actor (role, phase, lock) is raised as it is; refusals of single lines
    (empty, too long, patient data not confirmed, unknown learning need or speaker) are
    gathered and raised together as ``BulkInvalid`` after the whole paste was checked.
    """
    if not notes:
        raise Invalid("Paste at least one note: one note per line.", code="empty")
    if len(notes) > MAX_LINES:
        raise Invalid(too_many_lines_message(len(notes)), code="too_many_lines")
    seen: set[uuid.UUID] = set()
    for line in notes:
        if line.client_id in seen:
            raise Invalid("Each line needs its own client id.", code="duplicate_client_id")
        seen.add(line.client_id)
    created_notes: list[Note] = []
    created = 0
    errors: list[LineError] = []
    for index, line in enumerate(notes, start=1):
        try:
            # note_create is atomic itself, so inside this transaction each line is its own
            # savepoint: a refused line leaves no trace, the others go on being checked, and
            # the caller learns about every refused line at once.
            note, is_new = note_create(
                actor=actor,
                assist=assist,
                client_id=line.client_id,
                text=line.text,
                kind=kind,
                learning_need_id=line.learning_need_id,
                spoken_by_id=line.spoken_by_id,
                anonymous=anonymous,
                confirm_sensitive=line.confirm_sensitive,
            )
        except (Invalid, Conflict) as error:
            if error.code in {"invalid_kind", "client_id_taken"}:
                raise
            errors.append(LineError(index=index, code=error.code, detail=error.detail))
            continue
        created_notes.append(note)
        created += int(is_new)
    if errors:
        raise BulkInvalid(errors)
    return created_notes, created
