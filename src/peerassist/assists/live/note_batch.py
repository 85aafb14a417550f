"""Many new notes of one board in one transaction: the notes its sockets sent meanwhile.

``note_create`` is one note's write: lock and read the board and take a version (one
statement), insert, audit; about five round trips to the database. Notes that arrive
together over the board's sockets (``note_writer.py``) do the same work once for all of
them: one locked read of the board, one look-up of their client ids, every note's checks
(``note_prepare``, the same checks ``note_create`` makes, against the same locked state),
one version step for those that passed, one insert for the notes and one for their audit
entries. On PostgreSQL, where each round trip costs the one database thread most of a note's
time, that is what lets a board of fifty writing four notes a second keep up (ADR 0015).

A note refused by a check was never written, so it needs no savepoint: it is answered
alone and the others go on. Anything the database itself refuses (a constraint, a
character it cannot store) raises, the transaction rolls back, and the caller writes the
batch again one note at a time, each in its own savepoint, so only that note fails.
"""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_save

from peerassist.accounts.actors import Actor
from peerassist.assists.live.selectors import board_learning_needs
from peerassist.assists.live.services import (
    note_create,
    note_created_emit,
    note_prepare,
)
from peerassist.assists.models import Note, Participant, PeerAssist
from peerassist.assists.versions import version_take
from peerassist.audit.record import audit_deferred
from peerassist.core.errors import Conflict, DomainError, NotFound


@dataclass
class NoteRequest:
    """One ``note.add``: who sent it, what it says, and the context it came in (the audit's
    actor, channel and address are that socket's)."""

    actor: Actor | None
    assist: PeerAssist  # the socket's own instance: a lone note refreshes it, as POST does
    participant: Participant | None
    client_id: uuid.UUID
    text: object
    kind: object = Note.Kind.INSIGHT
    learning_need_id: object = None
    spoken_by_id: object = None
    anonymous: bool = False
    confirm_sensitive: bool = False
    context: contextvars.Context = field(default_factory=contextvars.copy_context)


@dataclass
class NoteOutcome:
    """A request's result: its note (new or the earlier one for a retried client id) and
    the board it was written against, or the error to answer with."""

    note: Note | None = None
    created: bool = False
    assist: PeerAssist | None = None
    version: int = 0  # the version the answer carries
    error: Exception | None = None


def note_alone(request: NoteRequest) -> NoteOutcome:
    """One note through ``note_create``, in its socket's context: any error is its answer."""
    try:
        note, created = request.context.run(
            note_create,
            actor=request.actor,
            assist=request.assist,
            client_id=request.client_id,
            text=request.text,
            kind=request.kind,
            learning_need_id=request.learning_need_id,
            spoken_by_id=request.spoken_by_id,
            anonymous=request.anonymous,
            confirm_sensitive=request.confirm_sensitive,
            held_participant=request.participant,
        )
    except Exception as error:  # mapped to the HTTP route's answers by the caller
        return NoteOutcome(error=error)
    return NoteOutcome(note, created, request.assist, request.assist.version)


@transaction.atomic
def notes_create_batch(assist_id: int, requests: list[NoteRequest]) -> list[NoteOutcome]:
    """Every request against one locked read of the board; outcomes in request order."""
    try:
        assist = PeerAssist.objects.select_for_update().get(pk=assist_id)
    except PeerAssist.DoesNotExist:
        return [NoteOutcome(error=NotFound()) for _ in requests]
    committed = assist.version  # what a retried note's answer carries, as note_create's
    earlier = _earlier_notes(assist, {r.client_id for r in requests})
    need_ids = _need_ids(assist, requests)
    outcomes: list[NoteOutcome] = []
    fresh: list[tuple[NoteOutcome, Note, NoteRequest]] = []
    for request in requests:
        found = earlier.get(request.client_id)
        if found is not None:
            outcomes.append(_retried(found, request, assist, committed))
            continue
        try:
            note = note_prepare(
                actor=request.actor,
                assist=assist,
                client_id=request.client_id,
                text=request.text,
                kind=request.kind,
                learning_need_id=request.learning_need_id,
                spoken_by_id=request.spoken_by_id,
                anonymous=request.anonymous,
                confirm_sensitive=request.confirm_sensitive,
                held_participant=request.participant,
                need_ids=need_ids,
            )
        except DomainError as error:
            outcomes.append(NoteOutcome(error=error))
            continue
        outcome = NoteOutcome(note, True, assist)
        outcomes.append(outcome)
        fresh.append((outcome, note, request))
        earlier[request.client_id] = note  # the same note sent twice in one batch is one
    if fresh:
        first = version_take(assist, len(fresh)) - len(fresh) + 1
        for offset, (outcome, note, _) in enumerate(fresh):
            note.version = outcome.version = first + offset
        for outcome in outcomes:  # a note sent twice in this batch: answered at its version
            if outcome.note is not None and not outcome.created and outcome.version == 0:
                outcome.version = outcome.note.version
        Note.objects.bulk_create([note for _, note, _ in fresh])
        with audit_deferred():
            for _, note, request in fresh:
                # bulk_create sends no post_save; the audit follows every saved note by it
                # (audit/tracking.py), so it is sent here, in the writer's own context.
                request.context.run(
                    post_save.send,
                    sender=Note,
                    instance=note,
                    created=True,
                    update_fields=None,
                    raw=False,
                    using=DEFAULT_DB_ALIAS,
                )
        for _, note, _ in fresh:
            note_created_emit(assist, note)
    return outcomes


def _earlier_notes(assist: PeerAssist, client_ids: set[uuid.UUID]) -> dict[uuid.UUID, Note]:
    """The notes some of these client ids already made: nearly always none, so the ids are
    looked up alone and the notes (with the people their answers name) only when found."""
    used = list(
        Note.objects.filter(assist=assist, client_id__in=client_ids).values_list(
            "client_id", flat=True
        )
    )
    if not used:
        return {}
    found = Note.objects.filter(assist=assist, client_id__in=used).select_related(
        "author", "spoken_by", "captured_by"
    )
    return {note.client_id: note for note in found}


def _need_ids(assist: PeerAssist, requests: list[NoteRequest]) -> frozenset[int] | None:
    """The board's columns, read once when any note names one."""
    if all(r.learning_need_id is None for r in requests):
        return None
    return frozenset(board_learning_needs(assist).values_list("pk", flat=True))


def _retried(found: Note, request: NoteRequest, assist: PeerAssist, committed: int) -> NoteOutcome:
    """A client id already used: its note again if it is the sender's, else 409."""
    participant = request.participant
    if participant is None or found.author_id != participant.pk:
        return NoteOutcome(
            error=Conflict(
                "That note id is already used on this board. Reload the board and try again.",
                code="client_id_taken",
            )
        )
    # A note saved earlier answers at the committed version, as note_create's retry does;
    # one first sent in this same batch has no version yet (0), set once it is taken.
    return NoteOutcome(found, False, assist, committed if found.pk is not None else 0)
