"""Where the offline arXiv snapshot lives when the library is on PostgreSQL: a local SQLite file.

The snapshot is a 2.7-million-row copy of public metadata with FTS5 title indexes
(migrations 0003, 0005, 0006) that only speeds up `resolve`. A lab server gains
nothing from holding it, and FTS5's blocking has no PostgreSQL twin, so each
machine keeps its own in the user cache dir, named by the database URL (without
its password). On SQLite the snapshot stays inside the library, as before.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from paperdex.library.db import Library

_OPEN: dict[str, Library] = {}
_LOCK = threading.Lock()
F = TypeVar("F", bound=Callable[..., Any])


def snapshot_path(lib: Library) -> Path:
    """The local file holding the snapshot of a PostgreSQL library."""
    digest = hashlib.sha1(lib.location.encode("utf-8")).hexdigest()[:16]
    return Path(platformdirs.user_cache_dir("paperdex")) / "snapshots" / f"{digest}.db"


def snapshot_library(lib: Library) -> Library:
    """The library whose `snapshot` tables to use: `lib` itself, or the local file of a PostgreSQL library."""
    if not lib.dialect.is_postgres:
        return lib
    path = snapshot_path(lib)
    with _LOCK:
        local = _OPEN.get(str(path))
        if local is None:
            local = _OPEN[str(path)] = Library(path)
        return local


def on_snapshot_file(func: F) -> F:
    """Run a snapshot_store function on snapshot_library(lib) instead of `lib`."""

    @functools.wraps(func)
    def wrapper(lib: Library, *args: Any, **kwargs: Any) -> Any:
        return func(snapshot_library(lib), *args, **kwargs)

    return wrapper  # type: ignore[return-value]
