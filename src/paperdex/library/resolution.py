"""Storage side of resolution: pending papers, results, applying a match, merging papers, review, HTTP cache.

Applying a match writes canonical metadata and every identifier in one
transaction; an identifier already held by another paper means the two are
one paper (a preprint and its published version), so they are merged: notes,
identifiers, titles and user data move to the older paper id.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paperdex.library import hooks
from paperdex.library.db import Library
from paperdex.library.ingest import now, paper_id_for
from paperdex.model import Identifier, NoteBlock
from paperdex.titles import normalize_title

if TYPE_CHECKING:
    from paperdex.resolve.records import Record

STATUSES = ("resolved", "ambiguous", "not_found", "failed")
MAX_CANDIDATES = 5  # kept per ambiguous paper, for a person to pick from


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass
class PendingPaper:
    """What the library knows about a paper that still needs resolving."""

    paper_id: str
    title: str | None
    year: int | None = None
    venue: str | None = None
    authors: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    attempts: int = 0


# --- HTTP cache --------------------------------------------------------------------------------


class HttpCacheStore:
    """The persistent response cache (resolve.http.ResponseCache) kept in the library."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib

    def get(self, provider: str, key: str) -> tuple[int, str] | None:
        row = self.lib.conn.execute("SELECT status, body FROM http_cache WHERE provider = ? AND key = ?",
                                    (provider, key)).fetchone()
        return (row["status"], row["body"]) if row else None

    def put(self, provider: str, key: str, status: int, body: str) -> None:
        with self.lib.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO http_cache (provider, key, status, body, fetched_at) "
                         "VALUES (?,?,?,?,?)", (provider, key, status, body, now()))


# --- what to resolve ---------------------------------------------------------------------------


def pending_papers(lib: Library, *, retry_failed: bool = False, force: bool = False) -> list[PendingPaper]:
    """Papers with no result yet (and failed ones when retrying); `force` takes every unresolved one again."""
    if force:
        where = "r.paper_id IS NULL OR r.status != 'resolved'"
    elif retry_failed:
        where = "r.paper_id IS NULL OR r.status = 'failed'"
    else:
        where = "r.paper_id IS NULL"
    rows = lib.conn.execute(
        "SELECT p.*, COALESCE(r.attempts, 0) AS attempts FROM papers p "
        f"LEFT JOIN resolutions r ON r.paper_id = p.id WHERE {where} ORDER BY p.created_at, p.id").fetchall()
    out = []
    for row in rows:
        idents = [Identifier(r["scheme"], r["value"]) for r in lib.conn.execute(
            "SELECT scheme, value FROM identifiers WHERE paper_id = ? ORDER BY scheme, value", (row["id"],))]
        out.append(PendingPaper(row["id"], row["title"], row["year"], row["venue"],
                                json.loads(row["authors"] or "[]"), idents, row["attempts"]))
    return out


def pending_notes(lib: Library, *, retry_failed: bool = False) -> list[tuple[str, str]]:
    """(note id, text) of paper-less 'note' blocks not tried yet: candidates for identification."""
    extra = " OR nr.status = 'failed'" if retry_failed else ""
    return [(r["id"], r["text"]) for r in lib.conn.execute(
        "SELECT n.id, n.text FROM notes n LEFT JOIN note_resolutions nr ON nr.note_id = n.id "
        f"WHERE n.kind = 'note' AND n.paper_id IS NULL AND (nr.note_id IS NULL{extra}) ORDER BY n.id")]


# --- results -----------------------------------------------------------------------------------


def record_status(lib: Library, paper_id: str, status: str, *, provider: str | None = None,
                  score: float | None = None, evidence: dict[str, Any] | None = None,
                  candidate: Record | None = None,
                  alternatives: list[tuple[Record, float, dict[str, Any]]] | None = None) -> None:
    """Store a result. An ambiguous paper keeps `candidate` (the best) and up to MAX_CANDIDATES - 1
    `alternatives` (record, score, evidence), best first, so review can pick another."""
    assert status in STATUSES, status
    with lib.transaction() as conn:
        _upsert_status(conn, paper_id, status, provider, score, evidence, candidate)
        if status == "ambiguous" and candidate is not None:
            ranked = [(candidate, score, evidence or {}), *(alternatives or [])][:MAX_CANDIDATES]
            conn.executemany(
                "INSERT INTO review_candidates (paper_id, position, provider, raw_id, score, evidence, candidate) "
                "VALUES (?,?,?,?,?,?,?)",
                [(paper_id, n, r.provider, r.raw_id, value if value is not None else 0.0, _dumps(ev),
                  _dumps(r.to_json())) for n, (r, value, ev) in enumerate(ranked, 1)])


def _upsert_status(conn: sqlite3.Connection, paper_id: str, status: str, provider: str | None,
                   score: float | None, evidence: dict[str, Any] | None, candidate: Record | None) -> None:
    conn.execute(
        "INSERT INTO resolutions (paper_id, status, provider, score, evidence, candidate, attempts, updated_at) "
        "VALUES (?,?,?,?,?,?,1,?) ON CONFLICT(paper_id) DO UPDATE SET status=excluded.status, "
        "provider=excluded.provider, score=excluded.score, evidence=excluded.evidence, "
        "candidate=excluded.candidate, attempts=resolutions.attempts + 1, updated_at=excluded.updated_at",
        (paper_id, status, provider, score, _dumps(evidence or {}),
         _dumps(candidate.to_json()) if candidate is not None else None, now()))
    conn.execute("DELETE FROM review_candidates WHERE paper_id = ?", (paper_id,))  # a new result replaces them


def get_resolution(lib: Library, paper_id: str) -> dict[str, Any] | None:
    row = lib.conn.execute("SELECT * FROM resolutions WHERE paper_id = ?", (paper_id,)).fetchone()
    if row is None:
        return None
    out = dict(row)
    out["evidence"] = json.loads(row["evidence"] or "{}")
    out["candidate"] = json.loads(row["candidate"]) if row["candidate"] else None
    return out


def status_counts(lib: Library) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for row in lib.conn.execute("SELECT status, count(*) AS n FROM resolutions GROUP BY status"):
        counts[row["status"]] = row["n"]
    return counts


def reset(lib: Library) -> int:
    """Forget every result except resolved ones (the HTTP cache stays), so `resolve --force` re-runs them."""
    with lib.transaction() as conn:
        return conn.execute("DELETE FROM resolutions WHERE status != 'resolved'").rowcount


# --- applying a match --------------------------------------------------------------------------


def _table_exists(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def merge_papers(conn: sqlite3.Connection, a: str, b: str) -> str:
    """Make two papers one; the older id stays. Call inside a transaction. Returns the kept id."""
    if a == b:
        return a
    rows = {r["id"]: r for r in conn.execute("SELECT * FROM papers WHERE id IN (?, ?)", (a, b))}
    keep, drop = sorted(rows.values(), key=lambda r: (r["created_at"], r["id"]))
    moved = [r["id"] for r in conn.execute("SELECT id FROM notes WHERE paper_id = ?", (drop["id"],))]
    hooks.before_notes_removed(conn, moved)
    conn.execute("UPDATE notes SET paper_id = ? WHERE paper_id = ?", (keep["id"], drop["id"]))
    conn.execute("UPDATE identifiers SET paper_id = ? WHERE paper_id = ?", (keep["id"], drop["id"]))
    conn.execute("INSERT OR IGNORE INTO paper_titles (title_norm, paper_id) "
                 "SELECT title_norm, ? FROM paper_titles WHERE paper_id = ?", (keep["id"], drop["id"]))
    for table in (*hooks.USER_DATA_TABLES, "review_decisions"):
        if _table_exists(conn, table):
            conn.execute(f"UPDATE OR IGNORE {table} SET paper_id = ? WHERE paper_id = ?", (keep["id"], drop["id"]))
    if keep["authors"] in (None, "[]") and drop["authors"] not in (None, "[]"):
        conn.execute("UPDATE papers SET authors = ? WHERE id = ?", (drop["authors"], keep["id"]))
    conn.execute(
        "UPDATE papers SET title = COALESCE(title, ?), title_norm = COALESCE(title_norm, ?), "
        "year = COALESCE(year, ?), venue = COALESCE(venue, ?), abstract = COALESCE(abstract, ?) WHERE id = ?",
        (drop["title"], drop["title_norm"], drop["year"], drop["venue"], drop["abstract"], keep["id"]))
    conn.execute("DELETE FROM papers WHERE id = ?", (drop["id"],))
    hooks.after_notes_added(conn, moved)
    return keep["id"]


def _write_match(conn: sqlite3.Connection, paper_id: str, record: Record) -> tuple[str, list[str]]:
    merged_with: list[str] = []
    for ident in record.identifiers:
        row = conn.execute("SELECT paper_id FROM identifiers WHERE scheme = ? AND value = ?",
                           (ident.scheme, ident.value)).fetchone()
        if row is None:
            conn.execute("INSERT INTO identifiers (scheme, value, paper_id) VALUES (?,?,?)",
                         (ident.scheme, ident.value, paper_id))
        elif row["paper_id"] != paper_id:
            merged_with.append(row["paper_id"])
            paper_id = merge_papers(conn, paper_id, row["paper_id"])
    title_norm = normalize_title(record.title) if record.title else None
    conn.execute(
        "UPDATE papers SET title = COALESCE(?, title), title_norm = COALESCE(?, title_norm), "
        "year = COALESCE(?, year), venue = COALESCE(?, venue), abstract = COALESCE(?, abstract), "
        "authors = CASE WHEN ? = '[]' THEN authors ELSE ? END, updated_at = ? WHERE id = ?",
        (record.title, title_norm, record.year, record.venue, record.abstract,
         _dumps(record.authors), _dumps(record.authors), now(), paper_id))
    if title_norm:
        conn.execute("INSERT OR IGNORE INTO paper_titles (title_norm, paper_id) VALUES (?,?)", (title_norm, paper_id))
    return paper_id, merged_with


def apply_match(lib: Library, paper_id: str, record: Record, *, score: float,
                evidence: dict[str, Any]) -> tuple[str, list[str]]:
    """Write the matched record onto the paper, merging papers that share an id.

    Returns the paper's id (the older one when merged) and the ids merged into it."""
    with lib.transaction() as conn:
        paper_id, merged = _write_match(conn, paper_id, record)
        if merged:
            evidence = {**evidence, "merged": merged}
        _upsert_status(conn, paper_id, "resolved", record.provider, score, evidence, record)
    return paper_id, merged


# --- review ------------------------------------------------------------------------------------


def _candidates(conn: sqlite3.Connection, paper_id: str, top: dict[str, Any], score: float | None,
                evidence: dict[str, Any]) -> list[dict[str, Any]]:
    """The numbered candidates of an ambiguous paper (one, the kept candidate, for results stored before
    migration 0005 kept several)."""
    rows = conn.execute("SELECT * FROM review_candidates WHERE paper_id = ? ORDER BY position", (paper_id,)).fetchall()
    if not rows:
        return [{"index": 1, "key": f"{top['provider']}:{top['raw_id']}", "score": score, "evidence": evidence,
                 "candidate": top}]
    return [{"index": r["position"], "key": f"{r['provider']}:{r['raw_id']}", "score": r["score"],
             "evidence": json.loads(r["evidence"]), "candidate": json.loads(r["candidate"])} for r in rows]


def review_items(lib: Library) -> list[dict[str, Any]]:
    """Ambiguous papers with their candidates (`candidate` is the best; `candidates` numbers them all),
    best score first."""
    out = []
    for row in lib.conn.execute(
            "SELECT r.*, p.title AS paper_title, p.year AS paper_year FROM resolutions r "
            "JOIN papers p ON p.id = r.paper_id WHERE r.status = 'ambiguous' AND r.candidate IS NOT NULL "
            "ORDER BY r.score DESC, r.paper_id"):
        item = dict(row)
        item["candidate"] = json.loads(row["candidate"])
        item["evidence"] = json.loads(row["evidence"] or "{}")
        item["candidates"] = _candidates(lib.conn, row["paper_id"], item["candidate"], row["score"], item["evidence"])
        out.append(item)
    return out


def rejected_keys(lib: Library, paper_id: str) -> set[str]:
    return {r["candidate_key"] for r in lib.conn.execute(
        "SELECT candidate_key FROM review_decisions WHERE paper_id = ? AND decision = 'rejected'", (paper_id,))}


def _decide(conn: sqlite3.Connection, paper_id: str, candidate: dict[str, Any], decision: str) -> None:
    conn.execute("INSERT OR REPLACE INTO review_decisions (paper_id, candidate_key, decision, candidate, decided_at) "
                 "VALUES (?,?,?,?,?)", (paper_id, f"{candidate['provider']}:{candidate['raw_id']}", decision,
                                         _dumps(candidate), now()))


def _waiting(lib: Library, paper_id: str) -> dict[str, Any]:
    res = get_resolution(lib, paper_id)
    if not res or res["status"] != "ambiguous" or not res["candidate"]:
        raise LookupError(f"paper {paper_id} has no candidate waiting for review (see `paperdex review`)")
    return res


def accept_candidate(lib: Library, paper_id: str, candidate: int | str = 1) -> str:
    """Apply one of an ambiguous paper's candidates: its number in `paperdex review` (1 = the best) or its
    key ('snapshot:2101.03697'). Returns the paper id (it may change by merging)."""
    from paperdex.resolve.records import Record

    res = _waiting(lib, paper_id)
    listed = _candidates(lib.conn, paper_id, res["candidate"], res["score"], res["evidence"])
    chosen = next((c for c in listed if c["index"] == candidate or c["key"] == candidate), None)
    if chosen is None:
        known = ", ".join(f"{c['index']} ({c['key']})" for c in listed)
        raise LookupError(f"paper {paper_id} has no candidate {candidate}; its candidates are {known}")
    record = Record.from_json(chosen["candidate"])
    with lib.transaction() as conn:
        _decide(conn, paper_id, chosen["candidate"], "accepted")
        new_id, merged = _write_match(conn, paper_id, record)
        evidence = {**chosen["evidence"], "review": "accepted"}
        if chosen["index"] != 1:
            evidence["review_pick"] = chosen["index"]
        if merged:
            evidence["merged"] = merged
        _upsert_status(conn, new_id, "resolved", record.provider, chosen["score"], evidence, record)
    return new_id


def accept(lib: Library, paper_id: str) -> str:
    """Apply the best candidate kept for review; returns the paper id (it may change by merging)."""
    return accept_candidate(lib, paper_id, 1)


def reject(lib: Library, paper_id: str) -> None:
    """None of the candidates is the paper: each is rejected and never proposed again for it."""
    res = _waiting(lib, paper_id)
    with lib.transaction() as conn:
        for c in _candidates(conn, paper_id, res["candidate"], res["score"], res["evidence"]):
            _decide(conn, paper_id, c["candidate"], "rejected")
        _upsert_status(conn, paper_id, "not_found", None, None,
                       {**res["evidence"], "review": "rejected"}, None)


# --- untitled notes ----------------------------------------------------------------------------


def record_note_status(lib: Library, note_id: str, status: str, *, score: float | None = None,
                       evidence: dict[str, Any] | None = None, candidate: Record | None = None) -> None:
    with lib.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO note_resolutions (note_id, status, score, evidence, candidate, updated_at) "
            "VALUES (?,?,?,?,?,?)", (note_id, status, score, _dumps(evidence or {}),
                                     _dumps(candidate.to_json()) if candidate is not None else None, now()))


def attach_note(lib: Library, note_id: str, record: Record, *, score: float, evidence: dict[str, Any]) -> str:
    """Tie an identified note to its paper (an existing one sharing an id, else a new one); returns the paper id."""
    with lib.transaction() as conn:
        paper_id = None
        for ident in record.identifiers:
            row = conn.execute("SELECT paper_id FROM identifiers WHERE scheme = ? AND value = ?",
                               (ident.scheme, ident.value)).fetchone()
            if row:
                paper_id = row["paper_id"]
                break
        if paper_id is None:
            paper_id = paper_id_for(NoteBlock(title=record.title, identifiers=list(record.identifiers)))
            while conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone():
                paper_id = "p" + paper_id[1:][::-1]
            stamp = now()
            conn.execute("INSERT INTO papers (id, title, title_norm, authors, created_at, updated_at) "
                         "VALUES (?,?,?,?,?,?)", (paper_id, record.title, None, "[]", stamp, stamp))
        paper_id, _ = _write_match(conn, paper_id, record)
        _upsert_status(conn, paper_id, "resolved", record.provider, score, evidence, record)
        conn.execute("UPDATE notes SET paper_id = ?, kind = 'paper' WHERE id = ?", (paper_id, note_id))
        conn.execute(
            "INSERT OR REPLACE INTO note_resolutions (note_id, status, score, evidence, candidate, updated_at) "
            "VALUES (?,?,?,?,?,?)", (note_id, "resolved", score, _dumps(evidence), _dumps(record.to_json()), now()))
        hooks.before_notes_removed(conn, [note_id])
        hooks.after_notes_added(conn, [note_id])
    return paper_id
