"""Benchmarks 1 and 2: fan-out latency on our server and on the baseline, same clients.

For every note, the time from its POST leaving the client to its event arriving at each
other participant. One process on SQLite with the in-memory channel layer at 10, 50 and 100
participants posting 1 note/s each; two processes on PostgreSQL and Redis with 200
participants over 10 sessions, each session's people alternating between the processes.
"""

from __future__ import annotations

from typing import Any

from benchmarks.harness import (
    RESULTS,
    LoadResult,
    baseline_server,
    cpu_seconds,
    median,
    participant_specs,
    run_load,
    seed,
    server_stack,
    services_available,
    table,
    wait_idle,
    write_json,
)
from benchmarks.svg import line_chart

AIM_SINGLE_P99 = 100.0  # ms, 50 participants on one process
AIM_MULTI_P99 = 150.0  # ms, 200 participants over two processes

METRICS = [
    "p50",
    "p95",
    "p99",
    "max",
    "ack_p50",
    "ack_p99",
    "achieved_notes_per_s",
    "server_cpu_ms_per_note",
    "load_average",
]


def _merge(runs: list[LoadResult]) -> dict[str, Any]:
    """Medians of the runs' figures; losses and errors summed."""
    merged: dict[str, Any] = {m: median([getattr(r, m) for r in runs]) for m in METRICS}
    for key in ("sent", "acked", "failed", "deliveries_expected", "push_missed", "lost"):
        merged[key] = sum(getattr(r, key) for r in runs)
    merged["participants"] = runs[0].participants
    merged["runs"] = [r.as_dict() for r in runs]
    return merged


def _baseline_specs(sessions: list[dict[str, Any]], url: str) -> list[dict[str, Any]]:
    return participant_specs(sessions, [url])


def run(*, quick: bool = False, runs: int = 3, rate: float = 1.0) -> dict[str, Any]:
    sizes = [10, 50] if quick else [10, 50, 100]
    duration = 6.0 if quick else 15.0
    ours: dict[int, list[LoadResult]] = {n: [] for n in sizes}
    base: dict[int, list[LoadResult]] = {n: [] for n in sizes}
    with server_stack("sqlite") as stack:
        sessions = seed(stack, [n for _ in range(runs) for n in sizes])
        server = stack.start_server()
        assert server.proc is not None
        with baseline_server() as (base_url, base_proc):
            for r in range(runs):
                for i, n in enumerate(sizes):
                    session = sessions[r * len(sizes) + i]
                    specs = participant_specs([session], [server.url])
                    wait_idle(server.proc.pid)
                    cpu0 = cpu_seconds(server.proc.pid)
                    result = run_load(specs, rate=rate, duration=duration)
                    result.server_cpu_ms_per_note = _per_note(
                        cpu_seconds(server.proc.pid) - cpu0, result
                    )
                    ours[n].append(result)
                    _progress(f"single n={n} run={r + 1}", result)
                    wait_idle(server.proc.pid)
                    wait_idle(base_proc.pid)
                    cpu0 = cpu_seconds(base_proc.pid)
                    result = run_load(
                        _baseline_specs([session], base_url),
                        mode="baseline",
                        rate=rate,
                        duration=duration,
                    )
                    result.server_cpu_ms_per_note = _per_note(
                        cpu_seconds(base_proc.pid) - cpu0, result
                    )
                    base[n].append(result)
                    _progress(f"baseline n={n} run={r + 1}", result)
    out: dict[str, Any] = {
        "rate_per_participant": rate,
        "duration_s": duration,
        "single_process_sqlite": {str(n): _merge(v) for n, v in ours.items()},
        "baseline": {str(n): _merge(v) for n, v in base.items()},
    }
    out["multi_process_postgres_redis"] = _multi(quick=quick, runs=runs, rate=rate)
    rows = []
    for n in sizes:
        o, b = out["single_process_sqlite"][str(n)], out["baseline"][str(n)]
        rows.append(_row(f"1 process, SQLite, n={n}", o, b))
        rows.append(_row(f"baseline, n={n}", b, None))
    multi = out["multi_process_postgres_redis"]
    if "p99" in multi:
        rows.append(_row("2 processes, PG+Redis, 10x20", multi, multi.get("baseline")))
        if multi.get("baseline"):
            rows.append(_row("baseline, 10x20", multi["baseline"], None))
    headers = ["configuration", "p50 ms", "p95 ms", "p99 ms", "max ms", "lost", "push missed"]
    headers += ["notes/s", "p99 x baseline", "CPU ms/note", "load avg"]
    out["table"] = table(headers, rows)
    fifty = out["single_process_sqlite"].get("50", {})
    out["aims"] = {
        "p99_50_participants_one_process_ms": {
            "aim": AIM_SINGLE_P99,
            "measured": fifty.get("p99"),
            "met": _met(fifty.get("p99"), AIM_SINGLE_P99),
        },
        "p99_200_participants_two_processes_ms": {
            "aim": AIM_MULTI_P99,
            "measured": multi.get("p99"),
            "met": _met(multi.get("p99"), AIM_MULTI_P99),
        },
        "notes_lost": sum(v["lost"] for v in out["single_process_sqlite"].values())
        + int(multi.get("lost", 0) or 0),
    }
    series = {
        "ours p99 (1 process)": [(n, out["single_process_sqlite"][str(n)]["p99"]) for n in sizes],
        "ours p50 (1 process)": [(n, out["single_process_sqlite"][str(n)]["p50"]) for n in sizes],
        "baseline p99": [(n, out["baseline"][str(n)]["p99"]) for n in sizes],
        "baseline p50": [(n, out["baseline"][str(n)]["p50"]) for n in sizes],
    }
    if multi.get("p99") is not None:
        series["ours p99 (2 proc, PG)"] = [(multi["participants"], multi["p99"])]
    line_chart(
        RESULTS / "fanout.svg",
        title=f"Fan-out latency, {rate:g} note/s per participant",
        x_label="participants",
        y_label="ms from POST to event at each other participant",
        series=series,
        hline=(AIM_SINGLE_P99, "aim: p99 ≤ 100 ms at 50"),
    )
    write_json("fanout", out)
    return out


def _multi(*, quick: bool, runs: int, rate: float) -> dict[str, Any]:
    if services_available() is None:
        return {"status": "not available (PostgreSQL and Redis not reachable)"}
    duration = 6.0 if quick else 15.0
    results, base = [], []
    with server_stack("postgres") as stack:
        sessions = seed(stack, [20] * (10 * runs))
        a, b = stack.start_server(), stack.start_server()
        assert a.proc is not None and b.proc is not None
        with baseline_server() as (base_url, base_proc):
            for r in range(runs):
                chunk = sessions[r * 10 : (r + 1) * 10]
                specs = participant_specs(chunk, [a.url, b.url], spread=True)
                wait_idle(a.proc.pid)
                wait_idle(b.proc.pid)
                result = run_load(specs, rate=rate, duration=duration)
                results.append(result)
                _progress(f"two processes 200 run={r + 1}", result)
                wait_idle(a.proc.pid)
                wait_idle(b.proc.pid)
                wait_idle(base_proc.pid)
                result = run_load(
                    participant_specs(chunk, [base_url]),
                    mode="baseline",
                    rate=rate,
                    duration=duration,
                )
                base.append(result)
                _progress(f"baseline 200 run={r + 1}", result)
    merged = _merge(results)
    merged["baseline"] = _merge(base)
    return merged


def _per_note(cpu: float, result: LoadResult) -> float | None:
    """Server CPU milliseconds per acknowledged note, fan-out to every participant included."""
    return cpu * 1000 / result.acked if result.acked else None


def _met(value: float | None, aim: float) -> bool | None:
    return None if value is None else value <= aim


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def _row(name: str, o: dict[str, Any], b: dict[str, Any] | None) -> list[Any]:
    return [
        name,
        o.get("p50"),
        o.get("p95"),
        o.get("p99"),
        o.get("max"),
        o.get("lost"),
        o.get("push_missed"),
        o.get("achieved_notes_per_s"),
        _ratio(o.get("p99"), b.get("p99")) if b else None,
        o.get("server_cpu_ms_per_note"),
        o.get("load_average"),
    ]


def _progress(label: str, r: LoadResult) -> None:
    print(
        f"  {label}: p50 {_f(r.p50)} p99 {_f(r.p99)} max {_f(r.max)} ms, "
        f"acked {r.acked}/{r.sent}, lost {r.lost}, push missed {r.push_missed}"
        + (f", errors {r.errors[:2]}" if r.errors else ""),
        flush=True,
    )


def _f(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"
