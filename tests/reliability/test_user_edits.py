"""Tags, reading status and review decisions survive re-import, schema migrations, rebuild and backup."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from paperdex import importer
from paperdex.cli import main
from paperdex.export import jsonl
from paperdex.library import maintenance, resolution, user_data
from paperdex.library.db import Library, _statements, migrations
from paperdex.library.store import find_papers
from paperdex.resolve.records import Record
from tests.conftest import SEED_FILES, sqlite_only

TOOLCHAIN = "2310.13227"  # a paper of the README seed, kept through the edit
MARIO = "2302.05981"  # a paper the edit deletes from the file
USER_TABLES = ("paper_tags", "paper_status", "review_decisions")


def _paper_id(lib: Library, arxiv: str) -> str:
    [paper] = find_papers(lib, arxiv)
    return paper.id


def _user_rows(lib: Library) -> dict[str, list[tuple]]:
    """Every row of the user's own tables, minus timestamps-free comparison noise."""
    return {t: [tuple(r) for r in lib.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in USER_TABLES}


def _export(lib: Library) -> str:
    buf = io.StringIO()
    jsonl.export(lib, buf)
    return buf.getvalue()


def _decide(lib: Library, paper_id: str, decision: str) -> None:
    """A review decision as `paperdex review` makes it: an ambiguous candidate, then accept or reject."""
    candidate = Record(provider="crossref", raw_id="10.9999/not-this-one", title="A look-alike paper", year=2020)
    resolution.record_status(lib, paper_id, "ambiguous", provider="crossref", score=0.7, candidate=candidate)
    if decision == "rejected":
        resolution.reject(lib, paper_id)
    else:
        resolution.accept(lib, paper_id)


@pytest.fixture
def edited(tmp_path, library_url):
    """A library with the README seed imported and the user's marks on two papers."""
    notes = tmp_path / "readme.md"
    notes.write_text(SEED_FILES["readme"].read_text(encoding="utf-8"), encoding="utf-8")
    lib = Library(library_url)
    summary = importer.add(lib, [str(notes)], max_bytes=1 << 24)
    assert summary.added == 1
    toolchain, mario = _paper_id(lib, TOOLCHAIN), _paper_id(lib, MARIO)
    user_data.add_tag(lib, toolchain, "search")
    user_data.add_tag(lib, toolchain, "to-reproduce")
    user_data.set_status(lib, toolchain, "read")
    user_data.set_status(lib, mario, "starred")
    _decide(lib, toolchain, "rejected")
    yield lib, notes, toolchain, mario
    lib.close()


def test_user_marks_survive_reimport_of_an_edited_file(edited):
    lib, notes, toolchain, mario = edited
    before = _user_rows(lib)
    text = notes.read_text(encoding="utf-8")
    start = text.index("* 2023 - [MarioGPT")
    end = text.index("* 2023 - [A Comparative Study")
    text = text[:start] + text[end:]  # the user deleted the MarioGPT entry
    text = text.replace("LLM 的 A*。", "LLM 的 A*（重读后补充）。")  # and edited the ToolChain note
    notes.write_text(text, encoding="utf-8")
    summary = importer.add(lib, [str(notes)], max_bytes=1 << 24)
    assert summary.updated == 1
    assert _user_rows(lib) == before
    assert _paper_id(lib, TOOLCHAIN) == toolchain
    assert "重读后补充" in "".join(n.text for n in find_papers(lib, TOOLCHAIN)[0].notes)
    assert resolution.rejected_keys(lib, toolchain) == {"crossref:10.9999/not-this-one"}
    # The starred paper lost its only note but is kept for its status, and `check` is content with that.
    assert lib.conn.execute("SELECT 1 FROM papers WHERE id = ?", (mario,)).fetchone()
    assert maintenance.check(lib).ok


def test_user_marks_survive_rebuild_and_check_fix(edited):
    lib, _notes, _toolchain, _mario = edited
    before, export = _user_rows(lib), _export(lib)
    runner = CliRunner()
    result = runner.invoke(main, ["rebuild"])
    assert result.exit_code == 0, result.output
    assert "keyword index  rebuilt" in result.output
    fixed = runner.invoke(main, ["check", "--fix", "--json"])
    assert fixed.exit_code == 0, fixed.output
    assert json.loads(fixed.output)["ok"] is True
    assert _user_rows(lib) == before
    assert _export(lib) == export


@sqlite_only  # builds a v1 file with sqlite3; PostgreSQL's migrations are tested in tests/library
def test_user_marks_survive_a_migration_from_schema_v1(edited, tmp_path):
    lib, notes, toolchain, mario = edited
    export, user = _export(lib), _user_rows(lib)
    old = tmp_path / "v1.db"
    conn = sqlite3.connect(old)
    for statement in _statements(migrations()[0][2]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("ATTACH ? AS cur", (str(lib.path),))
    for table in ("sources", "papers", "identifiers", "paper_titles", "notes", "paper_tags", "paper_status"):
        # Only v1's columns: later migrations add some (e.g. 0009's sync state).
        columns = ", ".join(r[1] for r in conn.execute(f"PRAGMA main.table_info({table})"))
        conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM cur.{table}")
    conn.commit()
    conn.execute("DETACH cur")
    conn.close()

    with Library(old) as migrated:
        assert migrated.schema_version == max(m[0] for m in migrations())
        assert _export(migrated) == export
        # Review decisions did not exist at v1; the rest of the user's marks are all there.
        assert {t: r for t, r in _user_rows(migrated).items() if t != "review_decisions"} == \
            {t: r for t, r in user.items() if t != "review_decisions"}
        assert maintenance.check(migrated).ok
        again = importer.add(migrated, [str(notes)], max_bytes=1 << 24)
        assert again.unchanged == 1
    result = CliRunner().invoke(main, ["--db", str(old), "rebuild", "--no-embed"])
    assert result.exit_code == 0, result.output
    with Library(old) as migrated:
        assert maintenance.check(migrated).ok
        assert user_data.get_tags(migrated, toolchain) == ["search", "to-reproduce"]
        assert user_data.get_status(migrated, mario) == "starred"


@sqlite_only  # PostgreSQL is backed up with pg_dump (docs/team.md)
def test_backup_copies_everything_and_refuses_to_overwrite(edited, tmp_path):
    lib, _notes, _toolchain, _mario = edited
    runner = CliRunner()
    dest = tmp_path / "backups" / "lib-copy.db"
    result = runner.invoke(main, ["--db", str(lib.path), "backup", str(dest)])
    assert result.exit_code == 0, result.output
    with Library(dest) as copy:
        assert _export(copy) == _export(lib)
        assert _user_rows(copy) == _user_rows(lib)
        assert copy.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = runner.invoke(main, ["--db", str(lib.path), "backup", str(dest)])
    assert again.exit_code == 2 and "already exists" in again.output  # a usage error: give --overwrite
    folder = runner.invoke(main, ["--db", str(lib.path), "backup", str(dest.parent), "--json"])
    assert folder.exit_code == 0, folder.output
    made = json.loads(folder.output)["path"]
    assert made.endswith(".db") and made != str(dest)
    assert not list(dest.parent.glob("*.partial"))
