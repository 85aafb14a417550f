"""Benchmark 3: the highest sustained notes/s one process serves before p99 passes 250 ms.

One peer assist of 20 participants (a typical session) on one server process (SQLite,
in-memory layer); the total note rate steps up, a fresh session each step, until p99 passes
250 ms, a note is lost, or the server no longer keeps up with the offered rate. The baseline
server gets the same steps. The server's CPU use per step tells whether the server or the
(shared, two-core) machine ran out first.
"""

from __future__ import annotations

import time
from typing import Any

from benchmarks.harness import (
    RESULTS,
    LoadResult,
    baseline_server,
    cpu_seconds,
    participant_specs,
    run_load,
    seed,
    server_stack,
    table,
    wait_idle,
    write_json,
)
from benchmarks.svg import line_chart

LIMIT_P99 = 250.0
PEOPLE = 20
STEPS = [10, 20, 40, 60, 80, 120, 160, 240, 320, 480, 640, 960]
QUICK_STEPS = [10, 40, 80, 160, 320]


def _step(
    specs: list[dict[str, Any]], total: float, duration: float, mode: str, pid: int
) -> tuple[LoadResult, float]:
    wait_idle(pid)
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    result = run_load(specs, mode=mode, rate=total / PEOPLE, duration=duration, drain=2.0)
    cpu = (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0) * 100
    return result, cpu


def _passes(result: LoadResult, total: float) -> bool:
    return (
        result.p99 is not None
        and result.p99 <= LIMIT_P99
        and result.lost == 0
        and result.failed == 0
        and result.achieved_notes_per_s >= 0.9 * total
    )


def _climb(
    label: str, sessions: list[dict[str, Any]], url: str, mode: str, pid: int, steps: list[int]
) -> dict[str, Any]:
    rows = []
    best = 0.0
    duration = 4.0 if steps is QUICK_STEPS else 6.0
    for session, total in zip(sessions, steps, strict=False):
        specs = participant_specs([session], [url])
        result, cpu = _step(specs, total, duration, mode, pid)
        ok = _passes(result, total)
        rows.append({"offered": total, "cpu_percent": round(cpu, 1), "ok": ok, **result.as_dict()})
        print(
            f"  {label} {total} notes/s: p99 {result.p99 or 0:.1f} ms, achieved "
            f"{result.achieved_notes_per_s:.0f}/s, lost {result.lost}, server CPU {cpu:.0f}%",
            flush=True,
        )
        if not ok:
            break
        best = result.achieved_notes_per_s
    return {"capacity_notes_per_s": best, "steps": rows}


def run(*, quick: bool = False) -> dict[str, Any]:
    steps = QUICK_STEPS if quick else STEPS
    with server_stack("sqlite") as stack:
        sessions = seed(stack, [PEOPLE] * len(steps))
        server = stack.start_server()
        assert server.proc is not None
        ours = _climb("ours", sessions, server.url, "live", server.proc.pid, steps)
        with baseline_server() as (base_url, proc):
            base = _climb("baseline", sessions, base_url, "baseline", proc.pid, steps)
    ratio = (
        ours["capacity_notes_per_s"] / base["capacity_notes_per_s"]
        if base["capacity_notes_per_s"]
        else None
    )
    out: dict[str, Any] = {
        "participants": PEOPLE,
        "p99_limit_ms": LIMIT_P99,
        "ours": ours,
        "baseline": base,
        "ratio_to_baseline": ratio,
        "aim": {"ratio": 0.25, "met": None if ratio is None else ratio >= 0.25},
        "baseline_hit_top_step": bool(base["steps"]) and base["steps"][-1]["ok"],
    }
    out["table"] = table(
        ["server", "capacity notes/s", "deliveries/s", "ratio to baseline"],
        [
            [
                "ours (1 process, SQLite)",
                ours["capacity_notes_per_s"],
                ours["capacity_notes_per_s"] * (PEOPLE - 1),
                ratio,
            ],
            [
                "baseline" + (" (≥, top step)" if out["baseline_hit_top_step"] else ""),
                base["capacity_notes_per_s"],
                base["capacity_notes_per_s"] * (PEOPLE - 1),
                1.0,
            ],
        ],
    )
    line_chart(
        RESULTS / "capacity.svg",
        title=f"Capacity: p99 against offered load ({PEOPLE} participants, one process)",
        x_label="notes per second offered (whole session)",
        y_label="p99 fan-out latency, ms",
        series={
            "ours": [(s["offered"], s["p99"]) for s in ours["steps"]],
            "baseline": [(s["offered"], s["p99"]) for s in base["steps"]],
        },
        hline=(LIMIT_P99, "limit: p99 250 ms"),
    )
    write_json("capacity", out)
    return out
