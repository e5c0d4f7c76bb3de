"""Notes and user decisions as portable records, and storing such records: what push and pull move.

A record carries a note's identity in the library it comes from (`origin`, the note id that sync
derived from its file and its content-derived identity) and that library's digest of it, so the
receiving library recognises a note it already holds (nothing written), an edited one (its copy
updated) and one gone (removed only when asked). Papers merge through the same `match_or_create`
a local `add` uses; tags, reading status and review decisions follow their paper by identifiers,
then title, then id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from paperdex.library import hooks
from paperdex.library.db import Library
from paperdex.library.ingest import (
    block_digest,
    match_or_create,
    note_id_for,
    now,
    prune_papers,
    refresh_papers,
    title_key,
)
from paperdex.model import Identifier, NoteBlock

_LIST_FIELDS = ("thoughts", "quotes", "marks", "flags", "urls", "authors")
_STORED = ("source_id, paper_id, ordinal, kind, title, text, thoughts, quotes, marks, flags, refs, urls, idents, "
           "fields, authors, year, venue, section, line, date, reader, language, digest, added_by, added_at, origin")


@dataclass
class Applied:
    """What storing a batch of records did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    papers: set[str] = field(default_factory=set)

    def to_json(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "removed": self.removed, "papers": len(self.papers)}


def _loads(text: str | None, default):
    return json.loads(text) if text else default


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# --- out ----------------------------------------------------------------------------------------------


def note_records(lib: Library, *, after: str = "", limit: int = 200) -> list[dict]:
    """The next `limit` notes by id after `after`, each with its source, as portable records."""
    rows = lib.conn.execute(
        "SELECT n.*, s.uid AS s_uid, s.key AS s_key, s.path AS s_path, s.format AS s_format, "
        "s.content_hash AS s_hash, s.reader AS s_reader, s.title AS s_title, s.date AS s_date "
        "FROM notes n JOIN sources s ON s.id = n.source_id WHERE n.id > ? ORDER BY n.id LIMIT ?",
        (after, limit)).fetchall()
    return [_record(row) for row in rows]


def _record(row) -> dict:
    block = {
        "kind": row["kind"], "title": row["title"], "text": row["text"], "identifiers": _loads(row["idents"], []),
        "references": _loads(row["refs"], []), "fields": _loads(row["fields"], {}), "year": row["year"],
        "venue": row["venue"], "section": row["section"], "line": row["line"], "date": row["date"],
        "reader": row["reader"], "language": row["language"],
        **{name: _loads(row[name], []) for name in _LIST_FIELDS},
    }
    digest = row["digest"] or block_digest(_block(block), row["reader"])
    return {
        "origin": row["id"], "digest": digest, "ordinal": row["ordinal"], "block": block,
        "added_by": row["added_by"], "added_at": row["added_at"],
        "source": {"uid": row["s_uid"] or row["s_key"], "path": row["s_path"], "format": row["s_format"],
                   "content_hash": row["s_hash"], "reader": row["s_reader"], "title": row["s_title"],
                   "date": row["s_date"]},
    }


def _block(data: dict) -> NoteBlock:
    kind = data.get("kind") if data.get("kind") in ("paper", "note", "document") else "note"
    return NoteBlock(
        kind=kind, title=data.get("title"), text=str(data.get("text") or ""),
        identifiers=[Identifier(str(s), str(v)) for s, v in data.get("identifiers") or []],
        references=[str(r) for r in data.get("references") or []], fields=dict(data.get("fields") or {}),
        year=data.get("year") if isinstance(data.get("year"), int) else None, venue=data.get("venue"),
        section=data.get("section"), line=int(data.get("line") or 1), date=data.get("date"),
        reader=data.get("reader"), language=data.get("language"),
        **{name: [str(v) for v in data.get(name) or []] for name in _LIST_FIELDS},
    )


def origin_digests(lib: Library, added_by: str, *, after: str = "", limit: int = 5000) -> list[list[str]]:
    """[origin, digest] of the notes an account pushed, by origin: what a push need not send again."""
    return [[r["origin"], r["digest"]] for r in lib.conn.execute(
        "SELECT origin, digest FROM notes WHERE added_by = ? AND origin IS NOT NULL AND origin > ? "
        "ORDER BY origin LIMIT ?", (added_by, after, limit))]


def paper_records(lib: Library) -> list[dict]:
    """Every paper the user decided something about: tags, reading status, review decisions."""
    q = lib.conn.execute
    ids = sorted({r[0] for r in q("SELECT paper_id FROM paper_tags UNION SELECT paper_id FROM paper_status "
                                  "UNION SELECT paper_id FROM review_decisions")})
    out = []
    for paper_id in ids:
        paper = q("SELECT title FROM papers WHERE id = ?", (paper_id,)).fetchone()
        status = q("SELECT status, updated_at FROM paper_status WHERE paper_id = ?", (paper_id,)).fetchone()
        out.append({
            "paper_id": paper_id, "title": paper["title"] if paper else None,
            "identifiers": [[r["scheme"], r["value"]] for r in q(
                "SELECT scheme, value FROM identifiers WHERE paper_id = ? ORDER BY scheme, value", (paper_id,))],
            "title_keys": [r[0] for r in q("SELECT title_norm FROM paper_titles WHERE paper_id = ? "
                                           "ORDER BY title_norm", (paper_id,))],
            "tags": [[r["tag"], r["added_at"]] for r in q(
                "SELECT tag, added_at FROM paper_tags WHERE paper_id = ? ORDER BY tag", (paper_id,))],
            "status": [status["status"], status["updated_at"]] if status else None,
            "decisions": [{"candidate_key": r["candidate_key"], "decision": r["decision"],
                           "candidate": r["candidate"], "decided_at": r["decided_at"]} for r in q(
                "SELECT * FROM review_decisions WHERE paper_id = ? ORDER BY candidate_key", (paper_id,))],
        })
    return out


# --- in -----------------------------------------------------------------------------------------------


def apply_notes(lib: Library, records: Iterable[dict], *, namespace: str, added_by: str | None = None) -> Applied:
    """Store records in one transaction: new notes added, edited ones updated, the same ones left alone.

    Each record's source is kept as `namespace:uid` (the pusher's account name on a server, `team` in a
    pulled copy), and the note id derives from that key and the record's origin, so a record stored
    twice lands on the same row. `added_by` (the pushing account) overrides the records' own.
    """
    result = Applied()
    stamp = now()
    with lib.transaction() as conn:
        sources: dict[str, int] = {}
        touched: set[str] = set()
        old_papers: set[str] = set()
        gone: list = []
        written: list[str] = []
        for record in records:
            src = record["source"]
            key = f"{namespace}:{src['uid']}"
            if key not in sources:
                sources[key] = _upsert_source(conn, key, src, added_by or record.get("added_by"), stamp)
            source_id = sources[key]
            note_id = note_id_for(key, str(record["origin"]))
            old = conn.execute("SELECT id, digest, paper_id, idents, title, added_at FROM notes WHERE id = ?",
                               (note_id,)).fetchone()
            if old is not None and old["digest"] == record["digest"]:
                result.unchanged += 1
                continue
            block = _block(record["block"])
            paper_id = None
            if block.kind == "paper" and (block.title or block.identifiers):
                paper_id, _created = match_or_create(conn, block, stamp)
                touched.add(paper_id)
                result.papers.add(paper_id)
            values = (source_id, paper_id, int(record.get("ordinal") or 0),
                      block.kind if (paper_id or block.kind != "paper") else "note", block.title, block.text,
                      _dumps(block.thoughts), _dumps(block.quotes), _dumps(block.marks), _dumps(block.flags),
                      _dumps(block.references), _dumps(block.urls),
                      _dumps([[i.scheme, i.value] for i in block.identifiers]), _dumps(block.fields),
                      _dumps(block.authors), block.year, block.venue, block.section, block.line, block.date,
                      block.reader or src.get("reader"), block.language, record["digest"],
                      added_by or record.get("added_by"), (old["added_at"] if old else None) or
                      record.get("added_at") or stamp, str(record["origin"]))
            if old is not None:
                sets = ", ".join(f"{c.strip()} = ?" for c in _STORED.split(","))
                conn.execute(f"UPDATE notes SET {sets} WHERE id = ?", (*values, note_id))
                conn.execute("DELETE FROM note_resolutions WHERE note_id = ?", (note_id,))
                if old["paper_id"]:
                    old_papers.add(old["paper_id"])
                gone.append(old)
                result.updated += 1
            else:
                conn.execute(f"INSERT INTO notes (id, {_STORED}) VALUES ({','.join('?' * 27)})",
                             (note_id, *values))
                result.added += 1
            written.append(note_id)
        refresh_papers(conn, touched | old_papers, gone=gone, stamp=stamp)
        prune_papers(conn, old_papers - touched)
        hooks.after_notes_added(conn, written)
    return result


def _upsert_source(conn, key: str, src: dict, added_by: str | None, stamp: str) -> int:
    """The receiving library's row for a record's source (its id; the key is unique)."""
    values = (src.get("path") or key, src.get("format") or "markdown", src.get("content_hash") or "",
              src.get("reader"), src.get("title"), src.get("date"))
    conn.execute(
        "INSERT INTO sources (key, path, format, content_hash, reader, title, date, added_at, updated_at, uid, "
        "added_by) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (key) DO UPDATE SET path = excluded.path, "
        "format = excluded.format, content_hash = excluded.content_hash, reader = excluded.reader, "
        "title = excluded.title, date = excluded.date, updated_at = excluded.updated_at",
        (key, *values, stamp, stamp, key, added_by))
    return conn.execute("SELECT id FROM sources WHERE key = ?", (key,)).fetchone()["id"]


def remove_notes(lib: Library, *, added_by: str | None = None, origins: list[str] | None = None,
                 note_ids: list[str] | None = None) -> int:
    """Delete notes named by (account, origin) or by id; their papers re-derive or go (user data kept)."""
    with lib.transaction() as conn:
        rows = []
        for origin in origins or []:
            rows += conn.execute("SELECT id, paper_id, idents, title FROM notes WHERE added_by = ? AND origin = ?",
                                 (added_by, origin)).fetchall()
        for note_id in note_ids or []:
            rows += conn.execute("SELECT id, paper_id, idents, title FROM notes WHERE id = ?",
                                 (note_id,)).fetchall()
        if not rows:
            return 0
        ids = [r["id"] for r in rows]
        hooks.before_notes_removed(conn, ids)
        for note_id in ids:
            conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))
        papers = {r["paper_id"] for r in rows if r["paper_id"]}
        refresh_papers(conn, papers, gone=rows)
        prune_papers(conn, papers)
        return len(ids)


def notes_in_namespace(lib: Library, namespace: str) -> dict[str, str]:
    """origin -> note id of the notes stored under `namespace` (a pulled copy's `team`)."""
    return {r["origin"]: r["id"] for r in lib.conn.execute(
        "SELECT n.id, n.origin FROM notes n JOIN sources s ON s.id = n.source_id "
        "WHERE s.key LIKE ? AND n.origin IS NOT NULL", (namespace + ":%",))}


def apply_papers(lib: Library, records: Iterable[dict]) -> dict[str, int]:
    """Put tags, statuses and review decisions on the matching papers here; the newer decision wins."""
    counts = {"tags": 0, "statuses": 0, "decisions": 0, "unmatched": 0}
    with lib.transaction() as conn:
        for record in records:
            paper_id = _find_paper(conn, record)
            if paper_id is None:
                counts["unmatched"] += 1
                continue
            for tag, added_at in record.get("tags") or []:
                counts["tags"] += conn.execute(
                    "INSERT INTO paper_tags (paper_id, tag, added_at) VALUES (?,?,?) "
                    "ON CONFLICT (paper_id, tag) DO NOTHING", (paper_id, tag, added_at)).rowcount
            if record.get("status"):
                status, updated_at = record["status"]
                counts["statuses"] += conn.execute(
                    "INSERT INTO paper_status (paper_id, status, updated_at) VALUES (?,?,?) "
                    "ON CONFLICT (paper_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at "
                    "WHERE excluded.updated_at > paper_status.updated_at", (paper_id, status, updated_at)).rowcount
            for d in record.get("decisions") or []:
                counts["decisions"] += conn.execute(
                    "INSERT INTO review_decisions (paper_id, candidate_key, decision, candidate, decided_at) "
                    "VALUES (?,?,?,?,?) ON CONFLICT (paper_id, candidate_key) DO UPDATE SET "
                    "decision = excluded.decision, candidate = excluded.candidate, decided_at = excluded.decided_at "
                    "WHERE excluded.decided_at > review_decisions.decided_at",
                    (paper_id, d["candidate_key"], d["decision"], d.get("candidate"), d["decided_at"])).rowcount
    return counts


def _find_paper(conn, record: dict) -> str | None:
    """The paper here that a record from another library is about: same identifier, title, else id."""
    for scheme, value in record.get("identifiers") or []:
        row = conn.execute("SELECT paper_id FROM identifiers WHERE scheme = ? AND value = ?",
                           (scheme, value)).fetchone()
        if row:
            return row["paper_id"]
    keys = list(record.get("title_keys") or []) + ([title_key(record["title"])] if record.get("title") else [])
    for key in keys:
        row = conn.execute("SELECT paper_id FROM paper_titles WHERE title_norm = ? ORDER BY paper_id",
                           (key,)).fetchone()
        if row:
            return row["paper_id"]
    row = conn.execute("SELECT id FROM papers WHERE id = ?", (record.get("paper_id"),)).fetchone()
    return row["id"] if row else None


def attribute_source(lib: Library, key: str, added_by: str | None) -> list[str]:
    """Mark a source just added from the web (and its notes) as the account's; returns its note ids."""
    stamp = now()
    with lib.transaction() as conn:
        row = conn.execute("SELECT id FROM sources WHERE key = ?", (key,)).fetchone()
        if row is None:
            return []
        conn.execute("UPDATE sources SET added_by = ? WHERE id = ?", (added_by, row["id"]))
        conn.execute("UPDATE notes SET added_by = ?, added_at = COALESCE(added_at, ?) WHERE source_id = ?",
                     (added_by, stamp, row["id"]))
        return [r["id"] for r in conn.execute("SELECT id FROM notes WHERE source_id = ? ORDER BY ordinal",
                                              (row["id"],))]


def edit_note_text(lib: Library, note_id: str, text: str) -> None:
    """A member's edit of a note's text on the server, re-indexed at once.

    The digest changes too, so the member's next push puts their own library's version back: for a
    pushed note, the library it came from stays the one that counts.
    """
    with lib.transaction() as conn:
        fresh = hashlib.sha1(f"edited\0{note_id}\0{text}".encode()).hexdigest()
        conn.execute("UPDATE notes SET text = ?, digest = ? WHERE id = ?", (text, fresh, note_id))
        hooks.after_notes_added(conn, [note_id])
