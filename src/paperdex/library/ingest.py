"""Put one source's note blocks into the library, in one transaction.

Merging rule: a block is the same paper as a stored one when they share an
identifier (arXiv id, DOI, OpenReview id...), or, failing that, the same
normalised title with no identifier of the same scheme that disagrees.
Re-adding an unchanged source is a no-op; an edited source has its notes
replaced, and papers left with no note and no user data are removed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime

from paperdex.library import hooks
from paperdex.library.db import Library
from paperdex.model import SCHEMES, Identifier, NoteBlock
from paperdex.titles import normalize_title

# Titles shorter than this (after normalisation) are too generic to merge on.
MIN_TITLE_KEY = 6


@dataclass
class SourceInput:
    """What ingest needs to know about one source besides its blocks."""

    key: str
    path: str
    format: str
    content_hash: str
    size: int = 0
    reader: str | None = None
    title: str | None = None
    date: str | None = None
    metadata: dict = field(default_factory=dict)


@dataclass
class IngestResult:
    status: str  # "added", "updated", "unchanged"
    papers: set[str] = field(default_factory=set)
    new_papers: int = 0
    merged: int = 0  # paper notes attached to a paper that already had a note
    notes: int = 0
    paper_notes: int = 0
    removed_papers: int = 0


def title_key(title: str | None) -> str:
    """The merge key of a title: normalised, then without spaces, so that
    "natural-language" (hyphen dropped) and "natural language" agree."""
    return normalize_title(title or "").replace(" ", "")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def paper_id_for(block: NoteBlock) -> str:
    """A stable id from the paper's strongest key, so rebuilt libraries agree."""
    primary = sorted(block.identifiers, key=lambda i: (SCHEMES.index(i.scheme) if i.scheme in SCHEMES
                                                        else len(SCHEMES), i.value))
    basis = primary[0].key if primary else "title:" + title_key(block.title or block.text[:200])
    return "p" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:12]


def note_id_for(source_key: str, ordinal: int) -> str:
    return "n" + hashlib.sha1(f"{source_key}\0{ordinal}".encode()).hexdigest()[:12]


def import_source(lib: Library, source: SourceInput, blocks: list[NoteBlock], *,
                  force: bool = False) -> IngestResult:
    """Store a source and its blocks atomically; returns what changed."""
    with lib.transaction() as conn:
        row = conn.execute("SELECT id, content_hash, reader FROM sources WHERE key = ?", (source.key,)).fetchone()
        stamp = now()
        if row and not force and row["content_hash"] == source.content_hash and row["reader"] == source.reader:
            return IngestResult(status="unchanged")
        if row:
            source_id = row["id"]
            old_notes = [r["id"] for r in conn.execute("SELECT id FROM notes WHERE source_id = ?", (source_id,))]
            old_papers = {r["paper_id"] for r in conn.execute(
                "SELECT DISTINCT paper_id FROM notes WHERE source_id = ? AND paper_id IS NOT NULL", (source_id,))}
            hooks.before_notes_removed(conn, old_notes)
            conn.execute("DELETE FROM notes WHERE source_id = ?", (source_id,))
            conn.execute(
                "UPDATE sources SET path=?, format=?, content_hash=?, size=?, reader=?, title=?, date=?, "
                "metadata=?, updated_at=? WHERE id=?",
                (source.path, source.format, source.content_hash, source.size, source.reader, source.title,
                 source.date, _dumps(source.metadata), stamp, source_id))
            status = "updated"
        else:
            cur = conn.execute(
                "INSERT INTO sources (key, path, format, content_hash, size, reader, title, date, metadata, "
                "added_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (source.key, source.path, source.format, source.content_hash, source.size, source.reader,
                 source.title, source.date, _dumps(source.metadata), stamp, stamp))
            source_id = cur.lastrowid
            old_papers = set()
            status = "added"

        result = IngestResult(status=status)
        added_notes: list[str] = []
        for ordinal, block in enumerate(blocks):
            paper_id = None
            if block.kind == "paper" and (block.title or block.identifiers):
                paper_id, created = _match_or_create(conn, block, stamp)
                had_notes = conn.execute("SELECT 1 FROM notes WHERE paper_id = ? LIMIT 1", (paper_id,)).fetchone()
                result.new_papers += created
                result.merged += bool(had_notes)
                result.papers.add(paper_id)
                result.paper_notes += 1
            note_id = note_id_for(source.key, ordinal)
            conn.execute(
                "INSERT INTO notes (id, source_id, paper_id, ordinal, kind, title, text, thoughts, quotes, marks, "
                "flags, refs, urls, idents, fields, authors, year, venue, section, line, date, reader, language) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (note_id, source_id, paper_id, ordinal, block.kind if (paper_id or block.kind != "paper") else "note",
                 block.title, block.text, _dumps(block.thoughts), _dumps(block.quotes), _dumps(block.marks),
                 _dumps(block.flags), _dumps(block.references), _dumps(block.urls),
                 _dumps([[i.scheme, i.value] for i in block.identifiers]), _dumps(block.fields),
                 _dumps(block.authors), block.year, block.venue, block.section, block.line, block.date,
                 block.reader or source.reader, block.language))
            added_notes.append(note_id)
            result.notes += 1
        result.removed_papers = prune_papers(conn, old_papers - result.papers)
        hooks.after_notes_added(conn, added_notes)
        return result


def _match_or_create(conn: sqlite3.Connection, block: NoteBlock, stamp: str) -> tuple[str, bool]:
    paper_id = find_match(conn, block)
    if paper_id is None:
        paper_id = paper_id_for(block)
        while conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone():
            paper_id = "p" + hashlib.sha1(paper_id.encode()).hexdigest()[:12]
        conn.execute(
            "INSERT INTO papers (id, title, title_norm, year, venue, authors, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (paper_id, block.title, normalize_title(block.title) if block.title else None, block.year,
             block.venue, _dumps(block.authors), stamp, stamp))
        created = True
    else:
        conn.execute(
            "UPDATE papers SET title = COALESCE(title, ?), title_norm = COALESCE(title_norm, ?), "
            "year = COALESCE(year, ?), venue = COALESCE(venue, ?), "
            "authors = CASE WHEN authors = '[]' THEN ? ELSE authors END WHERE id = ?",
            (block.title, normalize_title(block.title) if block.title else None, block.year, block.venue,
             _dumps(block.authors), paper_id))
        created = False
    for ident in block.identifiers:
        conn.execute("INSERT OR IGNORE INTO identifiers (scheme, value, paper_id) VALUES (?,?,?)",
                     (ident.scheme, ident.value, paper_id))
    if block.title:
        key = title_key(block.title)
        if key:
            conn.execute("INSERT OR IGNORE INTO paper_titles (title_norm, paper_id) VALUES (?,?)", (key, paper_id))
    return paper_id, created


def find_match(conn: sqlite3.Connection, block: NoteBlock) -> str | None:
    """The stored paper this block is about, or None."""
    for ident in block.identifiers:
        row = conn.execute("SELECT paper_id FROM identifiers WHERE scheme = ? AND value = ?",
                           (ident.scheme, ident.value)).fetchone()
        if row:
            return row["paper_id"]
    if not block.title:
        return None
    key = title_key(block.title)
    if len(key) < MIN_TITLE_KEY:
        return None
    mine = {i.scheme: i.value for i in block.identifiers}
    for row in conn.execute("SELECT paper_id FROM paper_titles WHERE title_norm = ? ORDER BY paper_id", (key,)):
        theirs = _identifiers(conn, row["paper_id"])
        if all(mine.get(i.scheme, i.value) == i.value for i in theirs):
            return row["paper_id"]
    return None


def _identifiers(conn: sqlite3.Connection, paper_id: str) -> list[Identifier]:
    return [Identifier(r["scheme"], r["value"])
            for r in conn.execute("SELECT scheme, value FROM identifiers WHERE paper_id = ?", (paper_id,))]


def prune_papers(conn: sqlite3.Connection, paper_ids: set[str]) -> int:
    """Delete papers that no note speaks of any more, unless the user tagged or rated them."""
    removed = 0
    for paper_id in sorted(paper_ids):
        if conn.execute("SELECT 1 FROM notes WHERE paper_id = ? LIMIT 1", (paper_id,)).fetchone():
            continue
        if hooks.paper_has_user_data(conn, paper_id):
            continue
        conn.execute("DELETE FROM papers WHERE id = ?", (paper_id,))
        removed += 1
    return removed


def remove_source(lib: Library, key: str) -> bool:
    """Forget a source and its notes (papers kept only if other notes or user data hold them)."""
    with lib.transaction() as conn:
        row = conn.execute("SELECT id FROM sources WHERE key = ?", (key,)).fetchone()
        if not row:
            return False
        papers = {r["paper_id"] for r in conn.execute(
            "SELECT DISTINCT paper_id FROM notes WHERE source_id = ? AND paper_id IS NOT NULL", (row["id"],))}
        notes = [r["id"] for r in conn.execute("SELECT id FROM notes WHERE source_id = ?", (row["id"],))]
        hooks.before_notes_removed(conn, notes)
        conn.execute("DELETE FROM sources WHERE id = ?", (row["id"],))
        prune_papers(conn, papers)
        return True
