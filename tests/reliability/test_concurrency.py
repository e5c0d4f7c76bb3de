"""Two imports at once, readers during an import, `paperdex serve` answering while notes are added."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import threading
import time

import httpx
import pytest
from click.testing import CliRunner

from paperdex import importer
from paperdex.cli import main
from paperdex.errors import LibraryBusy, LibraryError
from paperdex.library import maintenance
from paperdex.library.db import Library
from paperdex.library.store import count_papers, list_papers
from tests.reliability.corpus import make_notes_folder
from tests.reliability.killrun import add_cmd, clean_import, cli, export_text, run_env, verify
from tests.servers import free_port

SEED = 88

# Real processes and a reference import per module: out of the quick loop, run by `.ci/run` (pytest -m slow).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("concurrent")
    a, b = tmp / "alice", tmp / "bob"
    make_notes_folder(a, files=8, seed=SEED, entries_per_file=(10, 16))
    make_notes_folder(b, files=8, seed=SEED + 1, entries_per_file=(10, 16))
    env = run_env(tmp)
    ref_a = clean_import(tmp / "ref_a.db", a, env)
    ref_b = clean_import(tmp / "ref_b.db", b, env)
    return tmp, a, b, env, ref_a, ref_b


def _start(db, folder, env) -> subprocess.Popen:
    return subprocess.Popen(add_cmd(db, folder), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


@pytest.mark.slow
def test_two_imports_of_the_same_folder_at_once_end_as_one_clean_import(world, library_url):
    _tmp, a, _b, env, ref_a, _ = world
    db = library_url
    first, second = _start(db, a, env), _start(db, a, env)
    outs = [p.communicate(timeout=120) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    assert all("busy" not in err for _, err in outs)
    assert verify(db, ref_a) == []
    assert export_text(db) == ref_a.export


@pytest.mark.slow
def test_two_imports_of_different_folders_at_once_keep_every_source_whole(world, library_url):
    _tmp, a, b, env, ref_a, ref_b = world
    db = library_url
    first, second = _start(db, a, env), _start(db, b, env)
    outs = [p.communicate(timeout=120) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    both = ref_a.sources | ref_b.sources
    with Library(db) as lib:
        assert maintenance.source_note_counts(lib) == both
        assert maintenance.check(lib).ok


def _open_at(path: str, start: float) -> str:
    """Open (and so create) the library at `path` once the clock reaches `start`; the error, if any."""
    while time.time() < start:
        pass
    try:
        Library(path).close()
    except LibraryError as exc:
        return str(exc)
    return ""


def test_two_processes_creating_one_new_library_at_once_both_open_it(tmp_path):
    """Making a new file a WAL library upgrades a read to a write, which SQLite refuses at once (no busy
    timeout) to the process that loses the race; that process must wait for the other, not say "busy"."""
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        for i in range(40):
            start = time.time() + 0.05
            errors = pool.starmap(_open_at, [(str(tmp_path / f"new{i}.db"), start)] * 2)
            assert errors == ["", ""], (i, errors)


def test_a_held_write_lock_makes_add_wait_then_succeed(world, library_url):
    _tmp, a, _b, env, ref_a, _ = world
    db = library_url
    holder = Library(db)
    released = threading.Event()

    def hold() -> None:
        with holder.transaction():
            time.sleep(1.5)
        released.set()

    thread = threading.Thread(target=hold)
    thread.start()
    time.sleep(0.1)
    done = subprocess.run(add_cmd(db, a), env=env, capture_output=True, text=True, timeout=120)
    thread.join()
    holder.close()
    assert released.is_set()
    assert done.returncode == 0, done.stderr
    assert verify(db, ref_a) == []


def test_a_lock_held_past_the_busy_timeout_fails_with_a_clear_message(world, library_url):
    _tmp, a, _b, _env, _ref, _ = world
    db = library_url
    holder = Library(db)
    where = holder.location
    impatient = Library(db, timeout=0.2)
    try:
        with holder.transaction():
            with pytest.raises(LibraryBusy, match=r"busy \(another paperdex is writing\); try again"), \
                    impatient.transaction():
                pass
            summary = importer.add(impatient, [str(a)], max_bytes=1 << 24)
    finally:
        impatient.close()
        holder.close()
    assert summary.imported == 0
    assert summary.failures and all("busy" in f.reason and where in f.reason for f in summary.failures)


def test_a_busy_library_does_not_make_every_remaining_file_wait_again(world, library_url):
    """Each file waiting the whole busy timeout (30 s in real use) again would turn a 200-file import
    into 100 minutes of waiting on a locked library."""
    _tmp, a, _b, _env, _ref, _ = world
    db = library_url
    holder = Library(db)
    impatient = Library(db, timeout=1.0)
    try:
        with holder.transaction():
            start = time.monotonic()
            try:
                summary = importer.add(impatient, [str(a)], max_bytes=1 << 24)
            except LibraryBusy:
                summary = None  # stopping the whole import with the busy message is fine too
            elapsed = time.monotonic() - start
    finally:
        impatient.close()
        holder.close()
    assert elapsed < 4.0, f"{elapsed:.1f}s: waited the 1 s busy timeout once per file of 8"
    if summary is not None:
        assert len([f for f in summary.failures if "busy" in f.reason]) <= 1


@pytest.mark.slow
def test_library_readers_in_threads_see_whole_sources_while_an_import_runs(world, library_url):
    _tmp, a, _b, env, ref_a, _ = world
    db = library_url
    Library(db).close()
    proc = _start(db, a, env)
    seen: list[list[int]] = [[] for _ in range(3)]
    errors: list[BaseException] = []

    def read(slot: list[int]) -> None:
        try:
            with Library(db) as lib:
                while proc.poll() is None:
                    # One read transaction: the paper count and the notes agree with each other.
                    lib.conn.execute("BEGIN")
                    slot.append(count_papers(lib))
                    for paper in list_papers(lib, limit=20):
                        assert paper.notes, paper.id
                    lib.conn.execute("COMMIT")
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(slot,)) for slot in seen]
    for t in threads:
        t.start()
    proc.communicate(timeout=120)
    for t in threads:
        t.join()
    assert errors == []
    assert proc.returncode == 0
    for slot in seen:
        assert slot == sorted(slot), "a reader saw the library shrink during an import"
    assert sum(len(slot) for slot in seen) >= 3
    assert verify(db, ref_a) == []


@pytest.mark.slow
def test_cli_readers_work_while_an_import_runs(world, library_url):
    _tmp, a, _b, env, ref_a, _ = world
    db = library_url
    Library(db).close()
    proc = _start(db, a, env)
    runner = CliRunner()
    reads = 0
    while proc.poll() is None:
        for args in (["list", "--json", "--limit", "0"], ["export", "--format", "jsonl"],
                     ["search", "offline", "reinforcement", "--mode", "keyword", "--json"]):
            result = runner.invoke(main, ["--db", str(db), *args])
            assert result.exit_code == 0, (args, result.output)
        papers = json.loads(runner.invoke(main, ["--db", str(db), "list", "--json", "--limit", "0"]).output)
        assert all(p["notes"] >= 1 for p in papers)
        reads += 1
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert reads >= 1
    assert verify(db, ref_a) == []


@pytest.mark.slow  # SQLite only: a PostgreSQL library is served with accounts (tests/team)
def test_serve_answers_searches_while_an_import_runs(world, tmp_path):
    _tmp, a, _b, env, ref_a, _ = world
    db = tmp_path / "serve.db"
    Library(db).close()
    port = free_port()
    server = subprocess.Popen(cli(db, "serve", "--port", str(port), "--no-open"), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base + "/api/papers", timeout=2)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"paperdex serve did not start: {server.stderr.read()[-800:]}")
                time.sleep(0.1)
        proc = _start(db, a, env)
        answered, totals = 0, []
        while proc.poll() is None:
            papers = httpx.get(base + "/api/papers", timeout=30)
            found = httpx.get(base + "/api/search", params={"q": "offline reinforcement", "mode": "keyword"},
                              timeout=30)
            assert papers.status_code == 200, papers.text
            assert found.status_code == 200, found.text
            totals.append(papers.json()["total"])
            answered += 1
        proc.communicate(timeout=120)
        assert proc.returncode == 0
        assert answered >= 1
        assert totals == sorted(totals)
        final = httpx.get(base + "/api/search", params={"q": "offline reinforcement", "mode": "keyword"},
                          timeout=30)
        assert final.status_code == 200 and final.json()["results"]
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert verify(db, ref_a) == []
