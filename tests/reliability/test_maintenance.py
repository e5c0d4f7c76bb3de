"""`paperdex check` finds damage and `--fix` repairs only derived data; a damaged file gets a clear error."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from paperdex import importer
from paperdex.cli import main
from paperdex.library import maintenance, user_data
from paperdex.library.db import Library
from tests.conftest import SEED_FILES, sqlite_only


@pytest.fixture
def db(library_url):
    path = library_url
    with Library(path) as lib:
        summary = importer.add(lib, [str(SEED_FILES["readme"]), str(SEED_FILES["telegram"])], max_bytes=1 << 24)
        assert summary.added == 2
        pid = lib.conn.execute("SELECT id FROM papers ORDER BY id LIMIT 1").fetchone()[0]
        user_data.add_tag(lib, pid, "keep-me")
    return path


def _check(db, *args):
    result = CliRunner().invoke(main, ["--db", str(db), "check", "--json", *args])
    return result.exit_code, json.loads(result.output)


def _damage(db: str, *statements: str) -> None:
    """Write behind paperdex's back, foreign keys off: what a crash of another tool or a bad edit leaves."""
    if db.startswith("postgres"):
        import psycopg

        with psycopg.connect(db) as conn:  # commits on leaving; the server keeps enforcing foreign keys
            for statement in statements:
                conn.execute(statement)
        return
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _count(db, table: str) -> int:
    with Library(db) as lib:
        return lib.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_fresh_import_checks_clean(db):
    code, report = _check(db)
    assert code == 0 and report["ok"] and report["problems"] == []
    assert report["integrity"] == ["ok"] and report["counts"]["sources"] == 2


# PostgreSQL enforces foreign keys on every connection, so these orphans can't be made behind its back there.
@sqlite_only
def test_check_finds_orphans_and_fix_repairs_only_derived_data(db):
    with Library(db) as lib:
        victim = lib.conn.execute("SELECT paper_id FROM notes WHERE paper_id IS NOT NULL "
                                  "AND paper_id NOT IN (SELECT paper_id FROM paper_tags) LIMIT 1").fetchone()[0]
    notes_before = _count(db, "notes")
    _damage(db,
            f"DELETE FROM papers WHERE id = '{victim}'",  # notes, identifiers, titles, search rows now dangle
            "INSERT INTO papers (id, created_at, updated_at) VALUES ('pempty', 'x', 'x')",
            "INSERT INTO paper_status (paper_id, status, updated_at) VALUES ('pgone', 'read', 'x')")
    code, report = _check(db)
    assert code == 1 and not report["ok"]
    codes = {p["code"] for p in report["problems"]}
    assert {"notes-without-paper", "identifiers-without-paper", "titles-without-paper", "empty-papers",
            "paper_status-without-paper"} <= codes
    assert any("pempty" in p["examples"] for p in report["problems"] if p["code"] == "empty-papers")

    code, fixed = _check(db, "--fix")
    assert code == 0, fixed
    assert fixed["repaired"]["empty-papers"] == 1 and fixed["repaired"]["notes-without-paper"] >= 1
    # Nothing the user wrote or decided is gone: every note, the tag and the orphaned status stay.
    assert _count(db, "notes") == notes_before
    assert _count(db, "paper_tags") == 1 and _count(db, "paper_status") == 1
    assert [p["code"] for p in fixed["problems"]] == ["paper_status-without-paper"]  # a warning, kept
    assert _check(db)[0] == 0


@sqlite_only
def test_notes_whose_source_is_gone_are_reported_never_deleted(db):
    _damage(db, "DELETE FROM sources WHERE path LIKE '%004_%'")
    notes = _count(db, "notes")
    code, report = _check(db, "--fix")
    assert code == 1
    [problem] = [p for p in report["problems"] if p["code"] == "notes-without-source"]
    assert problem["fixable"] is False and "re-add" in problem["fix"]
    assert _count(db, "notes") == notes


def test_a_keyword_index_out_of_step_is_rebuilt(db):
    _damage(db, "DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs LIMIT 3)")
    code, report = _check(db)
    assert code == 1 and "search-missing:fts" in {p["code"] for p in report["problems"]}
    code, fixed = _check(db, "--fix")
    assert code == 0 and fixed["repaired"]["search-rebuilt"] > 0
    found = CliRunner().invoke(main, ["--db", str(db), "search", "ToolChain", "--mode", "keyword", "--json"])
    assert found.exit_code == 0 and "ToolChain" in found.output


def _broken_copy(db, tmp_path):
    data = bytearray(Path(db).read_bytes())
    for offset in range(4096, min(len(data), 40960)):
        data[offset] = 0x5A  # overwrite the pages after the first: tables become garbage
    broken = tmp_path / "broken.db"
    broken.write_bytes(bytes(data))
    return broken


@sqlite_only  # a file with overwritten pages
def test_check_on_a_damaged_file_says_how_to_recover(db, tmp_path):
    result = CliRunner().invoke(main, ["--db", str(_broken_copy(db, tmp_path)), "check"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "backup" in result.output and "recover" in result.output


@sqlite_only
@pytest.mark.parametrize("command", [["list"], ["info"], ["export"], ["search", "ToolChain"]])
def test_other_commands_on_a_damaged_file_fail_with_one_clear_line(db, tmp_path, command):
    result = CliRunner().invoke(main, ["--db", str(_broken_copy(db, tmp_path)), *command])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), f"traceback: {result.exception!r}"
    assert "paperdex check" in result.output


@sqlite_only  # SQLite's online backup; PostgreSQL has pg_dump
def test_backup_while_another_writer_holds_the_lock_copies_only_committed_data(db, tmp_path):
    writer, reader = Library(db), Library(db)
    try:
        with writer.transaction() as conn:  # uncommitted: must not reach the backup, must not block it
            conn.execute("INSERT INTO sources (key, path, format, content_hash, added_at, updated_at) "
                         "VALUES ('half', 'half.md', 'markdown', 'x', 'x', 'x')")
            result = maintenance.backup(reader, tmp_path / "copy.db")
    finally:
        writer.close()
        reader.close()
    assert result.counts["sources"] == 2
    with Library(result.path) as copy:
        assert maintenance.check(copy).ok
    assert _count(db, "sources") == 3
