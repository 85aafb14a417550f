"""The baseline: the least a live board could do, with the ``websockets`` library alone.

No database, no Django, no authentication. ``ws://host:port/<session>``: on connect it sends
``{"type": "hello", "version": N}``; a client frame ``{"type": "note", "client_id", "text"}``
bumps the session's version, is fanned out to everybody in the session as a
``note.created`` event shaped like ours, and is acknowledged to its sender. Our figures are
reported as ratios to this server's under the same clients and rates.

Run: ``python -m benchmarks.baseline_server --port 8765`` (it prints ``ready`` when listening).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve

ROOMS: dict[str, set[ServerConnection]] = defaultdict(set)
VERSIONS: dict[str, int] = defaultdict(int)
NOTE_IDS = [0]


async def handler(ws: ServerConnection) -> None:
    room = (ws.request.path if ws.request else "/").strip("/") or "0"
    ROOMS[room].add(ws)
    try:
        await ws.send(json.dumps({"type": "hello", "version": VERSIONS[room]}))
        async for raw in ws:
            frame: dict[str, Any] = json.loads(raw)
            if frame.get("type") != "note":
                continue
            VERSIONS[room] += 1
            NOTE_IDS[0] += 1
            version = VERSIONS[room]
            note = {
                "id": NOTE_IDS[0],
                "client_id": frame["client_id"],
                "text": frame["text"],
                "kind": "insight",
                "learning_need_id": None,
                "author": {"id": id(ws) % 100000, "name": "Baseline person"},
                "anonymous": False,
                "hidden": False,
                "version": version,
                "created_at": datetime.now(UTC).isoformat(),
            }
            broadcast(
                ROOMS[room], json.dumps({"type": "note.created", "version": version, "note": note})
            )
            await ws.send(
                json.dumps({"type": "ack", "client_id": frame["client_id"], "version": version})
            )
    finally:
        ROOMS[room].discard(ws)


async def main(host: str, port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(handler, host, port, max_size=2**20):
        print("ready", flush=True)
        await stop


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.run(main(args.host, args.port))
    except ImportError:  # pragma: no cover
        asyncio.run(main(args.host, args.port))
