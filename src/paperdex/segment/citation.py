"""Parse APA-style reference lines ("Fu, Z., ... & Finn, C. (2024). Title. Venue.") into their parts.

Researchers paste the reference Google Scholar's "Cite" box gives them and write
their note under it (the Lark export in seed 003). The line carries authors,
year, title, venue and often an arXiv id; the resolver reuses `parse_apa` to
build Crossref queries. Pure string work; no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paperdex.ids import find_identifiers, find_urls
from paperdex.model import Identifier

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# "(2024)", "(2023, May)", "(2021, October 12)", "(May 2021)", "(2019a)".
_DATE = re.compile(
    rf"\((?:(?P<m1>{_MONTHS})\.?\s+)?(?P<year>(?:1[89]|20)\d{{2}})[a-z]?"
    rf"(?:,\s*(?P<m2>(?:{_MONTHS})\.?(?:\s+\d{{1,2}})?))?\)\.?\s+"
)
_LETTER = r"[^\W\d_]"
# One author: "Fu, Z.", "Chen, R. T.", "Sobol Mark, M.", "Müller, J.", "Weng, Lilian", "Lee, Y.-J.".
_SURNAME = rf"{_LETTER}[\w'’\-]*(?:\s+(?:van|von|de|der|den|da|di|du|le|la|{_LETTER}[\w'’\-]*))*"
_INITIALS = rf"(?:{_LETTER}\.(?:\s*-?\s*{_LETTER}\.)*|{_LETTER}[a-z'’\-]+)"
_AUTHOR = re.compile(rf"(?P<last>{_SURNAME}),\s+(?P<first>{_INITIALS})")
# What may remain between authors once they are cut out: commas, "&", "and", the "..." elision.
_AUTHOR_GLUE = re.compile(r"^[\s,&.…]*(?:(?:and|et al\.?)[\s,&.…]*)*$")
_PAGES = re.compile(r"\s*\(pp?\.\s*(?P<pages>[\d\-–]+)\)")
_VOLUME = re.compile(r"\s*\((?:Vol|Volume)\.?\s*(?P<volume>[\w\-]+)\)\s*$", re.I)
_ARXIV_VENUE = re.compile(r"^arXiv\s+preprint\b|^arXiv:\s*\d", re.I)
# A title ends at ". ", "? " or "! " (the "?." of "Were RNNs All We Needed?." too), but not after
# an abbreviation like "vs." or "e.g.".
_TITLE_END = re.compile(r"(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\bVol)(?<!\bNo)([.?!])\.?(?:\s+|$)")


@dataclass
class Citation:
    """The parts of one reference line."""

    authors: list[str]
    year: int | None
    title: str
    venue: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    month: str | None = None
    pages: str | None = None
    volume: str | None = None
    publisher: str | None = None
    authors_truncated: bool = False  # the "..." of a long author list

    @property
    def first_author_surname(self) -> str | None:
        return self.authors[0].split(",", 1)[0] if self.authors else None


def _split_authors(raw: str) -> tuple[list[str], bool] | None:
    """Authors as "Last, F." strings, or None when `raw` is not an author list."""
    authors: list[str] = []
    rest = raw
    for m in _AUTHOR.finditer(raw):
        first = re.sub(r"\s+", " ", m.group("first")).strip()
        authors.append(f"{m.group('last').strip()}, {first}")
        rest = rest.replace(m.group(0), " ", 1)
    if not authors or not _AUTHOR_GLUE.match(rest):
        return None
    truncated = "..." in raw or "…" in raw or "et al" in raw
    return authors, truncated


def _split_title(rest: str) -> tuple[str, str]:
    """(title, what follows it). The title ends at the first sentence end."""
    for m in _TITLE_END.finditer(rest):
        title = rest[: m.start()] + (m.group(1) if m.group(1) in "?!" else "")
        if len(title.split()) >= 1 and len(title) >= 3:
            return title.strip(), rest[m.end():].strip()
    return rest.rstrip(". ").strip(), ""


def _parse_venue(tail: str) -> dict[str, str | None]:
    """Venue, pages, volume and publisher from what follows the title."""
    out: dict[str, str | None] = {"venue": None, "pages": None, "volume": None, "publisher": None}
    tail = re.sub(r"https?://\S+", "", tail).strip().rstrip(".").strip()
    if not tail:
        return out
    if _ARXIV_VENUE.match(tail):
        out["venue"] = "arXiv"
        return out
    pages = _PAGES.search(tail)
    if pages:
        out["pages"] = pages.group("pages")
        # "In Conference X (pp. 1-2). PMLR." -> publisher after the pages.
        after = tail[pages.end():].strip(" .")
        out["publisher"] = after or None
        tail = tail[: pages.start()]
    tail = re.sub(r"^In\s+", "", tail).strip().rstrip(".").strip()
    # "Advances in Neural Information Processing Systems, 36" / "Predicting structured data, 1(0)".
    vol = re.match(r"^(?P<venue>.+?),\s*(?P<volume>\d+)(?:\((?P<issue>[^)]*)\))?(?:,\s*[\d\-–]+)?$", tail)
    if vol:
        out["venue"], out["volume"] = vol.group("venue").strip(), vol.group("volume")
        return out
    # A book: "Cambridge, MA, USA: Vision and Modeling Group, ..." -> publisher after the place.
    book = re.match(r"^[^:]{2,60}:\s+(?P<publisher>.+)$", tail)
    if book and not out["publisher"]:
        out["publisher"] = book.group("publisher").strip()
        out["venue"] = out["publisher"]
        return out
    out["venue"] = tail or None
    return out


def parse_apa(line: str) -> Citation | None:
    """A Citation for an APA reference line, None for anything else."""
    line = line.strip().lstrip("-*• ").strip()
    date = _DATE.search(line)
    if not date or date.start() == 0:
        return None
    authors_part = line[: date.start()].strip()
    split = _split_authors(authors_part)
    if split is None:
        return None
    authors, truncated = split
    rest = line[date.end():].strip()
    if not rest:
        return None
    title, tail = _split_title(rest)
    volume = None
    vol = _VOLUME.search(title)
    if vol:
        volume, title = vol.group("volume"), title[: vol.start()].strip()
    if not re.search(_LETTER, title):
        return None
    venue = _parse_venue(tail)
    month = date.group("m1") or date.group("m2")
    return Citation(
        authors=authors,
        year=int(date.group("year")),
        title=title,
        venue=venue["venue"],
        identifiers=find_identifiers(line),
        urls=find_urls(line),
        month=month,
        pages=venue["pages"],
        volume=volume or venue["volume"],
        publisher=venue["publisher"],
        authors_truncated=truncated,
    )


def looks_like_citation(line: str) -> bool:
    """True for a line that parses as an APA reference."""
    if len(line) < 20 or "(" not in line:
        return False
    return parse_apa(line) is not None
