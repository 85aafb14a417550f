"""Benchmark 5: server time and query count to render the board and the report.

The board with 300 notes and the report with 500 notes, each also at a tenth of that, so the
query count can be compared: it must not grow with the number of notes. Rendering happens
in a Django process on the stack's database (``peerassist shell``), through the full
middleware stack with Django's test client, signed in as the facilitator; the time is the
median of several renders after a warm-up. A page whose URL does not exist yet is reported
as not available.
"""

from __future__ import annotations

import json
import statistics
import time
from typing import Any

from benchmarks.harness import seed, server_stack, table, write_json

MARK = "PAGES-JSON:"

# (label, candidate URL names; tried in order with the peer assist id as pk / assist_id / id)
PAGES: list[tuple[str, list[str]]] = [
    ("board", ["assists:board", "assists:live", "assists:live_board", "assists:session"]),
    (
        "report",
        ["reports:assist_report", "reports:report", "reports:assist", "reports:detail"],
    ),
]
SIZES = {"board": (30, 300), "report": (50, 500)}


def probe(*, targets: list[dict[str, Any]], repeat: int = 5) -> None:
    """Runs inside the server environment; prints one JSON line of measurements."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse

    from peerassist.accounts.models import User

    client = Client()
    client.force_login(User.objects.filter(email__startswith="facilitator@").order_by("id")[0])
    results = []
    for target in targets:
        names = dict(PAGES)[target["page"]]
        url = None
        for name in names:
            for kw in ("pk", "assist_id", "id"):
                try:
                    url = reverse(name, kwargs={kw: target["assist_id"]})
                    break
                except NoReverseMatch:
                    continue
            if url:
                break
        row: dict[str, Any] = {**target, "url": url}
        if url is None:
            row["status"] = "not available"
            results.append(row)
            continue
        client.get(url)  # warm-up: templates compiled, caches filled
        times, queries, status, size = [], [], 0, 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            queries.append(len(ctx.captured_queries))
            status, size = response.status_code, len(response.content)
        row.update(
            status=status,
            bytes=size,
            ms_median=statistics.median(times),
            queries=max(queries),
        )
        results.append(row)
    print(MARK + json.dumps(results), flush=True)


def run(*, quick: bool = False) -> dict[str, Any]:
    repeat = 3 if quick else 7
    plan = [(page, n) for page, sizes in SIZES.items() for n in sizes]
    with server_stack("sqlite") as stack:
        targets = []
        for page, n in plan:
            assist = seed(stack, [4], notes=n)[0]
            targets.append({"page": page, "notes": n, "assist_id": assist["assist_id"]})
        code = (
            "from benchmarks.pages import probe; "
            f"probe(targets={json.dumps(targets)!s}, repeat={repeat})"
        )
        saved = dict(stack.env)
        # Production settings, plus the test client's host name.
        stack.env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
        try:
            out = stack.manage("shell", "-c", code)
        finally:
            stack.env = saved
    line = next(x for x in out.splitlines() if x.startswith(MARK))
    rows: list[dict[str, Any]] = json.loads(line[len(MARK) :])
    pages: dict[str, Any] = {}
    for page in SIZES:
        mine = [r for r in rows if r["page"] == page]
        if any(r.get("status") == "not available" for r in mine):
            pages[page] = {"status": "not available", "rows": mine}
            continue
        small, large = sorted(mine, key=lambda r: r["notes"])
        pages[page] = {
            "rows": mine,
            "queries_constant": small["queries"] == large["queries"],
            "query_growth": large["queries"] - small["queries"],
        }
    result: dict[str, Any] = {"pages": pages}
    table_rows = []
    for r in rows:
        constant = pages[r["page"]].get("queries_constant")
        table_rows.append(
            [
                r["page"],
                r["notes"],
                r.get("status"),
                r.get("ms_median"),
                r.get("queries"),
                r.get("bytes"),
                "-" if constant is None else ("yes" if constant else "NO"),
            ]
        )
    result["table"] = table(
        ["page", "notes", "HTTP", "server ms", "queries", "bytes", "queries constant"],
        table_rows,
    )
    write_json("pages", result)
    return result
