"""Where SQLite and PostgreSQL really differ, each backend's SQL, by name.

Library SQL is written once (with `?` placeholders) wherever both databases
accept it; only the few constructs with no common spelling live here, as
fragments or small functions chosen by `lib.dialect` (or `dialect_of(conn)`
inside a transaction). No SQL is rewritten at run time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Dialect:
    """One backend's spelling of what the two do not share."""

    name: str

    @property
    def is_postgres(self) -> bool:
        return self.name == "postgres"

    def list_values(self, of: str = "text") -> str:
        """A subquery giving the values of one list parameter (pass it through `list_param`);
        `of` is the values' type: "text" or "bigint"."""
        if self.is_postgres:
            return f"SELECT unnest(?::{'bigint' if of == 'bigint' else 'text'}[])"
        return "SELECT value FROM json_each(?)"

    def starts_with(self, column: str) -> str:
        """A condition that text `column` starts with a prefix (its parameters: `prefix_params`), answered
        from the column's index: a byte range in SQLite, LIKE over a text_pattern_ops index in PostgreSQL
        (a range there would follow the database's collation, which need not keep prefixes together)."""
        if self.is_postgres:
            return f"{column} LIKE ?"
        return f"({column} >= ? AND {column} < ?)"

    def prefix_params(self, prefix: str) -> tuple[str, ...]:
        if self.is_postgres:
            return (prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",)
        return (prefix, prefix + "\U0010ffff")

    def list_param(self, values: Sequence[Any]) -> Any:
        """The parameter `list_values` reads: a JSON array for SQLite, a real array for PostgreSQL."""
        return list(values) if self.is_postgres else json.dumps(list(values))

    def json_rows(self, column: str, alias: str) -> str:
        """A table of the elements of a JSON array column; each element is `alias.value` (text)."""
        if self.is_postgres:
            return f"jsonb_array_elements_text({column}::jsonb) AS {alias}(value)"
        return f"json_each({column}) {alias}"

    def json_text(self, column: str, *path: str) -> str:
        """The text at `path` (keys) inside a JSON object column."""
        if self.is_postgres:
            return f"({column}::jsonb #>> '{{{','.join(path)}}}')"
        return f"json_extract({column}, '$.{'.'.join(path)}')"

    def group_concat(self, expr: str, sep: str) -> str:
        """Values of a group joined by `sep` (a literal without quotes)."""
        quoted = "'" + sep.replace("'", "''") + "'"
        return f"string_agg({expr}, {quoted})" if self.is_postgres else f"group_concat({expr}, {quoted})"

    def table_exists(self) -> str:
        """A query with one `?` (a table name) that returns a row when the table exists."""
        if self.is_postgres:
            return ("SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
                    "AND table_name = ?")
        return "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"

    def table_names(self) -> str:
        """A query listing every table of the library (one column)."""
        if self.is_postgres:
            return "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        return "SELECT name FROM sqlite_master WHERE type = 'table'"

    def optimize(self) -> str:
        """Refresh the planner's statistics after bulk changes."""
        return "ANALYZE" if self.is_postgres else "PRAGMA optimize"


def upsert(table: str, columns: Sequence[str], key: Sequence[str]) -> str:
    """INSERT of `columns` replacing the row with the same `key`: SQLite's INSERT OR REPLACE, spelled
    as both backends accept it (ON CONFLICT ... DO UPDATE)."""
    others = [c for c in columns if c not in key] or list(key)
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in others))


SQLITE = Dialect("sqlite")
POSTGRES = Dialect("postgres")


def dialect_of(conn: Any) -> Dialect:
    """The dialect of a connection handed to a hook or helper (the PostgreSQL adapter says its own)."""
    return getattr(conn, "dialect", SQLITE)
