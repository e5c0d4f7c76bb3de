"""Long crash-safety run: SIGKILL `paperdex add` many times on a large notes folder; figures for docs/reliability.md.

    /work/venv/bin/python bench/kill_run.py --files 200 --kills 100 --seed 8

Each kill is checked (library opens, integrity_check ok, `paperdex check` clean,
only whole sources); at the end a re-run must give the clean import's export
byte for byte. Prints a JSON summary; exits 1 if anything did not hold.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reliability.corpus import make_notes_folder
from tests.reliability.killrun import clean_import, finish, kill_campaign, run_env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--workdir", help="Keep the folder and libraries here (default: a temporary folder).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(args.workdir or scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        folder = tmp / "notes"
        paths = make_notes_folder(folder, files=args.files, seed=args.seed)
        env = run_env(tmp)
        ref = clean_import(tmp / "reference.db", folder, env)
        start = time.monotonic()
        stats = kill_campaign(tmp / "killed.db", folder, ref, env, kills=args.kills, seed=args.seed)
        campaign = time.monotonic() - start
        final = finish(tmp / "killed.db", folder, ref, env)
        summary = {
            "files": len(paths), "bytes": sum(p.stat().st_size for p in paths),
            "notes": sum(n for _, n in ref.sources.values()), "clean_import_seconds": round(ref.seconds, 2),
            "runs": args.kills, "killed": stats.kills, "killed_before_first_source": stats.before_first_source,
            "killed_mid_import": stats.mid_import, "progress_after_kill": stats.grew,
            "finished_before_kill": stats.finished_first, "campaign_seconds": round(campaign, 1),
            "failures_after_kills": stats.failures, "final_rerun_problems": final,
            "held": not stats.failures and not final,
        }
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    return 0 if summary["held"] else 1


if __name__ == "__main__":
    sys.exit(main())
