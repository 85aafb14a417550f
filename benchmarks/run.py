"""``make bench``: run the benchmarks, print their tables, write JSON and SVG charts.

    python -m benchmarks.run                      # everything (about 15 minutes)
    python -m benchmarks.run --quick              # smaller and shorter (under 3 minutes)
    python -m benchmarks.run --only fanout,pages  # pick benchmarks
    python -m benchmarks.run --runs 5             # more fan-out runs (medians are reported)
    python -m benchmarks.run --only loads --quick # issue #14's loads only, one short run
    make bench BENCH_ARGS="--only loads --runs 1 --duration 8"

Results go to benchmarks/results/<name>.json (and fanout.svg, capacity.svg); a summary of
the run to benchmarks/results/summary.json. Every load is on loopback, from separate client
processes, and bounded in time. Aims are reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from benchmarks import capacity, cfir, fanout, loads, memory, pages, search, themes
from benchmarks.harness import write_json

BENCHMARKS: dict[str, Callable[..., dict[str, Any]]] = {
    "loads": lambda quick, runs: loads.run(quick=quick, runs=runs),
    "fanout": lambda quick, runs: fanout.run(quick=quick, runs=runs),
    "capacity": lambda quick, runs: capacity.run(quick=quick),
    "memory": lambda quick, runs: memory.run(quick=quick),
    "pages": lambda quick, runs: pages.run(quick=quick),
    "search": lambda quick, runs: search.run(quick=quick),
    "themes": lambda quick, runs: themes.run(quick=quick),
    "cfir": lambda quick, runs: cfir.run(quick=quick),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller, shorter runs (< 3 min)")
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help=f"comma-separated: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument(
        "--runs", type=int, default=None, help="fan-out runs per size, medians (3; 1 quick)"
    )
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds per load run (loads only)"
    )
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 1 if args.quick else 3
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerassist.config.settings")
    summary: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "quick": args.quick,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "results": {},
    }
    failed = False
    started = time.monotonic()
    for name in chosen:
        print(f"\n== {name} ==", flush=True)
        t0 = time.monotonic()
        try:
            if name == "loads":
                result = loads.run(quick=args.quick, runs=args.runs, duration=args.duration)
            else:
                result = BENCHMARKS[name](args.quick, args.runs)
        except Exception as exc:  # one broken benchmark must not hide the others
            traceback.print_exc()
            summary["results"][name] = {"error": f"{type(exc).__name__}: {exc}"}
            failed = True
            continue
        print(result.get("table", ""), flush=True)
        summary["results"][name] = {k: v for k, v in result.items() if k != "table"}
        print(f"({name}: {time.monotonic() - t0:.0f} s)", flush=True)
    summary["seconds"] = round(time.monotonic() - started, 1)
    path = write_json("summary", summary)
    print(f"\nAll results in {path.parent} ({summary['seconds']:.0f} s).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
