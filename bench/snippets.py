"""Snippet time on huge notes (issue #11): the linear snippet path beside the old quadratic one.

    python bench/snippets.py --sizes 1,60

For each size a lecture-like note repeating the query word is built; the
time to go from the note's text to a marked snippet is measured for the
current code (window -> spans -> make_snippet, as engine does per note) and
for the old code (spans over the whole text, every window recounting every
match). The old code runs only up to --old-max MB: it takes 22 s at 1 MB and
grows with the square of the matches.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from paperdex.search.analyze import match_spans, query_terms  # noqa: E402
from paperdex.search.snippet import make_snippet, mark, spans_in, window  # noqa: E402

LECTURE = ("Today we look at diffusion again: the forward diffusion process adds Gaussian noise, "
           "and the reverse process learns to remove it step by step. ")


def old_snippet(text: str, spans: list[tuple[int, int]], width: int = 220) -> str:
    """The snippet code before the fix (search/engine.make_snippet at main 8b73387)."""
    start = 0
    if spans:
        best = -1
        for a, _b in spans:
            begin = max(0, a - width // 5)
            inside = sum(1 for x, y in spans if x >= begin and y <= begin + width)
            if inside > best:
                best, start = inside, begin
    return text[start:start + width]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,60", help="note sizes in MB")
    parser.add_argument("--old-max", type=float, default=1.0, help="largest size the old code is run at")
    args = parser.parse_args()
    wanted = set(query_terms("diffusion"))
    print(f"{'note':>8} {'matches':>10} {'new':>9} {'old':>9} {'old/new':>8}")
    for size in (float(s) for s in args.sizes.split(",")):
        text = " ".join((LECTURE * int(size * 1_000_000 / len(LECTURE))).split())
        matches = text.count("diffusion")
        start = time.perf_counter()
        piece = window(text, wanted)
        snippet, shown = make_snippet(piece, spans_in(piece, wanted))
        new = time.perf_counter() - start
        assert "«diffusion»" in mark(snippet, shown)
        old_cell, ratio = "skipped", ""
        if size <= args.old_max:
            start = time.perf_counter()
            old_snippet(text, match_spans(text, wanted))
            old = time.perf_counter() - start
            old_cell, ratio = f"{old:8.3f}s", f"{old / new:7.0f}x"
        print(f"{size:>6g}MB {matches:>10} {new:8.4f}s {old_cell:>9} {ratio:>8}")


if __name__ == "__main__":
    main()
