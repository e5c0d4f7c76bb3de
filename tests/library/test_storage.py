"""The storage seam: which URL opens which backend, migrations kept in step, newer schemas refused,
writers one at a time, and `paperdex migrate`."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from paperdex.cli import main
from paperdex.errors import LibraryBusy, LibraryError
from paperdex.library import db as dbmod
from paperdex.library.db import Library, latest_version, migrations
from paperdex.library.dialect import POSTGRES, SQLITE
from paperdex.library.ingest import SourceInput, import_source
from paperdex.model import Identifier, NoteBlock
from tests.conftest import pg_schema


def _set_version(lib: Library, number: int) -> None:
    if lib.dialect.is_postgres:
        lib.conn.execute("UPDATE schema_version SET version = ?", (number,))
    else:
        lib.conn.execute(f"PRAGMA user_version = {number}")


def test_every_migration_number_exists_for_both_backends():
    lite = [m[0] for m in migrations(SQLITE)]
    pg = [m[0] for m in migrations(POSTGRES)]
    assert lite, "no SQLite migrations found"
    assert lite == pg, (f"migration numbers differ: only SQLite {sorted(set(lite) - set(pg))}, "
                        f"only PostgreSQL {sorted(set(pg) - set(lite))}; add the missing twin")


def test_placeholders_are_translated_outside_quotes_only():
    pytest.importorskip("psycopg")
    from paperdex.library.postgres import translate

    assert translate("SELECT * FROM t WHERE a = ? AND b LIKE '%?%' -- why?\nAND c = ?") == \
        "SELECT * FROM t WHERE a = %s AND b LIKE '%%?%%' -- why?\nAND c = %s"
    assert translate('SELECT "odd?name", \'it\'\'s ?\' FROM t WHERE x = ?') == \
        'SELECT "odd?name", \'it\'\'s ?\' FROM t WHERE x = %s'
    assert translate("SELECT 5 % 2") == "SELECT 5 %% 2"


def test_a_url_of_another_database_is_an_error_not_a_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LibraryError, match="not mysql://"):
        Library("mysql://lab@db.example/papers")
    assert not any(tmp_path.iterdir())


def test_a_postgresql_url_never_becomes_an_sqlite_folder(tmp_path, monkeypatch):
    pytest.importorskip("psycopg")
    monkeypatch.chdir(tmp_path)
    # Port 1 on loopback: nothing listens, so the connection is refused at once.
    result = CliRunner().invoke(main, ["--db", "postgresql://lab:secret@127.0.0.1:1/lab", "info"])
    assert result.exit_code == 1
    assert "cannot open library postgresql://lab:***@127.0.0.1:1/lab" in result.output
    assert "secret" not in result.output and "pg_ctlcluster" in result.output
    assert not any(tmp_path.iterdir())  # the old behaviour made a folder "postgresql:" holding "lab"


def test_a_newer_schema_is_refused(library_url):
    with Library(library_url) as lib:
        _set_version(lib, latest_version(lib.dialect) + 1)
    with pytest.raises(LibraryError, match=r"newer than this paperdex knows .*upgrade paperdex"):
        Library(library_url)
    result = CliRunner().invoke(main, ["migrate", "--check"])
    assert result.exit_code == 1 and "newer than this paperdex" in result.output


def test_migrate_reports_and_check_exits_1_while_pending(library_url, backend):
    Library(library_url, migrate=False).close()  # a new, empty library: every migration is pending
    latest = latest_version(POSTGRES if backend == "postgres" else SQLITE)
    runner = CliRunner()
    check = runner.invoke(main, ["migrate", "--check"])
    assert check.exit_code == 1, check.output
    said = " ".join(check.output.split())  # the console wraps long lines (a long tmp path) at any space
    assert "schema v0" in said and "0001_initial.sql" in said and "0009_sync.sql" in said
    done = runner.invoke(main, ["--db", "elsewhere.db", "migrate", "--db", library_url])  # its own --db wins
    assert done.exit_code == 0, done.output
    assert f"migrated schema v0 -> v{latest}" in done.output
    again = runner.invoke(main, ["migrate", "--check", "--json"])
    assert again.exit_code == 0 and '"pending": []' in again.output
    with Library(library_url) as lib:
        import_source(lib, SourceInput(key="/n.md", path="n.md", format="markdown", content_hash="h"),
                      [NoteBlock(kind="paper", title="Attention Is All You Need", text="self-attention",
                                 identifiers=[Identifier("arxiv", "1706.03762")])])
        assert lib.schema_version == latest
        assert lib.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 1


def test_two_processes_migrating_a_new_database_at_once_both_succeed():
    with pg_schema() as url:
        errors: list[BaseException] = []

        def open_it() -> None:
            try:
                Library(url).close()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        with Library(url) as lib:
            assert lib.schema_version == latest_version(POSTGRES)
            assert lib.conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] == 1


def test_a_writer_waits_for_another_and_a_long_wait_is_busy(monkeypatch):
    pytest.importorskip("psycopg")
    from paperdex.library import postgres

    with pg_schema() as url:
        monkeypatch.setattr(postgres, "LOCK_TIMEOUT_MS", 300)
        first, second = Library(url), Library(url)
        try:
            with first.transaction() as conn:
                conn.execute("INSERT INTO paper_tags (paper_id, tag, added_at) VALUES ('p1', 'a', 'now')")
                with pytest.raises(LibraryBusy, match=r"busy .*try again"), second.transaction() as other:
                    other.execute("INSERT INTO paper_tags (paper_id, tag, added_at) VALUES ('p1', 'b', 'now')")
            assert not second.conn.in_transaction
            with second.transaction() as other:  # the first writer is done: the second goes ahead
                other.execute("INSERT INTO paper_tags (paper_id, tag, added_at) VALUES ('p1', 'b', 'now')")
            assert [r[0] for r in first.conn.execute("SELECT tag FROM paper_tags ORDER BY tag")] == ["a", "b"]
        finally:
            first.close()
            second.close()


def test_cache_keys_and_messages_never_hold_the_password():
    pytest.importorskip("psycopg")
    from paperdex.library.postgres import display_url

    assert display_url("postgresql://lab:s3cret@db.example:5433/papers?sslmode=require") == \
        "postgresql://lab:***@db.example:5433/papers?sslmode=require"
    assert dbmod.cache_key_of("postgres://lab@db.example/papers") == "postgres://lab@db.example/papers"
    assert dbmod.cache_key_of(Path("x.db")) == str(Path(os.getcwd(), "x.db"))


def test_info_and_check_name_the_library_without_its_password(library_url, backend):
    from urllib.parse import urlsplit

    runner = CliRunner()
    info = runner.invoke(main, ["info"])
    check = runner.invoke(main, ["check"])
    assert info.exit_code == 0 and check.exit_code == 0, info.output + check.output
    password = urlsplit(library_url).password if backend == "postgres" else None
    if password:
        assert f":{password}@" not in info.output + check.output
        assert ":***@" in info.output and ":***@" in check.output
    else:
        assert library_url in info.output


def test_imports_at_once_from_several_connections_merge_without_duplicates(library_url):
    """Four members add files naming the same 30 papers at the same moment: one paper each, every note kept."""
    blocks = [NoteBlock(kind="paper", title=f"A Study of Problem Number {i} in Depth", text=f"note {i}",
                        identifiers=[Identifier("arxiv", f"2301.{10000 + i}")]) for i in range(30)]
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def member(n: int) -> None:
        try:
            with Library(library_url) as lib:
                start.wait()
                import_source(lib, SourceInput(key=f"/member{n}.md", path=f"member{n}.md", format="markdown",
                                               content_hash=f"h{n}", reader=f"m{n}"), blocks)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=member, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with Library(library_url) as lib:
        count = lambda sql: lib.conn.execute(sql).fetchone()[0]  # noqa: E731
        assert count("SELECT count(*) FROM papers") == 30
        assert count("SELECT count(*) FROM notes") == 120
        assert count("SELECT count(DISTINCT paper_id) FROM notes") == 30
        assert count("SELECT count(*) FROM search_docs") == 150  # 120 notes + 30 papers, each indexed once


def test_a_connection_dropped_between_statements_is_opened_again():
    """A server restart (here: the backend killed) between two reads costs the next read nothing."""
    psycopg = pytest.importorskip("psycopg")
    from tests.conftest import TEST_PG

    with pg_schema() as url, Library(url) as lib:
        pid = lib.conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        with psycopg.connect(TEST_PG, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert lib.conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 0
        assert lib.conn.execute("SELECT pg_backend_pid()").fetchone()[0] != pid
        # Inside a transaction nothing is retried: the write is refused whole, with a clear error.
        with pytest.raises(LibraryError, match="lost the connection"), lib.transaction() as conn:
            conn.execute("INSERT INTO paper_tags (paper_id, tag, added_at) VALUES ('p1', 'a', 'now')")
            with psycopg.connect(TEST_PG, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (conn.execute("SELECT pg_backend_pid()")
                                                                  .fetchone()[0],))
            conn.execute("INSERT INTO paper_tags (paper_id, tag, added_at) VALUES ('p1', 'b', 'now')")
        assert lib.conn.execute("SELECT count(*) FROM paper_tags").fetchone()[0] == 0
