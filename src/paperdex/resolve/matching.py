"""Pure scoring of a candidate Record against what a note knows: title, year, authors, venue, ids.

Search finds candidates; this module validates them. The score starts from
the rapidfuzz similarity of normalised titles and moves with the evidence:

- year: a record dated up to YEAR_WINDOW years before the note's year is
  consistent (a note cites the publication year of a paper whose arXiv
  preprint is older), as is one dated a year after (arXiv copy posted after
  publication). Other gaps cost more the less exact the title is; a note
  dated well *before* the record costs most (that record came later).
- a note title that is the first words of the record's title (a subtitle
  dropped, a title cut short) scores at least PREFIX: enough for review,
  never for acceptance on its own.
- authors: a shared surname adds AUTHOR_BONUS, a full conflict with known
  authors costs AUTHOR_PENALTY; an empty side is neutral.

At or above ACCEPT a candidate may be merged (the resolver also wants a
MARGIN over the next distinct record); between REVIEW and ACCEPT it is kept
for a person; below REVIEW it is not offered at all. REVIEW and MARGIN are
tuned on tests/resolve/data/seed_truth.jsonl with decoys (`python bench/review_floor.py`);
docs/resolve.md has the figures.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from paperdex.model import Identifier
from paperdex.resolve.records import Record
from paperdex.titles import normalize_title

ACCEPT = 0.90
REVIEW = 0.70  # the review floor: no right candidate of the tuning cases scores below 0.75
MARGIN = 0.03  # the best record must lead the next distinct one by this much to be accepted alone
YEAR_WINDOW = 3  # years a preprint may precede the year a note cites
YEAR_BEFORE = 0.12  # cost at an exact title of a note dated 2+ years before the record
YEAR_AFTER = 0.04  # cost at an exact title of a note dated more than YEAR_WINDOW years after it
AUTHOR_PENALTY = 0.08
AUTHOR_BONUS = 0.03
PREFIX = 0.80  # a note title that is the start of the record's ("Flow matching for") is worth a look, no more
_PAREN = re.compile(r"\s*[(（][^()（）]{1,40}[)）]\s*")


@dataclass
class Query:
    """What a note says about its paper (any field may be missing)."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    citation: str | None = None  # a whole reference line, when that is all there is


@dataclass
class Scored:
    record: Record
    score: float
    evidence: dict[str, Any]

    @property
    def accepted(self) -> bool:
        return self.score >= ACCEPT

    @property
    def reviewable(self) -> bool:
        return REVIEW <= self.score < ACCEPT


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def surname(name: str) -> str:
    """'Fu, Z.' -> 'fu'; 'Chelsea Finn' -> 'finn'; 'Bal\\'azs' LaTeX accents are dropped."""
    name = re.sub(r"\\.|[{}]", "", name).strip()
    part = name.split(",", 1)[0] if "," in name else (name.split()[-1] if name.split() else "")
    return re.sub(r"[^\w]", "", _fold(part))


def title_similarity(query: str, candidate: str) -> float:
    """0..1 similarity of normalised titles; a trailing '(ICLR2023)' or '(Ada)' in a note is forgiven."""
    a, b = normalize_title(query), normalize_title(candidate)
    if not a or not b:
        return 0.0
    best = fuzz.ratio(a, b)
    stripped = normalize_title(_PAREN.sub(" ", query))
    if stripped and stripped != a:
        best = max(best, fuzz.ratio(stripped, b))
    return best / 100.0


def is_prefix(query: str, candidate: str) -> bool:
    """Whether the note's title is the first words (two or more, 12+ letters) of the candidate's."""
    a, b = normalize_title(query), normalize_title(candidate)
    return len(a) >= 12 and len(a.split()) >= 2 and b.startswith(a + " ")


def _author_evidence(query: Query, record: Record) -> str | None:
    mine = [s for s in (surname(a) for a in query.authors) if s]
    if not mine:  # most notes name no author: the record's names need not be parsed at all
        return None
    theirs = [s for s in (surname(a) for a in record.authors) if s]
    if not theirs:
        return None
    if mine[0] == theirs[0]:
        return "first_author"
    if any(s in theirs for s in mine):
        return "coauthor"
    return "mismatch"


def _venue_match(a: str, b: str) -> bool:
    fa, fb = normalize_title(a), normalize_title(b)
    if not fa or not fb:
        return False
    short = lambda s: re.sub(r"\d+", "", s).strip()  # noqa: E731 - "ICLR2023" vs "ICLR"
    return fuzz.partial_ratio(short(fa), short(fb)) >= 85


def year_evidence(note_year: int, record_year: int, sim: float) -> tuple[str, float]:
    """(what the years say, what it costs) for a title of similarity `sim`; see the module docstring."""
    gap = note_year - record_year  # > 0: the note's year is later than the record's
    if gap == 0 or gap == -1:
        return "ok", 0.0
    if 0 < gap <= YEAR_WINDOW:
        return f"ok (preprint {gap} year{'s' if gap > 1 else ''} before)", 0.0
    slack = max(0.0, 1.0 - sim)
    if gap < 0:
        return f"off by {-gap} (note before record)", min(0.3, YEAR_BEFORE + slack)
    return f"off by {gap} (note after record)", min(0.2, YEAR_AFTER + slack)


def score(query: Query, record: Record) -> Scored:
    """Score one candidate with its evidence; pure."""
    evidence: dict[str, Any] = {"provider": record.provider, "candidate": record.raw_id}
    shared = sorted(set(query.identifiers) & set(record.identifiers))
    if query.title and record.title:
        sim = title_similarity(query.title, record.title)
        evidence["title"] = round(sim, 3)
        if sim < PREFIX and is_prefix(query.title, record.title):
            evidence["title_prefix"] = True
            sim = PREFIX
    elif query.citation and record.title:
        sim = fuzz.partial_ratio(normalize_title(record.title), normalize_title(query.citation)) / 100.0
        evidence["title_in_citation"] = round(sim, 3)
    else:
        sim = None
    if shared:
        evidence["identifier"] = shared[0].key
        # An id is proof, unless the note's title says it points at a different paper.
        value = 1.0 if sim is None or sim >= 0.6 else sim
        if sim is not None and sim < 0.6:
            evidence["title_conflict"] = True
    else:
        value = sim or 0.0
    if query.year and record.year:
        evidence["year"], cost = year_evidence(query.year, record.year, sim if sim is not None else 1.0)
        if not shared:
            value -= cost
    authors = _author_evidence(query, record)
    if authors:
        evidence["authors"] = authors
        if authors == "mismatch" and not shared:
            value -= AUTHOR_PENALTY
        elif authors != "mismatch":
            value += AUTHOR_BONUS
    if query.venue and record.venue:
        evidence["venue"] = "ok" if _venue_match(query.venue, record.venue) else "differs"
    value = round(max(0.0, min(1.0, value)), 3)
    evidence["score"] = value
    return Scored(record, value, evidence)


def best(query: Query, records: list[Record]) -> Scored | None:
    """The highest-scoring candidate (ties: first given, so provider order decides)."""
    scored = [score(query, r) for r in records]
    return max(scored, key=lambda s: s.score, default=None)
