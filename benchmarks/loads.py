"""Benchmark: the live board at a real peer's load (issue #14), by each write path.

Two loads, each a session of its own: 100 participants posting 1 note/s each, and 50
posting 4 notes/s each (200 notes/s). Each is run with notes written as ``note.add`` frames
on the board's socket and as ``POST …/notes``, beside the raw ``websockets`` broadcast
baseline, in the same run; the medians of ``runs`` runs are reported, with the machine's
load average as each run began (a busy machine makes every figure worse, the baseline's too).

Configurations: one process on SQLite (in-memory channel layer); one process on PostgreSQL
and Redis; and two processes on PostgreSQL and Redis behind the same address (``peerassist
serve --workers 2``: one listening port, the kernel hands each connection to either), so
the participants of one board are spread over both and every push crosses Redis.

    python -m benchmarks.run --only loads              # 3 runs of 15 s each
    python -m benchmarks.run --only loads --quick      # 1 run of 6 s, SQLite and PG
    make bench BENCH_ARGS="--only loads --quick"
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.harness import (
    LoadResult,
    baseline_server,
    load_average,
    median,
    participant_specs,
    run_load,
    seed,
    server_stack,
    services_available,
    table,
    write_json,
)
from tests.servers import ServerStack

LOADS: list[tuple[int, float]] = [(100, 1.0), (50, 4.0)]
AIMS_P99 = {"100x1": 40.0, "50x4": 250.0}  # ms, on a quiet machine (issue #14)
METRICS = ["p50", "p95", "p99", "max", "ack_p50", "ack_p99", "achieved_notes_per_s"]


# --- CPU of a server and its worker processes -----------------------------------------------
def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return pids


def tree_cpu_seconds(pid: int) -> float:
    """User plus system CPU of a process and every process under it, from /proc."""
    total = 0.0
    for each in _tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def wait_tree_idle(pid: int, *, below: float = 10.0, timeout: float = 60) -> None:
    """Wait until the server (all its processes) has worked off the last run's backlog."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        before = tree_cpu_seconds(pid)
        time.sleep(0.5)
        if (tree_cpu_seconds(pid) - before) / 0.5 * 100 < below:
            return


# --- runs ---------------------------------------------------------------------------------------
def _key(people: int, rate: float) -> str:
    return f"{people}x{rate:g}"


def _merge(runs: list[LoadResult]) -> dict[str, Any]:
    merged: dict[str, Any] = {m: median([getattr(r, m) for r in runs]) for m in METRICS}
    merged["server_cpu_ms_per_note"] = median([r.server_cpu_ms_per_note for r in runs])
    merged["load_average"] = [r.load_average for r in runs]
    for key in ("sent", "acked", "failed", "deliveries_expected", "push_missed", "lost"):
        merged[key] = sum(getattr(r, key) for r in runs)
    merged["errors"] = [e for r in runs for e in r.errors][:5]
    return merged


def _measured(
    specs: list[dict[str, Any]], *, mode: str, rate: float, duration: float, pid: int
) -> LoadResult:
    wait_tree_idle(pid)
    cpu0 = tree_cpu_seconds(pid)
    result = run_load(specs, mode=mode, rate=rate, duration=duration)
    cpu = tree_cpu_seconds(pid) - cpu0
    result.server_cpu_ms_per_note = cpu * 1000 / result.acked if result.acked else None
    return result


def _progress(label: str, r: LoadResult) -> None:
    p99 = "-" if r.p99 is None else f"{r.p99:.1f}"
    p50 = "-" if r.p50 is None else f"{r.p50:.1f}"
    print(
        f"  {label}: p50 {p50} p99 {p99} ms, acked {r.acked}/{r.sent}, lost {r.lost}, "
        f"load {r.load_average:.2f}" + (f", errors {r.errors[:2]}" if r.errors else ""),
        flush=True,
    )


@contextmanager
def _servers(stack: ServerStack, workers: int) -> Iterator[tuple[str, int]]:
    """One ``peerassist serve`` on one address, with ``workers`` processes."""
    saved = stack.env.get("WEB_WORKERS")
    stack.env["WEB_WORKERS"] = str(workers)
    try:
        server = stack.start_server()
    finally:
        if saved is None:
            stack.env.pop("WEB_WORKERS", None)
        else:
            stack.env["WEB_WORKERS"] = saved
    assert server.proc is not None
    try:
        yield server.url, server.proc.pid
    finally:
        server.stop()


def _configuration(
    kind: str,
    workers: int,
    *,
    runs: int,
    duration: float,
    with_baseline: bool,
) -> dict[str, Any]:
    """Every load by each write path (and the baseline) on one stack, ``runs`` times.

    Every socket run (each beside its baseline run) comes before any ``POST`` run: the
    ``POST`` path saturates, and the backlog it leaves on the machine (PostgreSQL's work,
    the load average) would otherwise fall on the socket run after it."""
    paths = ["socket", "http"]
    results: dict[str, dict[str, list[LoadResult]]] = {
        _key(n, r): {p: [] for p in [*paths, "baseline"]} for n, r in LOADS
    }
    with server_stack(kind) as stack:
        sizes = [n for _ in paths for _ in range(runs) for n, _ in LOADS]
        sessions = iter(seed(stack, sizes))
        with _servers(stack, workers) as (url, pid), baseline_server() as (base_url, base):
            for path in paths:
                for run in range(runs):
                    for people, rate in LOADS:
                        key = _key(people, rate)
                        session = next(sessions)
                        specs = participant_specs([session], [url])
                        result = _measured(
                            specs,
                            mode="live" if path == "http" else path,
                            rate=rate,
                            duration=duration,
                            pid=pid,
                        )
                        results[key][path].append(result)
                        _progress(f"{kind} x{workers} {key} {path} run {run + 1}", result)
                        if with_baseline and path == "socket":
                            specs = participant_specs([session], [base_url])
                            result = _measured(
                                specs, mode="baseline", rate=rate, duration=duration, pid=base.pid
                            )
                            results[key]["baseline"].append(result)
                            _progress(f"baseline {key} run {run + 1}", result)
    return {
        key: {path: _merge(found) for path, found in by_path.items() if found}
        for key, by_path in results.items()
    }


def run(*, quick: bool = False, runs: int = 3, duration: float | None = None) -> dict[str, Any]:
    duration = duration or (6.0 if quick else 15.0)
    out: dict[str, Any] = {
        "loads": [_key(n, r) for n, r in LOADS],
        "runs": runs,
        "duration_s": duration,
        "load_average_at_start": load_average(),
        "configurations": {},
    }
    configs = out["configurations"]
    configs["SQLite, 1 process"] = _configuration(
        "sqlite", 1, runs=runs, duration=duration, with_baseline=True
    )
    if services_available() is None:
        out["postgres"] = "not available (PostgreSQL and Redis not reachable)"
    else:
        configs["PG+Redis, 1 process"] = _configuration(
            "postgres", 1, runs=runs, duration=duration, with_baseline=False
        )
        configs["PG+Redis, 2 processes, one address"] = _configuration(
            "postgres", 2, runs=runs, duration=duration, with_baseline=False
        )
    out["load_average_at_end"] = load_average()
    rows = []
    for name, by_load in configs.items():
        for key, by_path in by_load.items():
            for path, m in by_path.items():
                label = "raw websockets baseline" if path == "baseline" else f"{name}, {path}"
                rows.append(
                    [
                        label,
                        key,
                        m["p50"],
                        m["p99"],
                        m["ack_p99"],
                        m["lost"],
                        m["failed"],
                        m["achieved_notes_per_s"],
                        m["server_cpu_ms_per_note"],
                        "/".join(f"{x:.1f}" for x in m["load_average"]),
                    ]
                )
    out["table"] = table(
        [
            "configuration, write path",
            "load",
            "p50 ms",
            "p99 ms",
            "ack p99 ms",
            "lost",
            "failed",
            "notes/s",
            "CPU ms/note",
            "load avg",
        ],
        rows,
    )
    out["aims_p99_ms"] = AIMS_P99
    write_json("loads", out)
    return out
