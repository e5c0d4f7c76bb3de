"""Tune the review floor and the accept margin on the resolve cases: where right and wrong candidates score.

    python bench/review_floor.py

Cases: the seed papers of tests/resolve/data/seed_truth.jsonl (every link stripped) as the notes have
them, with one typo, and cut to their first two thirds (a note that drops a subtitle), against the decoy
snapshot of tests/resolve/seed_cases.py plus the 200-record fixture and seed_papers.jsonl. For every
note, each snapshot candidate is scored (matching.score) and labelled right (the note's arXiv id) or
wrong. Prints, per case set: the lowest right score (the floor must stay below it), how many wrong
candidates each floor would offer, the margin of the right record over the best wrong one, and what
the resolver decided (right / review / wrong) with today's constants.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.resolve.conftest import SNAPSHOT_SAMPLE  # noqa: E402
from tests.resolve.seed_cases import SEED_SNAPSHOT, truth, with_typo, write_snapshot  # noqa: E402

from paperdex.library.db import Library  # noqa: E402
from paperdex.resolve import matching, snapshot  # noqa: E402
from paperdex.resolve.decision import decide  # noqa: E402
from paperdex.resolve.matching import Query, score  # noqa: E402

FLOORS = (0.5, 0.6, 0.65, 0.7, 0.75, 0.8)
MARGINS = (0.0, 0.02, 0.03, 0.04, 0.06)


def truncated(t: dict, k: int) -> str:
    words = t["title"].split()
    return " ".join(words[: max(3, (len(words) * 2) // 3)])


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="paperdex-floor-"))
    lib = Library(work / "floor.db")
    write_snapshot(work / "decoys.jsonl")
    for path in (SNAPSHOT_SAMPLE, SEED_SNAPSHOT, work / "decoys.jsonl"):
        snapshot.import_file(lib, path)
    index = snapshot.SnapshotIndex(lib)
    cases = [t for t in truth() if t["arxiv"]]
    sets = {"as noted": lambda t, k: t["title"], "one typo": lambda t, k: with_typo(t["title"], k),
            "first two thirds": truncated}
    print(f"floor {matching.REVIEW}, accept {matching.ACCEPT}, margin {matching.MARGIN}; {len(cases)} papers\n")
    print("| case set | lowest right score | wrong offered at floor " + " / ".join(map(str, FLOORS))
          + " | four smallest margins right - best wrong | "
          + " | ".join(f"margin {m}: right / review / wrong / lost" for m in MARGINS) + " |")
    print("|---|---|---|---" + "|---" * len(MARGINS) + "|")
    for name, make in sets.items():
        rights, wrongs, margins = [], [], []
        decided: Counter[str] = Counter()
        for k, t in enumerate(cases):
            title = make(t, k)
            q = Query(title=title, year=t["year"], authors=t["authors"])
            scored = [score(q, r) for r in index.search(title, limit=10)]
            right = [s.score for s in scored if s.record.ident("arxiv") == t["arxiv"]]
            wrong = [s.score for s in scored if s.record.ident("arxiv") != t["arxiv"]]
            rights += right
            wrongs += wrong
            if right:
                margins.append(max(right) - max(wrong, default=0.0))
            for m in MARGINS:
                d = decide(scored, margin_needed=m)
                if d.accepted is not None:
                    kind = "right" if d.accepted.top.record.ident("arxiv") == t["arxiv"] else "wrong"
                elif any(s.record.ident("arxiv") == t["arxiv"] for s in d.review):
                    kind = "review"
                else:
                    kind = "lost"
                decided[(m, kind)] += 1
        offered = " / ".join(str(sum(1 for w in wrongs if w >= f)) for f in FLOORS)
        print(f"| {name} | {min(rights, default=float('nan')):.3f} ({len(rights)} of {len(cases)} found) | {offered} "
              f"| {', '.join(f'{m:+.3f}' for m in sorted(margins)[:4])} | "
              + " | ".join(" / ".join(str(decided[(m, k)]) for k in ("right", "review", "wrong", "lost"))
                           for m in MARGINS) + " |")
    absent = [t for t in truth() if not t["arxiv"]]
    best = []
    for t in absent:
        q = Query(title=t["title"], year=t["year"], authors=t["authors"])
        best.append(max((score(q, r).score for r in index.search(t["title"], limit=10)), default=0.0))
    print(f"\nnotes whose paper is not in the snapshot ({len(absent)}): best candidate score per note; "
          "offered at floor " + " / ".join(f"{f}: {sum(1 for b in best if b >= f)}" for f in FLOORS)
          + f"; accepted (>= {matching.ACCEPT}): {sum(1 for b in best if b >= matching.ACCEPT)}")
    lib.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
