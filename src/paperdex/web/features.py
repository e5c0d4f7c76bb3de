"""Adapters to the parts of paperdex the web UI uses when they are installed: search and review.

Each adapter imports its module on use and says "unavailable" instead of
failing, so the UI works (with those pages explaining why they are empty)
in a build without them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from paperdex.library import browse
from paperdex.library.db import Library
from paperdex.library.store import PaperFilter

SEARCH_MODES = ("hybrid", "keyword", "semantic")


class Unavailable(RuntimeError):
    """The feature's module is not part of this build (or failed to load)."""


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise Unavailable(f"{name} is not available in this build") from exc
        raise


@dataclass
class Hit:
    """One search result as the page and the API show it."""

    kind: str  # "paper", "document" or "note"
    id: str
    title: str | None
    score: float
    snippet: str  # plain text
    highlights: list[tuple[int, int]] = field(default_factory=list)  # spans of matches in `snippet`
    note_id: str | None = None
    source: str | None = None
    year: int | None = None
    arxiv_id: str | None = None
    href: str | None = None
    snippet_html: Any = None  # set by the page: escaped snippet with <mark>s
    why: tuple[int, int] | None = None  # span in `snippet` of the note's sentence nearest the query
    why_href: str | None = None  # set by the page: the link that asks for `why`

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "title": self.title, "score": round(self.score, 6),
                "snippet": self.snippet, "highlights": [list(h) for h in self.highlights],
                "note_id": self.note_id, "source": self.source, "year": self.year, "arxiv_id": self.arxiv_id,
                "url": self.href}


def search(lib: Library, query: str, *, mode: str = "hybrid", flt: PaperFilter | None = None,
           limit: int = 20, why: str | None = None) -> list[Hit]:
    """Results as the page shows them; `why` (a note id) explains that one result by its sentence nearest
    the query (engine.explain: an embedding per sentence, so only on request)."""
    engine = _module("paperdex.search.engine")
    hits = []
    for r in engine.search(lib, query, mode=mode, flt=flt or PaperFilter(), limit=limit):
        if why and r.note_id == why and mode != "keyword":
            from paperdex.search.embed import configured

            embedder = configured()
            if embedder is not None:
                engine.explain(lib, r, query, embedder)
        text = r.snippet_text or r.snippet
        hit = Hit(kind=r.kind, id=r.id, title=r.title, score=float(r.score), snippet=text,
                  highlights=list(r.highlights) if r.snippet_text else [], note_id=r.note_id, source=r.source,
                  year=r.year, arxiv_id=r.arxiv_id, why=r.why)
        if r.kind == "paper":
            hit.href = f"/papers/{r.id}" + (f"#note-{r.note_id}" if r.note_id else "")
        elif r.note_id:
            source_id = browse.note_source_id(lib, r.note_id)
            hit.href = f"/documents/{source_id}#note-{r.note_id}" if source_id is not None else None
        hits.append(hit)
    return hits


def similar(lib: Library, paper_id: str, limit: int = 6) -> list[str]:
    """Papers nearest by the stored embeddings of their notes (none when nothing is embedded yet)."""
    model = browse.embedding_model(lib)
    rows = browse.search_doc_ids(lib, paper_id) if model else []
    if not rows:
        return []
    try:
        engine = _module("paperdex.search.engine")
        fts = _module("paperdex.library.fts")
    except Unavailable:
        return []
    import numpy as np

    ids, matrix = engine.vector_matrix(lib, model)
    mine = np.isin(ids, rows)
    if not mine.any() or mine.all():
        return []
    centre = np.asarray(matrix[mine], dtype=np.float32).mean(axis=0)
    ids, scores = engine.cosines(lib, model, centre / (np.linalg.norm(centre) or 1.0))
    scores = scores[:, 0].copy()
    scores[mine] = -np.inf
    order = np.argsort(-scores, kind="stable")[: limit * 8]
    hits = fts.hits_for(lib, [int(ids[i]) for i in order], PaperFilter())
    found: list[str] = []
    for i in order:
        hit = hits.get(int(ids[i]))
        if hit is not None and hit.paper_id and hit.paper_id != paper_id and hit.paper_id not in found:
            found.append(hit.paper_id)
    return found[:limit]


def review_items(lib: Library) -> list[dict[str, Any]]:
    """Papers waiting for review, each candidate with `why` (its evidence in words)."""
    items = _module("paperdex.library.resolution").review_items(lib)
    explain = _module("paperdex.resolve.decision").explain
    for item in items:
        for entry in item["candidates"]:
            entry["why"] = explain(entry["evidence"])
    return items


def decide_many(lib: Library, paper_ids: list[str], decision: str) -> Any:
    """Accept (the best candidate of) or reject the papers as one undoable step."""
    resolution = _module("paperdex.library.resolution")
    if decision == "accept":
        return resolution.decide_many(lib, accept_ids=paper_ids)
    return resolution.decide_many(lib, reject_ids=paper_ids)


def undo_review(lib: Library) -> list[dict[str, Any]]:
    return _module("paperdex.library.resolution").undo_last(lib)


def decide(lib: Library, paper_id: str, decision: str) -> str:
    """Accept or reject the candidate waiting for a paper; returns the paper id after (merges may change it)."""
    resolution = _module("paperdex.library.resolution")
    if decision == "accept":
        return resolution.accept(lib, paper_id)
    resolution.reject(lib, paper_id)
    return paper_id


def pick(lib: Library, paper_id: str, candidate: int) -> str:
    """Accept the candidate numbered `candidate` (1 = the best); returns the paper id after."""
    return _module("paperdex.library.resolution").accept_candidate(lib, paper_id, candidate)


def resolution_of(lib: Library, paper_id: str) -> dict[str, Any] | None:
    """The paper's resolution, with `why` (its evidence in words: title, year, authors, margin)."""
    try:
        res = _module("paperdex.library.resolution").get_resolution(lib, paper_id)
        if res is not None:
            res["why"] = _module("paperdex.resolve.decision").explain(res["evidence"])
        return res
    except Unavailable:
        return None
