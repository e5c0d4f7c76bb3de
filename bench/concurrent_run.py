"""Repeated concurrency run: two `paperdex add` at once on one library while a reader lists and exports.

    /work/venv/bin/python bench/concurrent_run.py --rounds 20 --files 20

Each round starts from an empty library: two imports (different folders) run at
once and a reader in this process reads papers and the JSONL export until both
end. Checked per round: both exit 0, no "busy" failure, every source whole,
`paperdex check` clean, and the reader never saw the library shrink.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reliability.corpus import make_notes_folder
from tests.reliability.killrun import add_cmd, clean_import, export_text, run_env

from paperdex.library import maintenance
from paperdex.library.db import Library
from paperdex.library.store import count_papers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    problems: list[str] = []
    reads = waits = 0
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        a, b = tmp / "a", tmp / "b"
        make_notes_folder(a, files=args.files, seed=args.seed)
        make_notes_folder(b, files=args.files, seed=args.seed + 1)
        env = run_env(tmp)
        expected = clean_import(tmp / "ref_a.db", a, env).sources | clean_import(tmp / "ref_b.db", b, env).sources
        for rnd in range(args.rounds):
            db = tmp / f"round{rnd}.db"
            Library(db).close()
            procs = [subprocess.Popen(add_cmd(db, f), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True) for f in (a, b)]
            seen: list[int] = []
            with Library(db) as lib:
                while any(p.poll() is None for p in procs):
                    seen.append(count_papers(lib))
                    export_text(db)
                    reads += 1
            outs = [p.communicate() for p in procs]
            waits += sum("busy" in err for _, err in outs)
            if [p.returncode for p in procs] != [0, 0]:
                problems.append(f"round {rnd}: exits {[p.returncode for p in procs]}: {outs}")
            if seen != sorted(seen):
                problems.append(f"round {rnd}: the reader saw the library shrink: {seen}")
            with Library(db) as lib:
                if maintenance.source_note_counts(lib) != expected:
                    problems.append(f"round {rnd}: sources differ from clean imports")
                report = maintenance.check(lib)
                if not report.ok:
                    problems.append(f"round {rnd}: check: {[p.message for p in report.problems]}")
    summary = {"rounds": args.rounds, "files_per_import": args.files, "reads_during_imports": reads,
               "busy_failures": waits, "seconds": round(time.monotonic() - start, 1), "problems": problems,
               "held": not problems}
    print(json.dumps(summary, indent=1))
    return 0 if summary["held"] else 1


if __name__ == "__main__":
    sys.exit(main())
