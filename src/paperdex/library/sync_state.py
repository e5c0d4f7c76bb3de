"""What the library remembers to keep sources in sync: registered roots, file stats, renames, the trash.

Sync itself (walking folders, reading files) lives in paperdex.sync; this module
holds its SQL. A deleted file's source moves to the trash as JSON (its row and
its notes' rows) so `restore` can put back the very same notes, ids included.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from paperdex.library import hooks
from paperdex.library.db import Library
from paperdex.library.ingest import now, prune_papers, refresh_papers

TRASH_DAYS = 30


@dataclass
class KnownSource:
    """A stored source as sync compares it with the file on disk."""

    id: int
    key: str
    path: str
    size: int
    mtime_ns: int | None
    content_hash: str
    kept: bool
    error: str | None
    uid: str


def known_sources(lib: Library) -> dict[str, KnownSource]:
    return {r["key"]: KnownSource(r["id"], r["key"], r["path"], r["size"], r["mtime_ns"], r["content_hash"],
                                  bool(r["kept"]), r["error"], r["uid"] or r["key"])
            for r in lib.conn.execute("SELECT id, key, path, size, mtime_ns, content_hash, kept, error, uid "
                                      "FROM sources")}


def note_ids(lib: Library, source_id: int) -> set[str]:
    return {r[0] for r in lib.conn.execute("SELECT id FROM notes WHERE source_id = ?", (source_id,))}


# --- roots ---------------------------------------------------------------------------------------


def register_root(lib: Library, path: str, shown: str, options: dict) -> None:
    """Remember a folder or file given to `add`, with the options it was added with."""
    with lib.transaction() as conn:
        conn.execute("INSERT INTO sync_roots (path, shown, options, added_at) VALUES (?,?,?,?) "
                     "ON CONFLICT(path) DO UPDATE SET shown = excluded.shown, options = excluded.options",
                     (path, shown, json.dumps(options, sort_keys=True), now()))


def root_options(lib: Library, path: str) -> dict | None:
    row = lib.conn.execute("SELECT options FROM sync_roots WHERE path = ?", (path,)).fetchone()
    return json.loads(row["options"]) if row else None


def roots(lib: Library) -> list[sqlite3.Row]:
    return list(lib.conn.execute("SELECT * FROM sync_roots ORDER BY path"))


def mark_roots_synced(lib: Library, paths: list[str]) -> None:
    with lib.transaction() as conn:
        conn.executemany("UPDATE sync_roots SET synced_at = ? WHERE path = ?", [(now(), p) for p in paths])


def mark_checked(lib: Library, source_ids: list[int]) -> None:
    """Sources a sync found unchanged (by size and mtime): their last sync is now."""
    if source_ids:
        with lib.transaction() as conn:
            stamp = now()
            conn.executemany("UPDATE sources SET synced_at = ? WHERE id = ?", [(stamp, i) for i in source_ids])


def forget_root(lib: Library, path: str) -> bool:
    with lib.transaction() as conn:
        return conn.execute("DELETE FROM sync_roots WHERE path = ?", (path,)).rowcount > 0


# --- per-source state ----------------------------------------------------------------------------


def record_error(lib: Library, key: str, error: str) -> None:
    """Remember why the last read of a source failed; its notes from the read before stay."""
    with lib.transaction() as conn:
        conn.execute("UPDATE sources SET error = ?, synced_at = ? WHERE key = ?", (error, now(), key))


def rename(lib: Library, source_id: int, key: str, path: str, size: int, mtime_ns: int | None) -> None:
    """A file moved or renamed (same content): the source, its notes and everything on them stay."""
    with lib.transaction() as conn:
        conn.execute("UPDATE sources SET key = ?, path = ?, size = ?, mtime_ns = ?, synced_at = ?, error = NULL, "
                     "kept = 0 WHERE id = ?", (key, path, size, mtime_ns, now(), source_id))


# --- trash ---------------------------------------------------------------------------------------


@dataclass
class TrashEntry:
    id: int
    key: str
    path: str
    content_hash: str
    notes: int
    papers: list[str]
    deleted_at: str


def _entry(row: sqlite3.Row) -> TrashEntry:
    return TrashEntry(row["id"], row["key"], row["path"], row["content_hash"], row["notes"],
                      json.loads(row["papers"]), row["deleted_at"])


def trash_source(lib: Library, key: str) -> TrashEntry | None:
    """Move a source whose file is gone, with its notes, to the trash; papers left bare are pruned."""
    with lib.transaction() as conn:
        src = conn.execute("SELECT * FROM sources WHERE key = ?", (key,)).fetchone()
        if src is None:
            return None
        notes = conn.execute("SELECT * FROM notes WHERE source_id = ? ORDER BY ordinal", (src["id"],)).fetchall()
        papers = sorted({n["paper_id"] for n in notes if n["paper_id"]})
        payload = {"source": dict(src),
                   "notes": [dict(n) for n in notes]}
        cur = conn.execute(
            "INSERT INTO trash (key, path, content_hash, notes, papers, payload, deleted_at) VALUES (?,?,?,?,?,?,?) "
            "RETURNING id",
            (src["key"], src["path"], src["content_hash"], len(notes), json.dumps(papers),
             json.dumps(payload, ensure_ascii=False, sort_keys=True), now()))
        trash_id = cur.fetchone()[0]
        hooks.before_notes_removed(conn, [n["id"] for n in notes])
        conn.execute("DELETE FROM sources WHERE id = ?", (src["id"],))
        refresh_papers(conn, set(papers), gone=notes)
        prune_papers(conn, set(papers))
        row = conn.execute("SELECT * FROM trash WHERE id = ?", (trash_id,)).fetchone()
        return _entry(row)


def trash_entries(lib: Library) -> list[TrashEntry]:
    return [_entry(r) for r in lib.conn.execute("SELECT * FROM trash ORDER BY deleted_at DESC, id DESC")]


def trash_by_hash(lib: Library, content_hash: str) -> TrashEntry | None:
    row = lib.conn.execute("SELECT * FROM trash WHERE content_hash = ? ORDER BY deleted_at DESC, id DESC LIMIT 1",
                           (content_hash,)).fetchone()
    return _entry(row) if row else None


def find_trash(lib: Library, ref: str) -> list[TrashEntry]:
    """Trash entries named by id, or by a path (as added, absolute, or a part of it)."""
    if ref.isdigit():
        rows = lib.conn.execute("SELECT * FROM trash WHERE id = ?", (int(ref),)).fetchall()
    else:
        rows = lib.conn.execute("SELECT * FROM trash WHERE key = ? OR path = ? OR lower(path) LIKE lower(?) "
                                "ORDER BY deleted_at DESC, id DESC", (ref, ref, f"%{ref}%")).fetchall()
    return [_entry(r) for r in rows]


def restore(lib: Library, entry_id: int, *, key: str | None = None, path: str | None = None,
            mtime_ns: int | None = None, kept: bool = False) -> int:
    """Put a trashed source and its notes back, ids included; returns the source id.

    `key`/`path` give it a new place (the file came back under another name);
    `kept` marks a source whose file is still gone, so sync does not trash it again.
    """
    from paperdex.library.ingest import add_keys, match_or_create
    from paperdex.model import Identifier, NoteBlock

    with lib.transaction() as conn:
        row = conn.execute("SELECT * FROM trash WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise KeyError(entry_id)
        payload = json.loads(row["payload"])
        src = dict(payload["source"])
        src.pop("id", None)
        src.update(key=key or src["key"], path=path or src["path"], kept=int(kept), synced_at=now(), error=None)
        if mtime_ns is not None:
            src["mtime_ns"] = mtime_ns
        if conn.execute("SELECT 1 FROM sources WHERE key = ?", (src["key"],)).fetchone():
            raise ValueError(f"{src['path']} is in the library already")
        columns = list(src)
        cur = conn.execute(f"INSERT INTO sources ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))}) "
                           "RETURNING id", [src[c] for c in columns])
        source_id = cur.fetchone()[0]
        stamp = now()
        restored: list[str] = []
        for note in payload["notes"]:
            note = dict(note, source_id=source_id)
            if note["paper_id"] is not None:
                # The paper may have been pruned meanwhile: find or re-create it from the note's own keys.
                block = NoteBlock(kind="paper", title=note["title"], year=note["year"], venue=note["venue"],
                                  authors=json.loads(note["authors"]),
                                  identifiers=[Identifier(s, v) for s, v in json.loads(note["idents"])])
                exists = conn.execute("SELECT 1 FROM papers WHERE id = ?", (note["paper_id"],)).fetchone()
                if exists:
                    add_keys(conn, block, note["paper_id"])
                else:
                    note["paper_id"], _ = match_or_create(conn, block, stamp)
            columns = list(note)
            conn.execute(f"INSERT INTO notes ({', '.join(columns)}) VALUES ({','.join('?' * len(columns))})",
                         [note[c] for c in columns])
            restored.append(note["id"])
        conn.execute("DELETE FROM trash WHERE id = ?", (entry_id,))
        papers = {r[0] for r in conn.execute("SELECT DISTINCT paper_id FROM notes WHERE source_id = ? "
                                             "AND paper_id IS NOT NULL", (source_id,))}
        refresh_papers(conn, papers, stamp=stamp)
        hooks.after_notes_added(conn, restored)
        return source_id


def purge_trash(lib: Library, *, older_than_days: int = TRASH_DAYS, everything: bool = False) -> int:
    """Delete trash entries past their time (or all of them); returns how many."""
    cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with lib.transaction() as conn:
        if everything:
            return conn.execute("DELETE FROM trash").rowcount
        return conn.execute("DELETE FROM trash WHERE deleted_at < ?", (cutoff,)).rowcount


def source_report(lib: Library) -> list[dict]:
    """Each source with its last sync, note and paper counts and last error, for `paperdex sources`."""
    return [dict(r) for r in lib.conn.execute(
        "SELECT s.id, s.key, s.path, s.format, s.reader, s.updated_at, s.synced_at, s.error, s.kept, s.size, "
        "(SELECT count(*) FROM notes n WHERE n.source_id = s.id) AS notes, "
        "(SELECT count(DISTINCT n.paper_id) FROM notes n WHERE n.source_id = s.id) AS papers "
        "FROM sources s ORDER BY s.path")]
