"""The SQLite library: the only package that touches the database.

`open_library(path)` gives a migrated Library; `ingest` stores sources,
`store` reads papers and notes back.
"""

from __future__ import annotations

from paperdex.library.db import Library


def open_library(path) -> Library:
    return Library(path)


__all__ = ["Library", "open_library"]
