"""The seeds with every link stripped, and a snapshot holding each right arXiv record among near-miss decoys.

`seed_truth.jsonl` (data/, written by data/make_seed_truth.py from the seeds) lists every paper the
extractor finds in the five seeds with the arXiv id its link gave. `notes()` gives them back as link-less
NoteBlocks (title, year, authors, venue as the note has them; no ids, no URLs). `snapshot_lines()` builds
Kaggle-format lines: the right record of every paper with an id (its real snapshot line when
seed_papers.jsonl has it, else the note's title under the real id, dated by the id's month), and for each,
decoys: the title with one word changed, the title plus "Extended Version", and (for papers whose note
gives a year) the identical title under another id dated two years after the note. Decoy ids use numbers
90000 and above, which arXiv has never issued in any month.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from paperdex.model import NoteBlock

DATA = Path(__file__).parent / "data"
TRUTH = DATA / "seed_truth.jsonl"
SEED_SNAPSHOT = DATA / "snapshot" / "seed_papers.jsonl"
SWAPS = ["Robust", "Sparse", "Hierarchical", "Causal", "Federated", "Quantum", "Bayesian", "Implicit"]
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]{3,}")
STOP = {"with", "from", "into", "via", "through", "using", "your", "than", "that", "this", "what", "when", "does"}


def truth() -> list[dict]:
    return [json.loads(line) for line in TRUTH.open(encoding="utf-8")]


def notes() -> list[NoteBlock]:
    """Every seed paper as a note whose links were stripped."""
    return [NoteBlock(title=t["title"], year=t["year"], authors=list(t["authors"]), venue=t["venue"],
                      text=t["title"]) for t in truth()]


def _month(arxiv_id: str) -> tuple[int, int]:
    m = re.match(r"(\d{2})(\d{2})\.", arxiv_id)
    return (2000 + int(m.group(1)), int(m.group(2))) if m else (2000, 1)


def _line(ident: str, title: str, year: int, month: int, authors: list[str]) -> str:
    import calendar

    created = f"Mon, 1 {calendar.month_abbr[month]} {year} 00:00:00 GMT"
    return json.dumps({"id": ident, "submitter": None, "authors": ", ".join(authors), "title": title,
                       "comments": None, "journal-ref": None, "doi": None, "report-no": None,
                       "categories": "cs.LG", "license": None, "abstract": "Synthetic test record.",
                       "versions": [{"version": "v1", "created": created}], "update_date": None,
                       "authors_parsed": []}, ensure_ascii=False)


def one_word_changed(title: str, k: int) -> str:
    """The title with its longest word that is not a stopword replaced (a near-namesake)."""
    words = [m for m in _WORD.finditer(title) if m.group(0).lower() not in STOP]
    target = max(words, key=lambda m: (len(m.group(0)), -m.start()))
    swap = SWAPS[k % len(SWAPS)]
    return title[:target.start()] + swap + title[target.end():]


def snapshot_lines() -> tuple[list[str], dict[str, str]]:
    """(snapshot lines, decoy id -> kind): right records (real lines when known) and their decoys."""
    real = {json.loads(line)["id"]: line.rstrip("\n") for line in SEED_SNAPSHOT.open(encoding="utf-8")}
    lines: list[str] = []
    decoys: dict[str, str] = {}
    serial = 90000
    for k, t in enumerate(truth()):
        ident = t["arxiv"]
        if not ident:
            continue
        year, month = _month(ident)
        if ident in real:
            lines.append(real[ident])
            title = " ".join(json.loads(real[ident])["title"].split())
        else:
            title = t["title"]
            lines.append(_line(ident, title, year, month, t["authors"]))
        variants = [("one word changed", one_word_changed(title, k), year),
                    ("extended version", f"{title}: Extended Version", year + 1)]
        if t["year"]:
            variants.append(("identical title", title, t["year"] + 2))
        for kind, text, vyear in variants:
            serial += 1
            decoy = f"{vyear % 100:02d}{month:02d}.{serial:05d}"
            decoys[decoy] = kind
            lines.append(_line(decoy, text, vyear, month, ["A. Decoy"]))
    return lines, decoys


def write_snapshot(path: Path) -> dict[str, str]:
    lines, decoys = snapshot_lines()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return decoys


def with_typo(title: str, k: int) -> str:
    """One letter dropped from the title's k-th longer word (deterministic), as a hurried note has it."""
    words = [m for m in _WORD.finditer(title) if len(m.group(0)) >= 6]
    if not words:
        return title
    m = words[k % len(words)]
    cut = m.start() + len(m.group(0)) // 2
    return title[:cut] + title[cut + 1:]


def typo_notes() -> list[NoteBlock]:
    """The seed papers with an arXiv id, each title with one typo, no links."""
    return [NoteBlock(title=with_typo(t["title"], k), year=t["year"], authors=list(t["authors"]),
                      venue=t["venue"], text=t["title"]) for k, t in enumerate(truth()) if t["arxiv"]]
