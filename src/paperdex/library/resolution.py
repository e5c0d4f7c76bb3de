"""Storage side of resolution: pending papers, results, applying a match, merging papers, review, HTTP cache.

Applying a match writes canonical metadata and every identifier; an
identifier already held by another paper means the two are one paper (a
preprint and its published version), so they are merged: notes, identifiers,
titles and user data move to the older paper id. A match that would leave a
paper with two arXiv ids is refused (`IdConflict`): that is two papers.
The resolver writes its results a batch of papers per transaction
(`write_outcomes`); every review decision is logged with the rows it
changed, so `undo_last` can put them back.
"""

from __future__ import annotations

import collections
import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paperdex.library import hooks
from paperdex.library.db import Library
from paperdex.library.dialect import dialect_of, upsert
from paperdex.library.ingest import now, paper_id_for
from paperdex.model import Identifier, NoteBlock
from paperdex.titles import normalize_title

if TYPE_CHECKING:
    from paperdex.resolve.records import Record

STATUSES = ("resolved", "ambiguous", "not_found", "failed")
MAX_CANDIDATES = 5  # kept per ambiguous paper, for a person to pick from
ID_CONFLICT = "the note's arXiv id differs"


class IdConflict(LookupError):
    """Applying this record would give one paper two arXiv ids."""


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
            conn.execute(upsert("http_cache", ("provider", "key", "status", "body", "fetched_at"),
                                ("provider", "key")), (provider, key, status, body, now()))


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
    idents: dict[str, list[Identifier]] = {}
    if rows:  # one query for every pending paper's identifiers, not one per paper
        for r in lib.conn.execute(
                f"SELECT i.paper_id, i.scheme, i.value FROM identifiers i JOIN papers p ON p.id = i.paper_id "
                f"LEFT JOIN resolutions r ON r.paper_id = p.id WHERE {where} ORDER BY i.scheme, i.value"):
            idents.setdefault(r["paper_id"], []).append(Identifier(r["scheme"], r["value"]))
    return [PendingPaper(row["id"], row["title"], row["year"], row["venue"],
                         json.loads(a) if (a := row["authors"]) and a != "[]" else [],  # most notes name none
                         idents.get(row["id"], []), row["attempts"]) for row in rows]


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
    with lib.transaction() as conn:
        _record_status(conn, paper_id, status, provider, score, evidence, candidate, alternatives)


def _record_status(conn: sqlite3.Connection, paper_id: str, status: str, provider: str | None,
                   score: float | None, evidence: dict[str, Any] | None, candidate: Record | None,
                   alternatives: list[tuple[Record, float, dict[str, Any]]] | None) -> None:
    assert status in STATUSES, status
    _upsert_status(conn, paper_id, status, provider, score, evidence, candidate)
    if status == "ambiguous" and candidate is not None:
        ranked = [(candidate, score, evidence or {}), *(alternatives or [])][:MAX_CANDIDATES]
        conn.executemany(
            "INSERT INTO review_candidates (paper_id, position, provider, raw_id, score, evidence, candidate) "
            "VALUES (?,?,?,?,?,?,?)",
            [(paper_id, n, r.provider, r.raw_id, value if value is not None else 0.0, _dumps(ev),
              _dumps(r.to_json())) for n, (r, value, ev) in enumerate(ranked, 1)])


@dataclass
class Outcome:
    """One paper's result, as the resolver decided it: `record` to apply (status resolved), or the
    `candidates` (record, score, evidence) to offer for review, best first (status ambiguous)."""

    paper_id: str
    status: str
    record: Record | None = None
    score: float | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    candidates: list[tuple[Record, float, dict[str, Any]]] = field(default_factory=list)


@dataclass
class Written:
    paper_id: str  # after merges
    status: str  # what was stored (an accepted record refused for an id conflict becomes ambiguous)
    merged: list[str] = field(default_factory=list)


def write_outcomes(lib: Library, outcomes: list[Outcome]) -> list[Written]:
    """Store a batch of results in one transaction (one fsync per batch, not per paper).

    Most results touch nothing but their own paper (a new id, no merge, no conflict): those are
    found with two queries for the whole batch and written with one `executemany` per statement;
    the rest (merges, conflicts, review candidates) go one by one, in order, as before.
    """
    out: list[Written] = []
    moved: dict[str, str] = {}  # paper ids merged away in this batch -> the id kept
    if not outcomes:
        return out
    with lib.transaction() as conn:
        alone, missing = _independent(conn, outcomes)
        out += _write_alone(conn, [outcomes[k] for k in sorted(alone)])
        for k, o in enumerate(outcomes):
            if k in alone or k in missing:
                continue
            pid = o.paper_id
            while pid in moved:
                pid = moved[pid]
            if pid != o.paper_id and o.status != "resolved":
                continue  # merged into a paper resolved earlier in this batch: that result stands
            if not conn.execute("SELECT 1 FROM papers WHERE id = ?", (pid,)).fetchone():
                continue  # pruned meanwhile (another process re-added its file)
            if o.status == "resolved" and o.record is not None:
                try:
                    new_id, merged = _write_match(conn, pid, o.record)
                except IdConflict as exc:
                    evidence = {**o.evidence, "reason": ID_CONFLICT, "conflict": str(exc)}
                    _record_status(conn, pid, "ambiguous", o.record.provider, o.score, evidence, o.record, [])
                    out.append(Written(pid, "ambiguous"))
                    continue
                for gone in [*merged, pid]:
                    if gone != new_id:
                        moved[gone] = new_id
                evidence = {**o.evidence, "merged": merged} if merged else o.evidence
                _upsert_status(conn, new_id, "resolved", o.record.provider, o.score, evidence, o.record)
                out.append(Written(new_id, "resolved", merged))
            elif o.status == "ambiguous" and o.candidates:
                (top, value, ev), *rest = o.candidates
                _record_status(conn, pid, "ambiguous", top.provider, value, ev, top, rest)
                out.append(Written(pid, "ambiguous"))
            else:
                _upsert_status(conn, pid, o.status, o.record.provider if o.record else None, o.score,
                               o.evidence, None)
                out.append(Written(pid, o.status))
    return out


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    return [items[k : k + size] for k in range(0, len(items), size)]


def _independent(conn: sqlite3.Connection, outcomes: list[Outcome]) -> tuple[set[int], set[int]]:
    """(outcomes that can be written in bulk, outcomes whose paper no longer exists), by position.

    An outcome is written in bulk when its writes touch no row another outcome of the batch reads or
    writes: its paper is in the batch once and holds none of the batch's record identifiers, and (for
    a match) none of its record's identifiers is held by any paper or named by another record of the
    batch, and the paper holds no other arXiv id. The one-by-one path would do exactly the same then.
    """
    pids = Counter(o.paper_id for o in outcomes)
    wanted = list(pids)
    existing: set[str] = set()
    held: dict[str, set[str]] = {}  # the arXiv ids each paper holds already
    for chunk in _chunks(wanted):
        for r in conn.execute("SELECT p.id, i.value FROM papers p LEFT JOIN identifiers i ON i.paper_id = p.id "
                              f"AND i.scheme = 'arxiv' WHERE p.id IN ({','.join('?' * len(chunk))})", chunk):
            existing.add(r[0])
            if r[1] is not None:
                held.setdefault(r[0], set()).add(r[1])
    named: Counter[Identifier] = Counter(
        i for o in outcomes if o.status == "resolved" and o.record is not None for i in set(o.record.identifiers))
    owners: dict[Identifier, str] = {}
    by_scheme: dict[str, list[str]] = {}
    for ident in named:
        by_scheme.setdefault(ident.scheme, []).append(ident.value)
    for scheme, values in sorted(by_scheme.items()):
        for chunk in _chunks(values):
            for r in conn.execute("SELECT value, paper_id FROM identifiers WHERE scheme = ? AND value IN "
                                  f"({','.join('?' * len(chunk))})", [scheme, *chunk]):
                owners[Identifier(scheme, r[0])] = r[1]
    holders = set(owners.values())
    alone: set[int] = set()
    gone = {k for k, o in enumerate(outcomes) if pids[o.paper_id] == 1 and o.paper_id not in existing}
    for k, o in enumerate(outcomes):
        if pids[o.paper_id] > 1 or o.paper_id in holders or k in gone:
            continue
        if o.status == "resolved" and o.record is not None:
            idents = o.record.identifiers
            theirs = {i.value for i in idents if i.scheme == "arxiv"}
            if (all(i not in owners and named[i] == 1 for i in idents)
                    and len(held.get(o.paper_id, set()) | theirs) <= 1):
                alone.add(k)
        elif o.status != "ambiguous":
            alone.add(k)
    return alone, gone


def _write_alone(conn: sqlite3.Connection, outcomes: list[Outcome]) -> list[Written]:
    """Write results that touch only their own paper (see _independent), one executemany per statement."""
    stamp = now()
    matched = [o for o in outcomes if o.status == "resolved" and o.record is not None]
    conn.executemany("INSERT INTO identifiers (scheme, value, paper_id) VALUES (?,?,?)",
                     [(i.scheme, i.value, o.paper_id) for o in matched for i in o.record.identifiers])
    rows = []
    for o in matched:
        r = o.record
        authors = _dumps(r.authors)
        rows.append((r.title, normalize_title(r.title) if r.title else None, r.year, r.venue, r.abstract,
                     authors, authors, stamp, o.paper_id))
    conn.executemany(_UPDATE_PAPER, rows)
    conn.executemany("INSERT INTO paper_titles (title_norm, paper_id) VALUES (?,?) ON CONFLICT DO NOTHING",
                     [(row[1], row[8]) for row in rows if row[1]])
    _upsert_statuses(conn, [
        _status_row(o.paper_id, o.status, o.record.provider if o.record else None, o.score, o.evidence,
                    o.record if o.status == "resolved" else None, stamp) for o in outcomes])
    return [Written(o.paper_id, o.status) for o in outcomes]


_UPSERT_STATUS = (
    "INSERT INTO resolutions (paper_id, status, provider, score, evidence, candidate, attempts, updated_at) "
    "VALUES (?,?,?,?,?,?,1,?) ON CONFLICT(paper_id) DO UPDATE SET status=excluded.status, "
    "provider=excluded.provider, score=excluded.score, evidence=excluded.evidence, "
    "candidate=excluded.candidate, attempts=resolutions.attempts + 1, updated_at=excluded.updated_at")
_UPDATE_PAPER = (
    "UPDATE papers SET title = COALESCE(?, title), title_norm = COALESCE(?, title_norm), "
    "year = COALESCE(?, year), venue = COALESCE(?, venue), abstract = COALESCE(?, abstract), "
    "authors = CASE WHEN ? = '[]' THEN authors ELSE ? END, updated_at = ? WHERE id = ?")


def _status_row(paper_id: str, status: str, provider: str | None, score: float | None,
                evidence: dict[str, Any] | None, candidate: Record | None, stamp: str) -> tuple:
    return (paper_id, status, provider, score, _dumps(evidence or {}),
            _dumps(candidate.to_json()) if candidate is not None else None, stamp)


def _upsert_statuses(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    conn.executemany(_UPSERT_STATUS, rows)
    # A new result replaces the candidates kept for review.
    conn.executemany("DELETE FROM review_candidates WHERE paper_id = ?", [(row[0],) for row in rows])


def _upsert_status(conn: sqlite3.Connection, paper_id: str, status: str, provider: str | None,
                   score: float | None, evidence: dict[str, Any] | None, candidate: Record | None) -> None:
    _upsert_statuses(conn, [_status_row(paper_id, status, provider, score, evidence, candidate, now())])


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
    return conn.execute(dialect_of(conn).table_exists(), (name,)).fetchone() is not None


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
    conn.execute("INSERT INTO paper_titles (title_norm, paper_id) "
                 "SELECT title_norm, ? FROM paper_titles WHERE paper_id = ? ON CONFLICT DO NOTHING",
                 (keep["id"], drop["id"]))
    for table in (*hooks.USER_DATA_TABLES, "review_decisions"):
        if _table_exists(conn, table):
            # UPDATE OR IGNORE, as both backends spell it: the kept paper's own rows win, the rest move.
            key = _MERGE_KEYS.get(table)
            if key is not None:
                same = f"{key} IN (SELECT {key} FROM {table} WHERE paper_id = ?)" if key else \
                    f"EXISTS (SELECT 1 FROM {table} WHERE paper_id = ?)"
                conn.execute(f"DELETE FROM {table} WHERE paper_id = ? AND {same}", (drop["id"], keep["id"]))
            conn.execute(f"UPDATE {table} SET paper_id = ? WHERE paper_id = ?", (keep["id"], drop["id"]))
    if keep["authors"] in (None, "[]") and drop["authors"] not in (None, "[]"):
        conn.execute("UPDATE papers SET authors = ? WHERE id = ?", (drop["authors"], keep["id"]))
    conn.execute(
        "UPDATE papers SET title = COALESCE(title, ?), title_norm = COALESCE(title_norm, ?), "
        "year = COALESCE(year, ?), venue = COALESCE(venue, ?), abstract = COALESCE(abstract, ?) WHERE id = ?",
        (drop["title"], drop["title_norm"], drop["year"], drop["venue"], drop["abstract"], keep["id"]))
    conn.execute("DELETE FROM papers WHERE id = ?", (drop["id"],))
    hooks.after_notes_added(conn, moved)
    return keep["id"]


def _arxiv_ids(conn: sqlite3.Connection, paper_id: str) -> set[str]:
    return {r[0] for r in conn.execute("SELECT value FROM identifiers WHERE paper_id = ? AND scheme = 'arxiv'",
                                       (paper_id,))}


def _owners(conn: sqlite3.Connection, record: Record) -> dict[Identifier, str | None]:
    """Which paper holds each of the record's identifiers (None: no paper yet)."""
    out: dict[Identifier, str | None] = {}
    for ident in record.identifiers:
        row = conn.execute("SELECT paper_id FROM identifiers WHERE scheme = ? AND value = ?",
                           (ident.scheme, ident.value)).fetchone()
        out[ident] = row["paper_id"] if row else None
    return out


def check_conflict(conn: sqlite3.Connection, paper_id: str, record: Record,
                   owners: dict[Identifier, str | None] | None = None) -> None:
    """Raise IdConflict when applying `record` (merging with every paper holding one of its ids) would
    leave one paper with more than one arXiv id."""
    owners = _owners(conn, record) if owners is None else owners
    papers = {paper_id} | {p for p in owners.values() if p is not None}
    held = set().union(*(_arxiv_ids(conn, p) for p in papers))
    theirs = {i.value for i in record.identifiers if i.scheme == "arxiv"}
    if len(held | theirs) > 1:
        raise IdConflict(f"paper {paper_id} would carry arXiv ids {', '.join(sorted(held | theirs))} "
                         f"(its notes give {', '.join(sorted(held)) or 'none'}; {record.provider}:{record.raw_id} "
                         f"gives {', '.join(sorted(theirs)) or 'none'})")


def _write_match(conn: sqlite3.Connection, paper_id: str, record: Record) -> tuple[str, list[str]]:
    owners = _owners(conn, record)
    check_conflict(conn, paper_id, record, owners)
    merged_with: list[str] = []
    new = [(i.scheme, i.value, paper_id) for i, owner in owners.items() if owner is None]
    conn.executemany("INSERT INTO identifiers (scheme, value, paper_id) VALUES (?,?,?)", new)
    alias: dict[str, str] = {}  # a paper merged away -> the one kept
    for owner in dict.fromkeys(o for o in owners.values() if o is not None):
        while owner in alias:
            owner = alias[owner]
        if owner != paper_id:
            merged_with.append(owner)
            kept = merge_papers(conn, paper_id, owner)
            alias[owner if kept == paper_id else paper_id] = kept
            paper_id = kept
    title_norm = normalize_title(record.title) if record.title else None
    conn.execute(_UPDATE_PAPER, (record.title, title_norm, record.year, record.venue, record.abstract,
                                 _dumps(record.authors), _dumps(record.authors), now(), paper_id))
    if title_norm:
        conn.execute("INSERT INTO paper_titles (title_norm, paper_id) VALUES (?,?) ON CONFLICT DO NOTHING",
                     (title_norm, paper_id))
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


def all_rejected_keys(lib: Library) -> dict[str, set[str]]:
    """rejected_keys for every paper at once (paper id -> keys), for a resolve run."""
    out: dict[str, set[str]] = {}
    for r in lib.conn.execute("SELECT paper_id, candidate_key FROM review_decisions WHERE decision = 'rejected'"):
        out.setdefault(r["paper_id"], set()).add(r["candidate_key"])
    return out


def _decide(conn: sqlite3.Connection, paper_id: str, candidate: dict[str, Any], decision: str) -> None:
    conn.execute(upsert("review_decisions", ("paper_id", "candidate_key", "decision", "candidate", "decided_at"),
                        ("paper_id", "candidate_key")), (paper_id, f"{candidate['provider']}:{candidate['raw_id']}", decision,
                                         _dumps(candidate), now()))


def _waiting(lib: Library, paper_id: str) -> dict[str, Any]:
    res = get_resolution(lib, paper_id)
    if not res or res["status"] != "ambiguous" or not res["candidate"]:
        raise LookupError(f"paper {paper_id} has no candidate waiting for review (see `paperdex review`)")
    return res


def _new_batch(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COALESCE(max(batch), 0) + 1 FROM review_log").fetchone()[0]


def _accept_in(conn: sqlite3.Connection, lib: Library, paper_id: str, candidate: int | str, batch: int) -> str:
    from paperdex.resolve.records import Record

    res = _waiting(lib, paper_id)
    listed = _candidates(conn, paper_id, res["candidate"], res["score"], res["evidence"])
    chosen = next((c for c in listed if c["index"] == candidate or c["key"] == candidate), None)
    if chosen is None:
        known = ", ".join(f"{c['index']} ({c['key']})" for c in listed)
        raise LookupError(f"paper {paper_id} has no candidate {candidate}; its candidates are {known}")
    record = Record.from_json(chosen["candidate"])
    check_conflict(conn, paper_id, record)
    owners = {paper_id} | {r["paper_id"] for i in record.identifiers for r in conn.execute(
        "SELECT paper_id FROM identifiers WHERE scheme = ? AND value = ?", (i.scheme, i.value))}
    before = _capture(conn, sorted(owners))
    _decide(conn, paper_id, chosen["candidate"], "accepted")
    new_id, merged = _write_match(conn, paper_id, record)
    evidence = {**chosen["evidence"], "review": "accepted"}
    if chosen["index"] != 1:
        evidence["review_pick"] = chosen["index"]
    if merged:
        evidence["merged"] = merged
    _upsert_status(conn, new_id, "resolved", record.provider, chosen["score"], evidence, record)
    _log(conn, batch, paper_id, new_id, "accepted", chosen["key"], before)
    return new_id


def _reject_in(conn: sqlite3.Connection, lib: Library, paper_id: str, batch: int) -> None:
    res = _waiting(lib, paper_id)
    before = _capture(conn, [paper_id])
    for c in _candidates(conn, paper_id, res["candidate"], res["score"], res["evidence"]):
        _decide(conn, paper_id, c["candidate"], "rejected")
    _upsert_status(conn, paper_id, "not_found", None, None, {**res["evidence"], "review": "rejected"}, None)
    _log(conn, batch, paper_id, paper_id, "rejected", None, before)


def accept_candidate(lib: Library, paper_id: str, candidate: int | str = 1) -> str:
    """Apply one of an ambiguous paper's candidates: its number in `paperdex review` (1 = the best) or its
    key ('snapshot:2101.03697'). Returns the paper id (it may change by merging). Raises LookupError
    (IdConflict when the paper's notes give another arXiv id) and changes nothing then."""
    with lib.transaction() as conn:
        return _accept_in(conn, lib, paper_id, candidate, _new_batch(conn))


def accept(lib: Library, paper_id: str) -> str:
    """Apply the best candidate kept for review; returns the paper id (it may change by merging)."""
    return accept_candidate(lib, paper_id, 1)


def reject(lib: Library, paper_id: str) -> None:
    """None of the candidates is the paper: each is rejected and never proposed again for it."""
    with lib.transaction() as conn:
        _reject_in(conn, lib, paper_id, _new_batch(conn))


# --- bulk decisions and undo -------------------------------------------------------------------


@dataclass
class BulkResult:
    accepted: list[str] = field(default_factory=list)  # paper ids after the decision
    rejected: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (paper id, why)
    batch: int | None = None


def _close_runner_up(item: dict[str, Any]) -> str | None:
    """Why the best candidate should not be accepted in bulk, if a person must compare it with another."""
    from paperdex.resolve.matching import MARGIN

    if item["evidence"].get("reason") == ID_CONFLICT:
        return ID_CONFLICT
    scores = [c["score"] or 0.0 for c in item["candidates"]]
    if len(scores) > 1 and scores[0] - scores[1] < MARGIN:
        return f"runner-up within {MARGIN:.2f} ({scores[0]:.2f} vs {scores[1]:.2f})"
    return None


def decide_many(lib: Library, *, accept_above: float | None = None, reject_below: float | None = None,
                accept_ids: list[str] | None = None, reject_ids: list[str] | None = None) -> BulkResult:
    """Decide many papers in one transaction (one undo step).

    `accept_above`: accept the best candidate of every paper whose best score is at least this, unless a
    runner-up is too close to tell apart (skipped, with the reason). `reject_below`: reject every candidate
    of papers whose best score is below this. `accept_ids`/`reject_ids`: those papers (the web's selection;
    a close runner-up is skipped there too: picking between two records is done one paper at a time).
    """
    result = BulkResult()
    items = review_items(lib)
    by_id = {i["paper_id"]: i for i in items}
    to_accept: list[str] = []
    for pid in accept_ids or []:
        why = _close_runner_up(by_id[pid]) if pid in by_id else None
        if why:
            result.skipped.append((pid, why))
        else:
            to_accept.append(pid)
    to_reject: list[str] = list(reject_ids or [])
    for item in items:
        best = item["score"] or 0.0
        if accept_above is not None and best >= accept_above and item["paper_id"] not in to_accept:
            why = _close_runner_up(item)
            if why:
                result.skipped.append((item["paper_id"], why))
            else:
                to_accept.append(item["paper_id"])
        elif reject_below is not None and best < reject_below and item["paper_id"] not in to_reject:
            to_reject.append(item["paper_id"])
    with lib.transaction() as conn:
        batch = result.batch = _new_batch(conn)
        for pid in to_accept:
            if pid not in by_id:
                result.skipped.append((pid, "no candidate waiting"))
                continue
            try:
                result.accepted.append(_accept_in(conn, lib, pid, 1, batch))
            except LookupError as exc:
                result.skipped.append((pid, str(exc)))
        for pid in to_reject:
            if pid not in by_id or pid in to_accept:
                result.skipped.append((pid, "no candidate waiting"))
                continue
            _reject_in(conn, lib, pid, batch)
            result.rejected.append(pid)
    return result


# The key of each table a review decision captures (its primary key): restoring a row replaces the row
# holding that key. A user-data table of a plugin not listed here is keyed by paper_id alone.
_KEYS: dict[str, tuple[str, ...]] = {
    "identifiers": ("scheme", "value"), "paper_titles": ("title_norm", "paper_id"), "resolutions": ("paper_id",),
    "review_candidates": ("paper_id", "position"), "review_decisions": ("paper_id", "candidate_key"),
    "paper_tags": ("paper_id", "tag"), "paper_status": ("paper_id",),
}
_KEYS = collections.defaultdict(lambda: ("paper_id",), _KEYS)
# What besides paper_id makes a row unique in the tables a merge moves ("" when paper_id alone does).
_MERGE_KEYS = {"paper_tags": "tag", "paper_status": "", "review_decisions": "candidate_key"}
_NOTE_RESOLUTION = upsert("note_resolutions", ("note_id", "status", "score", "evidence", "candidate", "updated_at"),
                          ("note_id",))

_CAPTURED = ("identifiers", "paper_titles", "resolutions", "review_candidates", "review_decisions",
             *hooks.USER_DATA_TABLES)


def _capture(conn: sqlite3.Connection, paper_ids: list[str]) -> dict[str, Any]:
    """The rows of these papers a decision may change, as JSON-able data."""
    out: dict[str, Any] = {}
    for pid in paper_ids:
        row = conn.execute("SELECT * FROM papers WHERE id = ?", (pid,)).fetchone()
        if row is None:
            continue
        tables = {t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} WHERE paper_id = ?", (pid,))]
                  for t in _CAPTURED if _table_exists(conn, t)}
        out[pid] = {"paper": dict(row), "tables": tables,
                    "notes": [r[0] for r in conn.execute("SELECT id FROM notes WHERE paper_id = ?", (pid,))]}
    return out


def _log(conn: sqlite3.Connection, batch: int, paper_id: str, result_id: str, action: str,
         candidate: str | None, before: dict[str, Any]) -> None:
    conn.execute("INSERT INTO review_log (batch, paper_id, result_id, action, candidate, before, decided_at) "
                 "VALUES (?,?,?,?,?,?,?)", (batch, paper_id, result_id, action, candidate, _dumps(before), now()))


def _restore(conn: sqlite3.Connection, before: dict[str, Any], result_id: str) -> None:
    """Put the captured papers back as they were (a merged-away paper comes back with its notes)."""
    involved = set(before) | {result_id}
    for pid in involved:
        for table in _CAPTURED:
            if _table_exists(conn, table):
                conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (pid,))
    for pid, state in before.items():
        paper = state["paper"]
        cols = list(paper)
        if conn.execute("SELECT 1 FROM papers WHERE id = ?", (pid,)).fetchone():
            conn.execute(f"UPDATE papers SET {', '.join(f'{c} = ?' for c in cols)} WHERE id = ?",
                         [paper[c] for c in cols] + [pid])
        else:
            conn.execute(f"INSERT INTO papers ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                         [paper[c] for c in cols])
        moved = [n for n in state["notes"]
                 if (row := conn.execute("SELECT paper_id FROM notes WHERE id = ?", (n,)).fetchone())
                 and row[0] != pid]
        if moved:
            hooks.before_notes_removed(conn, moved)
            conn.executemany("UPDATE notes SET paper_id = ? WHERE id = ?", [(pid, n) for n in moved])
            hooks.after_notes_added(conn, moved)
        for table, rows in state["tables"].items():
            for r in rows:
                conn.execute(upsert(table, list(r), _KEYS[table]), list(r.values()))


def undo_last(lib: Library) -> list[dict[str, Any]]:
    """Take back the newest review decision (a bulk one entirely); returns what was undone, [] if nothing."""
    with lib.transaction() as conn:
        row = conn.execute("SELECT max(batch) FROM review_log WHERE undone_at IS NULL").fetchone()
        if row[0] is None:
            return []
        entries = conn.execute("SELECT * FROM review_log WHERE batch = ? ORDER BY id DESC", (row[0],)).fetchall()
        for e in entries:  # newest first: a later decision may have built on an earlier one's rows
            _restore(conn, json.loads(e["before"]), e["result_id"])
        conn.execute("UPDATE review_log SET undone_at = ? WHERE batch = ?", (now(), row[0]))
        return [{"paper_id": e["paper_id"], "action": e["action"], "candidate": e["candidate"]}
                for e in reversed(entries)]


# --- untitled notes ----------------------------------------------------------------------------


def record_note_status(lib: Library, note_id: str, status: str, *, score: float | None = None,
                       evidence: dict[str, Any] | None = None, candidate: Record | None = None) -> None:
    with lib.transaction() as conn:
        conn.execute(
            _NOTE_RESOLUTION, (note_id, status, score, _dumps(evidence or {}),
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
            _NOTE_RESOLUTION, (note_id, "resolved", score, _dumps(evidence), _dumps(record.to_json()), now()))
        hooks.before_notes_removed(conn, [note_id])
        hooks.after_notes_added(conn, [note_id])
    return paper_id
