"""One load-generating client process: many participants, each posting at a fixed rate.

The parent (``benchmarks/fanout.py``) starts a few of these, so load comes from processes
other than the server's. Protocol over stdin/stdout: the process connects every participant,
prints ``ready <n>``, waits for ``go <t0>`` (a ``time.monotonic()`` instant; CLOCK_MONOTONIC is
one clock for the whole machine), posts from ``t0`` for ``duration`` seconds on an open-loop
schedule (a slow answer never delays the next note), waits ``drain`` seconds, resyncs every
participant once and writes what it saw to the output file, then prints ``done``.

Each note's text carries its key (``p<participant>n<seq>``) and its send time, so the process
that receives it can time it without asking the sender.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import re
import string
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.client import BaselineClient, LiveClient

LETTERS = string.ascii_lowercase
NOTE_RE = re.compile(r"note (p\d+n\d+) sent ([a-z]+)")


def encode_time(t: float) -> str:
    """Microseconds as letters (digits in a note could look like an NHS number)."""
    n, out = int(t * 1_000_000), []
    while n:
        n, r = divmod(n, 26)
        out.append(LETTERS[r])
    return "".join(reversed(out)) or "a"


def decode_time(s: str) -> float:
    n = 0
    for ch in s:
        n = n * 26 + LETTERS.index(ch)
    return n / 1_000_000


def note_text(key: str, t: float) -> str:
    return f"Bench note {key} sent {encode_time(t)}: protecting time for sessions worked for us."


class Participant:
    def __init__(self, spec: dict[str, Any], mode: str) -> None:
        self.idx: int = spec["idx"]
        self.assist_id: int = spec["assist_id"]
        self.push: list[str] = []
        self.resync: list[str] = []
        self.latencies: list[float] = []  # ms, notes by others, first arrival by any path
        self.acked: list[tuple[str, float]] = []  # (key, ms from send to ack)
        self.failed: list[tuple[str, int]] = []
        self.client: LiveClient | BaselineClient
        if mode == "baseline":
            self.client = BaselineClient(
                servers=spec["servers"], assist_id=self.assist_id, on_note=self.on_note
            )
        else:
            self.client = LiveClient(
                servers=spec["servers"],
                assist_id=self.assist_id,
                session_key=spec["session"],
                on_note=self.on_note,
                write_via="socket" if mode == "socket" else "http",
            )

    def on_note(self, note: dict[str, Any], via: str, now: float) -> None:
        match = NOTE_RE.search(str(note.get("text", "")))
        if match is None:
            return
        key = match.group(1)
        if key.startswith(f"p{self.idx}n"):
            return  # one's own note
        (self.push if via == "push" else self.resync).append(key)
        self.latencies.append((now - decode_time(match.group(2))) * 1000)

    async def post_loop(self, t0: float, rate: float, duration: float) -> None:
        if rate <= 0:
            return
        period = 1 / rate
        start = t0 + random.uniform(0, period)
        tasks: list[asyncio.Task[None]] = []
        seq = 0
        while True:
            at = start + seq * period
            if at >= t0 + duration:
                break
            delay = at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.post_one(f"p{self.idx}n{seq}")))
            seq += 1
        if tasks:
            await asyncio.gather(*tasks)

    async def post_one(self, key: str) -> None:
        t = time.monotonic()
        result = await self.client.post_note(note_text(key, t))
        if result.t_acked is not None:
            self.acked.append((key, (result.t_acked - t) * 1000))
        else:
            self.failed.append((key, result.status))


async def final_resync(p: Participant) -> None:
    """Catch up once at the end, as a client would; retried, so a slow answer on an
    overloaded server is not mistaken for a lost note."""
    for _ in range(5):
        if await p.client.resync():
            return
        await asyncio.sleep(1)


async def run(spec: dict[str, Any], out: Path) -> None:
    mode = spec.get("mode", "live")
    people = [Participant(p, mode) for p in spec["participants"]]
    gate = asyncio.Semaphore(int(spec.get("connect_concurrency", 25)))

    async def start(p: Participant) -> None:
        async with gate:
            await p.client.start(wait=60)
            await asyncio.wait_for(p.client.synced.wait(), 60)

    started = await asyncio.gather(*(start(p) for p in people), return_exceptions=True)
    errors = [repr(e) for e in started if isinstance(e, BaseException)]
    # The clients keep every note they see (tens of thousands of dicts a process): a full
    # collection of those paused a load generator for tens of milliseconds, which showed as
    # latency of whatever server it measured, the baseline's included. Nothing here is
    # cyclic garbage worth collecting during a run of seconds.
    gc.collect()
    gc.freeze()
    gc.disable()
    print(f"ready {len(people) - len(errors)}", flush=True)
    loop = asyncio.get_running_loop()
    line = await loop.run_in_executor(None, sys.stdin.readline)
    if not line.startswith("go"):
        return
    t0 = float(line.split()[1])
    rate, duration = float(spec.get("rate", 0)), float(spec.get("duration", 0))
    await asyncio.sleep(max(0.0, t0 - time.monotonic()))
    if spec.get("idle"):
        # Memory benchmark: stay connected until told to stop.
        await loop.run_in_executor(None, sys.stdin.readline)
    else:
        await asyncio.gather(*(p.post_loop(t0, rate, duration) for p in people))
        await asyncio.sleep(float(spec.get("drain", 2)))
        await asyncio.gather(*(final_resync(p) for p in people))
    result = {
        "connect_errors": errors,
        "participants": [
            {
                "idx": p.idx,
                "assist_id": p.assist_id,
                "push": p.push,
                "resync": p.resync,
                "latencies": [round(x, 3) for x in p.latencies],
                "acked": p.acked,
                "failed": p.failed,
                "reconnects": p.client.stats.reconnects,
                "gaps": p.client.stats.gaps,
                "errors": p.client.stats.errors[:5],
            }
            for p in people
        ],
    }
    await asyncio.gather(*(p.client.close() for p in people), return_exceptions=True)
    out.write_text(json.dumps(result))
    print("done", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("spec", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    spec = json.loads(args.spec.read_text())
    try:
        import uvloop

        uvloop.run(run(spec, args.out))
    except ImportError:  # pragma: no cover
        asyncio.run(run(spec, args.out))


if __name__ == "__main__":
    main()
