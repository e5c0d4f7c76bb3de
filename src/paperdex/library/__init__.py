"""The library (an SQLite file or a PostgreSQL database): the only package that touches the database.

`open_library(path_or_url)` gives a migrated Library (docs/storage.md); `ingest` stores sources,
`store` reads papers and notes back.
"""

from __future__ import annotations

from paperdex.library.db import Library


def open_library(path_or_url) -> Library:
    return Library(path_or_url)


__all__ = ["Library", "open_library"]
