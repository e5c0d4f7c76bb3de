"""Put one source's note blocks into the library, in one transaction.

Merging rule: a block is the same paper as a stored one when they share an
identifier (arXiv id, DOI, OpenReview id...), or, failing that, the same
normalised title with no identifier of the same scheme that disagrees.
Re-adding an unchanged source is a no-op; an edited source has only its new,
edited and removed notes written, papers re-derive their fields from their notes,
and papers left with no note and no user data are removed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from paperdex.library import hooks
from paperdex.library.db import Library
from paperdex.library.dialect import dialect_of
from paperdex.model import SCHEMES, Identifier, NoteBlock
from paperdex.titles import MIN_CUT_CHARS, is_cut_short, normalize_title

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
    mtime_ns: int | None = None


@dataclass
class IngestResult:
    status: str  # "added", "updated", "unchanged"
    papers: set[str] = field(default_factory=set)
    new_papers: int = 0
    merged: int = 0  # paper notes attached to a paper that already had a note
    notes: int = 0
    paper_notes: int = 0
    removed_papers: int = 0
    unchanged_notes: int = 0  # notes found as they were (not re-indexed)
    changed_notes: int = 0  # notes new or edited (re-indexed, re-embedded)
    edited_notes: int = 0  # of those, notes that were there before with other content
    removed_notes: int = 0


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


def note_id_for(source_uid: str, identity: str) -> str:
    """A note's id from its source's first key and its identity inside the file (not its position)."""
    return "n" + hashlib.sha1(f"{source_uid}\0{identity}".encode()).hexdigest()[:12]


def _identity(block: NoteBlock) -> str:
    """What makes a note the same note after its file is edited: its paper's strongest id, else its
    title, else its text; never its line, so an edit above a note keeps the note's identity."""
    if block.kind == "paper" and block.identifiers:
        primary = sorted(block.identifiers, key=lambda i: (SCHEMES.index(i.scheme) if i.scheme in SCHEMES
                                                           else len(SCHEMES), i.value))[0]
        return f"paper:{primary.key}"
    key = title_key(block.title) if block.title else ""
    if key:
        return f"{block.kind}:title:{key}"
    text = " ".join(block.text.split()).casefold()
    return f"{block.kind}:text:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def identities(blocks: list[NoteBlock]) -> list[str]:
    """Each block's identity, with #2, #3... for the same paper noted again in one file."""
    seen: dict[str, int] = {}
    out = []
    for block in blocks:
        base = _identity(block)
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return out


def block_digest(block: NoteBlock, reader: str | None) -> str:
    """Everything a stored note holds but its line: equal digests mean nothing to re-index or re-resolve."""
    data = asdict(block)
    data.pop("line", None)
    data["reader"] = block.reader or reader
    return hashlib.sha1(_dumps(data).encode("utf-8")).hexdigest()


def _unique_uid(conn: sqlite3.Connection, key: str) -> str:
    """The key itself, unless a renamed source already took it as its uid (a new file at its old path)."""
    uid, n = key, 1
    while conn.execute("SELECT 1 FROM sources WHERE uid = ?", (uid,)).fetchone() or \
            conn.execute(f"SELECT 1 FROM trash WHERE {dialect_of(conn).json_text('payload', 'source', 'uid')} = ?",
                         (uid,)).fetchone():
        n += 1
        uid = f"{key}\0{n}"
    return uid


_NOTE_COLUMNS = ("source_id, paper_id, ordinal, kind, title, text, thoughts, quotes, marks, flags, refs, urls, "
                 "idents, fields, authors, year, venue, section, line, date, reader, language, digest")


def import_source(lib: Library, source: SourceInput, blocks: list[NoteBlock], *,
                  force: bool = False) -> IngestResult:
    """Store a source and its blocks atomically; returns what changed.

    Notes are compared with the stored ones by identity and digest: only new or
    changed notes are written and re-indexed, removed ones are deleted, and the
    papers they touch re-derive their fields from the notes they now have.
    """
    with lib.transaction() as conn:
        row = conn.execute("SELECT id, content_hash, reader, uid FROM sources WHERE key = ?",
                           (source.key,)).fetchone()
        stamp = now()
        if row and not force and row["content_hash"] == source.content_hash and row["reader"] == source.reader:
            conn.execute("UPDATE sources SET size = ?, mtime_ns = COALESCE(?, mtime_ns), synced_at = ?, "
                         "error = NULL WHERE id = ?", (source.size, source.mtime_ns, stamp, row["id"]))
            return IngestResult(status="unchanged")
        if row:
            source_id, uid = row["id"], row["uid"] or source.key
            conn.execute(
                "UPDATE sources SET path=?, format=?, content_hash=?, size=?, reader=?, title=?, date=?, "
                "metadata=?, updated_at=?, mtime_ns=?, synced_at=?, error=NULL, kept=0, uid=? WHERE id=?",
                (source.path, source.format, source.content_hash, source.size, source.reader, source.title,
                 source.date, _dumps(source.metadata), stamp, source.mtime_ns, stamp, uid, source_id))
            status = "updated"
        else:
            uid = _unique_uid(conn, source.key)
            cur = conn.execute(
                "INSERT INTO sources (key, path, format, content_hash, size, reader, title, date, metadata, "
                "added_at, updated_at, mtime_ns, synced_at, uid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                (source.key, source.path, source.format, source.content_hash, source.size, source.reader,
                 source.title, source.date, _dumps(source.metadata), stamp, stamp, source.mtime_ns, stamp, uid))
            source_id = cur.fetchone()[0]
            status = "added"
        result = IngestResult(status=status)
        store_notes(conn, source_id, uid, blocks, reader=source.reader, stamp=stamp, result=result)
        return result


def store_notes(conn: sqlite3.Connection, source_id: int, uid: str, blocks: list[NoteBlock], *,
                reader: str | None, stamp: str, result: IngestResult) -> None:
    """Make the source's stored notes equal to `blocks`, touching only what differs."""
    existing = {r["id"]: r for r in conn.execute(
        "SELECT id, digest, paper_id, ordinal, line, idents, title FROM notes WHERE source_id = ?", (source_id,))}
    old_papers = {r["paper_id"] for r in existing.values() if r["paper_id"]}
    written: list[str] = []
    kept: set[str] = set()
    for ordinal, (block, identity) in enumerate(zip(blocks, identities(blocks), strict=True)):
        note_id = note_id_for(uid, identity)
        digest = block_digest(block, reader)
        old = existing.get(note_id)
        kept.add(note_id)
        if old is not None and old["digest"] == digest:
            if (old["ordinal"], old["line"]) != (ordinal, block.line):
                conn.execute("UPDATE notes SET ordinal = ?, line = ? WHERE id = ?", (ordinal, block.line, note_id))
            result.notes += 1
            result.unchanged_notes += 1
            if old["paper_id"]:
                result.papers.add(old["paper_id"])
                result.paper_notes += 1
            continue
        paper_id = None
        if block.kind == "paper" and (block.title or block.identifiers):
            paper_id, created = match_or_create(conn, block, stamp)
            had_notes = conn.execute("SELECT 1 FROM notes WHERE paper_id = ? AND id != ? LIMIT 1",
                                     (paper_id, note_id)).fetchone()
            result.new_papers += created
            result.merged += bool(had_notes)
            result.papers.add(paper_id)
            result.paper_notes += 1
        values = (source_id, paper_id, ordinal, block.kind if (paper_id or block.kind != "paper") else "note",
                  block.title, block.text, _dumps(block.thoughts), _dumps(block.quotes), _dumps(block.marks),
                  _dumps(block.flags), _dumps(block.references), _dumps(block.urls),
                  _dumps([[i.scheme, i.value] for i in block.identifiers]), _dumps(block.fields),
                  _dumps(block.authors), block.year, block.venue, block.section, block.line, block.date,
                  block.reader or reader, block.language, digest)
        if old is not None:
            sets = ", ".join(f"{c.strip()} = ?" for c in _NOTE_COLUMNS.split(","))
            conn.execute(f"UPDATE notes SET {sets} WHERE id = ?", (*values, note_id))
            # Changed text is identified afresh by the next `resolve`.
            conn.execute("DELETE FROM note_resolutions WHERE note_id = ?", (note_id,))
            result.edited_notes += 1
        else:
            conn.execute(f"INSERT INTO notes (id, {_NOTE_COLUMNS}) VALUES ({','.join('?' * 24)})",
                         (note_id, *values))
        written.append(note_id)
        result.notes += 1
    removed = [nid for nid in existing if nid not in kept]
    if removed:
        hooks.before_notes_removed(conn, removed)
        conn.executemany("DELETE FROM notes WHERE id = ?", [(nid,) for nid in removed])
    result.changed_notes = len(written)
    result.removed_notes = len(removed)
    gone_keys = [existing[nid] for nid in [*removed, *written] if nid in existing]
    refresh_papers(conn, old_papers | result.papers, gone=gone_keys, stamp=stamp)
    result.removed_papers = prune_papers(conn, old_papers - result.papers)
    hooks.after_notes_added(conn, written)


def match_or_create(conn: sqlite3.Connection, block: NoteBlock, stamp: str) -> tuple[str, bool]:
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
    add_keys(conn, block, paper_id)
    return _absorb_cut_twins(conn, block, _absorb_title_twins(conn, block, paper_id)), created


def _absorb_title_twins(conn: sqlite3.Connection, block: NoteBlock, paper_id: str) -> str:
    """Fold into this paper the id-less papers of the same title that earlier notes made.

    A note without identifiers joins a paper of its title (find_match); so when a note with an id and
    that title arrives *after* the id-less one made its own paper, the two are one paper too: otherwise
    the library depended on the order its notes came in (two members pushing at once got 1,389 or
    1,390 papers from the same notes). Papers with identifiers of their own are left alone.
    """
    if not (block.identifiers and block.title):
        return paper_id
    key = title_key(block.title)
    if len(key) < MIN_TITLE_KEY:
        return paper_id
    twins = [r["paper_id"] for r in conn.execute(
        "SELECT paper_id FROM paper_titles WHERE title_norm = ? AND paper_id != ? ORDER BY paper_id",
        (key, paper_id))]
    for twin in twins:
        if _identifiers(conn, twin):
            continue
        from paperdex.library.resolution import merge_papers  # resolution imports this module

        paper_id = merge_papers(conn, paper_id, twin)
    return paper_id


def _absorb_cut_twins(conn: sqlite3.Connection, block: NoteBlock, paper_id: str) -> str:
    """Fold into this paper the id-less papers whose title is this one cut short (`is_cut_short`), when
    they came first; `find_match` joins a cut title to the whole one when the whole one came first.
    A cut title that two stored papers extend stays a paper of its own: which one it meant is unknown."""
    full = normalize_title(block.title or "")
    if len(full) <= MIN_CUT_CHARS:
        return paper_id
    cuts = {full[:end].rstrip() for end in range(MIN_CUT_CHARS, len(full))}
    keys = [cut.replace(" ", "") for cut in cuts if is_cut_short(cut, full)]
    if not keys:
        return paper_id
    dialect = dialect_of(conn)
    twins = sorted({r["paper_id"] for r in conn.execute(
        f"SELECT paper_id FROM paper_titles WHERE title_norm IN ({dialect.list_values()}) AND paper_id != ?",
        (dialect.list_param(keys), paper_id))})
    for twin in twins:
        short = _title_norm(conn, twin)
        if not is_cut_short(short, full) or _identifiers(conn, twin) or _papers_extending(conn, short) != {paper_id}:
            continue
        from paperdex.library.resolution import merge_papers  # resolution imports this module

        paper_id = merge_papers(conn, paper_id, twin)
        # The older paper stays, with its title: when that was the cut one, the whole title replaces it.
        conn.execute("UPDATE papers SET title = ?, title_norm = ? WHERE id = ? AND title_norm = ?",
                     (block.title, full, paper_id, short))
    return paper_id


def _title_norm(conn: sqlite3.Connection, paper_id: str) -> str:
    row = conn.execute("SELECT title_norm FROM papers WHERE id = ?", (paper_id,)).fetchone()
    return (row["title_norm"] if row else None) or ""


def _papers_extending(conn: sqlite3.Connection, short: str, limit: int = 50) -> set[str]:
    """The stored papers whose own title `short` is a cut of (by the title keys' index)."""
    if len(short) < MIN_CUT_CHARS:
        return set()
    dialect = dialect_of(conn)
    key = short.replace(" ", "")
    rows = conn.execute(f"SELECT DISTINCT paper_id FROM paper_titles WHERE {dialect.starts_with('title_norm')} "
                        f"AND title_norm != ? LIMIT {int(limit)}", (*dialect.prefix_params(key), key))
    return {r["paper_id"] for r in rows if is_cut_short(short, _title_norm(conn, r["paper_id"]))}


def add_keys(conn: sqlite3.Connection, block: NoteBlock, paper_id: str) -> None:
    """The identifiers and title key a note gives its paper, for later notes to merge on."""
    for ident in block.identifiers:
        conn.execute("INSERT INTO identifiers (scheme, value, paper_id) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                     (ident.scheme, ident.value, paper_id))
    if block.title:
        key = title_key(block.title)
        if key:
            conn.execute("INSERT INTO paper_titles (title_norm, paper_id) VALUES (?,?) ON CONFLICT DO NOTHING",
                         (key, paper_id))


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
    if block.identifiers:
        return None
    # A title cut short (an org heading or an export column that truncates) joins the one paper it is cut from.
    extending = _papers_extending(conn, normalize_title(block.title))
    return extending.pop() if len(extending) == 1 else None


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


def refresh_papers(conn: sqlite3.Connection, paper_ids: set[str], *, gone: list[sqlite3.Row] = (),
                   stamp: str | None = None) -> None:
    """Re-derive each paper's fields from the notes it has now, so they follow every edit.

    Title, year, venue and authors come from the first note (by source path, then
    position) that has them, so a synced library equals a fresh import of the same
    files; a resolved paper keeps what its matched record says. Identifiers and
    title keys that only the removed or edited notes (`gone`) carried are dropped.
    A paper whose fields changed and that is not resolved is resolved again.
    """
    stamp = stamp or now()
    for paper_id in sorted(paper_ids):
        paper = conn.execute("SELECT title, year, venue, authors FROM papers WHERE id = ?", (paper_id,)).fetchone()
        if paper is None:
            continue
        notes = conn.execute(
            "SELECT n.title, n.year, n.venue, n.authors, n.idents FROM notes n JOIN sources s ON s.id = n.source_id "
            "WHERE n.paper_id = ? ORDER BY s.path, n.ordinal", (paper_id,)).fetchall()
        if not notes:
            continue  # kept by user data alone: nothing to derive from
        res = conn.execute("SELECT status, candidate FROM resolutions WHERE paper_id = ?", (paper_id,)).fetchone()
        record = json.loads(res["candidate"]) if res and res["status"] == "resolved" and res["candidate"] else {}
        derived = {
            "title": record.get("title") or _first(n["title"] for n in notes),
            "year": record.get("year") or _first(n["year"] for n in notes),
            "venue": record.get("venue") or _first(n["venue"] for n in notes),
            "authors": _dumps(record.get("authors") or _first(json.loads(n["authors"]) for n in notes) or []),
        }
        if any(paper[k] != v for k, v in derived.items()):
            conn.execute("UPDATE papers SET title = ?, title_norm = ?, year = ?, venue = ?, authors = ?, "
                         "updated_at = ? WHERE id = ?",
                         (derived["title"], normalize_title(derived["title"]) if derived["title"] else None,
                          derived["year"], derived["venue"], derived["authors"], stamp, paper_id))
            if not record:
                # What a provider was asked no longer describes the paper: ask again (decisions are kept).
                conn.execute("DELETE FROM resolutions WHERE paper_id = ?", (paper_id,))
                conn.execute("DELETE FROM review_candidates WHERE paper_id = ?", (paper_id,))
        _drop_stale_keys(conn, paper_id, notes, record, list(gone))


def _first(values):
    return next((v for v in values if v), None)


def _drop_stale_keys(conn: sqlite3.Connection, paper_id: str, notes: list[sqlite3.Row], record: dict,
                     gone: list[sqlite3.Row]) -> None:
    """Forget identifiers and title keys that only removed or edited notes gave this paper."""
    if not gone:
        return
    held_ids = {(s, v) for n in notes for s, v in json.loads(n["idents"] or "[]")}
    held_ids |= {(s, v) for s, v in record.get("identifiers", [])}
    held_titles = {title_key(n["title"]) for n in notes if n["title"]}
    if record.get("title"):
        held_titles |= {title_key(record["title"]), normalize_title(record["title"])}
    for old in gone:
        if old["paper_id"] != paper_id:
            continue
        for scheme, value in json.loads(old["idents"] or "[]"):
            if (scheme, value) not in held_ids:
                conn.execute("DELETE FROM identifiers WHERE scheme = ? AND value = ? AND paper_id = ?",
                             (scheme, value, paper_id))
        key = title_key(old["title"]) if old["title"] else ""
        if key and key not in held_titles:
            conn.execute("DELETE FROM paper_titles WHERE title_norm = ? AND paper_id = ?", (key, paper_id))


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
        refresh_papers(conn, papers)
        prune_papers(conn, papers)
        return True
