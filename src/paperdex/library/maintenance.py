"""Keep a library healthy: online backup, integrity and orphan checks, safe repairs, re-derived indexes.

The rule for repairs: only data derived from notes (identifiers, title keys,
links from notes to papers, search rows) is ever deleted or rewritten. Notes,
sources and what the user decided (tags, reading status, review decisions) are
reported, never removed, so `check --fix` cannot lose a researcher's work.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from paperdex.errors import LibraryError, UsageError
from paperdex.library import diagnosis, hooks
from paperdex.library.db import Library, migrations
from paperdex.library.dialect import dialect_of

# Tables holding what a person decided; a paper with rows here is never pruned.
USER_TABLES: tuple[str, ...] = (*hooks.USER_DATA_TABLES, "review_decisions")
# Tables whose rows can be re-derived (from notes or by resolving again): safe to delete when orphaned.
DERIVED_TABLES: tuple[str, ...] = ("identifiers", "paper_titles", "resolutions", "note_resolutions")
EXAMPLES = 5


@dataclass
class Problem:
    """One thing wrong with a library, what it means and what repairs it."""

    code: str
    count: int
    message: str
    fix: str
    fixable: bool = False
    severity: str = "error"  # "error" fails `paperdex check`; "warning" is reported only
    examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"code": self.code, "count": self.count, "message": self.message, "fix": self.fix,
                "fixable": self.fixable, "severity": self.severity, "examples": self.examples}


@dataclass
class CheckReport:
    """What `paperdex check` found, with the library's vital counts."""

    integrity: list[str]
    problems: list[Problem]
    counts: dict[str, int]
    schema_version: int
    latest_schema: int

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"] and not any(p.severity == "error" for p in self.problems)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "integrity": self.integrity, "schema_version": self.schema_version,
                "latest_schema": self.latest_schema, "counts": self.counts,
                "problems": [p.as_dict() for p in self.problems]}


# --- small helpers -------------------------------------------------------------------------------


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute(dialect_of(conn).table_names())}


def _user_data_exists(tables: set[str]) -> str:
    """SQL condition: the paper `p` has a row in some user-data table."""
    present = [t for t in USER_TABLES if t in tables]
    if not present:
        return "0"
    return "(" + " OR ".join(f"EXISTS (SELECT 1 FROM {t} u WHERE u.paper_id = p.id)" for t in present) + ")"


def _problem_from_rows(code: str, rows: list, message: str, fix: str, *, fixable: bool,
                       severity: str = "error") -> Problem | None:
    if not rows:
        return None
    return Problem(code, len(rows), message, fix, fixable=fixable, severity=severity,
                   examples=[str(r[0]) for r in rows[:EXAMPLES]])


# --- backup --------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    size: int
    pages: int
    counts: dict[str, int]


def backup(lib: Library, dest: str | Path, *, overwrite: bool = False) -> BackupResult:
    """Copy the library with SQLite's online backup API (safe while others read or write).

    The copy is written beside its destination and renamed into place only once
    it passes `PRAGMA integrity_check`, so a crash never leaves a half backup
    under the name the user gave.
    """
    if lib.dialect.is_postgres:
        raise UsageError(f"{lib.location} is a PostgreSQL database: back it up with the server's own tool, "
                         "e.g. `pg_dump -Fc -f lab.dump DATABASE` (docs/storage.md)")
    dest = Path(dest).expanduser()
    if dest.is_dir():
        from paperdex.library.ingest import now

        dest = dest / f"{lib.path.stem}-{now()[:19].replace(':', '').replace('-', '')}.db"
    if dest.exists() and dest.resolve() == lib.path.resolve():
        raise UsageError(f"{dest} is the library itself; give another path for the backup")
    if dest.exists() and not overwrite:
        raise UsageError(f"{dest} already exists; give a new path or use --overwrite")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    target = sqlite3.connect(str(tmp))
    try:
        # One step (pages=-1): a read snapshot, so writers in other processes go on and the copy is consistent.
        lib.conn.backup(target)
        # A single-file copy is easier to carry around than one that needs its -wal beside it.
        target.execute("PRAGMA journal_mode = DELETE")
        verdict = [r[0] for r in target.execute("PRAGMA integrity_check")]
        pages = target.execute("PRAGMA page_count").fetchone()[0]
        counts = _counts(target)
    except sqlite3.Error as exc:
        target.close()
        tmp.unlink(missing_ok=True)
        raise LibraryError(f"backup to {dest} failed: {exc} (check free space and permissions)") from exc
    target.close()
    if verdict != ["ok"]:
        tmp.unlink(missing_ok=True)
        raise LibraryError(f"the backup copy failed its integrity check ({verdict[0]}); "
                           "run `paperdex check` on the library")
    os.replace(tmp, dest)
    return BackupResult(path=dest, size=dest.stat().st_size, pages=pages, counts=counts)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = _tables(conn)
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("sources", "notes", "papers", "identifiers", "paper_tags", "paper_status",
                      "review_decisions") if t in tables}


# --- check ---------------------------------------------------------------------------------------


def check(lib: Library, *, quick: bool = False) -> CheckReport:
    """Integrity, foreign keys and orphans; reads only."""
    conn = lib.conn
    latest = max((m[0] for m in migrations(lib.dialect)), default=0)
    try:
        if lib.dialect.is_postgres:
            integrity = ["ok"]  # the server checksums and recovers its own pages; nothing to ask it here
        else:
            integrity = [r[0] for r in conn.execute("PRAGMA quick_check" if quick else "PRAGMA integrity_check")]
        tables = _tables(conn)
    except sqlite3.DatabaseError as exc:
        # Damaged beyond what the checks can read: say so, and leave repairs to a backup or .recover.
        return CheckReport(integrity=[str(exc)], problems=[], counts={}, schema_version=lib.schema_version,
                           latest_schema=latest)
    problems: list[Problem] = []
    if lib.schema_version != latest:
        problems.append(Problem("schema-version", 1, f"schema is v{lib.schema_version}, this paperdex expects "
                                f"v{latest}", "upgrade paperdex (a newer version wrote this library)"))

    # PostgreSQL enforces foreign keys on every write: no row can point at a row that is gone.
    fk_rows = [] if lib.dialect.is_postgres else list(conn.execute("PRAGMA foreign_key_check"))
    by_table: dict[str, list] = {}
    for row in fk_rows:
        by_table.setdefault(row[0], []).append(row)
    for table, rows in sorted(by_table.items()):
        if table in ("identifiers", "paper_titles", "notes"):
            continue  # reported with a clearer message by the orphan checks below
        derived = table in DERIVED_TABLES
        problems.append(Problem(
            f"foreign-key:{table}", len(rows), f"{len(rows)} row(s) of {table} point at rows that are gone",
            "--fix deletes them (they are re-derived by `paperdex resolve`)" if derived
            else "kept: this is your own data; restore the missing rows from a backup",
            fixable=derived, severity="error" if derived else "warning",
            examples=[f"rowid {r[1]} -> {r[2]}" for r in rows[:EXAMPLES]]))

    orphan_checks = [
        ("notes-without-paper",
         "SELECT n.id FROM notes n WHERE n.paper_id IS NOT NULL AND n.paper_id NOT IN (SELECT id FROM papers)",
         "note(s) point at a paper that is gone",
         "--fix keeps the notes as untitled notes; `paperdex add --force FILE` re-links them", True, "error"),
        ("notes-without-source",
         "SELECT n.id FROM notes n WHERE n.source_id NOT IN (SELECT id FROM sources)",
         "note(s) belong to a source that is gone",
         "kept: re-add the file the notes came from, or restore from `paperdex backup`", False, "error"),
        ("identifiers-without-paper",
         "SELECT scheme || ':' || value FROM identifiers WHERE paper_id NOT IN (SELECT id FROM papers)",
         "identifier(s) name a paper that is gone", "--fix deletes them (re-derived from notes)", True, "error"),
        ("titles-without-paper",
         "SELECT title_norm FROM paper_titles WHERE paper_id NOT IN (SELECT id FROM papers)",
         "title key(s) name a paper that is gone", "--fix deletes them (re-derived from notes)", True, "error"),
        ("empty-papers",
         "SELECT p.id FROM papers p WHERE NOT EXISTS (SELECT 1 FROM notes n WHERE n.paper_id = p.id) "
         f"AND NOT {_user_data_exists(tables)}",
         "paper(s) have no note and no tag, status or review decision",
         "--fix deletes them (an import would have pruned them)", True, "error"),
        ("paper-with-two-arxiv-ids",
         f"SELECT paper_id || ' (' || {lib.dialect.group_concat('value', ', ')} || ')' FROM (SELECT paper_id, "
         "value FROM identifiers WHERE scheme = 'arxiv' ORDER BY paper_id, value) AS a GROUP BY paper_id "
         "HAVING count(*) > 1",
         "paper(s) carry more than one arXiv id (two papers' ids on one)",
         "kept: see which note gave which id (`paperdex show ID`), fix the note, then `paperdex add --force FILE`",
         False, "warning"),
    ]
    for code, sql, message, fix, fixable, severity in orphan_checks:
        rows = list(conn.execute(sql))
        problem = _problem_from_rows(code, rows, f"{len(rows)} {message}", fix, fixable=fixable, severity=severity)
        if problem:
            problems.append(problem)
    for table in (t for t in hooks.USER_DATA_TABLES if t in tables):
        rows = list(conn.execute(f"SELECT paper_id FROM {table} WHERE paper_id NOT IN (SELECT id FROM papers)"))
        problem = _problem_from_rows(
            f"{table}-without-paper", rows, f"{len(rows)} row(s) of {table} name a paper not in the library",
            "kept: paper ids are stable, so they reattach when the notes on that paper are added again",
            fixable=False, severity="warning")
        if problem:
            problems.append(problem)
    problems += _check_search(conn)
    return CheckReport(integrity=integrity, problems=problems, counts=_counts(conn),
                       schema_version=lib.schema_version, latest_schema=latest)


def _check_search(conn: sqlite3.Connection) -> list[Problem]:
    """The keyword index (search_docs + search_fts) against the notes and papers it indexes."""
    tables = _tables(conn)
    if "search_docs" not in tables or "search_fts" not in tables:
        return []
    fix = "--fix rebuilds the keyword index from the notes (`paperdex rebuild` does too)"
    checks = [
        ("search-orphans:notes", "SELECT note_id FROM search_docs WHERE note_id IS NOT NULL "
         "AND note_id NOT IN (SELECT id FROM notes)", "search row(s) index notes that are gone"),
        ("search-orphans:papers", "SELECT paper_id FROM search_docs WHERE paper_id IS NOT NULL "
         "AND paper_id NOT IN (SELECT id FROM papers)", "search row(s) index papers that are gone"),
        ("search-orphans:fts", "SELECT rowid FROM search_fts WHERE rowid NOT IN (SELECT id FROM search_docs)",
         "keyword row(s) belong to no indexed note or paper"),
        ("search-missing:fts", "SELECT id FROM search_docs WHERE id NOT IN (SELECT rowid FROM search_fts)",
         "indexed note(s) or paper(s) have no keyword row"),
    ]
    backfilled = conn.execute("SELECT value FROM search_meta WHERE key = 'backfilled'").fetchone() \
        if "search_meta" in tables else None
    if backfilled and backfilled[0]:
        # Before the first backfill, notes older than the index are expected to be missing from it.
        checks.append(("search-missing:notes", "SELECT id FROM notes WHERE id NOT IN "
                       "(SELECT note_id FROM search_docs WHERE note_id IS NOT NULL)", "note(s) are not in the index"))
    problems = []
    for code, sql, message in checks:
        rows = list(conn.execute(sql))
        problem = _problem_from_rows(code, rows, f"{len(rows)} {message}", fix, fixable=True)
        if problem:
            problems.append(problem)
    if dialect_of(conn).is_postgres:
        return problems  # a GIN index has no self-check to run; the row checks above cover it
    try:
        # FTS5 checks itself through an INSERT, so a library that cannot be written cannot run it.
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as exc:
        code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        if code == diagnosis.SQLITE_READONLY or "readonly" in str(exc):
            problems.append(Problem(
                "search-unchecked", 1, "the keyword index was not checked: the library is read-only "
                "(its own check has to write); everything else was checked", "make it writable (fix the "
                "permissions of the library and its -wal/-shm files, or remount) and run `paperdex check` again",
                severity="warning"))
        elif code in (diagnosis.SQLITE_BUSY, diagnosis.SQLITE_LOCKED):
            problems.append(Problem("search-unchecked", 1, "the keyword index was not checked: another "
                                    "paperdex is writing", "run `paperdex check` again when it finishes",
                                    severity="warning"))
        else:
            problems.append(Problem("search-damaged", 1, f"the keyword index is damaged: {exc}", fix,
                                    fixable=True))
    return problems


# --- fix -----------------------------------------------------------------------------------------


def fix(lib: Library) -> dict[str, int]:
    """Apply every safe repair in one transaction; returns how many rows each repair touched."""
    done: dict[str, int] = {}
    with lib.transaction() as conn:
        tables = _tables(conn)
        done["notes-without-paper"] = conn.execute(
            "UPDATE notes SET paper_id = NULL, kind = CASE kind WHEN 'paper' THEN 'note' ELSE kind END "
            "WHERE paper_id IS NOT NULL AND paper_id NOT IN (SELECT id FROM papers)").rowcount
        done["identifiers-without-paper"] = conn.execute(
            "DELETE FROM identifiers WHERE paper_id NOT IN (SELECT id FROM papers)").rowcount
        done["titles-without-paper"] = conn.execute(
            "DELETE FROM paper_titles WHERE paper_id NOT IN (SELECT id FROM papers)").rowcount
        if "resolutions" in tables:
            done["foreign-key:resolutions"] = conn.execute(
                "DELETE FROM resolutions WHERE paper_id NOT IN (SELECT id FROM papers)").rowcount
        if "note_resolutions" in tables:
            done["foreign-key:note_resolutions"] = conn.execute(
                "DELETE FROM note_resolutions WHERE note_id NOT IN (SELECT id FROM notes)").rowcount
        empty = [r[0] for r in conn.execute(
            "SELECT p.id FROM papers p WHERE NOT EXISTS (SELECT 1 FROM notes n WHERE n.paper_id = p.id) "
            f"AND NOT {_user_data_exists(tables)}")]
        conn.executemany("DELETE FROM papers WHERE id = ?", [(pid,) for pid in empty])
        done["empty-papers"] = len(empty)
    if _check_search(lib.conn):
        done["search-rebuilt"] = rebuild_search(lib)
    return {k: v for k, v in done.items() if v}


def rebuild_search(lib: Library) -> int:
    """Re-derive the keyword index from the stored notes and papers; returns its row count.

    Uses the index module's own rebuild; if that fails on this SQLite, the index is
    emptied and refilled through the same hooks an import runs, in one transaction.
    """
    from paperdex.library import fts

    try:
        return fts.rebuild(lib)["rows"]
    except sqlite3.OperationalError:
        pass  # the failed rebuild rolled back; the fallback below starts clean
    with lib.transaction() as conn:
        conn.execute("DELETE FROM search_fts")
        conn.execute("DELETE FROM search_docs")
        conn.execute("DELETE FROM search_stale")
        fts.index_notes(conn, [r[0] for r in conn.execute("SELECT id FROM notes ORDER BY source_id, ordinal")])
        fts.refresh_papers(conn, [r[0] for r in conn.execute("SELECT id FROM papers")])
        conn.execute("UPDATE search_meta SET value = 1 WHERE key = 'backfilled'")
        return conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]


def has_search_index(lib: Library) -> bool:
    return {"search_docs", "search_fts"} <= _tables(lib.conn)


# --- re-derive -----------------------------------------------------------------------------------


def rederive_keys(lib: Library) -> dict[str, int]:
    """Restore identifiers and title keys the notes imply but the tables lack; rebuild SQL indexes.

    Only adds rows (INSERT OR IGNORE): an identifier already held by another paper
    stays where resolution or merging put it.
    """
    from paperdex.library.ingest import title_key

    added_ids = added_titles = 0
    with lib.transaction() as conn:
        rows = list(conn.execute("SELECT paper_id, idents, title FROM notes WHERE paper_id IS NOT NULL"))
        for row in rows:
            for scheme, value in json.loads(row["idents"] or "[]"):
                added_ids += conn.execute("INSERT INTO identifiers (scheme, value, paper_id) "
                                          "VALUES (?,?,?) ON CONFLICT DO NOTHING",
                                          (scheme, value, row["paper_id"])).rowcount
            key = title_key(row["title"]) if row["title"] else ""
            if key:
                added_titles += conn.execute("INSERT INTO paper_titles (title_norm, paper_id) "
                                             "VALUES (?,?) ON CONFLICT DO NOTHING", (key, row["paper_id"])).rowcount
        if not lib.dialect.is_postgres:  # PostgreSQL keeps its indexes whole; REINDEX would lock every table
            conn.execute("REINDEX")
    lib.conn.execute(lib.dialect.optimize())
    return {"identifiers": added_ids, "titles": added_titles}


def source_note_counts(lib: Library) -> dict[str, tuple[str, int]]:
    """For each source key: its content hash and how many notes it holds (whole-source checks)."""
    return {r["key"]: (r["content_hash"], r["n"]) for r in lib.conn.execute(
        "SELECT s.key, s.content_hash, (SELECT count(*) FROM notes n WHERE n.source_id = s.id) AS n "
        "FROM sources s")}
