"""The live board's WebSocket: pushes typed events; takes ping, presence, typing and notes.

The consumer finds the actor (a signed-in user, or a guest from the session) and the peer
assist through the same ``access_peer_assist`` as the API, joins the peer assist's group,
takes a presence seat and shapes every note event for its own viewer, so a push never shows
more than a fetch would.

A ``note.add`` frame is the board's fast path for its busiest write: it runs the same
``note_create`` as ``POST …/notes`` and answers with what that route answers, or its error
(docs/realtime.md). No write logic lives here. HTTP stays the public API and the fallback.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db import DataError, InterfaceError, OperationalError
from pydantic import ValidationError

from peerassist.accounts.actors import Actor
from peerassist.accounts.middleware import GUEST_SESSION_KEY
from peerassist.accounts.models import User
from peerassist.accounts.services import guest_in_session
from peerassist.assists.access import access_peer_assist
from peerassist.assists.live import events, services
from peerassist.assists.live.fanout import BoardFanout, board_fanout
from peerassist.assists.live.note_batch import NoteOutcome, NoteRequest
from peerassist.assists.live.note_writer import board_note_writer
from peerassist.assists.live.push import VersionOrder, event_frame, event_text
from peerassist.assists.live.selectors import note_answer, presence_state
from peerassist.assists.models import Participant, PeerAssist
from peerassist.assists.participants import participant_of
from peerassist.audit.context import actor_fields, audit_context_set
from peerassist.audit.models import Channel
from peerassist.core.broadcast import assist_group
from peerassist.core.disconnect import CLOSE_ACCESS_CHANGED, person_group, session_group
from peerassist.core.errors import (
    DATABASE_DOWN,
    SERVER_ERROR,
    DomainError,
    validation_detail,
)
from peerassist.core.wire import DirectWire

log = logging.getLogger(__name__)

CLOSE_NOT_FOUND = 4404
CLOSE_STALLED = 1013  # "try again later": the client stopped reading its pushes
# Above the API's note transport limit (events.NOTE_TRANSPORT_MAX), so a note.add frame gets
# the same answer as the same body sent over HTTP; anything larger is not read at all.
MAX_FRAME = 24_000
CLIENT_FRAMES = {"ping", "presence", "typing", "note.add"}
REORDER_WAIT = 0.25  # seconds an early event waits for the versions before it


class AssistConsumer(AsyncJsonWebsocketConsumer):
    actor: Actor | None = None
    assist: PeerAssist | None = None
    participant: Participant | None = None
    group: str | None = None
    order: VersionOrder | None = None  # from the hello on
    give_up_timer: asyncio.TimerHandle | None = None
    # The person's and the browser session's groups: access.ended arrives through them.
    access_groups: tuple[str, ...] = ()
    cut_off = False
    fanout: BoardFanout | None = None
    wire: DirectWire | None = None  # the transport, where pushes may be written directly
    early: list[dict[str, Any]]  # events that came before the hello was sent

    async def connect(self) -> None:
        self.early = []
        found = await database_sync_to_async(self._authorize)()
        if not found:
            # Accept, then close with a code: a refused handshake would only say "403".
            await self.accept()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        assert self.assist is not None
        self._audit_as_socket()  # this socket's task: every later write is from the socket
        self.group = assist_group(self.assist.pk)
        self.access_groups = self._access_groups()
        for group in self.access_groups:
            await self.channel_layer.group_add(group, self.channel_name)
        # The board's events come through the process's one subscription (fanout.py).
        self.fanout = board_fanout(self.channel_layer, self.assist.pk)
        await self.fanout.join(self)
        await self.accept()
        self.wire = DirectWire.of(self.base_send)
        hello = await database_sync_to_async(self._join)()
        await self.send_json(hello)  # first: until ``order`` is set, pushes wait in ``early``
        self.order = VersionOrder(hello["version"])
        early, self.early = self.early, []
        for message in early:
            await self.push(message)

    def _authorize(self) -> bool:
        raw_id = self.scope["url_route"]["kwargs"].get("assist_id")
        actor = self._actor()
        try:
            self.assist = access_peer_assist(actor, raw_id)
        except DomainError:
            return False
        self.actor = actor
        self.participant = participant_of(actor, self.assist)
        return True

    def _audit_as_socket(self) -> None:
        client = self.scope.get("client") or (None, None)
        audit_context_set(
            channel=Channel.SOCKET, ip_address=client[0], token_id=None, **actor_fields(self.actor)
        )

    def _access_groups(self) -> tuple[str, ...]:
        groups = []
        if isinstance(self.actor, User):
            groups.append(person_group(user_id=self.actor.pk))
        elif self.actor is not None:
            groups.append(person_group(guest_id=self.actor.pk))
        session = self.scope.get("session")
        if session is not None and session.session_key:
            groups.append(session_group(session.session_key))
        return tuple(groups)

    def _actor(self) -> Actor | None:
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            return User.objects.get(pk=user.pk)
        session = self.scope.get("session")
        guest_id = session.get(GUEST_SESSION_KEY) if session is not None else None
        if guest_id is None:
            return None
        try:
            return guest_in_session(guest_id)
        except DomainError:
            return None

    def _join(self) -> dict[str, Any]:
        assert self.assist is not None
        services.presence_join(
            assist=self.assist, participant=self.participant, channel_name=self.channel_name
        )
        version = PeerAssist.objects.values_list("version", flat=True).get(pk=self.assist.pk)
        return events.frame(
            events.Hello(
                version=version,
                participant_id=self.participant.pk if self.participant else None,
                presence=events.Presence(**presence_state(self.assist.pk)),
            )
        )

    async def disconnect(self, code: int) -> None:
        if self.give_up_timer is not None:
            self.give_up_timer.cancel()
        for group in self.access_groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.fanout is not None:
            await self.fanout.leave(self)
        if self.group is None or self.assist is None:
            return
        await database_sync_to_async(services.presence_leave)(
            assist=self.assist, channel_name=self.channel_name
        )

    # --- client → server ------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.cut_off:
            return
        if text_data is None:
            await self._error("bad_frame", "Send JSON text frames, not binary ones.")
            return
        if len(text_data) > MAX_FRAME:
            await self._error(
                "too_large", f"Frames can be at most {MAX_FRAME:,} characters. Send less at once."
            )
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._error("bad_frame", "That frame is not JSON.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or content.get("type") not in CLIENT_FRAMES:
            await self._error(
                "bad_frame",
                "Frames are JSON objects with a type: " + ", ".join(sorted(CLIENT_FRAMES)) + ".",
            )
            return
        kind = content["type"]
        if kind == "note.add":
            await self._note_add(content)
            return
        try:
            if kind == "ping":
                version = await database_sync_to_async(self._heartbeat)()
                await self.send_json(events.frame(events.Pong(version=version)))
            elif kind == "presence":
                await database_sync_to_async(services.participant_done_set)(
                    actor=self.actor, assist=self.assist, done=content.get("done")
                )
            elif kind == "typing":
                active = content.get("active")
                if not isinstance(active, bool):
                    await self._error("bad_frame", "“active” must be true or false.")
                    return
                await database_sync_to_async(services.typing_set)(
                    assist=self.assist, channel_name=self.channel_name, active=active
                )
        except DomainError as error:
            await self._error(error.code, error.detail)

    async def _note_add(self, content: dict[str, Any]) -> None:
        """Add a note as ``POST …/notes`` would, and answer this socket alone."""
        raw_id = content.get("client_id")
        client_id = raw_id if isinstance(raw_id, str) else None
        try:
            note_in = events.NoteIn.model_validate(content)
        except ValidationError as error:
            detail = validation_detail(error.errors(include_url=False))
            await self._refuse(client_id, 400, "invalid", detail)
            return
        assert self.assist is not None
        # Written with the other notes queued for this board meanwhile (note_writer.py).
        writer = board_note_writer(self.channel_layer, self.assist.pk)
        request = NoteRequest(
            actor=self.actor,
            assist=self.assist,
            participant=self.participant,
            client_id=note_in.client_id,
            text=note_in.text,
            kind=note_in.kind,
            learning_need_id=note_in.learning_need_id,
            spoken_by_id=note_in.spoken_by_id,
            anonymous=note_in.anonymous,
            confirm_sensitive=note_in.confirm_sensitive,
        )
        written_id = str(note_in.client_id)
        answer = await writer.write(request, lambda outcome: self._note_answer(written_id, outcome))
        await self.send(text_data=json.dumps(answer, separators=(",", ":")))

    def _note_answer(self, client_id: str, outcome: NoteOutcome) -> dict[str, Any]:
        """The service's answer as a frame; every failure the HTTP route maps, mapped alike
        (api/errors.py), so the board treats both paths' answers the same way."""
        assert self.assist is not None
        error = outcome.error
        if error is None and outcome.note is not None and outcome.assist is not None:
            note = outcome.note
            answer = note_answer(outcome.assist, note, note.author, version=outcome.version)
            return events.frame(
                events.NoteAck(
                    version=answer["version"],
                    client_id=client_id,
                    status=201 if outcome.created else 200,
                    note=answer["note"],
                )
            )
        if isinstance(error, DomainError):
            return self._refusal(client_id, error.status, error.code, error.detail)
        if isinstance(error, OperationalError | InterfaceError):
            return self._refusal(client_id, 503, "database_unavailable", DATABASE_DOWN)
        if isinstance(error, DataError):
            detail = (
                "Some of that text cannot be stored. Remove control characters (such as NUL) "
                "and try again."
            )
            return self._refusal(client_id, 400, "invalid", detail)
        log.error("note.add failed on assist %s", self.assist.pk, exc_info=error)
        return self._refusal(client_id, 500, "server_error", SERVER_ERROR)

    @staticmethod
    def _refusal(client_id: str | None, status: int, code: str, detail: str) -> dict[str, Any]:
        return events.frame(
            events.NoteRefused(client_id=client_id, status=status, code=code, detail=detail)
        )

    async def _refuse(self, client_id: str | None, status: int, code: str, detail: str) -> None:
        await self.send_json(self._refusal(client_id, status, code, detail))

    def _heartbeat(self) -> int:
        assert self.assist is not None
        services.presence_heartbeat(assist=self.assist, channel_name=self.channel_name)
        return int(PeerAssist.objects.values_list("version", flat=True).get(pk=self.assist.pk))

    async def _error(self, code: str, detail: str) -> None:
        await self.send_json(events.frame(events.ErrorFrame(code=code, detail=detail)))

    # --- server → client ------------------------------------------------------------------

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Handle a message without Channels' per-message database-connection sweep.

        ``AsyncConsumer.dispatch`` closes stale connections before every handler, through the
        single sync thread: for a note fanned out to N sockets that was N thread hops (the
        largest cost of a push in the fan-out profile), and every ``note.add`` frame waited
        behind the batch of notes being written on that thread before it could even join the
        next batch. Every database call of this consumer goes through
        ``database_sync_to_async``, which sweeps before and after on the thread that holds
        the connection, so the extra sweep found nothing to do.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message.get('type')!r}")
        await handler(message)

    async def access_ended(self, message: dict[str, Any]) -> None:
        """The person's access changed (core/disconnect.py): send nothing more, and close.

        The board reconnects, and ``access_peer_assist`` decides whether it may come back.
        """
        wanted = message.get("assist_id")
        if wanted is not None and (self.assist is None or wanted != self.assist.pk):
            return
        self.cut_off = True
        # What the socket held about the person goes with their access: nothing more is
        # written or shaped on the strength of it.
        self.participant = None
        self.actor = None
        if self.order is not None:
            self.order.give_up()  # held events are dropped, not sent
        await self.close(code=CLOSE_ACCESS_CHANGED)

    async def assist_event(self, message: dict[str, Any]) -> None:
        """An event sent to this socket's own channel (the board's come through ``push``)."""
        await self.push(message)

    async def push(self, message: dict[str, Any]) -> None:
        """One event from ``broadcast_on_commit``, shaped for this viewer, in version order.

        Called by the board's fan-out task (fanout.py) for every socket of the board in this
        process, one event at a time."""
        if self.cut_off:
            return
        if self.order is None:
            self.early.append(message)  # sent, in order, right after the hello
            return
        version = message["event"].get("version")
        if not isinstance(version, int):
            await self._send_event(message)
            return
        for ready in self.order.arrive(version, message):
            await self._send_event(ready)
        if self.order.held and self.give_up_timer is None:
            self.give_up_timer = asyncio.get_running_loop().call_later(
                REORDER_WAIT, self._give_up_soon
            )

    def _give_up_soon(self) -> None:
        # Through the fan-out's task, so the held events are sent between two events, never
        # interleaved with an event being sent.
        if self.fanout is not None:
            self.fanout.give_up_soon(self)

    async def stalled(self) -> None:
        """The fan-out could not hand this socket a frame in time: close it; the board
        reconnects and catches up."""
        self.cut_off = True
        await self.close(code=CLOSE_STALLED)

    async def give_up_held(self) -> None:
        """The versions before the held events are not coming: send what is held, in order."""
        self.give_up_timer = None
        if self.order is not None and not self.cut_off:
            for ready in self.order.give_up():
                await self._send_event(ready)

    async def _send_event(self, message: dict[str, Any]) -> None:
        """The event as this viewer sees it: the frame shared by viewers of its kind written
        straight to the transport where the server allows it (core/wire.py), else through
        ASGI. Raises ``Stalled`` for a client that has stopped reading."""
        if self.wire is not None:
            self.wire.send_soon(event_frame(message, self.participant))
            return
        await self.send(text_data=event_text(message, self.participant))
