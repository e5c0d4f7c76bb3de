"""The same library on SQLite and on PostgreSQL: import time, keyword search latency, top-10 agreement.

    PAPERDEX_TEST_PG=postgresql://USER:PW@127.0.0.1/DB python bench/storage_backends.py --notes 5000

Generates --notes notes from the seeds (bench/generate.py), imports them into an SQLite file
and into a fresh PostgreSQL schema (dropped afterwards), then runs each query --repeats times
on each backend (keyword mode, no in-memory index: the database ranks). SQLite is the baseline:
the last column is PostgreSQL's time divided by SQLite's. Also counts the queries whose top 10
are equal on both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

QUERIES = ["optical flow", "offline reinforcement learning", "RIFE", "world models", "光流", "强化学习",
           "обучение", "diffusion model", "transformer attention", "learning", "GAN", "video frame interpolation"]


def ms(values: list[float], q: float) -> float:
    values = sorted(values)
    return 1000 * values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--pg", default=os.environ.get("PAPERDEX_TEST_PG"))
    args = parser.parse_args()
    if not args.pg:
        raise SystemExit("give --pg postgresql://... or set PAPERDEX_TEST_PG")
    os.environ["PAPERDEX_EMBEDDER"] = "none"
    os.environ["PAPERDEX_OFFLINE"] = "1"
    import generate
    import psycopg

    from paperdex import importer
    from paperdex.library.db import Library
    from paperdex.search.engine import search

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(args.pg, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in args.pg else "?"
    pg_url = f"{args.pg}{sep}options={quote(f'-csearch_path={schema}')}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            files = generate.generate(args.notes, Path(tmp) / "notes")
            results: dict[str, dict] = {}
            for name, target in (("sqlite", Path(tmp) / "lib.db"), ("postgres", pg_url)):
                with Library(target) as lib:
                    start = time.perf_counter()
                    importer.add(lib, [str(f) for f in files], max_bytes=64 << 20)
                    took = time.perf_counter() - start
                    times: list[float] = []
                    tops = {}
                    for query in QUERIES:
                        tops[query] = [r.id for r in search(lib, query, mode="keyword", limit=10)]
                        for _ in range(args.repeats):
                            t0 = time.perf_counter()
                            search(lib, query, mode="keyword", limit=10)
                            times.append(time.perf_counter() - t0)
                    results[name] = {"import": took, "times": times, "tops": tops}
    finally:
        with psycopg.connect(args.pg, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
    lite, pg = results["sqlite"], results["postgres"]
    print(f"{args.notes} generated notes, {len(QUERIES)} queries x {args.repeats}, keyword mode")
    print(f"{'':28}{'sqlite':>10}{'postgres':>10}{'pg/sqlite':>11}")
    print(f"{'import (s)':28}{lite['import']:>10.2f}{pg['import']:>10.2f}{pg['import'] / lite['import']:>10.2f}x")
    for label, q in (("search median (ms)", 0.5), ("search p95 (ms)", 0.95)):
        a, b = ms(lite["times"], q), ms(pg["times"], q)
        print(f"{label:28}{a:>10.2f}{b:>10.2f}{b / a:>10.2f}x")
    same = sum(lite["tops"][q] == pg["tops"][q] for q in QUERIES)
    found = sum(bool(lite["tops"][q]) for q in QUERIES)
    print(f"queries with the same top 10: {same}/{len(QUERIES)} ({found} find something)")
    print(f"mean search (ms): sqlite {1000 * statistics.mean(lite['times']):.2f}, "
          f"postgres {1000 * statistics.mean(pg['times']):.2f}")


if __name__ == "__main__":
    main()
