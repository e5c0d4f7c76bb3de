"""Kill `paperdex add` with SIGKILL at random moments and check what the library holds afterwards.

Shared by the test suite (a few kills) and bench/kill_run.py (a hundred).
The reference is a clean, uninterrupted import of the same folder: after every
kill the library must open, pass `PRAGMA integrity_check` and `paperdex check`,
and hold only whole sources (each source row with exactly the notes a clean
import gives that file); a final re-run must reach the reference export byte
for byte. `db` is an SQLite file or a PostgreSQL URL (a schema of its own): on
PostgreSQL a kill drops the client's connection, and the server must roll its
transaction back.
"""

from __future__ import annotations

import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from paperdex.export import jsonl
from paperdex.library import maintenance
from paperdex.library.db import Library


def cli(db: Path, *args: str) -> list[str]:
    """The command line of one paperdex run on `db` (the installed code, a fresh interpreter)."""
    return [sys.executable, "-c", "from paperdex.cli import main; main()", "--db", str(db), *args]


def run_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PAPERDEX_OFFLINE="1", PAPERDEX_EMBEDDER="none", PAPERDEX_CONFIG=str(tmp / "no-config.toml"))
    env.pop("PAPERDEX_DB", None)
    return env


def add_cmd(db: Path, folder: Path) -> list[str]:
    return cli(db, "add", str(folder), "--no-resolve", "--no-embed")


def export_text(db: Path) -> str:
    """The JSONL export (the stable contract) of a library."""
    with Library(db) as lib:
        buf = io.StringIO()
        jsonl.export(lib, buf, None)
        return buf.getvalue()


@dataclass
class Reference:
    export: str
    sources: dict[str, tuple[str, int]]  # key -> (content hash, notes)
    seconds: float


def clean_import(db: Path, folder: Path, env: dict[str, str]) -> Reference:
    start = time.monotonic()
    subprocess.run(add_cmd(db, folder), env=env, check=True, capture_output=True, timeout=300)
    seconds = time.monotonic() - start
    with Library(db) as lib:
        sources = maintenance.source_note_counts(lib)
    return Reference(export=export_text(db), sources=sources, seconds=seconds)


def verify(db: Path, ref: Reference) -> list[str]:
    """What is wrong with a library after a kill (empty when it holds only whole sources)."""
    wrong: list[str] = []
    with Library(db) as lib:
        report = maintenance.check(lib)
        if report.integrity != ["ok"]:
            wrong.append(f"integrity_check: {report.integrity[:3]}")
        wrong += [f"check: {p.message}" for p in report.problems]
        for key, (digest, notes) in maintenance.source_note_counts(lib).items():
            if key not in ref.sources:
                wrong.append(f"unknown source {key}")
            elif ref.sources[key] != (digest, notes):
                wrong.append(f"partial source {key}: {notes} notes, a clean import gives {ref.sources[key][1]}")
    return wrong


@dataclass
class KillStats:
    kills: int = 0
    before_first_source: int = 0  # killed while starting up or inside the first transaction
    mid_import: int = 0  # killed with some but not all sources stored
    finished_first: int = 0  # the run ended before the kill came
    grew: int = 0  # kills after which more sources were stored than before the run
    sources_seen: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def _is_postgres(db: Path | str) -> bool:
    return str(db).startswith(("postgresql:", "postgres:"))


def _sources(db: Path | str) -> int:
    if not _is_postgres(db) and not Path(db).exists():
        return 0
    with Library(db) as lib:
        return lib.conn.execute("SELECT count(*) FROM sources").fetchone()[0]


def _stored_now(db: Path | str) -> int:
    """Sources committed so far, read without disturbing the writer (WAL readers never block it)."""
    if _is_postgres(db):
        import psycopg

        try:
            with psycopg.connect(str(db), autocommit=True, connect_timeout=2) as conn:
                return conn.execute("SELECT count(*) FROM sources").fetchone()[0]
        except psycopg.Error:
            return 0  # not created or not migrated yet
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return 0
    try:
        return conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    except sqlite3.Error:
        return 0  # not created or not migrated yet
    finally:
        conn.close()


def _reset(db: Path | str) -> None:
    """Start over from no library: delete the file, or empty the PostgreSQL schema."""
    if _is_postgres(db):
        import psycopg

        with psycopg.connect(str(db), autocommit=True) as conn:
            schema = conn.execute("SELECT current_schema()").fetchone()[0]
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)


def _wait_then_kill(proc: subprocess.Popen, db: Path, target: int, jitter: float) -> bool:
    """Kill once `target` sources are stored plus `jitter` seconds; False if the run ended first."""
    while proc.poll() is None and _stored_now(db) < target:
        time.sleep(0.005)
    try:
        proc.wait(timeout=jitter)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def kill_campaign(db: Path, folder: Path, ref: Reference, env: dict[str, str], *, kills: int,
                  seed: int) -> KillStats:
    """Start an import, SIGKILL it at a random point, verify; `kills` times on the same library.

    A kill point is "after k sources are committed, plus a random part of one file's
    time", k drawn uniformly over the whole import: this spreads kills over reading,
    segmenting and the write transactions however loaded the machine is. A k below
    what is already stored starts the library over; one run in ten starts a new library
    and is killed at a random moment of its first half second (creating and migrating it).
    """
    rng = random.Random(seed)
    stats = KillStats()
    total = len(ref.sources)
    per_file = ref.seconds / max(total, 1)
    for i in range(kills):
        before = _stored_now(db)
        if rng.random() < 0.1:
            # A new library: the kill lands while it is created and migrated, or in its first source.
            _reset(db)
            before, target, jitter = 0, 0, rng.uniform(0.0, 0.5)
        else:
            target, jitter = rng.randrange(total), rng.uniform(0.0, 2 * per_file)
            if target < before:
                # Start over so this kill lands at the drawn point of a real import (not among unchanged
                # files); kills with target >= before go on from what earlier kills left behind.
                _reset(db)
                before = 0
        proc = subprocess.Popen(add_cmd(db, folder), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        killed = _wait_then_kill(proc, db, target, jitter)
        stats.kills += killed
        stats.finished_first += not killed
        stored = _sources(db)
        stats.sources_seen.append(stored)
        if proc.returncode not in (0, -signal.SIGKILL):
            stats.failures.append(f"run {i}: exit {proc.returncode}: {proc.stderr.read().decode()[-500:]}")
        proc.stderr.close()
        if killed:
            if stored == 0:
                stats.before_first_source += 1
            elif stored < total:
                stats.mid_import += 1
            stats.grew += stored > before
        stats.failures += [f"after kill {i} (k={target}+{jitter:.2f}s, {stored} sources): {w}"
                           for w in verify(db, ref)]
    return stats


def finish(db: Path, folder: Path, ref: Reference, env: dict[str, str]) -> list[str]:
    """Re-run the import to completion; what differs from the clean import (empty when equal)."""
    done = subprocess.run(add_cmd(db, folder), env=env, capture_output=True, text=True, timeout=300)
    wrong = [] if done.returncode == 0 else [f"re-run exit {done.returncode}: {done.stderr[-500:]}"]
    wrong += verify(db, ref)
    if export_text(db) != ref.export:
        wrong.append("the export after the re-run differs from a clean import's")
    return wrong
