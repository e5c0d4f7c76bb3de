"""Keyword search on PostgreSQL, ranked exactly as SQLite's FTS5 bm25 ranks the same rows.

`search_fts` keeps each row's analysed terms (paperdex.search.analyze) in plain
columns and their distinct set in a tsvector under a GIN index (migration
postgres/0002). The index finds the rows holding a term; the score is FTS5's
bm25 (same constants, column weights, IDF and tie order as search/bm25.py),
computed here from the term counts PostgreSQL returns, because ts_rank ranks
differently and the two backends must agree on the top results.
"""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from paperdex.library import fts
from paperdex.library.db import Library
from paperdex.library.store import PaperFilter
from paperdex.search.bm25 import COLUMN_WEIGHTS, K1, B

# Each query term's column-weighted frequency in a row, in the order the terms are given.
_WEIGHTED_TF = ("ARRAY(SELECT " + " + ".join(
    f"{weight:g} * cardinality(array_positions(string_to_array(f.{column}, ' '), q.t))"
    for column, weight in zip(("title", "names", "body"), COLUMN_WEIGHTS, strict=True))
    + " FROM unnest(?::text[]) WITH ORDINALITY AS q(t, i) ORDER BY q.i)")


def tsquery_term(term: str) -> str:
    """One analysed term as a tsquery lexeme, quoted so that nothing in it is read as an operator."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def doc_freqs(lib: Library, terms: list[str]) -> dict[str, int]:
    """How many rows hold each term (the GIN index answers each count)."""
    return {t: lib.conn.execute("SELECT count(*) FROM search_fts WHERE terms @@ ?::tsquery",
                                (tsquery_term(t),)).fetchone()[0] for t in terms}


_LENGTHS: weakref.WeakKeyDictionary[Library, tuple[int, int, float]] = weakref.WeakKeyDictionary()


def _avgdl(lib: Library) -> tuple[int, float]:
    """(rows, average tokens per row) of the index, as FTS5 keeps them; cached per generation."""
    current = fts.generation(lib)
    cached = _LENGTHS.get(lib)
    if cached is None or cached[0] != current:
        total, rows = lib.conn.execute("SELECT COALESCE(sum(length), 0), count(*) FROM search_fts").fetchone()
        cached = _LENGTHS[lib] = (current, rows, (total / rows if rows else 0.0) or 1.0)
    return cached[1], cached[2]


def keyword_hits(lib: Library, terms: list[str], flt: PaperFilter, limit: int) -> list[fts.Hit]:
    """Best rows for the terms, bm25-ranked (higher is better), filters applied in SQL."""
    plan = fts.match_plan(lib, terms)
    if plan is None:
        return []
    chosen, require_all = plan
    chosen = list(dict.fromkeys(chosen))
    query = (" & " if require_all else " | ").join(tsquery_term(t) for t in chosen)
    rows, avgdl = _avgdl(lib)
    freqs = fts.doc_freqs(lib, chosen)
    idfs = []
    for term in chosen:
        idf = math.log((rows - freqs.get(term, 0) + 0.5) / (freqs.get(term, 0) + 0.5))
        idfs.append(idf if idf > 0 else 1e-6)
    where, args = fts.filter_sql(flt)
    sql = (f"SELECT {fts._COLUMNS}, f.length AS length, {_WEIGHTED_TF} AS tf"
           " FROM search_fts f JOIN search_docs d ON d.id = f.rowid"
           + fts._FROM.replace(" FROM search_docs d", "") + " WHERE f.terms @@ ?::tsquery"
           + (" AND " + where if where else ""))
    scored = []
    for row in lib.conn.execute(sql, [chosen, query, *args]):
        norm = K1 * (1 - B + B * row["length"] / avgdl)
        score = 0.0
        for idf, tf in zip(idfs, row["tf"], strict=True):
            if tf:
                score += idf * (tf * (K1 + 1)) / (tf + norm)
        scored.append((score, row))
    scored.sort(key=lambda item: (-item[0], item[1]["id"]))  # ties by rowid, as FTS5
    return [fts._hit(row, score) for score, row in scored[:limit]]


@contextmanager
def time_limit(lib: Library, at: float) -> Iterator[None]:
    """Cancel any statement still running at monotonic time `at` (psycopg raises QueryCanceled)."""
    left_ms = max(1, int((at - time.monotonic()) * 1000))
    lib.conn.execute(f"SET statement_timeout = {left_ms}")
    try:
        yield
    finally:
        if not lib.conn.raw.closed:
            lib.conn.execute("SET statement_timeout = 0")

