"""Pushes written straight to the transport (core/wire.py), under a real uvicorn server
with the sans-I/O protocol ``peerassist serve`` runs, and real WebSocket clients."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import connect

from peerassist.core.wire import DirectWire, Stalled, text_frame

Handler = Callable[[DirectWire | None, Callable[..., Awaitable[Any]]], Awaitable[None]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def server(handler: Handler, *, wrapped: bool = False) -> AsyncIterator[str]:
    """A uvicorn server whose one WebSocket route accepts, finds the wire under its
    ``send`` (through a wrapper like Channels' session middleware when ``wrapped``) and
    hands both to ``handler``."""

    class SessionLikeWrapper:
        def __init__(self, real_send: Callable[..., Awaitable[Any]]) -> None:
            self.real_send = real_send

        async def send(self, message: dict[str, Any]) -> None:
            await self.real_send(message)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            return
        if wrapped:
            send = SessionLikeWrapper(send).send
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        await handler(DirectWire.of(send), send)
        while (await receive())["type"] != "websocket.disconnect":
            pass

    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        lifespan="off",
        log_level="warning",
    )
    running = uvicorn.Server(config)
    task = asyncio.create_task(running.serve())
    while not running.started:
        await asyncio.sleep(0.01)
    try:
        yield f"ws://127.0.0.1:{port}/"
    finally:
        running.should_exit = True
        await task


@pytest.mark.parametrize("wrapped", [False, True])
async def test_a_frame_written_to_the_wire_arrives_as_the_text_sent_through_asgi(
    wrapped: bool,
) -> None:
    async def handler(wire: DirectWire | None, send: Callable[..., Awaitable[Any]]) -> None:
        assert wire is not None
        await send({"type": "websocket.send", "text": "through ASGI"})
        assert wire.write(text_frame('{"type":"note.created","text":"Café ☕"}'))
        await send({"type": "websocket.send", "text": "after"})

    async with server(handler, wrapped=wrapped) as url, connect(url) as client:
        got = [await asyncio.wait_for(client.recv(), 5) for _ in range(3)]
    assert got == ["through ASGI", '{"type":"note.created","text":"Café ☕"}', "after"]


async def test_one_frame_is_written_to_many_sockets_alike() -> None:
    frame = text_frame("x" * 70_000)  # a 64-bit length header, too

    async def handler(wire: DirectWire | None, send: Callable[..., Awaitable[Any]]) -> None:
        assert wire is not None and wire.write(frame)

    async with (
        server(handler) as url,
        connect(url, max_size=None) as a,
        connect(url, max_size=None) as b,
    ):
        assert await asyncio.wait_for(a.recv(), 5) == "x" * 70_000
        assert await asyncio.wait_for(b.recv(), 5) == "x" * 70_000


async def test_nothing_is_written_once_the_socket_is_closing() -> None:
    outcome: list[bool] = []

    async def handler(wire: DirectWire | None, send: Callable[..., Awaitable[Any]]) -> None:
        assert wire is not None
        await send({"type": "websocket.close", "code": 4403})
        outcome.append(wire.write(text_frame("too late")))

    async with server(handler) as url, connect(url) as client:
        with pytest.raises(Exception) as closed:
            await asyncio.wait_for(client.recv(), 5)
        assert getattr(closed.value, "rcvd", None) is not None
        assert closed.value.rcvd.code == 4403
    assert outcome == [False]


async def test_a_client_that_stops_reading_is_reported_stalled_not_buffered_forever() -> None:
    stalled = asyncio.Event()

    async def handler(wire: DirectWire | None, send: Callable[..., Awaitable[Any]]) -> None:
        assert wire is not None
        frame = text_frame("y" * 60_000)
        try:
            for _ in range(10_000):  # 600 MB if nothing stopped it
                wire.write(frame)
                await asyncio.sleep(0)
        except Stalled:
            stalled.set()

    async with server(handler) as url, connect(url, max_size=None, max_queue=1) as client:
        # The client reads nothing: its kernel buffers fill, then the server's.
        client.transport.pause_reading()
        await asyncio.wait_for(stalled.wait(), 20)


async def test_no_wire_is_found_under_a_send_that_is_not_uvicorns() -> None:
    async def send(message: dict[str, Any]) -> None:
        return None

    assert DirectWire.of(send) is None


async def test_frames_sent_soon_in_one_turn_arrive_in_order_and_none_after_closing() -> None:
    async def handler(wire: DirectWire | None, send: Callable[..., Awaitable[Any]]) -> None:
        assert wire is not None
        for n in range(5):
            wire.send_soon(text_frame(f"event {n}"))
        await asyncio.sleep(0)  # the turn ends: all five go out together
        wire.send_soon(text_frame("queued, then the socket closes"))
        await send({"type": "websocket.close", "code": 1000})

    async with server(handler) as url, connect(url) as client:
        got = [message async for message in client]
    assert got == [f"event {n}" for n in range(5)]
