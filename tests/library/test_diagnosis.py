"""A failing library is diagnosed truthfully: read-only, disk full, or damaged only when integrity_check says so.

The read-only and disk-full runs are real: the CLI runs in a child process without the right to
override file permissions (setpriv drops root's CAP_DAC_OVERRIDE; a normal user needs nothing), and
on a 600 KB tmpfs mounted in a private mount namespace (unshare -m; skipped where that is not allowed).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from paperdex.cli import main
from paperdex.errors import LibraryDamaged, LibraryDiskFull, LibraryError, LibraryReadOnly
from paperdex.library.db import Library
from paperdex.library.diagnosis import diagnose
from tests.conftest import SEED_FILES

CLI = [sys.executable, "-c", "import sys; from paperdex.cli import main; sys.exit(main())"]
DROP_DAC = ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.fixture
def library(tmp_path) -> Path:
    db = tmp_path / "lib" / "library.db"
    result = CliRunner().invoke(main, ["--db", str(db), "add", str(SEED_FILES["readme"]), "--no-resolve",
                                       "--no-embed"])
    assert result.exit_code == 0, result.output
    return db


def _unprivileged() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None or subprocess.run([*DROP_DAC, "true"], capture_output=True).returncode:
        pytest.skip("running as root without setpriv: cannot make a file read-only for this process")
    return DROP_DAC


def _run(prefix: list[str], db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([*prefix, *CLI, "--db", str(db), *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_a_read_only_library_is_called_read_only_not_damaged(library):
    prefix = _unprivileged()
    for path in library.parent.iterdir():
        path.chmod(0o444)
    try:
        added = _run(prefix, library, "add", str(SEED_FILES["blog"]), "--no-resolve", "--no-embed")
        listed = _run(prefix, library, "list")
        found = _run(prefix, library, "search", "ToolChain", "--mode", "keyword")
        checked = _run(prefix, library, "check")
    finally:
        for path in library.parent.iterdir():
            path.chmod(0o644)
    said = added.stdout + added.stderr
    assert "is read-only" in said and "chmod u+w" in said and "not writable by you" in said, said
    assert "damaged" not in said.replace("Nothing is damaged", "") and "restore" not in said
    assert listed.returncode == 0 and "ToolChain" in listed.stdout, listed.stderr
    assert found.returncode == 0 and "ToolChain" in found.stdout, found.stderr
    report = checked.stdout + checked.stderr
    assert checked.returncode == 0, report
    assert "not checked" in report and "read-only" in report and "damaged" not in report


def test_an_old_keyword_index_is_reanalysed_only_where_it_can_be_and_said_so(library):
    """An index written by an older analyser: a read-only library is searched as it is, and the note says
    so (not that it is being re-analysed); once writable, the next search re-analyses it, once."""
    with Library(library) as lib, lib.transaction() as conn:
        conn.execute("UPDATE search_meta SET value = 1 WHERE key = 'analyser'")
    prefix = _unprivileged()
    for path in library.parent.iterdir():
        path.chmod(0o444)
    try:
        read_only = _run(prefix, library, "search", "ToolChain", "--mode", "keyword")
    finally:
        for path in library.parent.iterdir():
            path.chmod(0o644)
    assert read_only.returncode == 0 and "ToolChain" in read_only.stdout, read_only.stderr
    assert "cannot be changed now" in read_only.stderr and "re-analysing" not in read_only.stderr
    writable = _run([], library, "search", "ToolChain", "--mode", "keyword")
    assert "ToolChain" in writable.stdout
    assert "re-analysing every note once" in writable.stderr and "cannot be changed" not in writable.stderr
    after = _run([], library, "search", "ToolChain", "--mode", "keyword")
    assert "re-analysing" not in after.stderr and "ToolChain" in after.stdout


def test_a_full_disk_is_called_full_with_the_space_needed(library, tmp_path):
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare to mount a small tmpfs privately")
    mount = tmp_path / "small"
    mount.mkdir()
    seeds = " ".join(str(p) for k, p in SEED_FILES.items() if k != "readme")
    cli = " ".join(f"'{part}'" for part in CLI)
    script = (f"mount -t tmpfs -o size=600k tmpfs {mount} || exit 77; cp {library} {mount}/; "
              f"{cli} --db {mount}/library.db add {seeds} --no-resolve --no-embed; echo ADD=$?; "
              f"{cli} --db {mount}/library.db check; echo CHECK=$?")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env,
                         timeout=300)
    if run.returncode == 77 or "Operation not permitted" in run.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.strip()[:200]}")
    said = run.stdout + run.stderr
    assert "is full" in said and "Free at least" in said and "rolled back" in said, said
    assert "damaged" not in said.replace("nothing is damaged", "") and "restore" not in said
    assert "not tried because of the library error above" in said
    assert "CHECK=0" in said and "no problems found" in said  # the library is whole after the failure


def test_a_library_on_a_read_only_mount_is_read_and_writes_are_refused_clearly(library, tmp_path):
    if shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs root and unshare to mount a file system privately")
    mount = tmp_path / "media"
    mount.mkdir()
    cli = " ".join(f"'{part}'" for part in CLI)
    db = f"{mount}/library.db"
    script = (f"mount -t tmpfs -o size=4m tmpfs {mount} || exit 77; cp {library} {mount}/; "
              f"mount -o remount,ro {mount} || exit 77; "
              f"{cli} --db {db} add {SEED_FILES['blog']} --no-resolve --no-embed; "
              f"{cli} --db {db} list; echo LIST=$?; {cli} --db {db} search ToolChain --mode keyword; echo SEARCH=$?")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, env=env,
                         timeout=300)
    if run.returncode == 77 or "Operation not permitted" in run.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.strip()[:200]}")
    said = run.stdout + run.stderr
    assert "is mounted read-only" in said and "remount it read-write" in said, said
    assert "LIST=0" in said and "SEARCH=0" in said and "ToolChain" in said, said
    assert "damaged" not in said.replace("Nothing is damaged", "")


def test_sqlite_full_from_a_real_write_is_diagnosed_as_disk_full(library):
    conn = sqlite3.connect(library)
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError) as info:
        conn.execute("CREATE TABLE filler AS SELECT randomblob(1000000) AS b")
    conn.close()
    found = diagnose(library, info.value)
    assert isinstance(found, LibraryDiskFull) and "free" in str(found) and "MB" in str(found)


def test_a_readonly_error_is_diagnosed_as_read_only(library):
    conn = sqlite3.connect(f"{library.as_uri()}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as info:
        conn.execute("DELETE FROM notes")
    conn.close()
    found = diagnose(library, info.value)
    assert isinstance(found, LibraryReadOnly) and "no backup is needed" in str(found)


def test_damage_is_only_claimed_when_integrity_check_finds_it(library, tmp_path):
    conn = sqlite3.connect(library)
    with pytest.raises(sqlite3.OperationalError) as info:
        conn.execute("SELECT * FROM no_such_table")
    conn.close()
    healthy = diagnose(library, info.value)
    assert type(healthy) is LibraryError and "not damaged" in str(healthy)

    data = bytearray(library.read_bytes())
    data[4096:40960] = b"\x5a" * (40960 - 4096)
    broken = tmp_path / "broken.db"
    broken.write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["--db", str(broken), "list"])
    assert result.exit_code == 1 and "is damaged (integrity check" in result.output
    assert "paperdex backup" in result.output and ".recover" in result.output


def test_a_file_that_is_not_sqlite_is_named_as_such(tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text("# not a library\n" * 200, encoding="utf-8")
    with pytest.raises(LibraryDamaged, match=r"not a paperdex library \(not an SQLite file"):
        Library(notes)
    assert notes.read_text(encoding="utf-8").startswith("# not a library")
