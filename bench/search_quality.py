"""Search quality across languages: MRR@10 and recall@10 per language and mode, beside a baseline.

    python bench/search_quality.py --db /tmp/dev.db --build       # add the dev set, embed it
    python bench/search_quality.py --db /tmp/dev.db --baseline-src ../main/src

The library holds the whole dev set (../shared/corpora, examples/,
../shared/seeds). Queries are bench/queries/dev.json: descriptive, in
English, Chinese, Russian, Japanese and Korean, each with its relevant
papers by arXiv id. `--baseline-src` runs the same queries with another
checkout's code (e.g. main before a change) and prints its figures beside.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
QUERIES = ROOT / "bench" / "queries" / "dev.json"
K = 10


def build(db: Path) -> None:
    """Import the dev set through the CLI (no network), then embed it, timing both."""
    env = {**os.environ, "PAPERDEX_DB": str(db), "PAPERDEX_OFFLINE": "1"}
    cli = [sys.executable, "-c", "from paperdex.cli import main; main()"]
    inputs = [str(SHARED / "corpora"), str(ROOT / "examples"), str(SHARED / "seeds")]
    start = time.perf_counter()
    subprocess.run([*cli, "add", *inputs, "--no-embed", "--no-resolve"], env=env, check=False)
    print(f"add --no-embed: {time.perf_counter() - start:.1f} s (keyword-searchable from here)")
    start = time.perf_counter()
    subprocess.run([*cli, "embed"], env=env, check=True)
    print(f"embed: {time.perf_counter() - start:.1f} s")


def evaluate(db: Path, modes: list[str], queries: list[dict]) -> dict:
    """{mode: {lang: [(reciprocal rank, recall), ...]}} and per-query ranks, with the code on sys.path."""
    from paperdex.library.db import Library
    from paperdex.search import engine

    out: dict = {}
    with Library(db) as lib:
        engine.search(lib, "warm up", mode="hybrid", limit=1)  # load the model and matrix once
        for mode in modes:
            per: dict[str, list] = defaultdict(list)
            ranks = []
            for item in queries:
                results = engine.search(lib, item["q"], mode=mode, limit=K)
                found = [r.arxiv_id for r in results]
                relevant = set(item["relevant"])
                first = next((i + 1 for i, a in enumerate(found) if a in relevant), None)
                hits = len(relevant & set(found))
                per[item["lang"]].append((1.0 / first if first else 0.0, hits / min(len(relevant), K)))
                ranks.append(first)
            out[mode] = {"per": dict(per), "ranks": ranks}
    return out


def ranking_report(db: Path, queries: list[dict], ranks: list[int | None]) -> None:
    """Per query: where its first relevant paper stands in each ranking hybrid fuses (rank among results,
    and standard score: how far it stands out of that ranking's pool), beside its fused rank. A paper
    first in one ranking and missing from the fused top 10 is how rank fusion was found wanting."""
    from paperdex.library.db import Library
    from paperdex.library.store import get_papers
    from paperdex.search import engine

    pool = max(engine.MIN_POOL, K * engine.POOL_FACTOR)
    with Library(db) as lib:
        for item, fused in zip(queries, ranks, strict=True):
            relevant = set(item["relevant"])
            rankings = engine.rankings(lib, item["q"], mode="hybrid", limit=K)
            ids = {key[1] for ranking in rankings for key in ranking.hits if key[0] == "paper"}
            arxiv = {p.id: p.arxiv_id for p in get_papers(lib, ids)}  # one read for every ranking
            cells = []
            for ranking in rankings:
                keys = list(ranking.hits)
                at = next((i for i, key in enumerate(keys) if key[0] == "paper" and arxiv.get(key[1]) in relevant),
                          None)
                if at is None:
                    cells.append(f"{ranking.name} -")
                else:
                    cells.append(f"{ranking.name} {at + 1} ({ranking.standard(pool)[keys[at]]:+.1f} sd)")
            print(f"  {item['lang']} fused {fused or '-'} | {', '.join(cells)} | {item['q']}")


def summary(result: dict) -> dict:
    """{mode: {lang|"all": (MRR@10, recall@10)}}."""
    table: dict = {}
    for mode, data in result.items():
        rows = {}
        everything = []
        for lang, pairs in data["per"].items():
            rows[lang] = (sum(p[0] for p in pairs) / len(pairs), sum(p[1] for p in pairs) / len(pairs))
            everything += pairs
        rows["all"] = (sum(p[0] for p in everything) / len(everything),
                       sum(p[1] for p in everything) / len(everything))
        table[mode] = rows
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--build", action="store_true", help="import and embed the dev set into --db first")
    parser.add_argument("--modes", default="keyword,semantic,hybrid")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--baseline-src", type=Path, help="another checkout's src/ to score beside this one")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--show", action="store_true", help="print the rank of every query")
    parser.add_argument("--rankings", action="store_true",
                        help="per query, its paper's place in each ranking hybrid fuses (keyword, rows, titles, gloss)")
    args = parser.parse_args()
    sys.path.insert(0, str(args.src))
    queries = json.loads(args.queries.read_text(encoding="utf-8"))["queries"]
    modes = args.modes.split(",")
    if args.build:
        build(args.db)
    result = evaluate(args.db, modes, queries)
    if args.json:
        print(json.dumps(summary(result)))
        return
    base = None
    if args.baseline_src:
        proc = subprocess.run([sys.executable, __file__, "--db", str(args.db), "--modes", args.modes,
                               "--queries", str(args.queries), "--src", str(args.baseline_src), "--json"],
                              capture_output=True, text=True, check=True)
        base = json.loads(proc.stdout.strip().splitlines()[-1])
    mine = summary(result)
    langs = [*sorted({q["lang"] for q in queries}), "all"]
    print(f"{len(queries)} queries; MRR@{K} / recall@{K}" + ("; baseline → this" if base else ""))
    for mode in modes:
        cells = []
        for lang in langs:
            mrr, rec = mine[mode][lang]
            if base:
                bm, br = base[mode][lang]
                cells.append(f"{lang} {bm:.2f}/{br:.2f} → {mrr:.2f}/{rec:.2f}")
            else:
                cells.append(f"{lang} {mrr:.2f}/{rec:.2f}")
        print(f"{mode:>8}: " + " | ".join(cells))
    if args.rankings and "hybrid" in modes:
        ranking_report(args.db, queries, result["hybrid"]["ranks"])
    if args.show:
        for mode in modes:
            for item, rank in zip(queries, result[mode]["ranks"], strict=True):
                if rank != 1:
                    print(f"  {mode} {item['lang']} rank {rank}: {item['q']}")


if __name__ == "__main__":
    main()
