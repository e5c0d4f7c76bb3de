"""Read-only queries a browser needs: one page of papers with a total, facet values, stats, neighbours.

Everything here pages in SQL (LIMIT/OFFSET, COUNT) so a library of 100k papers
never loads whole; the web UI and the JSON API call these, never SQL themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paperdex.library.db import Library
from paperdex.library.store import PaperFilter
from paperdex.titles import normalize_title

ORDERS = {
    "year": " ORDER BY p.year IS NULL, p.year DESC, p.created_at DESC, p.id",
    "year-asc": " ORDER BY p.year IS NULL, p.year ASC, p.created_at, p.id",
    "added": " ORDER BY p.created_at DESC, p.id",
    "title": " ORDER BY p.title_norm, p.id",
}
# A paper counts as resolved once it carries one of these identifiers (until resolution data says more).
RESOLVED_SCHEMES = ("arxiv", "doi")
# (a paper the resolver matched counts too, whatever identifiers it got)


@dataclass
class Query:
    """The listing's view of the library: the shared filters plus what only browsing offers."""

    flt: PaperFilter = field(default_factory=PaperFilter)
    resolved: bool | None = None
    tag: str | None = None
    status: str | None = None
    order: str = "year"


def _has_table(lib: Library, name: str) -> bool:
    return lib.conn.execute(lib.dialect.table_exists(), (name,)).fetchone() is not None


def _where(lib: Library, q: Query) -> tuple[str, list]:
    note_where, args = q.flt.note_clause()
    conds, more = [], []
    if note_where:
        conds.append("p.id IN (SELECT n.paper_id FROM notes n JOIN sources s ON s.id = n.source_id "
                     "WHERE n.paper_id IS NOT NULL AND " + note_where + ")")
    else:
        conds.append("EXISTS (SELECT 1 FROM notes n WHERE n.paper_id = p.id)")
    years, year_args = q.flt.year_clause("p.year")
    conds += years
    more += year_args
    if q.resolved is not None:
        marks = ",".join("?" * len(RESOLVED_SCHEMES))
        test = f"(EXISTS (SELECT 1 FROM identifiers i WHERE i.paper_id = p.id AND i.scheme IN ({marks}))"
        if _has_table(lib, "resolutions"):
            test += " OR EXISTS (SELECT 1 FROM resolutions r WHERE r.paper_id = p.id AND r.status = 'resolved')"
        test += ")"
        conds.append(test if q.resolved else "NOT " + test)
        more += list(RESOLVED_SCHEMES)
    if q.tag:
        conds.append("p.id IN (SELECT paper_id FROM paper_tags WHERE tag = ?)")
        more.append(q.tag)
    if q.status:
        conds.append("p.id IN (SELECT paper_id FROM paper_status WHERE status = ?)")
        more.append(q.status)
    return " AND ".join(conds), args + more


def page_ids(lib: Library, q: Query, *, limit: int = 50, offset: int = 0) -> tuple[list[str], int]:
    """One page of paper ids in the asked order, and how many papers match in all."""
    where, args = _where(lib, q)
    total = lib.conn.execute(f"SELECT count(*) FROM papers p WHERE {where}", args).fetchone()[0]
    sql = f"SELECT p.id FROM papers p WHERE {where}" + ORDERS.get(q.order, ORDERS["year"]) + " LIMIT ? OFFSET ?"
    ids = [r["id"] for r in lib.conn.execute(sql, [*args, limit, offset])]
    return ids, total


def facets(lib: Library, limit: int = 60) -> dict:
    """The values each filter can take, with counts, most common first."""
    q = lib.conn.execute
    years = q("SELECT min(year), max(year) FROM papers WHERE year IS NOT NULL").fetchone()
    return {
        "sections": [(r[0], r[1]) for r in q(
            "SELECT section, count(DISTINCT paper_id) AS c FROM notes WHERE section IS NOT NULL AND section != '' "
            "AND paper_id IS NOT NULL GROUP BY section ORDER BY c DESC, section LIMIT ?", (limit,))],
        "readers": [(r[0], r[1]) for r in q(
            "SELECT reader, count(*) AS c FROM notes WHERE reader IS NOT NULL AND reader != '' "
            "GROUP BY reader ORDER BY c DESC, reader LIMIT ?", (limit,))],
        "sources": [(r[0], r[1]) for r in q(
            "SELECT s.path, count(n.id) AS c FROM sources s LEFT JOIN notes n ON n.source_id = s.id "
            "GROUP BY s.id ORDER BY s.path LIMIT ?", (limit,))],
        "languages": [(r[0], r[1]) for r in q(
            "SELECT language, count(*) AS c FROM notes WHERE language IS NOT NULL AND language != '' "
            "GROUP BY language ORDER BY c DESC, language LIMIT ?", (limit,))],
        "year_min": years[0],
        "year_max": years[1],
    }


def source_ids(lib: Library) -> dict[str, int]:
    """Source path -> id, so notes can link to the source's document page."""
    return {r["path"]: r["id"] for r in lib.conn.execute("SELECT id, path FROM sources")}


# --- stats --------------------------------------------------------------------------------------------

_MONTH = re.compile(r"^\d{4}-\d{2}$")


def stats(lib: Library) -> dict:
    """Counts for the stats page: papers per year and section, readers, notes per month.

    The timeline uses the note's own date, else its source's (a post date, front matter);
    never the import time, which says when paperdex read the file, not when the reader did."""
    q = lib.conn.execute
    timeline: dict[str, int] = {}
    for row in q("SELECT substr(COALESCE(n.date, s.date), 1, 7) AS m, count(*) AS c "
                 "FROM notes n JOIN sources s ON s.id = n.source_id GROUP BY m ORDER BY m"):
        if row["m"] and _MONTH.match(row["m"]):
            timeline[row["m"]] = row["c"]
    return {
        "per_year": [(r[0], r[1]) for r in q(
            "SELECT year, count(*) FROM papers WHERE year IS NOT NULL GROUP BY year ORDER BY year")],
        "per_section": [(r[0], r[1]) for r in q(
            "SELECT section, count(DISTINCT paper_id) AS c FROM notes WHERE section IS NOT NULL AND section != '' "
            "AND paper_id IS NOT NULL GROUP BY section ORDER BY c DESC, section LIMIT 25")],
        "readers": [dict(reader=r[0], notes=r[1], papers=r[2], thoughts=r[3]) for r in q(
            "SELECT COALESCE(reader, '(unknown)') AS who, count(*), count(DISTINCT paper_id), "
            "sum(CASE WHEN thoughts != '[]' THEN 1 ELSE 0 END) FROM notes GROUP BY who ORDER BY count(*) DESC LIMIT 50")],
        "timeline": sorted(timeline.items()),
        "untitled_year": q("SELECT count(*) FROM papers WHERE year IS NULL").fetchone()[0],
    }


# --- neighbours ---------------------------------------------------------------------------------------


def related_by_section(lib: Library, paper_id: str, limit: int = 8) -> list[str]:
    """Papers listed under the same heading of the same source: the reader grouped them together."""
    rows = lib.conn.execute(
        "SELECT n2.paper_id AS pid, count(*) AS shared FROM notes n1 JOIN notes n2 "
        "ON n2.source_id = n1.source_id AND n2.section = n1.section "
        "WHERE n1.paper_id = ? AND n1.section IS NOT NULL AND n2.paper_id IS NOT NULL AND n2.paper_id != ? "
        "GROUP BY n2.paper_id ORDER BY shared DESC, min(abs(n2.ordinal - n1.ordinal)), n2.paper_id LIMIT ?",
        (paper_id, paper_id, limit))
    return [r["pid"] for r in rows]


def related_by_references(lib: Library, paper_id: str, limit: int = 8) -> list[str]:
    """Papers this paper's notes mention, and papers whose notes mention this one."""
    conn = lib.conn
    found: list[str] = []

    def keep(pid: str | None) -> None:
        if pid and pid != paper_id and pid not in found:
            found.append(pid)

    refs = [r[0] for r in conn.execute(
        f"SELECT DISTINCT j.value FROM notes n, {lib.dialect.json_rows('n.refs', 'j')} WHERE n.paper_id = ?",
        (paper_id,))]
    for ref in refs:
        if not isinstance(ref, str):
            continue
        scheme, _, value = ref.partition(":")
        row = conn.execute("SELECT paper_id FROM identifiers WHERE scheme = ? AND value = ?",
                           (scheme, value)).fetchone() if value else None
        if row is None:
            row = conn.execute("SELECT paper_id FROM paper_titles WHERE title_norm = ?",
                               (normalize_title(ref),)).fetchone()
        if row is not None:
            keep(row[0])
    # Who mentions us: our identifier keys and titles, as other notes' references.
    keys = [f"{r[0]}:{r[1]}" for r in conn.execute(
        "SELECT scheme, value FROM identifiers WHERE paper_id = ?", (paper_id,))]
    titles = {r[0] for r in conn.execute("SELECT title_norm FROM paper_titles WHERE paper_id = ?", (paper_id,))}
    for row in conn.execute(
            f"SELECT DISTINCT n.paper_id, j.value FROM notes n, {lib.dialect.json_rows('n.refs', 'j')} "
            "WHERE n.refs != '[]' AND n.paper_id IS NOT NULL AND n.paper_id != ?", (paper_id,)):
        value = row[1]
        if isinstance(value, str) and (value in keys or normalize_title(value) in titles):
            keep(row[0])
    return found[:limit]


def embedding_model(lib: Library) -> str | None:
    """The embedding model most rows have vectors under (None before any embedding ran)."""
    if not _has_table(lib, "embeddings"):
        return None
    row = lib.conn.execute("SELECT model FROM embeddings GROUP BY model ORDER BY count(*) DESC, model LIMIT 1"
                           ).fetchone()
    return row[0] if row else None


def search_doc_ids(lib: Library, paper_id: str) -> list[int]:
    """The search index rows of a paper: its metadata row and one per note."""
    if not _has_table(lib, "search_docs"):
        return []
    return [r[0] for r in lib.conn.execute(
        "SELECT d.id FROM search_docs d LEFT JOIN notes n ON n.id = d.note_id "
        "WHERE d.paper_id = ? OR n.paper_id = ? ORDER BY d.id", (paper_id, paper_id))]


def note_source_id(lib: Library, note_id: str) -> int | None:
    row = lib.conn.execute("SELECT source_id FROM notes WHERE id = ?", (note_id,)).fetchone()
    return row[0] if row else None


def data_version(lib: Library) -> tuple:
    """Changes whenever an import, removal or resolution changes what facets count (cheap to ask)."""
    row = lib.conn.execute(
        "SELECT (SELECT count(*) FROM notes), (SELECT count(*) FROM papers), (SELECT count(*) FROM sources), "
        "(SELECT max(updated_at) FROM sources), (SELECT max(updated_at) FROM papers)").fetchone()
    return tuple(row)
