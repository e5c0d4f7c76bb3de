"""Reading and segmenting on worker processes gives exactly what the main process gives, in order."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time

import pytest

from paperdex import prepare
from paperdex.errors import DecodeError, UnsupportedInput, UsageError
from paperdex.formats import walk
from tests.conftest import EXAMPLES, SEED_FILES


def _jobs(paths):
    return [prepare.Job(str(p), p, None, None, 64 << 20, None, None, None) for p in paths]


def _as_data(result: prepare.Prepared):
    if result.error is not None:
        return type(result.error).__name__, result.error.reason, result.error.fix
    docs = [(d.title, d.date, d.reader) for d in result.loaded.documents]
    blocks = [[dataclasses.asdict(b) for b in found] for found in result.segmented]
    return result.loaded.content_hash, docs, blocks, result.configured, result.fallback


def test_workers_give_the_main_process_result_in_input_order(tmp_path):
    (tmp_path / "binary.md").write_bytes(b"\x00\x01PK\x03\x04" * 200)
    (tmp_path / "gbk.txt").write_bytes("论文阅读笔记：注意力机制".encode("gbk")[:7])  # cut mid-character
    files = [p for _s, p, e in walk.expand([str(EXAMPLES)]) if e is None]
    files += [*SEED_FILES.values(), tmp_path / "binary.md", tmp_path / "gbk.txt"]
    files += files  # enough files for the window to refill
    alone = [_as_data(r) for r in prepare.prepared_in_order(_jobs(files), 1)]
    pooled = [_as_data(r) for r in prepare.prepared_in_order(_jobs(files), 2)]
    assert pooled == alone
    errors = [r for r in prepare.prepared_in_order(_jobs(files[-2:]), 2)]
    assert isinstance(errors[0].error, UnsupportedInput | DecodeError)
    assert errors[0].error.reason and str(tmp_path) in str(errors[0].error)


def test_closing_early_cancels_the_rest_and_stops_the_workers():
    files = [p for _s, p, e in walk.expand([str(EXAMPLES)]) if e is None] * 20
    ready = prepare.prepared_in_order(_jobs(files), 2)
    next(ready)
    started = time.monotonic()
    ready.close()
    assert time.monotonic() - started < 10
    # The workers are gone (the fork server they came from stays until this process ends, idle).
    servers = [line.split()[0] for line in _children(os.getpid()) if "forkserver" in line]
    assert servers
    assert all(_children(int(pid)) == [] for pid in servers)


def _children(pid: int) -> list[str]:
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line.strip() and " ps -o " not in line]


def test_how_many_workers(monkeypatch):
    monkeypatch.delenv("PAPERDEX_JOBS", raising=False)
    assert prepare.workers_for(3) == 1  # a small import reads in this process
    assert prepare.workers_for(100, 1) == 1
    assert prepare.workers_for(100, 3) == 3
    assert prepare.workers_for(2, 8) == 2  # never more workers than files
    assert 1 <= prepare.workers_for(100) <= prepare.MAX_WORKERS
    monkeypatch.setenv("PAPERDEX_JOBS", "1")
    assert prepare.workers_for(100) == 1 and prepare.workers_for(100, 2) == 2  # --jobs beats the environment


def test_add_with_workers_stores_what_add_alone_stores(tmp_path):
    """`paperdex add --jobs 2` and `--jobs 1` of the same files give the same notes and papers."""
    folder = tmp_path / "notes"
    folder.mkdir()
    for i, seed in enumerate(list(SEED_FILES.values()) * 4):
        (folder / f"{i:02d}-{seed.name}").write_bytes(seed.read_bytes())
    env = {**os.environ, "PAPERDEX_OFFLINE": "1", "PAPERDEX_EMBEDDER": "none"}
    env.pop("PAPERDEX_DB", None)
    dumps = []
    for jobs in ("1", "2"):
        db = tmp_path / f"lib{jobs}.db"
        done = subprocess.run([sys.executable, "-c", "from paperdex.cli import main; main()", "--db", str(db), "add", str(folder), "--jobs", jobs,
                               "--no-embed", "--no-resolve"], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        import sqlite3

        with sqlite3.connect(db) as conn:
            dumps.append((conn.execute("SELECT s.path, n.ordinal, n.kind, n.title, n.text, n.idents, n.reader, "
                                       "n.paper_id FROM notes n JOIN sources s ON s.id = n.source_id "
                                       "ORDER BY s.path, n.ordinal").fetchall(),
                          conn.execute("SELECT id, title, year FROM papers ORDER BY id").fetchall()))
    assert dumps[0] == dumps[1] and len(dumps[0][0]) > 50


@pytest.mark.slow
def test_killing_add_ends_its_workers(tmp_path):
    """SIGKILL of `paperdex add` leaves no worker behind (each watches the main process)."""
    folder = tmp_path / "notes"
    folder.mkdir()
    for i in range(120):
        (folder / f"{i:03d}.md").write_bytes(SEED_FILES["readme"].read_bytes())
    env = {**os.environ, "PAPERDEX_OFFLINE": "1", "PAPERDEX_EMBEDDER": "none"}
    env.pop("PAPERDEX_DB", None)
    proc = subprocess.Popen([sys.executable, "-c", "from paperdex.cli import main; main()", "--db",
                             str(tmp_path / "lib.db"), "add", str(folder), "--jobs", "2", "--no-embed", "--no-resolve"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    servers: list[str] = []
    while not servers and time.monotonic() < deadline and proc.poll() is None:
        servers = [line.split()[0] for line in _children(proc.pid) if "forkserver" in line]
        time.sleep(0.05)
    assert servers, "the import did not start workers"
    workers = [line.split()[0] for pid in servers for line in _children(int(pid))]
    proc.kill()
    proc.wait()
    left = servers + workers
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = [pid for pid in left if os.path.exists(f"/proc/{pid}")]
    assert not left, f"still running after the import was killed: {left}"


def test_a_worker_killed_mid_import_loses_nothing(monkeypatch):
    """A worker killed (for memory, say) breaks the pool; the rest is read in the main process."""
    import signal

    files = [p for _s, p, e in walk.expand([str(EXAMPLES)]) if e is None] + list(SEED_FILES.values())
    files = files * 30  # more than the window: most are not even sent to a worker when one dies
    alone = [_as_data(r) for r in prepare.prepared_in_order(_jobs(files), 1)]
    here = []
    real = prepare.prepare
    monkeypatch.setattr(prepare, "prepare", lambda job: here.append(job) or real(job))  # main process only
    ready = prepare.prepared_in_order(_jobs(files), 2)
    got = [_as_data(next(ready))]
    servers = [line.split()[0] for line in _children(os.getpid()) if "forkserver" in line]
    workers = [int(line.split()[0]) for pid in servers for line in _children(int(pid))]
    assert workers
    before = len(here)
    os.kill(workers[0], signal.SIGKILL)
    got += [_as_data(r) for r in ready]
    assert got == alone
    assert len(here) - before > len(files) // 3  # the main process read the rest


def test_a_file_whose_reading_raises_raises_at_its_turn():
    """A bug met in one file of a worker's batch: the files before it are given, then its error is raised."""
    files = ([p for _s, p, e in walk.expand([str(EXAMPLES)]) if e is None] + list(SEED_FILES.values())) * 6
    bad = len(files) * 2 // 3  # well after the files the main process reads while the workers start
    # An unknown format is not an unreadable file (InputError) but an error prepare() lets through.
    jobs = [prepare.Job(str(p), p, "no-such-format" if i == bad else None, None, 64 << 20, None, None, None)
            for i, p in enumerate(files)]
    for workers in (1, 2):
        done = []
        with pytest.raises(UsageError, match="no-such-format"):
            for result in prepare.prepared_in_order(jobs, workers):
                done.append(result)
        assert len(done) == bad and all(r.loaded is not None for r in done)
