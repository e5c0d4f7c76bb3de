"""Read the library back as model objects: papers with their notes, documents, counts."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from paperdex.library.db import Library
from paperdex.model import DocumentRecord, Identifier, Note, Paper

_NOTE_SELECT = (
    "SELECT n.*, s.path AS source_path, s.title AS source_title FROM notes n JOIN sources s ON s.id = n.source_id"
)


@dataclass
class PaperFilter:
    """The filters every listing and search shares."""

    section: str | None = None
    reader: str | None = None
    source: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    has_thoughts: bool = False
    language: str | None = None
    member: str | None = None  # team libraries: notes added by this account
    min_members: int | None = None  # team libraries: papers noted by at least this many accounts

    def note_clause(self, alias: str = "n") -> tuple[str, list]:
        """SQL conditions on a notes alias (joined with sources as `s`)."""
        where, args = [], []
        if self.section:
            where.append(f"lower({alias}.section) = lower(?)")  # case-blind on both backends
            args.append(self.section)
        if self.reader:
            where.append(f"lower({alias}.reader) = lower(?)")
            args.append(self.reader)
        if self.source:
            # lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
            where.append("(s.path = ? OR s.key = ? OR lower(s.path) LIKE lower(?))")
            args += [self.source, self.source, f"%{self.source}%"]
        if self.has_thoughts:
            where.append(f"{alias}.thoughts != '[]'")
        if self.language:
            where.append(f"{alias}.language = ?")
            args.append(self.language)
        if self.member:
            where.append(f"{alias}.added_by = ?")
            args.append(self.member)
        if self.min_members and self.min_members > 1:
            where.append(f"{alias}.paper_id IN (SELECT paper_id FROM notes WHERE added_by IS NOT NULL "
                         "AND paper_id IS NOT NULL GROUP BY paper_id HAVING count(DISTINCT added_by) >= ?)")
            args.append(self.min_members)
        return " AND ".join(where), args

    def year_clause(self, column: str) -> tuple[list[str], list]:
        """Conditions keeping rows whose `column` (a year expression) is in the year range."""
        where, args = [], []
        if self.year_from is not None:
            where.append(f"{column} >= ?")
            args.append(self.year_from)
        if self.year_to is not None:
            where.append(f"{column} <= ?")
            args.append(self.year_to)
        return where, args

    def is_empty(self) -> bool:
        return not (self.section or self.reader or self.source or self.year_from or self.year_to
                    or self.has_thoughts or self.language or self.member or (self.min_members or 0) > 1)


def _loads(text: str | None, default):
    return json.loads(text) if text else default


def note_from_row(row: sqlite3.Row) -> Note:
    return Note(
        id=row["id"], kind=row["kind"], source=row["source_path"], text=row["text"], paper_id=row["paper_id"],
        title=row["title"], reader=row["reader"], section=row["section"],
        thoughts=_loads(row["thoughts"], []), quotes=_loads(row["quotes"], []), marks=_loads(row["marks"], []),
        flags=_loads(row["flags"], []), references=_loads(row["refs"], []), urls=_loads(row["urls"], []),
        identifiers=[Identifier(s, v) for s, v in _loads(row["idents"], [])], year=row["year"],
        venue=row["venue"], authors=_loads(row["authors"], []), line=row["line"], date=row["date"],
        language=row["language"], fields=_loads(row["fields"], {}), source_title=row["source_title"],
        added_by=row["added_by"],
    )


def canonical_identifiers(lib: Library, paper_ids: list[str]) -> dict[str, list[Identifier]]:
    """Each paper's identifiers, those of its accepted resolution first in the record's own order (so
    `Paper.arxiv_id` is the accepted record's), then the rest (from notes, merged papers) sorted.

    Two queries for any number of papers: on PostgreSQL every query is a round trip, and a page of 40
    papers asked one by one cost 80 of them."""
    held: dict[str, list[Identifier]] = {pid: [] for pid in paper_ids}
    if not paper_ids:
        return held
    values, param = lib.dialect.list_values(), lib.dialect.list_param(paper_ids)
    for r in lib.conn.execute(f"SELECT paper_id, scheme, value FROM identifiers WHERE paper_id IN ({values}) "
                              "ORDER BY paper_id, scheme, value", [param]):
        held[r["paper_id"]].append(Identifier(r["scheme"], r["value"]))
    for r in lib.conn.execute(f"SELECT paper_id, candidate FROM resolutions WHERE paper_id IN ({values}) "
                              "AND status = 'resolved'", [param]):
        own = held[r["paper_id"]]
        accepted = [Identifier(s, v) for s, v in _loads(r["candidate"], {}).get("identifiers", [])]
        first = [i for i in accepted if i in own]
        held[r["paper_id"]] = first + [i for i in own if i not in first]
    return held


def papers_from_rows(lib: Library, rows: list, *, with_notes: bool) -> list[Paper]:
    """Papers rows of the `papers` table, with identifiers (and notes), in a fixed number of queries."""
    ids = [row["id"] for row in rows]
    idents = canonical_identifiers(lib, ids)
    notes: dict[str, list[Note]] = {pid: [] for pid in ids}
    if with_notes and ids:
        for r in lib.conn.execute(_NOTE_SELECT + f" WHERE n.paper_id IN ({lib.dialect.list_values()}) "
                                  "ORDER BY n.paper_id, s.path, n.ordinal", [lib.dialect.list_param(ids)]):
            notes[r["paper_id"]].append(note_from_row(r))
    out = []
    for row in rows:
        paper = Paper(id=row["id"], title=row["title"], year=row["year"], venue=row["venue"],
                      authors=_loads(row["authors"], []), abstract=row["abstract"], identifiers=idents[row["id"]],
                      added_at=row["created_at"])
        if with_notes:
            paper.notes = notes[row["id"]]
            urls: list[str] = []
            for note in paper.notes:
                urls += [u for u in note.urls if u not in urls]
            paper.urls = urls
        out.append(paper)
    return out


def get_paper(lib: Library, paper_id: str) -> Paper | None:
    row = lib.conn.execute("SELECT * FROM papers WHERE id = ?", (paper_id,)).fetchone()
    return papers_from_rows(lib, [row], with_notes=True)[0] if row else None


def get_papers(lib: Library, paper_ids: Iterable[str]) -> list[Paper]:
    """These papers with their notes, in the order asked (ids not in the library are left out)."""
    ids = list(dict.fromkeys(paper_ids))
    if not ids:
        return []
    rows = {r["id"]: r for r in lib.conn.execute(
        f"SELECT * FROM papers WHERE id IN ({lib.dialect.list_values()})", [lib.dialect.list_param(ids)])}
    return papers_from_rows(lib, [rows[pid] for pid in ids if pid in rows], with_notes=True)


def iter_papers(lib: Library, flt: PaperFilter | None = None) -> Iterator[Paper]:
    """Every paper with its notes, in a stable order (by id) so exports diff cleanly."""
    ids = filtered_paper_ids(lib, flt or PaperFilter(), order="id")
    for start in range(0, len(ids), 500):  # a few queries per 500 papers, not four per paper
        yield from get_papers(lib, ids[start:start + 500])


def filtered_paper_ids(lib: Library, flt: PaperFilter, *, order: str = "year", limit: int | None = None,
                       offset: int = 0) -> list[str]:
    """Ids of papers having at least one note that passes the filter."""
    where, args = flt.note_clause()
    paper_where, paper_args = flt.year_clause("p.year")
    sub = "SELECT n.paper_id FROM notes n JOIN sources s ON s.id = n.source_id WHERE n.paper_id IS NOT NULL"
    if where:
        sub += " AND " + where
    sql = f"SELECT p.id FROM papers p WHERE p.id IN ({sub})"
    if paper_where:
        sql += " AND " + " AND ".join(paper_where)
    sql += {
        "year": " ORDER BY p.year IS NULL, p.year DESC, p.created_at DESC, p.id",
        "added": " ORDER BY p.created_at DESC, p.id",
        "title": " ORDER BY p.title_norm, p.id",
        "id": " ORDER BY p.id",
    }[order]
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        paper_args += [limit, offset]
    return [r["id"] for r in lib.conn.execute(sql, args + paper_args)]


def count_papers(lib: Library, flt: PaperFilter | None = None) -> int:
    return len(filtered_paper_ids(lib, flt or PaperFilter(), order="id"))


def list_papers(lib: Library, flt: PaperFilter | None = None, *, order: str = "year", limit: int | None = 50,
                offset: int = 0) -> list[Paper]:
    return get_papers(lib, filtered_paper_ids(lib, flt or PaperFilter(), order=order, limit=limit,
                                              offset=offset))


def iter_paperless(lib: Library, flt: PaperFilter | None = None) -> Iterator[DocumentRecord]:
    """Sources' notes that belong to no paper (lecture notes, untitled blocks), one record per source."""
    where, args = (flt or PaperFilter()).note_clause()
    sql = _NOTE_SELECT + " WHERE n.paper_id IS NULL" + (" AND " + where if where else "")
    sql += " ORDER BY s.path, n.ordinal"
    current: DocumentRecord | None = None
    for row in lib.conn.execute(sql, args):
        if current is None or current.id != row["source_id"]:
            if current is not None:
                yield current
            src = lib.conn.execute("SELECT * FROM sources WHERE id = ?", (row["source_id"],)).fetchone()
            current = DocumentRecord(id=src["id"], source=src["path"], format=src["format"], title=src["title"],
                                     reader=src["reader"])
        current.notes.append(note_from_row(row))
    if current is not None:
        yield current


def get_note(lib: Library, note_id: str) -> Note | None:
    row = lib.conn.execute(_NOTE_SELECT + " WHERE n.id = ?", (note_id,)).fetchone()
    return note_from_row(row) if row else None


def find_papers(lib: Library, ref: str, limit: int = 20) -> list[Paper]:
    """Papers named by a paper id, any identifier or URL, or words of the title."""
    from paperdex.ids import find_identifiers, identifier_from_url

    ref = ref.strip()
    row = lib.conn.execute("SELECT id FROM papers WHERE id = ?", (ref,)).fetchone()
    if row:
        return get_papers(lib, [row["id"]])
    idents = find_identifiers(ref)
    if not idents and re.fullmatch(r"\d{4}\.\d{4,5}(v\d+)?|[a-z-]+(\.[A-Z]{2})?/\d{7}(v\d+)?", ref):
        idents = find_identifiers("arXiv:" + ref)
    url_ident = identifier_from_url(ref) if ref.startswith("http") else None
    if url_ident:
        idents = [url_ident, *idents]
    for ident in idents:
        row = lib.conn.execute("SELECT paper_id FROM identifiers WHERE scheme = ? AND value = ?",
                               (ident.scheme, ident.value)).fetchone()
        if row:
            return get_papers(lib, [row["paper_id"]])
    words = [w for w in re.split(r"\W+", ref.casefold()) if w]
    if not words:
        return []
    sql = "SELECT DISTINCT paper_id FROM paper_titles WHERE " + " AND ".join(["title_norm LIKE ?"] * len(words))
    ids = [r["paper_id"] for r in lib.conn.execute(sql + " LIMIT ?", [f"%{w}%" for w in words] + [limit])]
    return get_papers(lib, ids)


def counts(lib: Library) -> dict[str, int]:
    q = lib.conn.execute
    return {
        "papers": q("SELECT count(*) FROM papers").fetchone()[0],
        "notes": q("SELECT count(*) FROM notes").fetchone()[0],
        "sources": q("SELECT count(*) FROM sources").fetchone()[0],
        "readers": q("SELECT count(DISTINCT reader) FROM notes WHERE reader IS NOT NULL").fetchone()[0],
        "paperless_notes": q("SELECT count(*) FROM notes WHERE paper_id IS NULL").fetchone()[0],
    }


def sources(lib: Library) -> list[sqlite3.Row]:
    return list(lib.conn.execute(
        "SELECT s.*, (SELECT count(*) FROM notes n WHERE n.source_id = s.id) AS notes FROM sources s ORDER BY s.path"))
