"""Derived data kept in step with notes inside the same transaction (search index rows).

Each hook is a dotted name of a function taking (conn, note_ids). Modules that
derive data from notes (the keyword index) register here; a missing module is
skipped so the store works before they exist.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from paperdex.plugins import load_modules

AFTER_NOTES_ADDED: tuple[str, ...] = ("paperdex.library.fts:index_notes",)
BEFORE_NOTES_REMOVED: tuple[str, ...] = ("paperdex.library.fts:unindex_notes",)
USER_DATA_TABLES: tuple[str, ...] = ("paper_tags", "paper_status")


def _resolve(names: tuple[str, ...]) -> list[Callable[[sqlite3.Connection, list[str]], None]]:
    wanted = [name.split(":") for name in names]
    loaded = {m.__name__: m for m in load_modules(tuple(module for module, _ in wanted))}
    return [getattr(loaded[module], func) for module, func in wanted if module in loaded]


def after_notes_added(conn: sqlite3.Connection, note_ids: list[str]) -> None:
    for hook in _resolve(AFTER_NOTES_ADDED):
        hook(conn, note_ids)


def before_notes_removed(conn: sqlite3.Connection, note_ids: list[str]) -> None:
    for hook in _resolve(BEFORE_NOTES_REMOVED):
        hook(conn, note_ids)


def paper_has_user_data(conn: sqlite3.Connection, paper_id: str) -> bool:
    for table in USER_DATA_TABLES:
        if conn.execute(f"SELECT 1 FROM {table} WHERE paper_id = ? LIMIT 1", (paper_id,)).fetchone():
            return True
    return False
