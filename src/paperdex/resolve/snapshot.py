"""Offline resolution against the arXiv metadata snapshot (Kaggle arxiv-metadata-oai-snapshot.json).

`iter_rows(path)` streams the JSON-lines file one record at a time (never
loading it whole) into rows for library.snapshot_store. `SnapshotIndex`
finds candidates by exact normalised title, else by blocking on the rarest
title words in the FTS5 index, then rescores them with rapidfuzz.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from paperdex.errors import MalformedInput
from paperdex.library import snapshot_store
from paperdex.library.db import Library
from paperdex.resolve.matching import normalize_title
from paperdex.resolve.records import Record, clean_text

NAME = "snapshot"
BLOCK_TERMS = 3  # rarest title words looked up per query
RARE = 2_000  # a word in at most this many titles is a blocking key on its own
RESCORE = 40  # candidates rescored with rapidfuzz
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of", "on",
    "or", "the", "to", "via", "with", "without", "we", "our", "its",
})
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHtcdbk]\{?([A-Za-z])\}?")


def _delatex(text: str) -> str:
    return _LATEX_ACCENT.sub(r"\1", text).replace("{", "").replace("}", "")


def _year(obj: dict[str, Any]) -> int | None:
    versions = obj.get("versions") or []
    if versions and versions[0].get("created"):
        try:
            return parsedate_to_datetime(versions[0]["created"]).year
        except (TypeError, ValueError):
            pass
    m = re.match(r"(?:[a-z\-.]+/)?(\d{2})(\d{2})", obj.get("id") or "")
    if m:
        yy = int(m.group(1))
        return 1900 + yy if yy > 90 else 2000 + yy
    return None


def _authors(obj: dict[str, Any]) -> list[str]:
    parsed = obj.get("authors_parsed")
    if parsed:
        return [" ".join(p for p in (first, last, suffix) if p).strip()
                for last, first, suffix, *_ in ([*a, "", "", ""] for a in parsed)]
    raw = _delatex(obj.get("authors") or "")
    return [a.strip() for a in re.split(r",\s*|\s+and\s+", raw) if a.strip()]


def parse_record(obj: dict[str, Any]) -> Record:
    """One snapshot line (already JSON-decoded) as a Record; pure."""
    arxiv_id = str(obj["id"])
    record = Record(provider=NAME, raw_id=arxiv_id, title=clean_text(obj.get("title")),
                    authors=_authors(obj), year=_year(obj), venue=clean_text(obj.get("journal-ref")),
                    abstract=clean_text(obj.get("abstract")), urls=[f"https://arxiv.org/abs/{arxiv_id}"])
    record.add_ident("arxiv", arxiv_id)
    record.add_ident("doi", (obj.get("doi") or "").split()[0] if obj.get("doi") else None)
    return record


def row_from_json(obj: dict[str, Any]) -> snapshot_store.SnapshotRow:
    record = parse_record(obj)
    title = record.title or ""
    return (record.ident("arxiv") or record.raw_id, title, normalize_title(title),
            json.dumps(record.authors, ensure_ascii=False), record.year, record.ident("doi"),
            obj.get("categories"), record.venue, record.abstract, obj.get("update_date"))


def iter_rows(path: str | Path) -> Iterator[snapshot_store.SnapshotRow]:
    """Stream rows from a JSON-lines snapshot; a bad line is an error naming its line number."""
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                yield row_from_json(obj)
            except (ValueError, KeyError, TypeError) as exc:
                raise MalformedInput(f"{path}:{number}", f"not an arXiv snapshot record ({exc})",
                                     "expected Kaggle arxiv-metadata-oai-snapshot.json lines") from exc


def record_from_row(row: Any) -> Record:
    record = Record(provider=NAME, raw_id=row["id"], title=row["title"], authors=json.loads(row["authors"]),
                    year=row["year"], venue=row["journal_ref"], abstract=row["abstract"],
                    urls=[f"https://arxiv.org/abs/{row['id']}"])
    record.add_ident("arxiv", row["id"])
    record.add_ident("doi", row["doi"])
    return record


class SnapshotIndex:
    """Title and id lookups over the library's snapshot table."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self._df: dict[str, int] = {}

    def __len__(self) -> int:
        return snapshot_store.count(self.lib)

    def by_ids(self, arxiv_ids: list[str]) -> dict[str, Record]:
        return {r["id"]: record_from_row(r) for r in snapshot_store.by_ids(self.lib, arxiv_ids)}

    def df(self, term: str) -> int:
        if term not in self._df:
            self._df[term] = snapshot_store.doc_frequency(self.lib, term)
        return self._df[term]

    def block(self, norm: str) -> list[int]:
        """Candidate rowids: titles sharing the most of the query's rarest words.

        Each rare word's posting list is short, so lookups cost microseconds. A title of
        common words only (or whose rare words carry the typos) falls back to the rows
        holding all of its two rarest words, an intersection FTS5 does in C.
        """
        terms = [t for t in dict.fromkeys(norm.split()) if t not in STOPWORDS and len(t) > 1]
        ranked = sorted((df, t) for t in terms if (df := self.df(t)) > 0)
        rare = [t for df, t in ranked if df <= RARE][:BLOCK_TERMS]
        votes: Counter[int] = Counter()
        for term in rare:
            votes.update(snapshot_store.rows_with_term(self.lib, term, RARE))
        if len(rare) < 2:
            # Typos hide the rare words: intersect the commoner ones, pairwise, and let rescoring decide.
            common = [t for _, t in ranked if t not in rare][:3]
            pairs = [common[:2], common[1:3], common[::2]] if len(common) == 3 else [common]
            for pair in pairs:
                if len(pair) == 2 or (pair and not rare):
                    votes.update(snapshot_store.rows_with_all(self.lib, pair, 2 * RARE))
        return [rowid for rowid, _ in votes.most_common(RESCORE)]

    def search(self, title: str, limit: int = 5) -> list[Record]:
        """Best candidates for a title, most similar first; exact normalised title first of all."""
        norm = normalize_title(title)
        if not norm:
            return []
        exact = snapshot_store.exact_title(self.lib, norm)
        if exact:
            return [record_from_row(r) for r in exact[:limit]]
        pairs = snapshot_store.titles_for(self.lib, self.block(norm))
        scored = sorted(((fuzz.ratio(norm, t), rowid) for rowid, t in pairs), reverse=True)[:limit]
        rows = {r["rowid"]: r for r in snapshot_store.by_rowids(self.lib, [rowid for _, rowid in scored])}
        return [record_from_row(rows[rowid]) for _, rowid in scored if rowid in rows]

    def identify_text(self, text: str) -> tuple[Record, float, dict[str, Any]] | None:
        """Guess the paper an untitled note is about from the names it uses.

        Papers are named by the word before the colon of their title ('MimicGen: A Data
        Generation System...'). A rare word of the note that names exactly one snapshot
        title that way is strong evidence, more so when the note also uses the title's
        other words; a title merely opening with the word is weak. Returns the best
        guess with its score and evidence; the caller decides with matching's thresholds.
        """
        note_words = set(normalize_title(text).split())
        terms = [t for t in note_words if len(t) >= 4 and t not in STOPWORDS and not t.isdigit()]
        rare = sorted((df, t) for t in terms if 0 < (df := self.df(t)) <= 50)[:30]
        best: tuple[Record, float, dict[str, Any]] | None = None
        for _, term in rare:
            named, opening = [], []
            rowids = snapshot_store.rows_with_term(self.lib, term, 50)
            for row in snapshot_store.by_rowids(self.lib, rowids):
                if row["title_norm"].split()[:1] != [term]:
                    continue
                head = row["title"].split(":", 1)[0] if ":" in row["title"] else ""
                (named if normalize_title(head) == term else opening).append(row)
            rows, base = (named, 0.8) if len(named) == 1 else (named or opening, 0.5)
            if not rows:
                continue
            record = record_from_row(rows[0])
            title_words = [w for w in normalize_title(record.title or "").split() if w not in STOPWORDS]
            coverage = sum(w in note_words for w in title_words) / max(1, len(title_words))
            value = round(base + (0.2 if base == 0.8 else 0.3) * coverage, 3)
            evidence = {"provider": NAME, "candidate": record.raw_id, "name": term, "named_titles": len(named),
                        "title_word_coverage": round(coverage, 3), "score": value}
            if best is None or value > best[1]:
                best = (record, value, evidence)
        return best

def import_file(lib: Library, path: str | Path, *, progress: Any = None,
                batch: int = snapshot_store.BATCH) -> snapshot_store.ImportStats:
    """Stream a snapshot file into the library (progress(n) is called per batch with rows written)."""
    return snapshot_store.import_rows(lib, iter_rows(path), batch=batch, progress=progress)
