"""Shared between pages and the API: reading filters from a request and shaping papers for display."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request

from paperdex.library import browse
from paperdex.library.browse import ORDERS, Query
from paperdex.library.db import Library
from paperdex.library.store import PaperFilter
from paperdex.library.user_data import STATUSES, statuses_for, tags_for
from paperdex.model import Note, Paper

PER_PAGE = 40
MAX_PER_PAGE = 200
FILTER_KEYS = ("section", "reader", "source", "language", "year", "has_thoughts", "resolved", "tag", "status",
               "sort", "member", "min_members")


def lib_of(request: Request) -> Library:
    return request.app.state.pool.get()



def facets_of(request: Request) -> dict:
    """Facet values, recomputed only when the library changed (they scan every note)."""
    lib = lib_of(request)
    version = browse.data_version(lib)
    cache = request.app.state.facets_cache
    if cache.get("version") != version:
        cache.clear()
        cache.update(version=version, facets=browse.facets(lib))
    return cache["facets"]


class BadParam(ValueError):
    """A query parameter the user can fix (shown as a 400 with the message)."""


# Beyond this SQLite cannot hold the number (or the offset it makes): a 400, never a 500.
MAX_INT = 10**9


def _int(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise BadParam(f"{name} must be a whole number, not {value[:40]!r}") from None
    if abs(number) > MAX_INT:
        raise BadParam(f"{name} is out of range (at most {MAX_INT})")
    return number


def year_range(value: str | None) -> tuple[int | None, int | None]:
    """'2023', '2020..2023', '2020..', '..2019' (the CLI's syntax); '2020-2023' too."""
    if not value:
        return None, None
    value = value.strip()
    m = re.fullmatch(r"(\d{4})?\s*(?:\.\.|-|–)\s*(\d{4})?", value)
    if m:
        return _int(m.group(1), "year"), _int(m.group(2), "year")
    year = _int(value, "year")
    return year, year


def _flag(value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    return value.lower() in ("1", "yes", "true", "on")


def query_from(params: QueryParams) -> Query:
    lo, hi = year_range(params.get("year"))
    lo = _int(params.get("year_from"), "year_from") if params.get("year_from") else lo
    hi = _int(params.get("year_to"), "year_to") if params.get("year_to") else hi
    status = params.get("status") or None
    if status and status not in STATUSES:
        raise BadParam(f"status must be one of {', '.join(STATUSES)}")
    sort = params.get("sort") or "year"
    if sort not in ORDERS:
        raise BadParam(f"sort must be one of {', '.join(ORDERS)}")
    flt = PaperFilter(section=params.get("section") or None, reader=params.get("reader") or None,
                      source=params.get("source") or None, year_from=lo, year_to=hi,
                      has_thoughts=bool(_flag(params.get("has_thoughts"))),
                      language=params.get("language") or None, member=params.get("member") or None,
                      min_members=_int(params.get("min_members"), "min_members"))
    return Query(flt=flt, resolved=_flag(params.get("resolved")), tag=params.get("tag") or None, status=status,
                 order=sort)


def paging(params: QueryParams) -> tuple[int, int]:
    page = _clamped(params.get("page"), "page", MAX_INT) or 1
    per = _clamped(params.get("per_page"), "per_page", MAX_PER_PAGE) or PER_PAGE
    return page, per


def _clamped(value: str | None, name: str, highest: int) -> int | None:
    """A page past the end is an empty page however far past: clamp, never overflow SQLite."""
    raw = (value or "").strip()
    if raw.isdigit() and len(raw) > 9:
        return highest
    number = _int(raw, name)
    return None if not number else min(max(number, 1), highest)


def with_params(params: QueryParams, **changes: object) -> str:
    """This listing's query string with some values changed (None drops a key)."""
    items = {k: v for k, v in params.items() if v not in ("", None)}
    for key, value in changes.items():
        if value is None or value == "":
            items.pop(key, None)
        else:
            items[key] = str(value)
    return "?" + urlencode(items) if items else "?"


# --- papers as shown ----------------------------------------------------------------------------


def safe_url(url: str | None) -> str | None:
    """Only web links from notes become hrefs."""
    return url if url and re.match(r"(?i)^https?://", url) else None


@dataclass
class Link:
    label: str
    url: str


def paper_links(paper: Paper) -> list[Link]:
    links: list[Link] = []
    if paper.arxiv_id:
        links += [Link("arXiv", f"https://arxiv.org/abs/{paper.arxiv_id}"),
                  Link("PDF", f"https://arxiv.org/pdf/{paper.arxiv_id}")]
    if paper.doi:
        links.append(Link("DOI", f"https://doi.org/{paper.doi}"))
    openreview = paper.ident("openreview")
    if openreview:
        links.append(Link("OpenReview", f"https://openreview.net/forum?id={openreview}"))
    seen = {link.url for link in links}
    for url in paper.urls:
        url = safe_url(url)
        if not url or url in seen:
            continue
        seen.add(url)
        host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0].lower()
        if host in ("github.com", "gitlab.com") or host.endswith("github.io"):
            links.append(Link("code" if "github.com" in host or "gitlab" in host else "project page", url))
        elif host not in ("arxiv.org", "doi.org", "openreview.net", "dx.doi.org"):
            links.append(Link(host, url))
    return links


def _note_facts(notes: list[Note]) -> dict:
    return {
        "sections": sorted({n.section for n in notes if n.section}),
        "readers": sorted({n.reader for n in notes if n.reader}),
        "languages": sorted({n.language for n in notes if n.language}),
        "recommended": any("recommended" in n.marks or "best-paper" in n.marks for n in notes),
        "has_thoughts": any(n.thoughts for n in notes),
    }


def paper_summary(paper: Paper, tags: list[str] | None = None, status: str | None = None) -> dict:
    """The shape of a paper in listings and in /api/papers."""
    return {
        "id": paper.id, "title": paper.title, "year": paper.year, "venue": paper.venue,
        "authors": paper.authors, "arxiv_id": paper.arxiv_id, "doi": paper.doi,
        "identifiers": [i.key for i in paper.identifiers], "notes": len(paper.notes),
        "added_at": paper.added_at, "tags": tags or [], "status": status, **_note_facts(paper.notes),
        "excerpt": excerpt(paper.notes),
    }


def excerpt(notes: list[Note], width: int = 220) -> str:
    """The start of the first note with text, as plain words: a listing shows what the reader said."""
    for note in notes:
        # Markdown punctuation out, math ($…$ with its underscores) kept for KaTeX.
        text = re.sub(r"[*`#>\[\]]+|\(https?://[^)]*\)", "", note.text or "")
        text = " ".join(text.split())
        if text:
            return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + "…"
    return ""


def summaries(lib: Library, papers: list[Paper]) -> list[dict]:
    ids = [p.id for p in papers]
    tags, statuses = tags_for(lib, ids), statuses_for(lib, ids)
    return [paper_summary(p, tags.get(p.id), statuses.get(p.id)) for p in papers]


def note_dict(note: Note) -> dict:
    return {
        "id": note.id, "kind": note.kind, "reader": note.reader, "source": note.source, "line": note.line,
        "date": note.date, "section": note.section, "language": note.language, "title": note.title,
        "text": note.text, "thoughts": note.thoughts, "quotes": note.quotes, "marks": note.marks,
        "flags": note.flags, "urls": note.urls, "references": note.references,
    }


def paper_detail(paper: Paper, tags: list[str], status: str | None) -> dict:
    out = paper_summary(paper, tags, status)
    out.update({"abstract": paper.abstract, "urls": paper.urls,
                "links": [{"label": link.label, "url": link.url} for link in paper_links(paper)],
                "note_list": [note_dict(n) for n in paper.notes]})
    return out


@dataclass
class LibraryPage:
    """One page of the filtered library, as both the HTML page and /api/papers show it."""

    query: Query
    papers: list[dict]
    total: int
    page_no: int
    per: int


def library_page(lib: Library, params: QueryParams) -> LibraryPage:
    from paperdex.library.store import get_papers

    query = query_from(params)
    page_no, per = paging(params)
    ids, total = browse.page_ids(lib, query, limit=per, offset=(page_no - 1) * per)
    return LibraryPage(query, summaries(lib, get_papers(lib, ids)), total, page_no, per)
