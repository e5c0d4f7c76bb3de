"""Only add's reading pipeline over the dev set, for timing whole processes against each other.

    farm-bench --vs "python bench/extract_pipeline.py 1" -- python bench/extract_pipeline.py 2

reads and segments every file of ../shared/corpora and ../shared/seeds the way `paperdex add` does
(paperdex/prepare.py) with N worker processes (1: in this process), storing nothing.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from paperdex import prepare
from paperdex.formats import walk

SHARED = Path(os.environ.get("PAPERDEX_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))


def main() -> None:
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    files = [p for _s, p, e in walk.expand([str(SHARED / "corpora"), str(SHARED / "seeds")]) if e is None]
    jobs = [prepare.Job(str(p), p, None, None, 64 << 20, None, None, None, p.stat().st_size) for p in files]
    for _ in prepare.prepared_in_order(jobs, prepare.workers_for(len(jobs), workers)):
        pass


if __name__ == "__main__":
    main()
