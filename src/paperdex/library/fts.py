"""The keyword index: keep FTS5 rows in step with notes and papers, and query them with filters.

Each note, and each paper's own metadata (title, abstract), is one row of
`search_fts` holding analysed terms (paperdex.search.analyze). The hooks below
run inside ingest's transaction, so the index never disagrees with the notes.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from paperdex.errors import LibraryBusy, LibraryReadOnly
from paperdex.library.db import Library
from paperdex.library.store import PaperFilter, note_from_row, papers_from_rows
from paperdex.model import Note, Paper
from paperdex.search.analyze import VERSION as ANALYSER_VERSION
from paperdex.search.analyze import analyze, title_acronyms, url_words

EMBED_CHARS = 1500  # the embedder reads ~512 tokens; longer text only costs time
CHUNK = 500
# A term in more than this share of rows selects no row when rarer terms are asked too (bm25 over
# all its matches is the cost of a keyword query); it still adds to the score of the rows selected.
# 2% and 5% score alike on the query sets (docs/search.md); 2% is ~1.4x faster at 100k notes...
COMMON_SHARE = 0.02
# ...unless it is in this few rows at most (small libraries).
COMMON_MIN_DOCS = 25


@dataclass
class Hit:
    """One index row that matched, with what grouping and filtering need."""

    doc_id: int
    note_id: str | None
    paper_id: str | None  # the note's paper, or the paper of a metadata row
    kind: str  # "paper" (metadata row), or the note's kind
    source_id: int | None
    score: float


def _loads(text: str | None) -> list:
    return json.loads(text) if text else []


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def note_fields(row: sqlite3.Row) -> tuple[str, str, str, str]:
    """(title, names, body) as analysed terms, and the text an embedder should read."""
    title = row["title"] or ""
    thoughts = _loads(row["thoughts"])
    quotes = _loads(row["quotes"])
    names = title_acronyms(title)
    for url in _loads(row["urls"]):
        names += url_words(url)
    names += [value for _scheme, value in _loads(row["idents"])]
    names += _loads(row["authors"])
    body = "\n".join([row["text"] or "", *thoughts, *quotes])
    embed = "\n".join(x for x in (title, row["text"] or "", *thoughts) if x)[:EMBED_CHARS]
    return analyze(title), analyze(" ".join(names)), analyze(body), embed


def paper_fields(row: sqlite3.Row, idents: list[str]) -> tuple[str, str, str, str]:
    title = row["title"] or ""
    names = title_acronyms(title) + idents + _loads(row["authors"])
    abstract = row["abstract"] or ""
    embed = "\n".join(x for x in (title, abstract) if x)[:EMBED_CHARS]
    return analyze(title), analyze(" ".join(names)), analyze(abstract), embed


def _idents(conn: sqlite3.Connection, paper_id: str) -> list[str]:
    return [r[0] for r in conn.execute("SELECT value FROM identifiers WHERE paper_id = ?", (paper_id,))]


def _bump(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE search_meta SET value = value + 1 WHERE key = 'generation'")


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _drop_rows(conn: sqlite3.Connection, column: str, keys: list[str]) -> None:
    for chunk in _chunks(keys):
        marks = ",".join("?" * len(chunk))
        conn.execute("DELETE FROM search_fts WHERE rowid IN "
                     f"(SELECT id FROM search_docs WHERE {column} IN ({marks}))", chunk)
        conn.execute(f"DELETE FROM search_docs WHERE {column} IN ({marks})", chunk)


def index_notes(conn: sqlite3.Connection, note_ids: list[str]) -> None:
    """Hook after notes are stored: index them, and refresh their papers' metadata rows."""
    if not note_ids:
        _refresh_stale(conn)
        return
    _drop_rows(conn, "note_id", note_ids)
    # The first rows of an index are written by this analyser (older rows were stamped by migration 0013).
    conn.execute("INSERT INTO search_meta (key, value) VALUES ('analyser', ?) ON CONFLICT (key) DO NOTHING",
                 (ANALYSER_VERSION,))
    papers: set[str] = set()
    for chunk in _chunks(note_ids):
        marks = ",".join("?" * len(chunk))
        fields: dict[str, tuple[str, str, str]] = {}
        docs = []
        for row in conn.execute(f"SELECT * FROM notes WHERE id IN ({marks})", chunk).fetchall():
            title, names, body, embed = note_fields(row)
            fields[row["id"]] = (title, names, body)
            docs.append((row["id"], text_hash(embed)))
            if row["paper_id"]:
                papers.add(row["paper_id"])
        # Two batched inserts per chunk, not two statements per note: on PostgreSQL each statement
        # is a round trip, and executemany sends a chunk's rows in one pipeline.
        conn.executemany("INSERT INTO search_docs (note_id, embed_hash) VALUES (?, ?)", docs)
        rowids = conn.execute(f"SELECT id, note_id FROM search_docs WHERE note_id IN ({marks})", chunk).fetchall()
        conn.executemany("INSERT INTO search_fts (rowid, title, names, body) VALUES (?,?,?,?)",
                         [(r[0], *fields[r[1]]) for r in rowids if r[1] in fields])
    refresh_papers(conn, papers)
    _refresh_stale(conn)
    _bump(conn)


def unindex_notes(conn: sqlite3.Connection, note_ids: list[str]) -> None:
    """Hook before notes are deleted: drop their rows."""
    if note_ids:
        _drop_rows(conn, "note_id", note_ids)
        _bump(conn)


def refresh_papers(conn: sqlite3.Connection, paper_ids: Iterable[str]) -> None:
    """(Re)write the metadata rows of papers; rows of papers gone are dropped."""
    ids = sorted(set(paper_ids))
    for paper_id in ids:
        row = conn.execute("SELECT * FROM papers WHERE id = ?", (paper_id,)).fetchone()
        old = conn.execute("SELECT id FROM search_docs WHERE paper_id = ?", (paper_id,)).fetchone()
        if old:
            conn.execute("DELETE FROM search_fts WHERE rowid = ?", (old["id"],))
        if row is None:
            conn.execute("DELETE FROM search_docs WHERE paper_id = ?", (paper_id,))
            continue
        idents = _idents(conn, paper_id)
        title, names, body, embed = paper_fields(row, idents)
        if old:
            doc_id = old["id"]
            conn.execute("UPDATE search_docs SET embed_hash = ? WHERE id = ?", (text_hash(embed), doc_id))
        else:
            doc_id = conn.execute("INSERT INTO search_docs (paper_id, embed_hash) VALUES (?, ?) RETURNING id",
                                  (paper_id, text_hash(embed))).fetchone()[0]
        conn.execute("INSERT INTO search_fts (rowid, title, names, body) VALUES (?,?,?,?)",
                     (doc_id, title, names, body))
    for chunk in _chunks(ids):
        conn.execute(f"DELETE FROM search_stale WHERE paper_id IN ({','.join('?' * len(chunk))})", chunk)
    if ids:
        _bump(conn)


def _refresh_stale(conn: sqlite3.Connection) -> None:
    stale = [r[0] for r in conn.execute("SELECT paper_id FROM search_stale")]
    if stale:
        refresh_papers(conn, stale)


def analysed_by(lib: Library) -> int | None:
    """The analyser version the index's terms were written by (None: nothing indexed yet)."""
    row = lib.conn.execute("SELECT value FROM search_meta WHERE key = 'analyser'").fetchone()
    return None if row is None else row[0]


def needs_reanalysis(lib: Library) -> bool:
    """Whether the index was written by an older analyser than this one (its terms would not meet
    the queries': Japanese cut by jieba before version 2)."""
    version = analysed_by(lib)
    return version is not None and version < ANALYSER_VERSION


def ensure_current(lib: Library, *, announce: Callable[[], None] | None = None) -> bool:
    """Index what the hooks could not: notes stored before this schema, papers changed by resolution,
    everything when an older analyser wrote the index (`announce` is called once that rebuild is
    under way). False when such an index could not be rebuilt (read-only, or another process writes)
    and is searched as it is until one can."""
    conn = lib.conn
    current = True
    if needs_reanalysis(lib):
        try:
            rebuild(lib, started=announce)
        except (LibraryBusy, LibraryReadOnly):
            current = False
    backfilled = conn.execute("SELECT value FROM search_meta WHERE key = 'backfilled'").fetchone()[0]
    stale = conn.execute("SELECT 1 FROM search_stale LIMIT 1").fetchone()
    if backfilled and not stale:
        return current
    try:
        with lib.transaction() as conn:
            if not backfilled:
                missing = [r[0] for r in conn.execute(
                    "SELECT id FROM notes WHERE id NOT IN (SELECT note_id FROM search_docs "
                    "WHERE note_id IS NOT NULL) ORDER BY id")]
                index_notes(conn, missing)
                conn.execute("UPDATE search_meta SET value = 1 WHERE key = 'backfilled'")
            _refresh_stale(conn)
    except LibraryBusy:
        pass  # another process is writing; its own hooks keep the index current
    except LibraryReadOnly:
        pass  # searched as it is: the hooks indexed every note stored with this schema
    return current


def rebuild(lib: Library, *, started: Callable[[], None] | None = None) -> dict[str, int]:
    """Throw the derived index away and rebuild it from the stored notes and papers (`started` is
    called after the first write went through: a read-only library can still begin a transaction)."""
    with lib.transaction() as conn:
        conn.execute("DELETE FROM search_docs")
        if started is not None:
            started()
        conn.execute("DELETE FROM search_fts")
        conn.execute("DELETE FROM search_stale")
        note_ids = [r[0] for r in conn.execute("SELECT id FROM notes ORDER BY source_id, ordinal")]
        index_notes(conn, note_ids)
        refresh_papers(conn, [r[0] for r in conn.execute("SELECT id FROM papers")])
        unused = conn.execute(
            "DELETE FROM embeddings WHERE text_hash NOT IN (SELECT embed_hash FROM search_docs)")
        conn.execute("UPDATE search_meta SET value = 1 WHERE key = 'backfilled'")
        conn.execute("UPDATE search_meta SET value = ? WHERE key = 'analyser'", (ANALYSER_VERSION,))
        if not lib.dialect.is_postgres:  # PostgreSQL's GIN index needs no merge step
            conn.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
        docs = conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
    return {"notes": len(note_ids), "rows": docs, "dropped_vectors": unused.rowcount}


@dataclass
class _Stats:
    """Row count and term document counts of one index generation (counting rows scans 200k of them)."""

    generation: int
    rows: int
    freqs: dict[str, int] = field(default_factory=dict)
    fts_rows: int = 0
    avgdl: float | None = None


_STATS: weakref.WeakKeyDictionary[Library, _Stats] = weakref.WeakKeyDictionary()
_MAX_CACHED_TERMS = 50_000


def generation(lib: Library) -> int:
    """A number that changes whenever index rows or vectors change."""
    return lib.conn.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()[0]


def _stats(lib: Library) -> _Stats:
    current = generation(lib)
    stats = _STATS.get(lib)
    if stats is None or stats.generation != current:
        rows = lib.conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
        stats = _STATS[lib] = _Stats(current, rows)
    return stats


_PAPER_ROWS: weakref.WeakKeyDictionary[Library, tuple[int, list[int]]] = weakref.WeakKeyDictionary()


def paper_row_ids(lib: Library) -> list[int]:
    """Ids of the rows holding papers' own metadata (title, abstract), cached per generation."""
    current = generation(lib)
    cached = _PAPER_ROWS.get(lib)
    if cached is None or cached[0] != current:
        ids = [r[0] for r in lib.conn.execute("SELECT id FROM search_docs WHERE paper_id IS NOT NULL")]
        cached = _PAPER_ROWS[lib] = (current, ids)
    return cached[1]


def doc_count(lib: Library) -> int:
    return _stats(lib).rows


def doc_freqs(lib: Library, terms: list[str]) -> dict[str, int]:
    """How many rows hold each term (0 for absent terms is left out)."""
    if not terms:
        return {}
    stats = _stats(lib)
    missing = [t for t in dict.fromkeys(terms) if t not in stats.freqs]
    if missing:
        if len(stats.freqs) > _MAX_CACHED_TERMS:
            stats.freqs.clear()
        if lib.dialect.is_postgres:
            from paperdex.library import pg_search

            found = pg_search.doc_freqs(lib, missing)
        else:
            marks = ",".join("?" * len(missing))
            found = {r[0]: r[1] for r in lib.conn.execute(
                f"SELECT term, doc FROM search_vocab WHERE term IN ({marks})", missing)}
        stats.freqs.update({t: found.get(t, 0) for t in missing})
    return {t: stats.freqs[t] for t in terms if stats.freqs.get(t)}


def match_plan(lib: Library, terms: list[str]) -> tuple[list[str], bool, list[str]] | None:
    """(terms to match, whether all are required, common terms that only add to the score).

    A term in more than COMMON_SHARE of the rows does not select rows when
    rarer terms are asked too (bm25 over its every match costs ~2 µs a row);
    it still adds its bm25 to the rows the rare terms select: "diffusion"
    in a library of diffusion papers is what puts "Denoising Diffusion
    Probabilistic Models" above "Denoising Autoencoders" for 扩散模型 去噪.
    A query of common words only requires them all.
    """
    freqs = doc_freqs(lib, terms)
    present = list(dict.fromkeys(t for t in terms if freqs.get(t)))
    if not present:
        return None
    limit = max(COMMON_MIN_DOCS, COMMON_SHARE * doc_count(lib))
    rare = [t for t in present if freqs[t] <= limit]
    if rare:
        return rare, False, [t for t in present if freqs[t] > limit]
    return present, True, []


def match_expression(lib: Library, terms: list[str]) -> str | None:
    """The FTS5 query of match_plan (the rows it selects; common terms are scored apart)."""
    plan = match_plan(lib, terms)
    return None if plan is None else _expression(plan[0], plan[1])


def _expression(chosen: list[str], require_all: bool) -> str:
    def quote(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    return (" AND " if require_all else " OR ").join(quote(t) for t in chosen)


# FTS5's bm25 constants (fts5_aux.c), and the column weights of migration 0002's `rank`; the in-memory
# index (search/bm25.py) and PostgreSQL (pg_search.py) rank with the same.
K1 = 1.2
B = 0.75
COLUMN_WEIGHTS = (10.0, 6.0, 1.0)  # title, names, body


def idf(rows: int, freq: int) -> float:
    """FTS5's IDF of a term found in `freq` of `rows` rows (never below 1e-6)."""
    value = math.log((rows - freq + 0.5) / (freq + 0.5))
    return value if value > 0 else 1e-6


# Rows FTS5 ranks by the selecting terms before the common terms' bm25 is added, per row asked for.
RESCORE_FACTOR = 4


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's varint (FTS5 writes its records with it): (value, next offset)."""
    value = 0
    for i in range(8):
        byte = data[at + i]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + i + 1
    return (value << 8) | data[at + 8], at + 9


def averages(lib: Library) -> tuple[int, float]:
    """(rows, average tokens per row) from FTS5's own 'averages' record: what its bm25 uses."""
    stats = _stats(lib)
    if stats.avgdl is None:
        row = lib.conn.execute("SELECT block FROM search_fts_data WHERE id = 1").fetchone()
        rows, at, total = 0, 0, 0
        if row is not None and row[0]:
            rows, at = _varint(row[0], 0)
            for _column in range(3):
                tokens, at = _varint(row[0], at)
                total += tokens
        stats.fts_rows, stats.avgdl = rows, (total / rows if rows else 0.0) or 1.0
    return stats.fts_rows, stats.avgdl


def term_scores(lib: Library, rowids: list[int], terms: list[str]) -> dict[int, dict[str, float]]:
    """Each term's bm25 in each of these rows (terms a row lacks are left out): FTS5's formula, column
    weights and IDF, computed here from the rows' stored terms, so that a query's terms can be weighed
    apart (search/engine.py counts a lexicon concept once) on either backend."""
    if not rowids or not terms:
        return {}
    wanted = list(dict.fromkeys(terms))
    if lib.dialect.is_postgres:
        from paperdex.library import pg_search

        (rows, avgdl), stored = pg_search.averages(lib), pg_search.term_frequencies(lib, rowids, wanted)
    else:
        (rows, avgdl), stored = averages(lib), _term_frequencies(lib, rowids, wanted)
    freqs = doc_freqs(lib, wanted)
    weights = {t: idf(rows, freqs.get(t, 0)) for t in wanted}
    out: dict[int, dict[str, float]] = {}
    for rowid, (length, tfs) in stored.items():
        norm = K1 * (1 - B + B * length / avgdl)
        out[rowid] = {term: weight * (tf * (K1 + 1)) / (tf + norm)
                      for term, weight in weights.items() if (tf := tfs.get(term))}
    return out


def _term_frequencies(lib: Library, rowids: list[int], terms: list[str]
                      ) -> dict[int, tuple[int, dict[str, float]]]:
    """(tokens, {term: column-weighted frequency} for `terms`) of each row, from FTS5's own store of
    the columns (FTS5 keeps no per-row frequencies one could read instead)."""
    marks = ",".join("?" * len(rowids))
    out: dict[int, tuple[int, dict[str, float]]] = {}
    for rowid, *columns in lib.conn.execute(
            f"SELECT id, c0, c1, c2 FROM search_fts_content WHERE id IN ({marks})", rowids):
        counts = [Counter((text or "").split()) for text in columns]
        length = sum(c.total() for c in counts)
        tfs = {term: tf for term in terms
               if (tf := sum(w * c[term] for w, c in zip(COLUMN_WEIGHTS, counts, strict=True)))}
        out[rowid] = (length, tfs)
    return out


def _rescored(lib: Library, ranked: list, common: list[str], limit: int) -> list[tuple[int, float]]:
    """(rowid, score) of FTS5's (rowid, rank) rows with the common terms' bm25 added, best first,
    ties by rowid as FTS5 orders them (a second FTS5 query restricted to these rows took ~0.4 s at 200k
    rows: it walks every match of the common terms)."""
    extra = term_scores(lib, [r[0] for r in ranked], common)
    scored = [(r[0], -r[1] + sum(extra.get(r[0], {}).values())) for r in ranked]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit]


def index_rows(lib: Library) -> list[tuple[int, str, str, str]]:
    """Every row of the keyword index as (rowid, title, names, body) terms, for an in-memory copy."""
    if lib.dialect.is_postgres:
        return lib.conn.execute("SELECT rowid, title, names, body FROM search_fts").fetchall()
    # search_fts_content is FTS5's own store of the columns; reading it skips the virtual table.
    return lib.conn.execute("SELECT id, c0, c1, c2 FROM search_fts_content").fetchall()


_FROM = (" FROM search_docs d LEFT JOIN notes n ON n.id = d.note_id"
         " LEFT JOIN sources s ON s.id = n.source_id"
         " LEFT JOIN papers p ON p.id = COALESCE(n.paper_id, d.paper_id)")
_COLUMNS = "d.id, d.note_id, COALESCE(n.paper_id, d.paper_id) AS paper_id, n.kind, n.source_id"


@contextmanager
def time_limit(lib: Library, at: float | None) -> Iterator[None]:
    """Stop any query of `lib` still running at monotonic time `at` (sqlite3.OperationalError "interrupted")."""
    if at is None:
        yield
        return
    if lib.dialect.is_postgres:
        from paperdex.library import pg_search

        with pg_search.time_limit(lib, at):
            yield
        return

    def past() -> int:
        return 1 if time.monotonic() > at else 0

    lib.conn.set_progress_handler(past, 10_000)
    try:
        yield
    finally:
        lib.conn.set_progress_handler(None, 0)


def filter_sql(flt: PaperFilter) -> tuple[str, list]:
    """Conditions over `_FROM` keeping rows that pass the filter (a paper row: if one of its notes does)."""
    where, args = [], []
    clause, clause_args = flt.note_clause("n")
    if clause:
        # Inside EXISTS, `n` and `s` name the paper's notes and their sources.
        where.append(f"((d.note_id IS NOT NULL AND {clause}) OR (d.paper_id IS NOT NULL AND EXISTS ("
                     "SELECT 1 FROM notes n JOIN sources s ON s.id = n.source_id "
                     f"WHERE n.paper_id = d.paper_id AND {clause})))")
        args += clause_args + clause_args
    years, year_args = flt.year_clause("COALESCE(p.year, n.year)")
    where += years
    args += year_args
    return " AND ".join(where), args


def _hit(row: sqlite3.Row, score: float) -> Hit:
    kind = row["kind"] if row["note_id"] else "paper"
    return Hit(row["id"], row["note_id"], row["paper_id"], kind, row["source_id"], score)


def keyword_hits(lib: Library, terms: list[str], flt: PaperFilter, limit: int) -> list[Hit]:
    """Best rows for the terms, bm25-ranked (score: higher is better), filters applied in SQL."""
    if lib.dialect.is_postgres:
        from paperdex.library import pg_search

        return pg_search.keyword_hits(lib, terms, flt, limit)
    plan = match_plan(lib, terms)
    if plan is None:
        return []
    expression, common = _expression(plan[0], plan[1]), plan[2]
    fetch = limit * RESCORE_FACTOR if common else limit
    if flt.is_empty():
        # FTS5 sorts by rank itself only when queried alone (joined, SQLite would look every match up
        # and sort them): rank first, then fetch the few rows kept.
        ranked = lib.conn.execute("SELECT rowid, rank FROM search_fts WHERE search_fts MATCH ? "
                                  "ORDER BY rank LIMIT ?", (expression, fetch)).fetchall()
        scored = _rescored(lib, ranked, common, limit) if common else [(r[0], -r[1]) for r in ranked]
        rows = hits_for(lib, [r[0] for r in scored], flt)
        out = []
        for doc_id, score in scored:
            hit = rows.get(doc_id)
            if hit is not None:
                hit.score = score
                out.append(hit)
        return out
    where, args = filter_sql(flt)
    sql = (f"SELECT {_COLUMNS}, search_fts.rank AS rank"
           " FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid"
           + _FROM.replace(" FROM search_docs d", "") + " WHERE search_fts MATCH ?"
           + (" AND " + where if where else "") + " ORDER BY search_fts.rank LIMIT ?")
    found = lib.conn.execute(sql, [expression, *args, fetch]).fetchall()
    if not common:
        return [_hit(r, -r["rank"]) for r in found]
    by_id = {r["id"]: r for r in found}
    return [_hit(by_id[rowid], score)
            for rowid, score in _rescored(lib, [(r["id"], r["rank"]) for r in found], common, limit)]


def hits_for(lib: Library, doc_ids: list[int], flt: PaperFilter) -> dict[int, Hit]:
    """The rows with these ids that pass the filter (for semantic candidates)."""
    where, args = filter_sql(flt)
    sql = (f"SELECT {_COLUMNS}" + _FROM + f" WHERE d.id IN ({lib.dialect.list_values('bigint')})"
           + (" AND " + where if where else ""))
    rows = lib.conn.execute(sql, [lib.dialect.list_param([int(i) for i in doc_ids]), *args]).fetchall()
    return {r["id"]: _hit(r, 0.0) for r in rows}


_NOTES = ("SELECT n.*, s.path AS source_path, s.title AS source_title FROM notes n "
          "JOIN sources s ON s.id = n.source_id")


def notes_by_id(lib: Library, note_ids: list[str]) -> dict[str, Note]:
    """The notes with these ids, in one query (results are built for a handful of rows at a time)."""
    if not note_ids:
        return {}
    rows = lib.conn.execute(_NOTES + f" WHERE n.id IN ({lib.dialect.list_values()})",
                            [lib.dialect.list_param(note_ids)])
    return {r["id"]: note_from_row(r) for r in rows}


def notes_of_papers(lib: Library, paper_ids: list[str]) -> dict[str, list[Note]]:
    """Every note of these papers, each paper's in the order store.get_paper gives them."""
    out: dict[str, list[Note]] = {pid: [] for pid in paper_ids}
    if paper_ids:
        for row in lib.conn.execute(_NOTES + f" WHERE n.paper_id IN ({lib.dialect.list_values()}) "
                                    "ORDER BY s.path, n.ordinal", [lib.dialect.list_param(paper_ids)]):
            out[row["paper_id"]].append(note_from_row(row))
    return out


def papers_by_id(lib: Library, paper_ids: list[str]) -> dict[str, Paper]:
    """These papers with their identifiers but without notes (see notes_of_papers)."""
    if not paper_ids:
        return {}
    rows = lib.conn.execute(f"SELECT * FROM papers WHERE id IN ({lib.dialect.list_values()})",
                            [lib.dialect.list_param(paper_ids)]).fetchall()
    return {paper.id: paper for paper in papers_from_rows(lib, rows, with_notes=False)}


def paper_titles(lib: Library, paper_ids: list[str]) -> dict[str, tuple[str, bool]]:
    """(title, whether it has an arXiv id) of these papers, for folding duplicate records in results."""
    if not paper_ids:
        return {}
    rows = lib.conn.execute(
        "SELECT p.id, COALESCE(p.title, ''), EXISTS (SELECT 1 FROM identifiers i WHERE i.paper_id = p.id"
        f" AND i.scheme = 'arxiv') FROM papers p WHERE p.id IN ({lib.dialect.list_values()})",
        [lib.dialect.list_param(paper_ids)]).fetchall()
    return {r[0]: (r[1], bool(r[2])) for r in rows}


def embed_texts(lib: Library, doc_ids: list[int]) -> dict[int, str]:
    """The text each row's vector is computed from (same function as its embed_hash)."""
    out: dict[int, str] = {}
    conn = lib.conn
    for chunk in _chunks(doc_ids):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute("SELECT d.id AS doc_id, n.* FROM search_docs d JOIN notes n "
                                f"ON n.id = d.note_id WHERE d.id IN ({marks})", chunk):
            out[row["doc_id"]] = note_fields(row)[3]
        for row in conn.execute("SELECT d.id AS doc_id, p.* FROM search_docs d JOIN papers p "
                                f"ON p.id = d.paper_id WHERE d.id IN ({marks})", chunk):
            out[row["doc_id"]] = paper_fields(row, _idents(conn, row["id"]))[3]
    return out
