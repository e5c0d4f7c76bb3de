"""The offline arXiv snapshot table: batched import and the title index lookups the matcher needs."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

from paperdex.library.db import Library

# (id, title, title_norm, authors JSON, year, doi, categories, journal_ref, abstract, update_date)
SnapshotRow = tuple[str, str, str, str, int | None, str | None, str | None, str | None, str | None, str | None]
COLUMNS = "id, title, title_norm, authors, year, doi, categories, journal_ref, abstract, update_date"
BATCH = 20_000

_INSERT = f"INSERT OR IGNORE INTO snapshot ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)"
_UPDATE = (
    "UPDATE snapshot SET title=?, title_norm=?, authors=?, year=?, doi=?, categories=?, journal_ref=?, "
    "abstract=?, update_date=? WHERE rowid=?"
)


def pairs_of(title_norm: str) -> str:
    """'deep residual learning' -> 'deep_residual residual_learning': the tokens of snapshot_pairs."""
    words = title_norm.split()
    return " ".join(f"{a}_{b}" for a, b in pairwise(words))


@dataclass
class ImportStats:
    read: int = 0
    written: int = 0  # inserted or changed; unchanged re-imports are skipped


def _existing(conn: sqlite3.Connection, ids: list[str]) -> dict[str, sqlite3.Row]:
    found: dict[str, sqlite3.Row] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in conn.execute("SELECT rowid, id, title, title_norm, update_date FROM snapshot "
                                f"WHERE id IN ({','.join('?' * len(chunk))})", chunk):
            found[row["id"]] = row
    return found


def _write_batch(conn: sqlite3.Connection, rows: list[SnapshotRow]) -> int:
    """Insert new records, update changed ones, and keep the FTS index in step; returns rows written."""
    old = _existing(conn, [r[0] for r in rows]) if conn.execute("SELECT 1 FROM snapshot LIMIT 1").fetchone() else {}
    fresh = [r for r in rows if r[0] not in old]
    changed = [(r, old[r[0]]) for r in rows if r[0] in old
               and (old[r[0]]["update_date"] != r[9] or old[r[0]]["title"] != r[1])]
    top = conn.execute("SELECT COALESCE(max(rowid), 0) FROM snapshot").fetchone()[0]
    conn.executemany(_INSERT, fresh)
    conn.execute("INSERT INTO snapshot_fts(rowid, title_norm) SELECT rowid, title_norm FROM snapshot "
                 "WHERE rowid > ?", (top,))
    conn.executemany("INSERT INTO snapshot_pairs(rowid, pairs) VALUES (?, ?)", [
        (r[0], pairs_of(r[1])) for r in conn.execute("SELECT rowid, title_norm FROM snapshot WHERE rowid > ?",
                                                      (top,)).fetchall()])
    for row, prev in changed:
        conn.execute("INSERT INTO snapshot_fts(snapshot_fts, rowid, title_norm) VALUES ('delete', ?, ?)",
                     (prev["rowid"], prev["title_norm"]))
        conn.execute("INSERT INTO snapshot_pairs(snapshot_pairs, rowid, pairs) VALUES ('delete', ?, ?)",
                     (prev["rowid"], pairs_of(prev["title_norm"])))
        conn.execute(_UPDATE, (*row[1:], prev["rowid"]))
        conn.execute("INSERT INTO snapshot_fts(rowid, title_norm) VALUES (?, ?)", (prev["rowid"], row[2]))
        conn.execute("INSERT INTO snapshot_pairs(rowid, pairs) VALUES (?, ?)", (prev["rowid"], pairs_of(row[2])))
    return conn.execute("SELECT COALESCE(max(rowid), 0) FROM snapshot").fetchone()[0] - top + len(changed)


def import_rows(lib: Library, rows: Iterable[SnapshotRow], *, batch: int = BATCH,
                progress: Callable[[int], None] | None = None) -> ImportStats:
    """Write rows in batches, one transaction per batch, so memory stays flat and an interrupt loses one batch."""
    stats = ImportStats()
    conn = lib.conn
    conn.execute("PRAGMA cache_size = -262144")  # 256 MB page cache while the indexes grow
    buf: list[SnapshotRow] = []

    def flush() -> None:
        with lib.transaction():
            stats.written += _write_batch(conn, buf)
        if progress:
            progress(len(buf))
        buf.clear()

    for row in rows:
        stats.read += 1
        buf.append(row)
        if len(buf) >= batch:
            flush()
    if buf:
        flush()
    with lib.transaction():
        conn.execute("INSERT INTO snapshot_fts(snapshot_fts) VALUES ('optimize')")
        conn.execute("INSERT INTO snapshot_pairs(snapshot_pairs) VALUES ('optimize')")
    return stats


def count(lib: Library) -> int:
    return lib.conn.execute("SELECT count(*) FROM snapshot").fetchone()[0]


def has_rows(lib: Library) -> bool:
    """Whether a snapshot is imported: count() reads all 2.7M rows (0.24 s) to say the same."""
    return lib.conn.execute("SELECT 1 FROM snapshot LIMIT 1").fetchone() is not None


def size(lib: Library) -> int:
    """The number of rows, read off the largest rowid in one index step instead of counted: import only
    appends and updates in place, never deletes, so the two agree."""
    return lib.conn.execute("SELECT COALESCE(max(rowid), 0) FROM snapshot").fetchone()[0]


def by_ids(lib: Library, arxiv_ids: Iterable[str]) -> list[sqlite3.Row]:
    ids = list(arxiv_ids)
    out: list[sqlite3.Row] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        out += lib.conn.execute(
            f"SELECT * FROM snapshot WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
    return out


def by_rowids(lib: Library, rowids: Iterable[int]) -> list[sqlite3.Row]:
    ids = list(rowids)
    if not ids:
        return []
    return lib.conn.execute(
        f"SELECT * FROM snapshot WHERE rowid IN ({','.join('?' * len(ids))})", ids).fetchall()


def exact_title(lib: Library, title_norm: str) -> list[sqlite3.Row]:
    return lib.conn.execute("SELECT * FROM snapshot WHERE title_norm = ? LIMIT 20", (title_norm,)).fetchall()


def exact_titles(lib: Library, title_norms: Iterable[str], limit: int = 20) -> dict[str, list[sqlite3.Row]]:
    """exact_title for many titles at once (title_norm -> rows, in rowid order): one query per 500
    titles instead of one per title, which is most of a resolve run's lookups (titles copied as written)."""
    norms = list(dict.fromkeys(title_norms))
    out: dict[str, list[sqlite3.Row]] = {}
    for start in range(0, len(norms), 500):
        chunk = norms[start : start + 500]
        for row in lib.conn.execute(f"SELECT * FROM snapshot WHERE title_norm IN ({','.join('?' * len(chunk))}) "
                                    "ORDER BY title_norm, rowid", chunk):
            rows = out.setdefault(row["title_norm"], [])
            if len(rows) < limit:
                rows.append(row)
    return out


def titles_for(lib: Library, rowids: Iterable[int]) -> list[tuple[int, str]]:
    ids = list(rowids)
    if not ids:
        return []
    return [(r[0], r[1]) for r in lib.conn.execute(
        f"SELECT rowid, title_norm FROM snapshot WHERE rowid IN ({','.join('?' * len(ids))})", ids)]


def doc_frequency(lib: Library, term: str) -> int:
    """How many snapshot titles hold the word (0 when none): rare words make good blocking keys."""
    row = lib.conn.execute("SELECT doc FROM snapshot_vocab WHERE term = ?", (term,)).fetchone()
    return row[0] if row else 0


def rows_with_term(lib: Library, term: str, limit: int) -> list[int]:
    phrase = '"' + term.replace('"', '""') + '"'
    return [r[0] for r in lib.conn.execute(
        "SELECT rowid FROM snapshot_fts WHERE snapshot_fts MATCH ? LIMIT ?", (phrase, limit))]


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def rows_with_all(lib: Library, terms: list[str], limit: int) -> list[int]:
    """Rows whose title holds every one of the words."""
    return rows_matching(lib, [[t] for t in terms], limit)


def rows_matching(lib: Library, groups: list[list[str]], limit: int) -> list[int]:
    """Rows whose title holds a word of every group: (a OR a') AND b AND ..., evaluated by FTS5 in C."""
    query = " AND ".join("(" + " OR ".join(_phrase(t) for t in group) + ")" for group in groups if group)
    if not query:
        return []
    return [r[0] for r in lib.conn.execute(
        "SELECT rowid FROM snapshot_fts WHERE snapshot_fts MATCH ? LIMIT ?", (query, limit))]


def _rowid_strings(lib: Library, select: str, params: tuple) -> list[str]:
    """The rowids a SELECT of one rowid column gives, in its order, as decimal strings joined by SQLite:
    a posting list of 700 rows costs ~90 us this way against ~500 us as 700 Row objects. The strings
    are only counted (a title's votes); the few chosen are turned into ints."""
    row = lib.conn.execute(f"SELECT group_concat(rowid, ' ') FROM ({select})", params).fetchone()
    return row[0].split() if row[0] else []


def postings(lib: Library, groups: list[list[str]], limit: int) -> list[str]:
    """rows_matching's rowids, as decimal strings (see _rowid_strings)."""
    query = " AND ".join("(" + " OR ".join(_phrase(t) for t in group) + ")" for group in groups if group)
    if not query:
        return []
    return _rowid_strings(lib, "SELECT rowid FROM snapshot_fts WHERE snapshot_fts MATCH ? LIMIT ?", (query, limit))


def pair_postings(lib: Library, pair: str, limit: int) -> list[str]:
    """rows_with_pair's rowids, as decimal strings (see _rowid_strings)."""
    return _rowid_strings(lib, "SELECT rowid FROM snapshot_pairs WHERE snapshot_pairs MATCH ? LIMIT ?",
                          (_phrase(pair), limit))


def titles_matching(lib: Library, groups: list[list[str]], min_len: int, max_len: int,
                    limit: int) -> list[tuple[int, str]]:
    """(rowid, title_norm) of rows matching every group whose normalised title length is in range:
    a title too short or too long to be similar enough is not worth taking out of the database."""
    query = " AND ".join("(" + " OR ".join(_phrase(t) for t in group) + ")" for group in groups if group)
    if not query:
        return []
    return [(r[0], r[1]) for r in lib.conn.execute(
        "SELECT s.rowid, s.title_norm FROM snapshot_fts f JOIN snapshot s ON s.rowid = f.rowid "
        "WHERE snapshot_fts MATCH ? AND length(s.title_norm) BETWEEN ? AND ? LIMIT ?",
        (query, min_len, max_len, limit))]


# --- typo keys: the vocabulary under each word and its one-letter deletions ---------------------


def rebuild_keys(lib: Library, keys_for: Callable[[str], Iterable[str]], *, batch: int = 50_000) -> int:
    """Refill snapshot_keys from the FTS5 vocabulary: each term under itself and under keys_for(term).

    Streams the vocabulary (no list of it in memory) and writes in one transaction; returns rows written.
    """
    written = 0
    with lib.transaction() as conn:
        conn.execute("DELETE FROM snapshot_keys")
        vocab = lib.conn.cursor().execute("SELECT term, doc FROM snapshot_vocab")
        buf: list[tuple[str, str, int]] = []
        for term, df in vocab:
            buf.append((term, term, df))
            buf += [(key, term, df) for key in keys_for(term)]
            if len(buf) >= batch:
                conn.executemany("INSERT OR IGNORE INTO snapshot_keys (key, term, df) VALUES (?,?,?)", buf)
                written += len(buf)
                buf.clear()
        conn.executemany("INSERT OR IGNORE INTO snapshot_keys (key, term, df) VALUES (?,?,?)", buf)
        written += len(buf)
    return written


def has_keys(lib: Library) -> bool:
    """Whether the typo keys exist (a snapshot imported before migration 0005 has none until reindexed)."""
    return lib.conn.execute("SELECT 1 FROM snapshot_keys LIMIT 1").fetchone() is not None


def pairs_missing(lib: Library) -> bool:
    """Whether rows imported before migration 0005 lack their word pairs (rebuild_pairs adds them)."""
    return lib.conn.execute("SELECT 1 FROM snapshot_meta WHERE name = 'pairs_missing'").fetchone() is not None


def rebuild_pairs(lib: Library, *, batch: int = 50_000) -> int:
    """Index every title's word pairs afresh, streaming the table; returns the titles indexed."""
    done = 0
    with lib.transaction() as conn:
        conn.execute("INSERT INTO snapshot_pairs(snapshot_pairs) VALUES ('delete-all')")
        last = 0
        while True:
            rows = conn.execute("SELECT rowid, title_norm FROM snapshot WHERE rowid > ? ORDER BY rowid LIMIT ?",
                                (last, batch)).fetchall()
            if not rows:
                break
            conn.executemany("INSERT INTO snapshot_pairs(rowid, pairs) VALUES (?, ?)",
                             [(r[0], pairs_of(r[1])) for r in rows])
            done, last = done + len(rows), rows[-1][0]
        conn.execute("INSERT INTO snapshot_pairs(snapshot_pairs) VALUES ('optimize')")
        conn.execute("DELETE FROM snapshot_meta WHERE name = 'pairs_missing'")
    return done


def rows_with_pair(lib: Library, pair: str, limit: int) -> list[int]:
    """Rows whose title has the two words side by side ('deep_learning')."""
    return [r[0] for r in lib.conn.execute(
        "SELECT rowid FROM snapshot_pairs WHERE snapshot_pairs MATCH ? LIMIT ?", (_phrase(pair), limit))]


def terms_for_keys(lib: Library, keys: Iterable[str]) -> list[tuple[str, str, int]]:
    """(key, term, df) of every vocabulary term filed under one of the keys."""
    ks = list(dict.fromkeys(keys))
    out: list[tuple[str, str, int]] = []
    for start in range(0, len(ks), 500):
        chunk = ks[start : start + 500]
        out += [(r[0], r[1], r[2]) for r in lib.conn.execute(
            f"SELECT key, term, df FROM snapshot_keys WHERE key IN ({','.join('?' * len(chunk))})", chunk)]
    return out


# A PostgreSQL library keeps its snapshot in a local SQLite file (library/snapshot_file.py): every
# public function above whose first parameter is the library runs on that file instead. Wrapped by
# that rule, not by a list, so a new look-up can't be forgotten (on SQLite the wrapper passes `lib` on).
from types import FunctionType  # noqa: E402

from paperdex.library.snapshot_file import on_snapshot_file  # noqa: E402

for _name, _func in list(globals().items()):
    if (isinstance(_func, FunctionType) and _func.__module__ == __name__ and not _name.startswith("_")
            and _func.__code__.co_argcount and _func.__code__.co_varnames[0] == "lib"):
        globals()[_name] = on_snapshot_file(_func)
