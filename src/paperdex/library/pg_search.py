"""Keyword search on PostgreSQL, ranked exactly as SQLite's FTS5 bm25 ranks the same rows.

`search_fts` keeps each row's analysed terms (paperdex.search.analyze) in plain
columns, their distinct set in a tsvector under a GIN index, and each term's
column-weighted frequency in a jsonb map (migration postgres/0002). The index
finds the rows holding a term; the score is FTS5's bm25 (same constants, column
weights, IDF and tie order as search/bm25.py), computed in SQL from those
frequencies, because ts_rank ranks differently and the two backends must agree
on the top results."""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from paperdex.library import fts
from paperdex.library.db import Library
from paperdex.library.store import PaperFilter

# bm25 of a row over the query terms (u.t) and their IDFs (u.idf), as FTS5 computes it: each term's
# column-weighted frequency in the row (f.tf, kept by migration postgres/0002), normalised by the row's
# length against the average (the first parameter). Only rows the GIN index found are scored, and the
# database keeps the top ones.
_BM25 = (f"(SELECT sum(q.idf * (q.tf * {fts.K1 + 1!r}) / (q.tf + {fts.K1!r} * (1 - {fts.B!r} + {fts.B!r} * f.length / ?::float8))) "
         "FROM (SELECT u.idf, (f.tf ->> u.t)::float8 AS tf "
         "FROM unnest(?::text[], ?::float8[]) WITH ORDINALITY AS u(t, idf, i) ORDER BY u.i) AS q WHERE q.tf > 0)")


def tsquery_term(term: str) -> str:
    """One analysed term as a tsquery lexeme, quoted so that nothing in it is read as an operator."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def doc_freqs(lib: Library, terms: list[str]) -> dict[str, int]:
    """How many rows hold each term (the GIN index answers each count), in one round trip."""
    rows = lib.conn.execute("SELECT u.t, (SELECT count(*) FROM search_fts WHERE terms @@ u.q::tsquery) "
                            "FROM unnest(?::text[], ?::text[]) AS u(t, q)",
                            [list(terms), [tsquery_term(t) for t in terms]]).fetchall()
    return {r[0]: r[1] for r in rows}


_LENGTHS: weakref.WeakKeyDictionary[Library, tuple[int, int, float]] = weakref.WeakKeyDictionary()


def averages(lib: Library) -> tuple[int, float]:
    """(rows, average tokens per row) of the index, as FTS5 keeps them; cached per generation."""
    current = fts.generation(lib)
    cached = _LENGTHS.get(lib)
    if cached is None or cached[0] != current:
        total, rows = lib.conn.execute("SELECT COALESCE(sum(length), 0), count(*) FROM search_fts").fetchone()
        cached = _LENGTHS[lib] = (current, rows, (total / rows if rows else 0.0) or 1.0)
    return cached[1], cached[2]


def term_frequencies(lib: Library, rowids: list[int], terms: list[str]
                     ) -> dict[int, tuple[int, dict[str, float]]]:
    """(tokens, {term: column-weighted frequency} for `terms`) of each row, as migration postgres/0002
    keeps them."""
    found = lib.conn.execute("SELECT rowid, length, tf FROM search_fts WHERE rowid = ANY(?::bigint[])",
                             [list(rowids)]).fetchall()
    return {r[0]: (r[1], {t: float(r[2][t]) for t in terms if r[2].get(t)}) for r in found}


def keyword_hits(lib: Library, terms: list[str], flt: PaperFilter, limit: int) -> list[fts.Hit]:
    """Best rows for the terms, bm25-ranked (higher is better), filters applied in SQL."""
    plan = fts.match_plan(lib, terms)
    if plan is None:
        return []
    chosen, require_all, common = plan
    query = (" & " if require_all else " | ").join(tsquery_term(t) for t in chosen)
    rows, avgdl = averages(lib)
    freqs = fts.doc_freqs(lib, chosen + common)
    idfs = [fts.idf(rows, freqs.get(t, 0)) for t in chosen]
    where, args = fts.filter_sql(flt)
    inner = (f"SELECT {fts._COLUMNS}, {_BM25} AS score, f.tf AS tf, f.length AS length"
             " FROM search_fts f JOIN search_docs d ON d.id = f.rowid"
             + fts._FROM.replace(" FROM search_docs d", "") + " WHERE f.terms @@ ?::tsquery"
             + (" AND " + where if where else "") + ") AS ranked ORDER BY score DESC, id LIMIT ?")
    if not common:
        sql = "SELECT * FROM (" + inner
        found = lib.conn.execute(sql, [avgdl, chosen, idfs, query, *args, limit]).fetchall()
        return [fts._hit(row, row["score"]) for row in found]
    # As fts.keyword_hits: the best limit x RESCORE_FACTOR rows by the selecting terms get the common
    # terms' bm25 added, and compete again.
    extra = _BM25.replace("f.length", "best.length").replace("f.tf", "best.tf")
    sql = (f"SELECT * FROM (SELECT best.*, best.score + COALESCE({extra}, 0) AS total FROM "
           "(SELECT * FROM (" + inner + ") AS best) AS rescored ORDER BY total DESC, id LIMIT ?")
    found = lib.conn.execute(sql, [avgdl, common, [fts.idf(rows, freqs.get(t, 0)) for t in common],
                                   avgdl, chosen, idfs, query, *args, limit * fts.RESCORE_FACTOR, limit]).fetchall()
    return [fts._hit(row, row["total"]) for row in found]


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

