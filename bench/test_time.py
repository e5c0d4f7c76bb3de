"""How long the test suite takes: the quick default run beside the whole suite (the old default).

    python bench/test_time.py            # both, one after the other
    python bench/test_time.py --quick    # only the default run

Prints wall time, test counts and the load average before and after each run, since
the dev machine is shared: a figure without its load says little. Results go in
docs/testing.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = {
    "default (pytest)": [],
    "everything (pytest -m 'slow or not slow')": ["-m", "slow or not slow"],
}


def run(extra: list[str]) -> dict:
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *extra], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    tail = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
    counts = dict((k, int(v)) for v, k in re.findall(r"(\d+) (passed|failed|skipped|deselected|error)", tail))
    return {"wall": wall, "load": (load_before, os.getloadavg()[0]), "counts": counts, "rc": proc.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the default run")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average now {os.getloadavg()[0]:.1f}")
    results = {}
    for name, extra in RUNS.items():
        if args.quick and extra:
            continue
        results[name] = r = run(extra)
        ran = sum(v for k, v in r["counts"].items() if k in ("passed", "failed", "error"))
        print(f"{name:<45} {r['wall']:7.1f} s  {ran:4d} tests run  "
              f"load {r['load'][0]:.1f} -> {r['load'][1]:.1f}  {r['counts']}", flush=True)
    if len(results) == 2:
        quick, full = (r["wall"] for r in results.values())
        print(f"default / everything = {quick / full:.2f} (the default run takes {quick / full:.0%} of the time)")


if __name__ == "__main__":
    main()
