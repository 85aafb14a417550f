"""The live board's events and payloads, as types: one source for the services that emit them,
the consumer that pushes them, the live API's answers and the event table in docs/realtime.md.

The services (live and analysis) build an event here and hand it to ``emit``, which queues it
with ``broadcast_on_commit``. What only the server needs to shape an event for each viewer
(whether private writing was on) travels beside the event on the channel-layer message, never
inside it, so nothing server-side can reach a browser by accident.

Plain pydantic models, not ninja ``Schema``s: ninja's Django-aware validator made building
one event ten times slower, and these are built on every write.
Field order is the order of the JSON on the wire; the answers and frames stay byte for byte
what they were when these were plain dicts, so keep new fields at the end.
``event_table()`` renders the table docs/realtime.md holds (tests/assists/live/test_events.py
checks that the two agree).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, Field, StrictBool

from peerassist.core.broadcast import broadcast_on_commit

# --- payloads ---------------------------------------------------------------------------------


class Person(BaseModel):
    """A participant as everybody on the board may see them."""

    id: int
    name: str
    role: str
    role_label: str
    organisation: str
    label: str


class PresentPerson(Person):
    """A participant with the board open now, whether they said "I'm done", and where they
    take part from (``in_room``, ``online``, or empty while not said)."""

    done: bool
    attendance: str


class Presence(BaseModel):
    """Who has the board open (on any process), how many only watch, how many are typing."""

    here: list[PresentPerson]
    watchers: int
    typing: int


class Timer(BaseModel):
    agenda_item_id: int | None
    running: bool
    ends_at: str | None
    paused_seconds: int | None


class Controls(BaseModel):
    """The facilitator's controls."""

    anonymous: bool
    private_writing: bool
    locked: bool
    spotlight_note_id: int | None
    spotlight_need_id: int | None
    timer: Timer


class NoteWire(BaseModel):
    """The whole note, as every server process sees it: never sent to a browser as is
    (``selectors.note_for_viewer`` shapes it for each viewer first)."""

    id: int
    client_id: str
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


class NoteView(NoteWire):
    """A note one viewer may read (names removed from anonymous notes but for its people)."""

    deleted: Literal[False]
    mine: bool
    spoken_by_me: bool


class NoteGone(BaseModel):
    """A deleted note, or a hidden one for anybody but the facilitator and its people."""

    id: int
    client_id: str
    version: int
    deleted: Literal[True]


class NoteWithheld(BaseModel):
    """Somebody else's note under private writing."""

    id: int
    client_id: str
    version: int
    withheld: Literal[True]
    learning_need_id: int | None


NoteForViewer = NoteView | NoteWithheld | NoteGone


class FramingWire(BaseModel):
    """Why everyone is here (assists/live/framing.py): shown in Welcome and Tell."""

    purpose: str
    open_decisions: list[str]
    ground_rules: list[str]
    intended_results: str
    learning_needs: list[str]


class ThemeWire(BaseModel):
    """An analysis theme."""

    id: int
    title: str
    summary: str
    order: int
    version: int


class VotingWire(BaseModel):
    status: str
    budget: int
    max_per_theme: int


# --- events (server → client) -----------------------------------------------------------------


class LiveEvent(BaseModel):
    """An event pushed to every socket on a peer assist's board; ``type`` names it.

    ``sent_by`` says which code sends it, for the table in docs/realtime.md.
    """

    sent_by: ClassVar[str] = "assists/live/services.py"
    versioned: ClassVar[bool] = True

    type: str


class NoteCreated(LiveEvent):
    """A note was added; ``note`` reaches each viewer shaped for them (``NoteForViewer``)."""

    type: Literal["note.created"] = "note.created"
    version: int
    note: NoteWire


class NoteUpdated(LiveEvent):
    """A note was changed, hidden, shown or confirmed by its speaker (shaped as on creation)."""

    type: Literal["note.updated"] = "note.updated"
    version: int
    note: NoteWire


class NoteDeleted(LiveEvent):
    """A note was deleted."""

    type: Literal["note.deleted"] = "note.deleted"
    version: int
    note: NoteGone


class PhaseChanged(LiveEvent):
    """The facilitator moved the phase (and the lifecycle status may have followed)."""

    type: Literal["phase.changed"] = "phase.changed"
    version: int
    phase: str
    from_phase: str
    status: str
    controls: Controls


class ControlsChanged(LiveEvent):
    """A facilitator control changed; ``revealed`` when private writing was turned off
    (the client fetches the whole board again)."""

    type: Literal["controls.changed"] = "controls.changed"
    version: int
    controls: Controls
    revealed: bool


class TakeawaySaved(LiveEvent):
    """A participant saved what they will take away (close phase)."""

    type: Literal["takeaway.saved"] = "takeaway.saved"
    version: int
    participant: Person | None
    text: str


class ClosingSaved(LiveEvent):
    """The host lead's thanks and the date the action list will be sent (``YYYY-MM-DD``)."""

    type: Literal["closing.saved"] = "closing.saved"
    version: int
    host_thanks: str
    action_list_due: str | None


class ParticipantAdded(LiveEvent):
    """The note taker added a speaker who walked in; they can be named as a note's speaker."""

    sent_by: ClassVar[str] = "assists/live/walk_in.py"
    type: Literal["participant.added"] = "participant.added"
    version: int
    participant: Person


class JoinChanged(LiveEvent):
    """The join code, the admission mode or the waiting list changed. Only the number
    waiting: the facilitator's board reads names from ``GET …/joins``, the wall its new code
    from ``GET …/wall``."""

    sent_by: ClassVar[str] = "assists/live/join.py"
    type: Literal["join.changed"] = "join.changed"
    version: int
    waiting: int


class PresenceChanged(LiveEvent):
    """Somebody opened or left the board, said "I'm done", or started or stopped typing.
    Not versioned: it changes often and nobody resyncs it."""

    versioned: ClassVar[bool] = False
    type: Literal["presence.changed"] = "presence.changed"
    presence: Presence


class FramingChanged(LiveEvent):
    """The purpose, open decisions, ground rules or the BAR's intended results or learning
    needs were edited: the board and the wall redraw their framing; when its list of learning
    needs differs from the columns on screen (a need added, reworded, reordered or removed),
    they fetch the board whole and redraw the columns, keeping the column the writer had
    chosen. Not versioned (the page renders the framing when it loads); a missed one shows at
    the next reload."""

    sent_by: ClassVar[str] = "assists/live/framing.py"
    versioned: ClassVar[bool] = False
    type: Literal["framing.changed"] = "framing.changed"
    framing: FramingWire


class AnalysisEvent(LiveEvent):
    sent_by: ClassVar[str] = "analysis/services.py"


class NotePlaced(AnalysisEvent):
    """Notes were put into a theme (``theme_id: null``: back to ungrouped)."""

    type: Literal["note.placed"] = "note.placed"
    version: int
    note_ids: list[int]
    theme_id: int | None


class ThemeCreated(AnalysisEvent):
    """A theme was made (by hand, by a split or from an accepted suggestion)."""

    type: Literal["theme.created"] = "theme.created"
    version: int
    theme: ThemeWire


class ThemeUpdated(AnalysisEvent):
    """A theme was renamed, summarised or moved in the order."""

    type: Literal["theme.updated"] = "theme.updated"
    version: int
    theme: ThemeWire


class ThemeDeleted(AnalysisEvent):
    """A theme was deleted or merged away; its ``note_ids`` are ungrouped again."""

    type: Literal["theme.deleted"] = "theme.deleted"
    version: int
    theme_id: int
    note_ids: list[int]


class VotingChanged(AnalysisEvent):
    """The facilitator set the voting budget, or opened or closed voting. Single votes are
    never pushed: they stay hidden until voting closes."""

    type: Literal["voting.changed"] = "voting.changed"
    version: int
    voting: VotingWire


class DeterminantCreated(AnalysisEvent):
    """An enabler or barrier was coded."""

    type: Literal["determinant.created"] = "determinant.created"
    version: int
    determinant_id: int


class DeterminantDeleted(AnalysisEvent):
    """An enabler or barrier was removed."""

    type: Literal["determinant.deleted"] = "determinant.deleted"
    version: int
    determinant_id: int


class ActionCreated(AnalysisEvent):
    """An action was added."""

    type: Literal["action.created"] = "action.created"
    version: int
    action_id: int


class ActionUpdated(AnalysisEvent):
    """An action was changed."""

    type: Literal["action.updated"] = "action.updated"
    version: int
    action_id: int


# --- frames only the consumer sends, to one socket --------------------------------------------


class Hello(LiveEvent):
    """Sent once on connect: the current version, who you are here, who is on the board."""

    sent_by: ClassVar[str] = "assists/live/consumers.py"
    type: Literal["hello"] = "hello"
    version: int
    participant_id: int | None
    presence: Presence


class Pong(LiveEvent):
    """The answer to a ping: the current version, so a quiet client still notices a gap."""

    sent_by: ClassVar[str] = "assists/live/consumers.py"
    type: Literal["pong"] = "pong"
    version: int


class NoteAck(LiveEvent):
    """The answer to a ``note.add`` frame: what ``POST …/notes`` answers (``note``,
    ``version``), the HTTP status it would have had (201 new, 200 a retry) and the frame's
    ``client_id``. Only the writer gets it; everyone gets ``note.created`` as usual."""

    sent_by: ClassVar[str] = "assists/live/consumers.py"
    type: Literal["note.ack"] = "note.ack"
    version: int
    client_id: str
    status: int
    note: NoteForViewer


class NoteRefused(LiveEvent):
    """A ``note.add`` that was not saved: the HTTP route's status, ``code`` and ``detail``
    for the same input (a 503 means try again; a 4xx goes back to the writer)."""

    sent_by: ClassVar[str] = "assists/live/consumers.py"
    versioned: ClassVar[bool] = False
    type: Literal["note.refused"] = "note.refused"
    client_id: str | None
    status: int
    code: str
    detail: str


class ErrorFrame(LiveEvent):
    """A frame the server could not take (the socket stays open)."""

    sent_by: ClassVar[str] = "assists/live/consumers.py"
    versioned: ClassVar[bool] = False
    type: Literal["error"] = "error"
    code: str
    detail: str


EVENTS: tuple[type[LiveEvent], ...] = (
    Hello,
    NoteCreated,
    NoteUpdated,
    NoteDeleted,
    PhaseChanged,
    ControlsChanged,
    TakeawaySaved,
    ClosingSaved,
    ParticipantAdded,
    JoinChanged,
    PresenceChanged,
    FramingChanged,
    Pong,
    NoteAck,
    NoteRefused,
    ErrorFrame,
    NotePlaced,
    ThemeCreated,
    ThemeUpdated,
    ThemeDeleted,
    VotingChanged,
    DeterminantCreated,
    DeterminantDeleted,
    ActionCreated,
    ActionUpdated,
)


def event_type(event: type[LiveEvent]) -> str:
    """The ``type`` an event class always carries."""
    default = event.model_fields["type"].default
    assert isinstance(default, str)
    return default


def event_fields(event: type[LiveEvent]) -> list[str]:
    """The payload's top-level fields, in wire order (``type`` itself left out)."""
    return [name for name in event.model_fields if name != "type"]


def event_table() -> str:
    """The Markdown table of events in docs/realtime.md, made from the types above."""
    rows = ["| Type | Fields (besides `type`) | Sent by | What happened |", "|---|---|---|---|"]
    for event in EVENTS:
        fields = ", ".join(f"`{name}`" for name in event_fields(event))
        what = " ".join((event.__doc__ or "").split())
        rows.append(f"| `{event_type(event)}` | {fields} | `{event.sent_by}` | {what} |")
    return "\n".join(rows)


# --- sending ----------------------------------------------------------------------------------


def emit(
    assist_id: int,
    event: LiveEvent,
    *,
    private_writing: bool = False,
    private_since: str | None = None,
) -> None:
    """Queue ``event`` for the peer assist's sockets once the transaction commits.

    ``private_writing`` (the flag the write saw, and ``private_since``, when it was turned
    on: only notes written since are withheld) goes beside the event on the channel-layer
    message: the consumer shapes each note for its viewer by it, and it never reaches a
    browser.
    """
    broadcast_on_commit(
        assist_id,
        event.model_dump(),
        context={"private_writing": private_writing, "private_since": private_since},
    )


def frame(event: LiveEvent) -> dict[str, Any]:
    """A frame for one socket, as the JSON object ``send_json`` writes."""
    return event.model_dump()


# --- frames a client sends -------------------------------------------------------------------

NOTE_TRANSPORT_MAX = 20_000  # generous transport limit; the 1,000-character rule is the service's


class NoteIn(BaseModel):
    """A note to add, as ``POST …/notes`` takes it and as a ``note.add`` frame carries it:
    one model, so both paths check the same fields the same way."""

    client_id: uuid.UUID
    text: str = Field(max_length=NOTE_TRANSPORT_MAX)
    kind: str = "insight"
    learning_need_id: int | None = None
    spoken_by_id: int | None = None
    anonymous: StrictBool = False
    confirm_sensitive: StrictBool = False


# --- answers of the live API (api/assists_live.py) --------------------------------------------


class NoteAnswer(BaseModel):
    """The note as this viewer sees it, and the version of the write that made it."""

    note: NoteForViewer
    version: int


class VersionAnswer(BaseModel):
    version: int


class PhaseAnswer(BaseModel):
    phase: str
    status: str
    version: int


class ControlsAnswer(BaseModel):
    controls: Controls
    version: int


class DoneAnswer(BaseModel):
    done: bool


class TakeawayAnswer(BaseModel):
    takeaway: str
    version: int


class ClosingAnswer(BaseModel):
    host_thanks: str
    action_list_due: dt.date | None
    version: int


class PhaseOption(BaseModel):
    value: str
    label: str


class WriteRefusal(BaseModel):
    code: str
    detail: str


class Me(BaseModel):
    """The viewer on this board: their record, role and what they may do now."""

    participant: Person | None
    role: str | None
    is_facilitator: bool
    is_host: bool
    is_note_taker: bool
    can_write: bool
    write_refusal: WriteRefusal | None
    done: bool
    takeaway: str


class Guidance(BaseModel):
    now: str
    next: str


class BoardNeed(BaseModel):
    id: int
    question: str
    priority: str


class BoardAgendaItem(BaseModel):
    id: int
    title: str
    phase: str
    minutes: int
    lead: str


class BoardTakeaway(BaseModel):
    participant_id: int
    name: str
    text: str


class Closing(BaseModel):
    host_thanks: str
    action_list_due: str | None


class BoardState(BaseModel):
    """The board as one viewer may see it (``since``: only notes changed after it)."""

    id: int
    title: str
    version: int
    since: int | None
    phase: str
    phases: list[PhaseOption]
    status: str
    status_label: str
    controls: Controls
    me: Me
    guidance: dict[str, Guidance]
    learning_needs: list[BoardNeed]
    participants: list[Person]
    agenda: list[BoardAgendaItem]
    notes: list[NoteForViewer]
    presence: Presence
    takeaways: list[BoardTakeaway]
    closing: Closing
