"""Keep the library current while note files change: watchfiles events trigger a sync.

Every batch of file events (debounced) runs the same sync as `paperdex sync` over
the watched folders. That sync opens only files whose size or mtime changed, so
a rescan is cheap, and it sees renames, moves and deleted folders that single
events describe badly. A file caught half-written is read again when its writer
finishes (another event comes); one that cannot be read yet keeps its old notes.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from paperdex.errors import LibraryBusy, UsageError
from paperdex.importer import Failure
from paperdex.library import sync_state
from paperdex.library.db import Library
from paperdex.sync import SyncOptions, SyncSummary, sync_all, sync_paths

DEBOUNCE_MS = 300
# Editors' and SQLite's own files: never notes, and the library may sit inside a watched folder.
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", "-wal", "-shm", "-journal", ".db", ".sqlite", ".partial")


def watched_paths(lib: Library, paths: list[str]) -> list[str]:
    """The folders and files to watch: those given, else every registered one that exists."""
    targets = list(paths) or [r["path"] for r in sync_state.roots(lib)]
    existing = [p for p in targets if os.path.exists(p)]
    if not existing:
        raise UsageError("nothing to watch: name folders (`paperdex watch ~/notes`) or add some first")
    return existing


def _relevant(path: str, library: Path | None) -> bool:
    name = os.path.basename(path)
    if name.startswith(".") or name.endswith(_IGNORED_SUFFIXES):
        return False
    return library is None or not path.startswith(str(library))


def run(lib: Library, paths: list[str], options: SyncOptions | None = None, *,
        report: Callable[[str], None], stop: threading.Event | None = None,
        ready: Callable[[list[str]], None] | None = None, debounce_ms: int = DEBOUNCE_MS) -> None:
    """Sync once, then again after every batch of changes until `stop` is set (or Ctrl+C)."""
    import watchfiles

    targets = watched_paths(lib, paths)
    given = bool(paths)

    def once() -> SyncSummary:
        try:
            if given:
                return sync_paths(lib, targets, options or SyncOptions(), register=True)
            return sync_all(lib, urls=False, max_bytes=(options or SyncOptions()).max_bytes)
        except LibraryBusy as exc:
            # Another paperdex holds the library past the busy timeout: keep watching, try again.
            summary = SyncSummary(busy=exc)
            summary.failures.append(Failure("library", str(exc)))
            return summary

    library = lib.path.resolve() if lib.path else None  # a PostgreSQL library has no file to skip
    started = retry = False
    # yield_on_timeout: the first (empty) batch comes once the watcher is set up; syncing only then
    # means a file written between the first sync and the watch start is not missed.
    for changes in watchfiles.watch(*targets, debounce=debounce_ms, step=50, stop_event=stop,
                                    watch_filter=lambda _change, path: _relevant(path, library),
                                    raise_interrupt=False, yield_on_timeout=True, rust_timeout=200,
                                    recursive=True):
        if not started:
            started = True
            retry = _report(once(), report)
            if ready is not None:
                ready(targets)
        elif changes or retry:
            # Files left untried because another paperdex held the library are tried again.
            retry = _report(once(), report)


def _report(summary: SyncSummary, report: Callable[[str], None]) -> bool:
    """Print one line per change; True when the library was busy and the sync should run again."""
    for event in summary.events:
        report(event)
    for failure in summary.failures:
        report(f"skipped  {failure.source}: {failure.reason}")
    # Only a busy library frees itself; a read-only or full one is tried again on the next change.
    return isinstance(summary.busy, LibraryBusy)


def start_background(db_path: Path | str, report: Callable[[str], None]) -> tuple[threading.Thread, threading.Event]:
    """Watch the registered folders in a thread with its own connection (for `serve --watch`)."""
    stop = threading.Event()

    def target() -> None:
        lib = Library(db_path)
        try:
            run(lib, [], report=report, stop=stop)
        except UsageError as exc:
            report(f"watch: {exc}")
        finally:
            lib.close()

    thread = threading.Thread(target=target, name="paperdex-watch", daemon=True)
    thread.start()
    return thread, stop
