"""Benchmark 4: resident memory per connected idle participant.

One server process (SQLite, in-memory layer); 1,000 participants in 50 sessions of 20 connect
their WebSocket (and fetch the board once, as the page does) and then sit idle. RSS of the
server process from /proc before (after a warm-up connection) and after; the same for the
baseline server.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    ROOT,
    baseline_server,
    participant_specs,
    rss_kb,
    run_load,
    seed,
    server_stack,
    table,
    write_json,
)

AIM_KB = 150.0
SESSION_SIZE = 20


def hold_connections(
    specs: list[dict[str, Any]], mode: str, pid: int, *, processes: int = 2, settle: float = 3.0
) -> dict[str, Any]:
    """Connect every participant, wait, read the server's RSS, then disconnect."""
    workdir = Path(tempfile.mkdtemp(prefix="pa-mem-"))
    procs = []
    try:
        for n in range(processes):
            spec_path = workdir / f"spec-{n}.json"
            spec_path.write_text(
                json.dumps(
                    {
                        "mode": mode,
                        "participants": specs[n::processes],
                        "idle": True,
                        "connect_concurrency": 20,
                    }
                )
            )
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.loadgen",
                        str(spec_path),
                        str(workdir / f"out-{n}.json"),
                    ],
                    cwd=ROOT,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        connected = 0
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line.startswith("ready"):
                raise RuntimeError(f"memory client failed: {line!r}")
            connected += int(line.split()[1])
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(f"go {time.monotonic()}\n")
            proc.stdin.flush()
        time.sleep(settle)
        rss = rss_kb(pid)
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("stop\n")
            proc.stdin.flush()
        for proc in procs:
            proc.wait(timeout=120)
        return {"connected": connected, "rss_kb": rss}
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)


def _measure(specs: list[dict[str, Any]], warm: list[dict[str, Any]], mode: str, pid: int) -> Any:
    run_load(warm, mode=mode, rate=0.5, duration=2.0, drain=0.5, processes=1)
    time.sleep(1.0)
    before = rss_kb(pid)
    held = hold_connections(specs, mode, pid)
    per = (held["rss_kb"] - before) / held["connected"] if held["connected"] else None
    return {
        "connections": held["connected"],
        "rss_before_kb": before,
        "rss_after_kb": held["rss_kb"],
        "kb_per_participant": per,
    }


def run(*, quick: bool = False) -> dict[str, Any]:
    total = 200 if quick else 1000
    sessions_n = total // SESSION_SIZE
    with server_stack("sqlite") as stack:
        sessions = seed(stack, [SESSION_SIZE] * (sessions_n + 1))
        warm, held = sessions[:1], sessions[1:]
        server = stack.start_server()
        assert server.proc is not None
        ours = _measure(
            participant_specs(held, [server.url]),
            participant_specs(warm, [server.url]),
            "live",
            server.proc.pid,
        )
        print(f"  ours: {ours}", flush=True)
        with baseline_server() as (url, proc):
            base = _measure(
                participant_specs(held, [url]), participant_specs(warm, [url]), "baseline", proc.pid
            )
            print(f"  baseline: {base}", flush=True)
    per = ours["kb_per_participant"]
    out: dict[str, Any] = {
        "ours": ours,
        "baseline": base,
        "aim_kb": AIM_KB,
        "met": None if per is None else per <= AIM_KB,
    }
    out["table"] = table(
        ["server", "connections", "RSS before MB", "RSS after MB", "KB per participant"],
        [
            [
                name,
                r["connections"],
                r["rss_before_kb"] / 1024,
                r["rss_after_kb"] / 1024,
                r["kb_per_participant"],
            ]
            for name, r in (("ours (1 process)", ours), ("baseline", base))
        ],
    )
    write_json("memory", out)
    return out
