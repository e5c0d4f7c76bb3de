"""`paperdex watch` as a user runs it: a real process, real file events, killed without warning."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from paperdex.library import maintenance
from paperdex.library.db import Library
from paperdex.library.store import find_papers
from tests.conftest import CORPORA
from tests.sync.conftest import fresh_view, per_paper, view, write


class Watcher:
    """`paperdex watch FOLDER` in a child process, its output lines collected as they come."""

    def __init__(self, db: Path, folder: Path) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="200")
        # Ctrl+C as a terminal delivers it, even when the test runner was started in the background (where
        # SIGINT is ignored, and a child inherits that).
        code = "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); from paperdex.cli import main; main()"
        self.proc = subprocess.Popen([sys.executable, "-c", code, "--db", str(db), "watch", str(folder)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, *texts: str, timeout: float = 60) -> str:
        """The next line holding every one of `texts` (earlier lines are passed over)."""
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.05)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            seen.append(line)
            if all(text in line for text in texts):
                return line
        raise AssertionError(f"no line with {texts!r} (exit {self.proc.poll()}); got: {seen}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)  # a loaded 2-core machine may be mid-sync
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_until(condition, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s")


def test_watch_picks_up_a_new_file_within_two_seconds(tmp_path, folder, library_url):
    db = library_url
    watcher = Watcher(db, folder)
    try:
        watcher.wait_for("watching")
        write(folder / "resnet.md", per_paper("Deep Residual Learning for Image Recognition", "1512.03385", 2015,
                                               "Identity shortcuts make 152 layers trainable.", tags="vision"))
        written = time.monotonic()
        with Library(db) as lib:
            wait_until(lambda: bool(find_papers(lib, "1512.03385")), timeout=10)
        took = time.monotonic() - written
        # Matched by name: the first sync's "added" lines (stdout) may still be arriving after
        # "watching" (stderr), since two threads read the two streams.
        watcher.wait_for("added", "resnet.md")
        assert took < 2.0, f"the new file was in the library after {took:.2f} s"
        # A deletion and a rename are one line each.
        (folder / "ppo.md").rename(folder / "proximal-policy-optimization.md")
        watcher.wait_for("renamed", "proximal-policy-optimization.md")
        (folder / "dreamer.md").unlink()
        watcher.wait_for("deleted", "dreamer.md")
    finally:
        watcher.stop()
    assert watcher.proc.returncode in (0, 130, -signal.SIGINT)
    with Library(db) as lib:
        assert view(lib) == fresh_view(tmp_path, folder)


def test_half_written_file_is_read_again_when_finished(tmp_path, folder, library_url):
    db = library_url
    watcher = Watcher(db, folder)
    try:
        watcher.wait_for("watching")
        target = folder / "resnet.md"
        text = per_paper("Deep Residual Learning for Image Recognition", "1512.03385", 2015,
                         "Identity shortcuts make 152 layers trainable. " * 20, tags="vision")
        with target.open("w", encoding="utf-8") as fh:
            fh.write(text[:40])  # the front matter is cut in the middle
            fh.flush()
            time.sleep(1.0)  # long enough for a sync to read the half
            fh.write(text[40:])
        with Library(db) as lib:
            wait_until(lambda: bool(find_papers(lib, "1512.03385")), timeout=10)
    finally:
        watcher.stop()
    with Library(db) as lib:
        [paper] = find_papers(lib, "1512.03385")
        assert paper.year == 2015 and paper.notes[0].text.count("Identity shortcuts") == 20
        assert view(lib) == fresh_view(tmp_path, folder)


@pytest.mark.slow
def test_killing_watch_mid_change_leaves_the_library_intact(tmp_path, folder, library_url):
    if not CORPORA.is_dir():
        pytest.fail(f"dev set missing: {CORPORA}")
    db = library_url
    watcher = Watcher(db, folder)
    try:
        watcher.wait_for("watching")
        # Hundreds of files arrive at once; the watcher is killed while it stores them.
        shutil.copytree(CORPORA / "patrick-llgc__Learning-Deep-Learning", folder / "patrick")
        watcher.wait_for(f"{folder / 'patrick'}")  # the first of them is stored
        watcher.proc.kill()
        watcher.proc.wait()
    finally:
        watcher.stop()
    with Library(db) as lib:
        report = maintenance.check(lib)
        assert report.integrity == ["ok"] and report.ok, report.as_dict()
        stored = lib.conn.execute("SELECT count(*) FROM sources").fetchone()[0]
        assert 6 < stored  # some files got in before the kill...
        from tests.sync.conftest import sync

        sync(lib, folder)  # ...and the next sync finishes the job
        assert view(lib) == fresh_view(tmp_path, folder)
