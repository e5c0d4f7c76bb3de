"""Decide one paper from its scored candidates: the same paper seen twice is one, near-namesakes compete.

Two records are the same paper when they share an identifier, or carry the
same normalised title and year from different providers (arXiv and Semantic
Scholar describing one preprint). Everything else is a competitor: a record
is accepted only when it scores at least ACCEPT and leads the next distinct
paper by MARGIN; otherwise the close ones go to review with the reason
"two close records". Only a record's own same-paper group is ever merged, so
a paper never gets a near-namesake's ids or title.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paperdex.resolve.matching import ACCEPT, MARGIN, REVIEW, Scored
from paperdex.titles import normalize_title

ORDER = ("snapshot", "arxiv", "semanticscholar", "openalex", "crossref")
MAX_CANDIDATES = 5  # offered per paper in review

TWO_CLOSE = "two close records"
BELOW_ACCEPT = "below the accept score"
ID_CONFLICT = "the note's arXiv id differs"


def _rank(s: Scored) -> tuple:
    provider = ORDER.index(s.record.provider) if s.record.provider in ORDER else len(ORDER)
    return (-s.score, provider, s.record.raw_id)


@dataclass
class Group:
    """One distinct paper among the candidates: its records, best first."""

    members: list[Scored] = field(default_factory=list)

    @property
    def top(self) -> Scored:
        return self.members[0]

    @property
    def score(self) -> float:
        return self.top.score


def same_paper(a: Scored, b: Scored) -> bool:
    ra, rb = a.record, b.record
    if set(ra.identifiers) & set(rb.identifiers):
        return True
    if ra.provider == rb.provider or not ra.title or not rb.title or not ra.year or ra.year != rb.year:
        return False
    return normalize_title(ra.title) == normalize_title(rb.title)


def group(candidates: list[Scored]) -> list[Group]:
    """Candidates joined into distinct papers (transitively), best paper first."""
    if len(candidates) == 1:  # most papers: a title found as written
        return [Group([candidates[0]])]
    ranked = sorted(candidates, key=_rank)
    parent = list(range(len(ranked)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(ranked)):
        for j in range(i):
            if same_paper(ranked[i], ranked[j]):
                parent[find(i)] = find(j)
    groups: dict[int, Group] = {}
    for i, s in enumerate(ranked):
        groups.setdefault(find(i), Group()).members.append(s)
    return sorted(groups.values(), key=lambda g: _rank(g.top))


@dataclass
class Decision:
    """What to do with a paper: accept `accepted` (one group), or offer `review` with `reason`, or nothing."""

    accepted: Group | None = None
    review: list[Scored] = field(default_factory=list)
    reason: str | None = None
    margin: float | None = None  # best score minus the next distinct paper's (None: no runner-up)


def _with_margin(s: Scored, margin: float | None, reason: str | None = None) -> Scored:
    evidence: dict[str, Any] = dict(s.evidence)
    evidence["margin"] = round(margin, 3) if margin is not None else None  # None: no other record
    if reason:
        evidence["reason"] = reason
    return Scored(s.record, s.score, evidence)


def decide(candidates: list[Scored], *, held_arxiv: set[str] | None = None, margin_needed: float = MARGIN) -> Decision:
    """Accept the best distinct paper if it is clear-cut, else the close ones for review.

    `held_arxiv`: arXiv ids the paper already holds from its notes; a record with another arXiv id
    is not accepted on its own (the note may point elsewhere), it goes to review.
    """
    groups = group(candidates)
    if not groups:
        return Decision()
    top = groups[0]
    runner = groups[1] if len(groups) > 1 else None
    margin = round(top.score - runner.score, 3) if runner is not None else None
    offered = [g for g in groups if g.score >= REVIEW][:MAX_CANDIDATES]
    if top.score >= ACCEPT:
        other_arxiv = {i.value for m in top.members for i in m.record.identifiers if i.scheme == "arxiv"}
        conflict = bool(held_arxiv and other_arxiv and not other_arxiv & held_arxiv)
        if (margin is None or margin >= margin_needed) and not conflict:
            top.members = [_with_margin(m, margin) for m in top.members]
            return Decision(accepted=top, margin=margin)
        reason = ID_CONFLICT if conflict else TWO_CLOSE
        return Decision(review=_offer(groups, offered, reason), reason=reason, margin=margin)
    if offered:
        return Decision(review=_offer(groups, offered, BELOW_ACCEPT), reason=BELOW_ACCEPT, margin=margin)
    return Decision(margin=margin)


def _offer(groups: list[Group], offered: list[Group], reason: str) -> list[Scored]:
    """The best record of each offered paper, with its margin over the best other paper and the reason."""
    out = []
    for g in offered:
        others = [o.score for o in groups if o is not g]
        out.append(_with_margin(g.top, round(g.score - max(others), 3) if others else None, reason))
    return out


def explain(evidence: dict[str, Any]) -> str:
    """One line of why a candidate scored what it did: title similarity, year, authors, id, margin."""
    parts = []
    if "title" in evidence:
        parts.append(f"title {evidence['title']:.2f}" + (" (note's title starts it)" if evidence.get("title_prefix")
                                                          else ""))
    if "title_in_citation" in evidence:
        parts.append(f"title in citation {evidence['title_in_citation']:.2f}")
    if "year" in evidence:
        parts.append(f"year {evidence['year']}")
    if "authors" in evidence:
        parts.append({"first_author": "first author matches", "coauthor": "an author matches",
                      "mismatch": "no author in common"}.get(evidence["authors"], str(evidence["authors"])))
    if "identifier" in evidence:
        parts.append(f"shares {evidence['identifier']}")
    if "venue" in evidence:
        parts.append(f"venue {evidence['venue']}")
    if "margin" in evidence:
        parts.append("no other record" if evidence["margin"] is None else f"margin {evidence['margin']:+.2f}")
    return "; ".join(parts)
