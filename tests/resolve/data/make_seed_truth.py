"""Write seed_truth.jsonl: every paper today's extractor finds in the five seeds, with the arXiv id its link gave.

    PAPERDEX_OFFLINE=1 python tests/resolve/data/make_seed_truth.py

One line per paper block: seed, title, year, authors, venue as the note has them, and `arxiv` (the id the
note's own link gave, or the id of the record in seed_papers.jsonl whose title is the note's, else null).
Frozen here so the resolution tests do not move while the extractor is rewritten; test_seed_truth.py
checks every title and id still occurs in its seed.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from tests.conftest import SEED_FILES  # noqa: E402

from paperdex.importer import add  # noqa: E402
from paperdex.library.db import Library  # noqa: E402
from paperdex.titles import normalize_title  # noqa: E402

HERE = Path(__file__).parent


def main() -> None:
    known = {}
    for line in (HERE / "snapshot" / "seed_papers.jsonl").open(encoding="utf-8"):
        obj = json.loads(line)
        known[normalize_title(" ".join(obj["title"].split()))] = obj["id"]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "truth.db")
        for name, path in SEED_FILES.items():
            add(lib, [str(path)], max_bytes=10**8)
            rows = lib.conn.execute(
                "SELECT n.title, n.year, n.authors, n.venue, n.idents FROM notes n JOIN sources s ON s.id = n.source_id "
                "WHERE s.path = ? AND n.kind = 'paper' AND n.title IS NOT NULL ORDER BY n.ordinal", (str(path),))
            seen = set()
            for r in rows:
                if r["title"] in seen:
                    continue
                seen.add(r["title"])
                ids = [v for s, v in json.loads(r["idents"]) if s == "arxiv"]
                arxiv = ids[0] if len(ids) == 1 else known.get(normalize_title(r["title"]))
                out.append({"seed": name, "title": r["title"], "year": r["year"],
                            "authors": json.loads(r["authors"]), "venue": r["venue"], "arxiv": arxiv})
        lib.close()
    with (HERE / "seed_truth.jsonl").open("w", encoding="utf-8") as fh:
        for item in out:
            fh.write(json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(out)} papers, {sum(1 for i in out if i['arxiv'])} with an arXiv id", file=sys.stderr)


if __name__ == "__main__":
    main()
