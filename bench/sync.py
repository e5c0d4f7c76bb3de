"""Sync benchmark: the dev set (../shared/corpora) kept in sync, beside re-adding it the old way.

    python bench/sync.py [--corpora ../shared/corpora] [--repeat 5]

1. A copy of the dev set is imported once (timed).
2. Unchanged: `sync_paths` (files whose size and mtime match are not opened)
   beside the baseline `importer.add` (every file read, decoded, parsed and
   segmented, then found unchanged by its content hash: what `add` did before
   issue 18). Median of --repeat runs, and the whole `paperdex sync` command
   (a new process: Python start, imports, library open) once.
3. One bullet added to a README list of ~100 papers: notes written and
   re-indexed by the sync, beside the notes the old ingest rewrote (all of
   the file's notes), and the sync's time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from paperdex import importer  # noqa: E402
from paperdex.library.db import Library  # noqa: E402
from paperdex.sync import SyncOptions, sync_paths  # noqa: E402

MAX_BYTES = 64 << 20
README = "dennybritz__deeplearning-papernotes/README.md"


def timed(func) -> tuple[float, object]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", default=str(ROOT.parent / "shared" / "corpora"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("PAPERDEX_EMBEDDER", "none")
    os.environ.setdefault("PAPERDEX_OFFLINE", "1")
    work = Path(tempfile.mkdtemp(prefix="paperdex-bench-sync-"))
    try:
        corpora = work / "corpora"
        shutil.copytree(args.corpora, corpora)
        files = sum(1 for _ in corpora.rglob("*") if _.is_file())
        db = work / "lib.db"
        with Library(db) as lib:
            first_s, first = timed(lambda: sync_paths(lib, [str(corpora)], SyncOptions()))
            notes = lib.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
            print(f"dev set: {files} files, {first.added} sources, {notes} notes; first import {first_s:.2f} s")

            sync_times, add_times = [], []
            for _ in range(args.repeat):
                sync_times.append(timed(lambda: sync_paths(lib, [str(corpora)], SyncOptions()))[0])
                add_times.append(timed(lambda: importer.add(lib, [str(corpora)], max_bytes=MAX_BYTES))[0])
            sync_s, add_s = statistics.median(sync_times), statistics.median(add_times)
            print(f"\nunchanged dev set (median of {args.repeat})")
            print(f"  {'re-add, every file read (baseline)':<44} {add_s:7.3f} s")
            print(f"  {'sync (size+mtime, unchanged files not read)':<44} {sync_s:7.3f} s   {add_s / sync_s:5.1f}x faster")
        env = dict(os.environ)
        cli_s, proc = timed(lambda: subprocess.run(
            [sys.executable, "-c", "from paperdex.cli import main; main()", "--db", str(db), "sync",
             "--no-embed", "--no-resolve"], capture_output=True, text=True, env=env))
        print(f"  {'`paperdex sync` command, new process':<44} {cli_s:7.3f} s   ({proc.stdout.strip()})")

        with Library(db) as lib:
            readme = corpora / README
            before = lib.conn.execute("SELECT count(*) FROM notes n JOIN sources s ON s.id = n.source_id "
                                      "WHERE s.path LIKE ?", (f"%{README}",)).fetchone()[0]
            text = readme.read_text(encoding="utf-8")
            readme.write_text(text.replace(
                "\n- ", "\n- Scaling Laws for Neural Language Models [[arXiv](https://arxiv.org/abs/2001.08361)]\n- ",
                1), encoding="utf-8")
            later = time.time_ns() + 1_000_000_000
            os.utime(readme, ns=(later, later))
            edit_s, edited = timed(lambda: sync_paths(lib, [str(corpora)], SyncOptions()))
            print(f"\none bullet added to {README} ({before} notes)")
            print(f"  {'notes rewritten and re-indexed, old ingest':<44} {before + 1:7d}")
            print(f"  {'notes rewritten and re-indexed, sync':<44} {edited.changed_notes:7d}   "
                  f"({(before + 1) / max(edited.changed_notes, 1):.0f}x fewer)")
            print(f"  {'sync time':<44} {edit_s:7.3f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
