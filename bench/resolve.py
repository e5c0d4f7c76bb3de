"""Benchmark offline resolution: import a synthetic arXiv snapshot, resolve noisy titles against it.

    python bench/resolve.py --records 200000        # quick run
    python bench/resolve.py                          # 2.5M records, the size of the real snapshot
    python bench/resolve.py --workdir W --reuse      # resolve again over W's snapshot (no import)
    python bench/resolve.py --records 2700000 --workdir W --baseline-src ../main/src
                                                     # + the library (CLI) path, today's code side by side

Generates a deterministic snapshot in the Kaggle JSON-lines format, imports it
through `paperdex snapshot import`'s code path (time, peak RSS), then resolves
10k titles with typos and case changes (10% of them are papers NOT in the
snapshot, so precision is measured against real false positives). Also times
a plain rapidfuzz scan over a 100k-title slice on the same queries, for the
index's speed-up. Then the library path `paperdex resolve` takes
(`resolve_library`: pending papers, candidates, decision, batched writes) on
two sets of notes added to the library: "clean" titles (as copied, case
changed) and "noisy" ones (the typos above); with `--baseline-src` the same
measurement runs again in a subprocess on another checkout's code (e.g. main)
and both are printed side by side. Prints a Markdown block for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process

from paperdex.library import snapshot_store
from paperdex.library.db import Library
from paperdex.library.snapshot_store import ImportStats
from paperdex.resolve.matching import Query, score
from paperdex.resolve.snapshot import SnapshotIndex, import_file, reindex
from paperdex.titles import normalize_title

COMMON = ["learning", "deep", "neural", "network", "networks", "model", "models", "via", "for", "with", "of", "the", "a", "an", "and", "in", "on", "to", "from", "using", "towards", "efficient", "robust", "scalable", "generative", "reinforcement", "language", "large", "vision", "transformer", "graph", "data", "training", "inference", "optimization", "analysis", "approach", "method", "methods", "framework", "self", "supervised", "adversarial", "attention", "diffusion", "policy", "agents", "multi", "task", "representation", "representations"]
CATS = ["cs.LG", "cs.CV", "cs.CL", "cs.RO", "stat.ML", "math.OC", "hep-th", "quant-ph", "astro-ph.GA"]


def make_vocab(rng: random.Random, size: int) -> list[str]:
    syll = ["ka", "to", "ri", "me", "sa", "lo", "ne", "vi", "qu", "ba", "de", "fo", "gu", "hi", "ja", "po",
            "zu", "xe", "wa", "yo", "el", "an", "or", "is", "um", "ex", "ic", "al", "tr", "st"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syll) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def make_title(rng: random.Random, vocab: list[str]) -> str:
    n = rng.randint(5, 13)
    words = []
    for _ in range(n):
        if rng.random() < 0.45:
            words.append(rng.choice(COMMON))
        else:
            # Zipf-like: low indexes far more often, so some rare words are very rare.
            words.append(vocab[min(len(vocab) - 1, int(rng.paretovariate(1.1)) * 7 % len(vocab))]
                         if rng.random() < 0.3 else rng.choice(vocab))
    words[0] = words[0].capitalize()
    if rng.random() < 0.4:
        words[0] = words[0].capitalize() + rng.choice(["Net", "GPT", "Former", "GAN", ""]) + ":"
    return " ".join(words)


def wrap(title: str) -> str:
    """Break a long title between words, as the real snapshot does ("...at Tevatron and\\n  LHC energies")."""
    cut = title.rfind(" ", 0, 60)
    return title if len(title) < 70 or cut < 0 else title[:cut] + "\n  " + title[cut + 1:]


def arxiv_id(i: int) -> str:
    yy, rest = divmod(i, 12 * 99999)
    mm, num = divmod(rest, 99999)
    return f"{7 + yy % 18:02d}{mm + 1:02d}.{num + 1:05d}"


def generate(path: Path, records: int, queries: int, seed: int = 7) -> tuple[list[tuple[str, str]], list[str]]:
    """Write the snapshot; return (arxiv id, title) of papers to query and titles that are absent."""
    rng = random.Random(seed)
    vocab = make_vocab(rng, 60_000)
    every = max(1, records // queries)
    picked: list[tuple[str, str]] = []
    with path.open("w", encoding="utf-8") as fh:
        for i in range(records):
            title = make_title(rng, vocab)
            ident = arxiv_id(i)
            first, last = rng.choice(vocab).capitalize(), rng.choice(vocab).capitalize()
            rec = {"id": ident, "submitter": f"{first} {last}", "authors": f"{first} {last} and A. N. Other",
                   "title": wrap(title),
                   "comments": None, "journal-ref": None, "doi": None, "report-no": None,
                   "categories": rng.choice(CATS), "license": None,
                   "abstract": "  " + " ".join(rng.choice(vocab) for _ in range(30)) + "\n",
                   "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}],
                   "update_date": "2020-01-01", "authors_parsed": [[last, first, ""], ["Other", "A. N.", ""]]}
            fh.write(json.dumps(rec, separators=(",", ":")) + "\n")
            if i % every == every // 2 and len(picked) < queries:
                picked.append((ident, title))
    absent = [make_title(random.Random(seed * 1000 + k), vocab) for k in range(queries // 9)]
    return picked, absent


def perturb(rng: random.Random, title: str) -> str:
    """Case change and 1-2 typos (drop, swap, substitute, insert a letter)."""
    style = rng.random()
    text = title.lower() if style < 0.3 else title.upper() if style < 0.5 else title
    for _ in range(rng.randint(1, 2)):
        if len(text) < 10:
            break
        i = rng.randrange(1, len(text) - 2)
        op = rng.randrange(4)
        if op == 0:
            text = text[:i] + text[i + 1:]
        elif op == 1:
            text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
        elif op == 2:
            text = text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1:]
        else:
            text = text[:i] + rng.choice(string.ascii_lowercase) + text[i:]
    return text


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=2_500_000)
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--scan-slice", type=int, default=100_000)
    ap.add_argument("--scan-queries", type=int, default=200)
    ap.add_argument("--workdir", type=Path, default=None, help="Keep files here (default: a temp dir).")
    ap.add_argument("--reuse", action="store_true",
                    help="Reuse the workdir's snapshot and library from an earlier run (times resolving only).")
    ap.add_argument("--library-queries", type=int, default=5_000, help="Notes per set on the library path.")
    ap.add_argument("--baseline-src", type=Path, default=None,
                    help="Another checkout's src/ (e.g. ../main/src): run the library path on its code too.")
    ap.add_argument("--runs", type=int, default=1,
                    help="Library-path runs per code, this code and the baseline alternating (A B A B ...): "
                         "medians are reported, and the median of the pairs' ratios, so a machine whose load "
                         "drifts during the bench still compares like with like.")
    ap.add_argument("--no-search", action="store_true",
                    help="Skip the title-search table (snapshot search alone, and the plain rapidfuzz scan).")
    ap.add_argument("--library-only", choices=["clean", "noisy"], default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.library_only:
        print(json.dumps(library_path(args.workdir, args.records, args.library_only, args.library_queries)))
        return 0
    work = args.workdir or Path(tempfile.mkdtemp(prefix="paperdex-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    snap, db, saved = work / "snapshot.jsonl", work / "bench.db", work / f"queries-{args.records}.json"
    reuse = args.reuse and db.exists() and saved.exists()
    if reuse:
        present, absent = json.loads(saved.read_text())
        present = [tuple(p) for p in present]
        lib = Library(db)
        if not snapshot_store.has_keys(lib) or snapshot_store.pairs_missing(lib):
            t0 = time.perf_counter()
            reindex(lib)
            print(f"reindexed in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        rss_before = rss_import = peak_rss_mb()
        stats, import_s = ImportStats(read=snapshot_store.count(lib), written=snapshot_store.count(lib)), 1e-9
        print(f"reusing {db} ({stats.written} records)", file=sys.stderr)
    else:
        db.unlink(missing_ok=True)
        t0 = time.perf_counter()
        present, absent = generate(snap, args.records, int(args.queries * 0.9))
        saved.write_text(json.dumps([present, absent]))
        gen_s = time.perf_counter() - t0
        print(f"generated {args.records} records ({snap.stat().st_size / 1e6:.0f} MB) in {gen_s:.1f} s",
              file=sys.stderr)
        lib = Library(db)
        rss_before = peak_rss_mb()
        t0 = time.perf_counter()
        stats = import_file(lib, snap)
        import_s = time.perf_counter() - t0
        rss_import = peak_rss_mb()
        print(f"imported {stats.written} in {import_s:.1f} s, peak RSS {rss_import:.0f} MB", file=sys.stderr)

    report = (search_table(lib, args, present, absent, stats, import_s, rss_before, rss_import, reuse, snap, db)
              if not args.no_search else f"## Resolve\n\nSynthetic snapshot of {stats.written:,} records ({db})\n")
    lib.close()
    rows = []
    for kind in ("clean", "noisy"):
        mines, bases = [], []
        for _ in range(max(1, args.runs)):
            mines.append(run_library_path(work, args.records, kind, args.library_queries, None))
            if args.baseline_src:
                bases.append(run_library_path(work, args.records, kind, args.library_queries, args.baseline_src))
        rows.append((kind, _median_run(mines, bases), _median_run(bases, mines) if bases else None))
    report += f"""
Library path (`paperdex resolve`: `resolve_library` over {rows[0][1]['notes']:,} notes added to the library,
10% absent from the snapshot; a fresh process each run){" — this branch beside " + str(args.baseline_src)
    if args.baseline_src else ""}:

| notes | this code: titles/s wall (per CPU-s) | peak RSS | resolved / review / right / wrong |"""
    report += " baseline: titles/s wall (per CPU-s) | baseline peak RSS | baseline resolved / review / right / wrong | ratio (CPU) |" if args.baseline_src else ""
    report += "\n|---|---|---|---|" + ("---|---|---|---|" if args.baseline_src else "") + "\n"
    for kind, mine, base in rows:
        line = (f"| {kind} | {mine['per_s']:,.0f} ({mine['per_cpu_s']:,.0f}) | {mine['rss_mb']:.0f} MB | "
                f"{mine['resolved']} / {mine['ambiguous']} / {mine['right']} / {mine['wrong']} |")
        if base:
            line += (f" {base['per_s']:,.0f} ({base['per_cpu_s']:,.0f}) | {base['rss_mb']:.0f} MB | "
                     f"{base['resolved']} / {base['ambiguous']} / {base['right']} / {base['wrong']} | "
                     f"{mine['ratio_cpu']:.2f}x (wall {mine['ratio_wall']:.2f}x) |")
        report += line + "\n"
    if args.runs > 1:
        report += (f"\nMedians of {args.runs} runs each"
                   + (", this code and the baseline alternating; ratios are the medians of the pairs' ratios."
                      if args.baseline_src else ".") + "\n")
    print(report)
    return 0


def _median_run(runs: list[dict], others: list[dict]) -> dict:
    """The median of each figure over the runs (counts from the first: they are the same every run), and the
    median of the ratios of each run to its partner in `others` (run i of both sides ran back to back)."""
    out = dict(runs[0])
    for key in ("per_s", "per_cpu_s", "rss_mb"):
        out[key] = statistics.median(r[key] for r in runs)
    if others:
        out["ratio_wall"] = statistics.median(a["per_s"] / b["per_s"] for a, b in zip(runs, others, strict=True))
        out["ratio_cpu"] = statistics.median(a["per_cpu_s"] / b["per_cpu_s"] for a, b in zip(runs, others, strict=True))
    return out


def search_table(lib: Library, args: argparse.Namespace, present: list, absent: list, stats: ImportStats,
                 import_s: float, rss_before: float, rss_import: float, reuse: bool, snap: Path, db: Path) -> str:
    """Title search alone over the snapshot (precision, recall, titles/s) and a plain rapidfuzz scan beside it."""
    rng = random.Random(11)
    queries = [(perturb(rng, t), ident) for ident, t in present] + [(perturb(rng, t), None) for t in absent]
    rng.shuffle(queries)
    index = SnapshotIndex(lib)
    tp = fp = fn = 0
    t0, cpu0 = time.perf_counter(), time.process_time()
    for text, truth in queries:
        q = Query(title=text)
        best = max((score(q, r) for r in index.search(text)), key=lambda s: s.score, default=None)
        got = best.record.ident("arxiv") if best is not None and best.accepted else None
        if got is not None and got == truth:
            tp += 1
        elif got is not None:
            fp += 1
            if truth is not None:
                fn += 1
        elif truth is not None:
            fn += 1
    resolve_s, resolve_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, sum(1 for _, t in queries if t is not None))

    # A plain rapidfuzz scan over a slice, on queries whose answer lies in that slice.
    rows = lib.conn.execute("SELECT id, title_norm FROM snapshot ORDER BY rowid LIMIT ?", (args.scan_slice,))
    slice_ids, slice_titles = zip(*[(r[0], r[1]) for r in rows], strict=True)
    in_slice = set(slice_ids)
    scan_q = [(t, i) for t, i in queries if i in in_slice][: args.scan_queries]
    t0 = time.perf_counter()
    scan_hits = 0
    for text, truth in scan_q:
        _, _, pos = process.extractOne(normalize_title(text), slice_titles, scorer=fuzz.ratio)
        scan_hits += slice_ids[pos] == truth
    scan_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for text, _ in scan_q:
        index.search(text)
    index_s = time.perf_counter() - t0

    n = len(queries)
    report = f"""## Resolve

Offline title resolution against a synthetic arXiv snapshot (`python bench/resolve.py --records {args.records}`;
deterministic generator, Kaggle JSON-lines format, {snap.stat().st_size / 1e6:.0f} MB).

| measure | value |
|---|---|
| records imported | {stats.written:,} |
| import time (stream, batched upsert, FTS5 word and word-pair indexes, typo keys) | {"reused: not measured" if reuse else f"{import_s:.1f} s ({stats.written / import_s:,.0f} records/s)"} |
| peak RSS after import (whole process) | {"reused: not measured" if reuse else f"{rss_import:.0f} MB (before import: {rss_before:.0f} MB)"} |
| library size | {db.stat().st_size / 1e6:.0f} MB |
| titles resolved (typos + case changes; {len(absent)} of them absent from the snapshot) | {n:,} |
| resolve throughput (search + rapidfuzz rescoring + validation) | {n / resolve_s:,.0f} titles/s wall, {n / resolve_cpu:,.0f} titles per CPU-second |
| precision / recall | {precision:.4f} / {recall:.4f} (TP {tp}, FP {fp}, FN {fn}) |
| plain rapidfuzz scan over a {len(slice_titles):,}-title slice ({len(scan_q)} queries) | {len(scan_q) / scan_s:,.1f} titles/s, top-1 correct {scan_hits}/{len(scan_q)} |
| index on the same queries (over all {stats.written:,} titles) | {len(scan_q) / index_s:,.0f} titles/s: {scan_s / index_s:,.0f}x faster |
"""
    return report


def library_queries(work: Path, records: int, kind: str, n: int) -> list[tuple[str, str | None]]:
    """(title as noted, its arXiv id or None) for the library path, from the saved query papers."""
    present, absent = json.loads((work / f"queries-{records}.json").read_text())
    if len(present) < int(n * 0.9):
        raise SystemExit(f"--library-queries {n} needs --queries of at least {n} (the snapshot holds "
                         f"{len(present)} query papers)")
    rng = random.Random(23 if kind == "clean" else 29)
    take = [tuple(p) for p in present[: int(n * 0.9)]]
    out: list[tuple[str, str | None]] = []
    for ident, title in take:
        if kind == "clean":
            out.append((title.lower() if rng.random() < 0.3 else title, ident))
        else:
            out.append((perturb(rng, title), ident))
    out += [(t if kind == "clean" else perturb(rng, t), None) for t in absent[: n - len(take)]]
    return out


def library_path(work: Path, records: int, kind: str, n: int) -> dict:
    """Add n notes to the bench library, time `resolve_library` as the CLI runs it, then remove them again."""
    from paperdex.library.ingest import SourceInput, import_source
    from paperdex.model import NoteBlock
    from paperdex.resolve.resolver import resolve_library

    queries = library_queries(work, records, kind, n)
    lib = Library(work / "bench.db")
    _clear_papers(lib)
    blocks = [NoteBlock(title=t, text=t) for t, _ in queries]
    import_source(lib, SourceInput(key=f"/bench/{kind}.md", path=f"{kind}.md", format="text",
                                   content_hash=hashlib.sha1(kind.encode()).hexdigest()), blocks)
    rss0 = peak_rss_mb()
    t0, cpu0 = time.perf_counter(), time.process_time()
    summary = resolve_library(lib, offline=True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    got = {r[0]: r[1] for r in lib.conn.execute(
        "SELECT n.title, i.value FROM notes n JOIN identifiers i ON i.paper_id = n.paper_id AND i.scheme = 'arxiv'")}
    right = sum(1 for t, truth in queries if truth is not None and got.get(t) == truth)
    wrong = sum(1 for t, truth in queries if got.get(t) is not None and got.get(t) != truth)
    _clear_papers(lib)
    lib.close()
    import paperdex

    n = len(queries)
    return {"code": str(Path(paperdex.__file__).parent), "notes": n, "per_s": n / wall, "per_cpu_s": n / cpu,
            "rss_mb": peak_rss_mb(), "rss_before_mb": rss0,
            "resolved": summary.resolved, "ambiguous": summary.ambiguous, "right": right, "wrong": wrong}


def _clear_papers(lib: Library) -> None:
    with lib.transaction() as conn:
        for table in ("notes", "sources", "identifiers", "paper_titles", "resolutions", "papers"):
            conn.execute(f"DELETE FROM {table}")


def run_library_path(work: Path, records: int, kind: str, n: int, src: Path | None) -> dict:
    """The library path in a fresh process (its own peak RSS), on this code or on `src`'s."""
    env = dict(os.environ, PAPERDEX_EMBEDDER="none", PAPERDEX_OFFLINE="1")
    if src is not None:
        env["PYTHONPATH"] = str(Path(src).resolve())
    cmd = [sys.executable, str(Path(__file__).resolve()), "--workdir", str(work), "--records", str(records),
           "--library-only", kind, "--library-queries", str(n)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True,
                          cwd=str(Path(src).resolve().parent) if src else None)
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.exit(main())
