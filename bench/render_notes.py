"""What the safe renderer costs: every note of the seed library through `render.markdown`, beside the
baseline of one markdown-it render plus one nh3 pass (the pipeline without the math step, the second
sanitising pass and the image placeholder).

    .venv/bin/python bench/render_notes.py --repeat 5

Prints notes/s and ms per note for both and their ratio; results in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.security.corpus import ATTACKS
from tests.web.conftest import build_seed_library

from paperdex.library.db import Library
from paperdex.web import render


def baseline(text: str) -> str:
    return render.sanitize(render._md.render(text))


def timed(fn, texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "seeds.db"
        build_seed_library(db)
        with Library(db) as lib:
            texts = [r[0] for r in lib.conn.execute("SELECT text FROM notes WHERE text != ''")]
    texts += [body for _, body in ATTACKS]
    chars = sum(map(len, texts))
    base, now = timed(baseline, texts, args.repeat), timed(render.markdown, texts, args.repeat)
    print(f"{len(texts)} notes, {chars / 1000:.0f} K characters, best of {args.repeat}")
    print(f"{'pipeline':<34}{'ms/note':>9}{'notes/s':>10}")
    for name, seconds in (("baseline: markdown-it + nh3 once", base), ("render.markdown (safe)", now)):
        print(f"{name:<34}{seconds / len(texts) * 1000:>9.3f}{len(texts) / seconds:>10.0f}")
    print(f"ratio safe/baseline: {now / base:.2f}x")


if __name__ == "__main__":
    main()
