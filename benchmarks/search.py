"""Lesson search latency and index build time at 1,000, 10,000 and 50,000 lessons.

    python -m benchmarks.search                 # SQLite and PostgreSQL, 1k/10k/50k (<10 min)
    python -m benchmarks.search --quick         # 1k and 5k only
    python -m benchmarks.search --sizes 1000,10000 --backends sqlite

Each backend runs in a child process on a scratch database (a temporary SQLite file; a
PostgreSQL database created here and dropped afterwards). The child inserts synthetic lessons
in steps up to each size, rebuilds the full-text index (timed), stores embeddings, then times
``lesson_search`` — the selector behind the page and the API, with the visibility rule,
full text, meaning and rank fusion — for a fixed set of queries as a member of one of two
organisations (about 40 % of the lessons are shared, the rest private to either one).

Embeddings: encoding 50,000 lessons with the real model takes a long time on 2 cores, so the
real model encodes a sample (throughput reported, with the extrapolated full build time) and
the latency test uses precomputed vectors: topic centroids encoded by the real model plus
noise, normalised — realistic in shape and spread, not in meaning. The output says so. The
query itself is always encoded by the real model, so its cost is in the latency. Without the
model, the TF-IDF fallback path (full text re-ranked) is what gets timed.

Besides the end-to-end latency, each query's two rankings are timed again on their own (not
counted in p50/p95): full text inside the visible lessons (``fts_search``, with the relaxed
retry when no lesson has every word) and the nearest vectors with their visibility checks
(``nearest``). ``--runs N`` repeats everything on fresh databases and reports the median of
each figure (and every run's p95).

Aim (reported, not asserted): p95 under 150 ms at 50,000 lessons.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from benchmarks.harness import median, percentile, table, write_json

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"
MARK = "SEARCH-BENCH-JSON:"
AIM_MS = 150.0

TOPICS = {
    "discharge": "discharge medicines pharmacy pharmacist community referral letter ward "
    "hospital delay transport patient carers follow-up",
    "falls": "falls prevention frailty older people home strength balance physiotherapy "
    "hip fracture assessment exercise",
    "workforce": "staff capacity rota burnout recruitment retention training nurses "
    "overtime sickness leadership protected time",
    "digital": "digital records app portal login system interoperability data sharing "
    "clinicians laptops wifi training",
    "mental": "mental health crisis team anxiety depression talking therapies waiting "
    "list young people schools",
    "diabetes": "diabetes foot checks insulin education clinic glucose retinal screening "
    "primary care practice nurse",
    "stakeholders": "stakeholder buy-in governance board commissioners funding business "
    "case sponsor engagement meetings",
    "communication": "communication newsletter briefings leaflets messages patients "
    "families interpreters language feedback",
}
FILLER = [
    "the",
    "team",
    "found",
    "that",
    "early",
    "work",
    "with",
    "partners",
    "made",
    "the",
    "change",
    "easier",
    "and",
    "we",
    "would",
    "start",
    "sooner",
    "next",
    "time",
    "because",
    "people",
    "needed",
    "time",
    "to",
    "adjust",
    "and",
    "ask",
    "questions",
]
QUERIES = [
    "pharmacy discharge",
    "falls prevention",
    "staff burnout",
    "protected time for training",
    "digital records login",
    "mental health waiting list",
    "diabetes foot checks",
    "stakeholder buy-in",
    "interpreters",
    '"community pharmacist"',
    "how did you get clinicians to use the new system?",
    "recruitment OR retention",
    "crisis team -schools",
    "board funding business case",
    "older people exercise at home",
    "newsletter",
    "what helped staff capacity during winter",
    "referral letters",
    "glucose",
    "leadership",
]


# --- child: runs inside Django on the scratch database ---------------------------------------


def _lesson_text(rng: random.Random, topic: str) -> tuple[str, str, str]:
    words = TOPICS[topic].split()
    title = " ".join(rng.sample(words, 4)).capitalize()
    body = " ".join(
        rng.choice(words) if rng.random() < 0.5 else rng.choice(FILLER) for _ in range(45)
    )
    rec = " ".join(
        rng.choice(words) if rng.random() < 0.4 else rng.choice(FILLER) for _ in range(18)
    )
    return title, body.capitalize() + ".", rec.capitalize() + "."


def _child(sizes: list[int], queries: int) -> dict[str, Any]:
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from peerassist.accounts.models import Membership, Organisation, User
    from peerassist.finding.fts import fts_rebuild, fts_search, parse_query
    from peerassist.finding.indexing import lesson_text
    from peerassist.finding.search import (
        CANDIDATES,
        MIN_SIMILARITY,
        lesson_search,
        query_vector,
        search_candidates,
    )
    from peerassist.lessons.models import Lesson
    from peerassist.projects.models import Project
    from peerassist.semantic import embeddings
    from peerassist.semantic.index import _matrices, nearest, text_hash, vectors_store
    from peerassist.semantic.models import SemanticVector

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(42)
    orgs = [
        Organisation.objects.create(
            name=f"Bench org {i}", slug=f"bench-org-{i}-{uuid.uuid4().hex[:6]}"
        )
        for i in range(2)
    ]
    user = User.objects.create_user(
        f"bench-{uuid.uuid4().hex[:8]}@example.org", "x" * 12, full_name="Bench"
    )
    Membership.objects.create(user=user, organisation=orgs[0])
    projects = [Project.objects.create(organisation=o, title=f"Bench project {o.pk}") for o in orgs]

    backend = embeddings.embedding_backend()
    model = backend.name != embeddings.TfidfBackend.name
    centroids: dict[str, Any] = {}
    throughput = None
    if model:
        sample = [" ".join(_lesson_text(rng, rng.choice(list(TOPICS)))) for _ in range(64)]
        backend.encode(sample[:8])  # load and warm
        # Throughput as `build_search_index` gets it (every core), queries as a web
        # process encodes them (PEERASSIST_TORCH_THREADS, default one thread).
        embeddings.set_torch_threads(os.cpu_count() or 1)
        t0 = time.perf_counter()
        backend.encode(sample)
        throughput = len(sample) / (time.perf_counter() - t0)
        embeddings.set_torch_threads(None)
        encoded = backend.encode([TOPICS[t] for t in TOPICS])
        centroids = {t: encoded[i] for i, t in enumerate(TOPICS)}

    header = {
        "vendor": connection.vendor,
        "embedding_backend": backend.name,
        "embeddings_per_second": round(throughput, 1) if throughput else None,
        "query_threads": embeddings.torch_threads(),
        "synthetic_vectors": model,
    }
    rows: list[dict[str, Any]] = []
    now = timezone.now()
    count = 0
    for size in sizes:
        t0 = time.perf_counter()
        batch = []
        batch_topics: list[str] = []
        while count < size:
            topic = rng.choice(list(TOPICS))
            title, body, rec = _lesson_text(rng, topic)
            o = rng.randrange(2)
            batch.append(
                Lesson(
                    organisation=orgs[o],
                    project=projects[o],
                    title=title,
                    lesson=body,
                    recommendation=rec,
                    care_setting=rng.choice(["Acute", "Community", "Primary care", "Care homes"]),
                    valence=rng.choice(["enabler", "barrier", "mixed"]),
                    status="approved",
                    visibility="shared" if rng.random() < 0.4 else "organisation",
                    published_at=now,
                )
            )
            batch_topics.append(topic)
            count += 1
        created = Lesson.objects.bulk_create(batch, batch_size=2000)
        insert_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        fts_rebuild()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE lessons_lesson")
        fts_s = time.perf_counter() - t0
        vectors_s = 0.0
        if model:
            t0 = time.perf_counter()
            for start in range(0, len(created), 5000):
                chunk = created[start : start + 5000]
                noise = np.random.default_rng(start + size).normal(0, 0.035, (len(chunk), 384))
                rows_v = {}
                for i, lesson in enumerate(chunk):
                    vec = centroids[batch_topics[start + i]] + noise[i]
                    vec = vec / np.linalg.norm(vec)
                    rows_v[lesson.pk] = (text_hash(lesson_text(lesson, [])), vec)
                vectors_store(SemanticVector.Kind.LESSON, backend.name, rows_v)
            vectors_s = time.perf_counter() - t0
        _matrices.clear()
        t0 = time.perf_counter()
        lesson_search(actor=user, query="warm up the caches")
        cold_ms = (time.perf_counter() - t0) * 1000
        timings: list[float] = []
        encode_ms: list[float] = []
        db_ms: list[float] = []
        fts_ms: list[float] = []
        nearest_ms: list[float] = []
        for i in range(queries):
            query = QUERIES[i % len(QUERIES)]
            # The query's embedding is timed on its own, every time (the cache is cleared),
            # then the search itself with the embedding ready: the model's share of the
            # total is then visible, and it is the part a busy CPU slows most.
            query_vector.cache_clear()
            t0 = time.perf_counter()
            if model:
                query_vector(backend.name, query)
            t1 = time.perf_counter()
            result = lesson_search(actor=user, query=query, page=1 + (i % 3))
            t2 = time.perf_counter()
            encode_ms.append((t1 - t0) * 1000)
            db_ms.append((t2 - t1) * 1000)
            timings.append((t2 - t0) * 1000)
            assert result.total >= 0
            # The two rankings again, each on its own (not part of the timings above).
            candidates = search_candidates(user)
            parsed = parse_query(query)
            t0 = time.perf_counter()
            found = fts_search(parsed, candidates, limit=CANDIDATES)
            if not found and not parsed.any_of and len(parsed.words) > 1:
                fts_search(parsed.relaxed(), candidates, limit=CANDIDATES)
            t1 = time.perf_counter()
            if model:
                nearest(
                    SemanticVector.Kind.LESSON,
                    query_vector(backend.name, query),
                    candidates,
                    limit=CANDIDATES,
                    min_score=MIN_SIMILARITY,
                )
            t2 = time.perf_counter()
            fts_ms.append((t1 - t0) * 1000)
            nearest_ms.append((t2 - t1) * 1000)
        rows.append(
            {
                "lessons": size,
                "insert_s": round(insert_s, 2),
                "fts_build_s": round(fts_s, 2),
                "vector_store_s": round(vectors_s, 2),
                "embedding_estimate_s": round(size / throughput, 1) if throughput else None,
                "cold_query_ms": round(cold_ms, 1),
                "p50_ms": round(percentile(timings, 50) or 0, 1),
                "p95_ms": round(percentile(timings, 95) or 0, 1),
                "max_ms": round(max(timings), 1),
                "search_p50_ms": round(percentile(db_ms, 50) or 0, 1),
                "search_p95_ms": round(percentile(db_ms, 95) or 0, 1),
                "encode_p50_ms": round(percentile(encode_ms, 50) or 0, 1),
                "fts_p50_ms": round(percentile(fts_ms, 50) or 0, 1),
                "fts_p95_ms": round(percentile(fts_ms, 95) or 0, 1),
                "nearest_p50_ms": round(percentile(nearest_ms, 50) or 0, 1),
                "nearest_p95_ms": round(percentile(nearest_ms, 95) or 0, 1),
                "queries": len(timings),
            }
        )
        # One line per size, so a run cut short by its time limit still reports what it did.
        print(MARK + json.dumps({**header, "rows": rows}), flush=True)
        print(
            f"  {connection.vendor} {size}: p50 {rows[-1]['p50_ms']} ms, "
            f"p95 {rows[-1]['p95_ms']} ms",
            file=sys.stderr,
            flush=True,
        )
    return {**header, "rows": rows}


# --- parent: scratch databases, child processes, table -------------------------------------


def _run_backend(kind: str, sizes: list[int], queries: int, timeout: float) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "peerassist.config.settings",
            "PEERASSIST_TESTING": "1",
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
    )
    env.pop("REDIS_URL", None)
    data_dir = Path(tempfile.mkdtemp(prefix=f"pa-search-bench-{kind}-"))
    env["PEERASSIST_DATA_DIR"] = str(data_dir)
    admin_url = db_name = None
    try:
        if kind == "postgres":
            import psycopg

            base = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_PG
            parts = urlparse(base)
            admin_url = urlunparse(parts._replace(path="/postgres"))
            db_name = f"pa_search_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'CREATE DATABASE "{db_name}"')  # type: ignore[arg-type]
            env["DATABASE_URL"] = urlunparse(parts._replace(path=f"/{db_name}"))
        else:
            env.pop("DATABASE_URL", None)
        code = f"from benchmarks.search import _child; _child({sizes!r}, {queries})"
        timed_out = False
        try:
            proc = subprocess.run(
                [sys.executable, "-c", code],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            stdout, stderr, status = proc.stdout, proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as expired:
            timed_out = True
            stdout = _text(expired.stdout)
            stderr = _text(expired.stderr)
            status = -1
        sys.stderr.write(stderr[-3000:])
        lines = [line for line in stdout.splitlines() if line.startswith(MARK)]
        if not lines:
            why = f"the {timeout:.0f} s limit" if timed_out else f"exit status {status}"
            return {"skipped": f"no size finished before {why}"}
        result = dict(json.loads(lines[-1][len(MARK) :]))
        if timed_out:
            result["timed_out_after_s"] = timeout
        return result
    finally:
        if admin_url and db_name:
            import psycopg

            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')  # type: ignore[arg-type]
        shutil.rmtree(data_dir, ignore_errors=True)


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def _postgres_available() -> bool:
    try:
        import psycopg

        base = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_PG
        with psycopg.connect(base, connect_timeout=3):
            return True
    except Exception:
        return False


def run(
    *,
    quick: bool = False,
    sizes: list[int] | None = None,
    backends: list[str] | None = None,
    queries: int = 40,
    timeout: float = 280,
    runs: int = 1,
) -> dict[str, Any]:
    sizes = sizes or ([1000, 5000] if quick else [1000, 10_000, 50_000])
    backends = backends or ["sqlite", "postgres"]
    runs = max(1, runs)
    results: dict[str, Any] = {
        "sizes": sizes,
        "aim_p95_ms": AIM_MS,
        "runs": runs,
        "backends": {},
    }
    for kind in backends:
        if kind == "postgres" and not _postgres_available():
            results["backends"][kind] = {"skipped": "PostgreSQL is not available"}
            continue
        each = []
        for number in range(1, runs + 1):
            print(f"search benchmark on {kind}, run {number} of {runs} …", file=sys.stderr)
            each.append(_run_backend(kind, sizes, queries, timeout=timeout))
        results["backends"][kind] = _medians(each)
    headers = [
        "db",
        "lessons",
        "p50 ms",
        "p95 ms",
        "p95 each run",
        "max ms",
        "excl. encode p50/p95",
        "encode p50",
        "FTS p50/p95",
        "nearest p50/p95",
        "cold ms",
        "FTS build s",
        "vectors store s",
        "embed est. s",
        "aim",
    ]
    body = []
    notes = []
    for kind, data in results["backends"].items():
        if "skipped" in data:
            notes.append(f"{kind}: skipped ({data['skipped']})")
            continue
        for row in data["rows"]:
            body.append(
                [
                    kind,
                    row["lessons"],
                    row["p50_ms"],
                    row["p95_ms"],
                    "/".join(f"{p95:.0f}" for p95 in row["p95_each_run_ms"]),
                    row["max_ms"],
                    f"{row['search_p50_ms']:.0f}/{row['search_p95_ms']:.0f}",
                    row["encode_p50_ms"],
                    f"{row['fts_p50_ms']:.0f}/{row['fts_p95_ms']:.0f}",
                    f"{row['nearest_p50_ms']:.0f}/{row['nearest_p95_ms']:.0f}",
                    row["cold_query_ms"],
                    row["fts_build_s"],
                    row["vector_store_s"],
                    row["embedding_estimate_s"],
                    "ok" if row["p95_ms"] < AIM_MS else "MISSED",
                ]
            )
        if data.get("timed_out_after_s"):
            notes.append(f"{kind}: stopped at its {data['timed_out_after_s']:.0f} s limit")
        if data.get("synthetic_vectors"):
            notes.append(
                f"{kind}: embeddings by {data['embedding_backend']} at "
                f"{data['embeddings_per_second']} lessons/s (real model on a sample); the latency "
                "test used precomputed synthetic vectors (topic centroids + noise), and "
                "'embed est.' is the extrapolated time to encode every lesson"
            )
        else:
            notes.append(f"{kind}: TF-IDF fallback (no sentence model): full text re-ranked")
    notes.append(
        "p50/p95 include encoding the query with the model; 'excl. encode' is the rest "
        "(visibility, full text, vector ranking, fusion, one page of highlighted results); "
        "'FTS' and 'nearest' time those two rankings again on their own"
    )
    if runs > 1:
        notes.append(f"every figure is the median of {runs} runs on fresh databases")
    text = table(headers, body) + "\n" + "\n".join(f"* {n}" for n in notes)
    results["notes"] = notes
    results["table"] = text
    write_json("search", {k: v for k, v in results.items() if k != "table"})
    return results


def _medians(each: list[dict[str, Any]]) -> dict[str, Any]:
    """One backend's runs as one result: the median of every figure, size by size."""
    done = [data for data in each if "rows" in data]
    if not done:
        return each[0]
    merged: dict[str, Any] = {k: v for k, v in done[0].items() if k != "rows"}
    merged["runs"] = len(done)
    for data in done:
        if data.get("timed_out_after_s"):
            merged["timed_out_after_s"] = data["timed_out_after_s"]
    merged["embeddings_per_second"] = median(
        [d["embeddings_per_second"] for d in done if d.get("embeddings_per_second")]
    )
    rows = []
    for size in [row["lessons"] for row in done[0]["rows"]]:
        same = [row for data in done for row in data["rows"] if row["lessons"] == size]
        row = {}
        for key, value in same[0].items():
            numbers = [r[key] for r in same if isinstance(r.get(key), int | float)]
            row[key] = median(numbers) if isinstance(value, int | float) and numbers else value
        row["lessons"] = size
        row["p95_each_run_ms"] = [r["p95_ms"] for r in same]
        rows.append(row)
    merged["rows"] = rows
    merged["each_run"] = done
    return merged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.search", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 5,000 lessons only")
    parser.add_argument("--sizes", default="", help="comma-separated lesson counts")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--queries", type=int, default=40, help="timed queries per size")
    parser.add_argument(
        "--timeout", type=float, default=280, help="seconds per database before stopping"
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="whole runs per database, medians reported"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()] or None
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    result = run(
        quick=args.quick,
        sizes=sizes,
        backends=backends,
        queries=args.queries,
        timeout=args.timeout,
        runs=args.runs,
    )
    print(result["table"])
    print(f"\nJSON: {ROOT / 'benchmarks' / 'results' / 'search.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
