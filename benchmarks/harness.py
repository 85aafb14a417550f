"""What every benchmark shares: server stacks, the baseline server, load runs and statistics."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.seed import parse_seed_output, seed_command
from tests.servers import ROOT, ServerStack, free_port

RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


# --- statistics ---------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float | None:
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# --- server stacks ------------------------------------------------------------------------
def services_available() -> tuple[str, str] | None:
    """(DATABASE_URL, REDIS_URL) for PostgreSQL and Redis if both answer, else None."""
    db = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_PG
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or DEFAULT_REDIS
    if not db.startswith(("postgres://", "postgresql://")):
        return None
    try:
        import psycopg
        import redis

        with psycopg.connect(db, connect_timeout=3):
            pass
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except Exception:
        return None
    return db, redis_url


@contextmanager
def server_stack(kind: str, *, demo: bool = False) -> Iterator[ServerStack]:
    """A fresh database ("sqlite" with the in-memory layer, or "postgres" with Redis).

    No demo data by default (loading it is slow); ``benchmarks.seed`` makes what it needs.
    The servers run as in production (DEBUG off, database task queue, real secret key);
    only migrations, demo data and seeding use the test settings.
    """
    overrides: dict[str, str | None] = {"DATABASE_URL": None, "REDIS_URL": None}
    if kind == "postgres":
        services = services_available()
        if services is None:
            raise RuntimeError("PostgreSQL and Redis are not available")
        overrides = {"DATABASE_URL": services[0], "REDIS_URL": services[1]}
    data_dir = Path(tempfile.mkdtemp(prefix=f"pa-bench-{kind}-"))
    with _environ(overrides):  # ServerStack reads DATABASE_URL from the environment
        stack = ServerStack(data_dir, demo=demo)
    stack.env.update(
        {
            "DEBUG": "0",
            "PEERASSIST_TESTING": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_SSL": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
        }
    )
    try:
        yield stack
    finally:
        with _environ(overrides):  # ... and again when it drops its database
            stack.close()
        shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def _environ(overrides: dict[str, str | None]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in overrides}
    try:
        for key, value in overrides.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def seed(stack: ServerStack, sizes: list[int], *, notes: int = 0) -> list[dict[str, Any]]:
    """One live peer assist per entry of ``sizes`` (that many participants, ``notes`` notes)."""
    env = dict(stack.env)
    # Seeding runs with the test settings the stack was created with.
    stack.env.update({"DEBUG": "1", "PEERASSIST_TESTING": "1"})
    try:
        out = stack.manage("shell", "-c", seed_command(sizes, notes=notes))
    finally:
        stack.env = env
    return list(parse_seed_output(out)["sessions"])


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_idle(pid: int, *, below: float = 10.0, window: float = 0.5, timeout: float = 60) -> float:
    """Wait until the process uses less than ``below`` % CPU (a backlog from the last run
    finished), at most ``timeout`` seconds; returns the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        before = cpu_seconds(pid)
        time.sleep(window)
        if (cpu_seconds(pid) - before) / window * 100 < below:
            break
    return time.monotonic() - start


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


# --- the baseline -------------------------------------------------------------------------
@contextmanager
def baseline_server() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.baseline_server", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError("baseline server did not start")
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


# --- load runs ----------------------------------------------------------------------------
@dataclass
class LoadResult:
    participants: int
    rate_per_participant: float
    duration: float
    sent: int = 0
    acked: int = 0
    failed: int = 0
    deliveries_expected: int = 0
    delivered_push: int = 0
    push_missed: int = 0
    lost: int = 0
    reconnects: int = 0
    gaps: int = 0
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None
    ack_p50: float | None = None
    ack_p99: float | None = None
    achieved_notes_per_s: float = 0.0
    load_average: float = 0.0  # the machine's 1-minute load average as the run began
    server_cpu_ms_per_note: float | None = None  # filled in by benchmarks that know the pid
    connect_errors: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def participant_specs(
    sessions: list[dict[str, Any]], servers: list[str], *, spread: bool = False
) -> list[dict[str, Any]]:
    """One spec per participant; with ``spread`` they alternate over the server addresses
    (each client also knows the others, to fail over)."""
    specs = []
    idx = 0
    for session in sessions:
        for person in session["participants"]:
            order = servers
            if spread:
                k = idx % len(servers)
                order = servers[k:] + servers[:k]
            specs.append(
                {
                    "idx": idx,
                    "assist_id": session["assist_id"],
                    "session": person.get("session", ""),
                    "servers": order,
                }
            )
            idx += 1
    return specs


def run_load(
    specs: list[dict[str, Any]],
    *,
    mode: str = "live",
    rate: float,
    duration: float,
    drain: float = 2.0,
    processes: int = 2,
    timeout: float = 300.0,
) -> LoadResult:
    """Drive ``specs`` from ``processes`` client processes and measure what they saw."""
    load_before = load_average()
    workdir = Path(tempfile.mkdtemp(prefix="pa-load-"))
    procs: list[tuple[subprocess.Popen[str], Path]] = []
    processes = max(1, min(processes, len(specs)))
    try:
        for n in range(processes):
            part = specs[n::processes]
            spec_path, out_path = workdir / f"spec-{n}.json", workdir / f"out-{n}.json"
            spec_path.write_text(
                json.dumps(
                    {
                        "mode": mode,
                        "participants": part,
                        "rate": rate,
                        "duration": duration,
                        "drain": drain,
                    }
                )
            )
            proc = subprocess.Popen(
                [sys.executable, "-m", "benchmarks.loadgen", str(spec_path), str(out_path)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            procs.append((proc, out_path))
        for proc, _ in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line.startswith("ready"):
                raise RuntimeError(f"load client failed to start: {line!r}")
        # Every client has its board; give the server a moment to finish the joins' presence
        # pushes, so the measured load does not start on top of the connection burst.
        t0 = time.monotonic() + 2.0
        for proc, _ in procs:
            assert proc.stdin is not None
            proc.stdin.write(f"go {t0}\n")
            proc.stdin.flush()
        outputs = []
        deadline = time.monotonic() + duration + drain + timeout
        for proc, out_path in procs:
            assert proc.stdout is not None
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            outputs.append(json.loads(out_path.read_text()))
    finally:
        for proc, _ in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    result = summarise(outputs, participants=len(specs), rate=rate, duration=duration)
    result.load_average = load_before
    return result


def summarise(
    outputs: list[dict[str, Any]], *, participants: int, rate: float, duration: float
) -> LoadResult:
    result = LoadResult(participants=participants, rate_per_participant=rate, duration=duration)
    people = [p for out in outputs for p in out["participants"]]
    for out in outputs:
        result.connect_errors.extend(out["connect_errors"])
    members: dict[int, list[dict[str, Any]]] = {}
    for p in people:
        members.setdefault(p["assist_id"], []).append(p)
    latencies: list[float] = []
    acks: list[float] = []
    for p in people:
        latencies.extend(p["latencies"])
        acks.extend(ms for _, ms in p["acked"])
        result.acked += len(p["acked"])
        result.failed += len(p["failed"])
        result.reconnects += p["reconnects"]
        result.gaps += p["gaps"]
        result.errors.extend(p["errors"])
        result.errors.extend(f"post {k}: HTTP {s}" for k, s in p["failed"][:3])
    result.sent = result.acked + result.failed
    for p in people:
        pushed, seen = set(p["push"]), set(p["push"]) | set(p["resync"])
        for other in members[p["assist_id"]]:
            if other is p:
                continue
            for key, _ in other["acked"]:
                result.deliveries_expected += 1
                if key in pushed:
                    result.delivered_push += 1
                else:
                    result.push_missed += 1
                if key not in seen:
                    result.lost += 1
    result.p50 = percentile(latencies, 50)
    result.p95 = percentile(latencies, 95)
    result.p99 = percentile(latencies, 99)
    result.max = max(latencies) if latencies else None
    result.ack_p50 = percentile(acks, 50)
    result.ack_p99 = percentile(acks, 99)
    result.achieved_notes_per_s = result.acked / duration if duration else 0.0
    result.errors = result.errors[:10]
    result.connect_errors = result.connect_errors[:10]
    return result


# --- output -------------------------------------------------------------------------------
def write_json(name: str, data: Any) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    sep = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, sep, *body])
