"""Extraction alone (read + segment; no library, no embedding, no resolving) over a folder of notes.

Prints files/s and MB/s for paperdex's extractor beside the naive one-paper-per-link
baseline from ../shared/eval/naive.py run on the same files in the same process,
the ratio between them, and the slowest files (the issue's bound: none over 1 s).
The CPU seconds of the same run are printed too: on a shared machine they move less
than the wall clock. `--stages` also prints CPU seconds per stage of the pipeline.

It then reads the same files as `paperdex add` does (paperdex/prepare.py: read and segment on one
worker process per core, results in order, the pool's start-up included) and prints that wall time
beside the one-process figure: what a user's `add` gets from its cores.

    python bench/extract.py [FOLDER ...] [--stages] [--jobs N]   # default: ../shared/corpora and ../shared/seeds
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

from paperdex import extract, prepare, segment
from paperdex.errors import PaperdexError
from paperdex.formats import walk
from paperdex.formats.load import load_path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _naive():
    spec = importlib.util.spec_from_file_location("naive", SHARED / "eval" / "naive.py")
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def files_of(folders: list[str]) -> list[Path]:
    out = []
    for _source, path, error in walk.expand(folders):
        if error is None and path is not None:
            out.append(path)
    return out


def run_paperdex(files: list[Path]) -> tuple[float, float, list[tuple[float, str]], int]:
    """(wall seconds, CPU seconds, per-file wall seconds, blocks) of one cold pass over the files."""
    per_file = []
    blocks = 0
    extract.clear_caches()
    start, cpu = time.perf_counter(), time.process_time()
    for path in files:
        t0 = time.perf_counter()
        try:
            loaded = STAGED["load"](path, str(path))
            for doc in loaded.documents:
                blocks += len(segment.segment(doc))
        except PaperdexError:
            pass
        per_file.append((time.perf_counter() - t0, str(path)))
    return time.perf_counter() - start, time.process_time() - cpu, per_file, blocks


def run_pipeline(files: list[Path], workers: int) -> float:
    """Wall seconds to read and segment every file as `paperdex add` does, pool start-up included."""
    jobs = [prepare.Job(str(p), p, None, None, 64 << 20, None, None, None, p.stat().st_size) for p in files]
    start = time.perf_counter()
    for _ in prepare.prepared_in_order(jobs, workers):
        pass
    return time.perf_counter() - start


# Stages of the pipeline (module, function) as the extractor calls them; --stages times each one.
STAGES = {"choose": (segment, "choose_shape"), "tree": (extract, "tree_of"), "entries": (extract, "find_entries"),
          "single": (extract, "single_paper"), "blocks": (extract, "entry_block"),
          "language": (segment, "detect_language")}
STAGED: dict = {"load": load_path}
STAGE_CPU: dict[str, float] = {}


def _timed(name: str, fn):
    def wrapper(*args, **kwargs):
        t0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            STAGE_CPU[name] = STAGE_CPU.get(name, 0.0) + time.process_time() - t0
    return wrapper


def time_stages() -> None:
    """Wrap each stage so its CPU seconds add up in STAGE_CPU (the wrappers cost a little themselves)."""
    STAGED["load"] = _timed("load", load_path)
    for name, (module, attr) in STAGES.items():
        setattr(module, attr, _timed(name, getattr(module, attr)))


def run_naive(naive, files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        data = path.read_bytes()
        if b"\x00" not in data:
            naive.rows_for(data.decode("utf-8", errors="replace"))
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", default=[str(SHARED / "corpora"), str(SHARED / "seeds")])
    ap.add_argument("--repeat", type=int, default=3, help="runs of each extractor; the fastest is reported")
    ap.add_argument("--stages", action="store_true", help="also print CPU seconds per stage (fastest run)")
    ap.add_argument("--jobs", type=int, default=0, help="worker processes for the add pipeline row (0: one per core)")
    args = ap.parse_args()
    if args.stages:
        time_stages()
    files = files_of(args.folders)
    size = sum(p.stat().st_size for p in files)
    naive = _naive()
    best, best_cpu, per_file, blocks, stages = None, 0.0, [], 0, {}
    for _ in range(args.repeat):
        STAGE_CPU.clear()
        total, cpu, per, blocks = run_paperdex(files)
        if best is None or total < best:
            best, best_cpu, per_file, stages = total, cpu, per, dict(STAGE_CPU)
    base = min(run_naive(naive, files) for _ in range(args.repeat)) if naive else None
    mb = size / 1e6
    print(f"{len(files)} files, {mb:.2f} MB, {blocks} blocks")
    print(f"paperdex extraction: {best:.2f} s  {len(files) / best:.0f} files/s  {mb / best:.2f} MB/s"
          f"  (CPU {best_cpu:.2f} s: {mb / best_cpu:.2f} MB/s)")
    if stages:
        print("CPU s by stage: " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()))
    workers = prepare.workers_for(len(files), args.jobs)
    pipeline = min(run_pipeline(files, workers) for _ in range(args.repeat))
    print(f"add's pipeline ({workers} worker process{'es' if workers > 1 else ''}): {pipeline:.2f} s  "
          f"{len(files) / pipeline:.0f} files/s  {mb / pipeline:.2f} MB/s  ({best / pipeline:.2f}x one process)")
    if base:
        print(f"naive links baseline: {base:.2f} s  {len(files) / base:.0f} files/s  {mb / base:.2f} MB/s"
              f"  (paperdex takes {best / base:.1f}x the baseline's time)")
    slowest = sorted(per_file, reverse=True)[:5]
    print("slowest files: " + "; ".join(f"{t * 1000:.0f} ms {Path(p).name}" for t, p in slowest))
    over = [p for t, p in per_file if t > 1.0]
    print(f"files over 1 s: {len(over)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
