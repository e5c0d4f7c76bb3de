"""Pure scoring of a candidate Record against what a note knows: title, year, first author, venue, ids.

Search finds candidates; this module validates them. The score starts from
the rapidfuzz similarity of normalised titles and moves with the evidence.
At or above ACCEPT a candidate is merged; between REVIEW and ACCEPT it is kept
for a person to accept or reject; below REVIEW it is dropped.
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
REVIEW = 0.50
YEAR_PENALTY = 0.15
AUTHOR_PENALTY = 0.08
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


def _author_evidence(query: Query, record: Record) -> str | None:
    mine = [s for s in (surname(a) for a in query.authors) if s]
    theirs = [s for s in (surname(a) for a in record.authors) if s]
    if not mine or not theirs:
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


def score(query: Query, record: Record) -> Scored:
    """Score one candidate with its evidence; pure."""
    evidence: dict[str, Any] = {"provider": record.provider, "candidate": record.raw_id}
    shared = sorted(set(query.identifiers) & set(record.identifiers))
    if query.title and record.title:
        sim = title_similarity(query.title, record.title)
        evidence["title"] = round(sim, 3)
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
        gap = abs(query.year - record.year)
        evidence["year"] = "ok" if gap <= 1 else f"off by {gap}"
        if gap > 1 and not shared:
            value -= YEAR_PENALTY
    authors = _author_evidence(query, record)
    if authors:
        evidence["authors"] = authors
        if authors == "mismatch" and not shared:
            value -= AUTHOR_PENALTY
    if query.venue and record.venue:
        evidence["venue"] = "ok" if _venue_match(query.venue, record.venue) else "differs"
    value = round(max(0.0, min(1.0, value)), 3)
    evidence["score"] = value
    return Scored(record, value, evidence)


def best(query: Query, records: list[Record]) -> Scored | None:
    """The highest-scoring candidate (ties: first given, so provider order decides)."""
    scored = [score(query, r) for r in records]
    return max(scored, key=lambda s: s.score, default=None)
