"""Extraction alone (read + segment; no library, no embedding, no resolving) over a folder of notes.

Prints files/s and MB/s for paperdex's extractor beside the naive one-paper-per-link
baseline from ../shared/eval/naive.py run on the same files in the same process,
the ratio between them, and the slowest files (the issue's bound: none over 1 s).

    python bench/extract.py [FOLDER ...]        # default: ../shared/corpora and ../shared/seeds
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

from paperdex import extract, segment
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


def run_paperdex(files: list[Path]) -> tuple[float, list[tuple[float, str]], int]:
    per_file = []
    blocks = 0
    extract.clear_caches()
    start = time.perf_counter()
    for path in files:
        t0 = time.perf_counter()
        try:
            loaded = load_path(path, str(path))
            for doc in loaded.documents:
                blocks += len(segment.segment(doc))
        except PaperdexError:
            pass
        per_file.append((time.perf_counter() - t0, str(path)))
    return time.perf_counter() - start, per_file, blocks


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
    args = ap.parse_args()
    files = files_of(args.folders)
    size = sum(p.stat().st_size for p in files)
    naive = _naive()
    best, per_file, blocks = None, [], 0
    for _ in range(args.repeat):
        total, per, blocks = run_paperdex(files)
        if best is None or total < best:
            best, per_file = total, per
    base = min(run_naive(naive, files) for _ in range(args.repeat)) if naive else None
    mb = size / 1e6
    print(f"{len(files)} files, {mb:.2f} MB, {blocks} blocks")
    print(f"paperdex extraction: {best:.2f} s  {len(files) / best:.0f} files/s  {mb / best:.2f} MB/s")
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
