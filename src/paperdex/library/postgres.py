"""A psycopg 3 connection made to look like the sqlite3 one the library code was written against.

Library SQL is written once with `?` placeholders; this adapter only translates
placeholders (once per statement string, cached) and gives rows that work by
column name and by index like sqlite3.Row. It does no other rewriting: where
the dialects differ, library/dialect.py holds each backend's variant. Imported
only when a library URL names PostgreSQL, so SQLite users never load psycopg.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Loader
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus

from paperdex.errors import LibraryBusy, LibraryError
from paperdex.library.dialect import POSTGRES

CONNECT_TIMEOUT_S = 10
# A writer waits this long for another writer's transaction (SQLite's busy timeout plays this part);
# Library(timeout=…) sets it per connection.
LOCK_TIMEOUT_MS = 30_000
# Every write transaction takes this advisory lock first, so writers queue one at a time exactly as
# SQLite's BEGIN IMMEDIATE makes them: library code may then read-then-write without racing (two
# imports of one paper must merge, not insert it twice). Readers never wait for it.
WRITE_LOCK_KEY = 0x70617065  # "pape"
MIGRATE_LOCK_KEY = 0x70617066


def display_url(url: str) -> str:
    """The URL without its password, for messages, logs and cache keys."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[1]}"))


@lru_cache(maxsize=2048)
def translate(sql: str) -> str:
    """`?` placeholders outside quotes and comments become `%s`; a literal `%` becomes `%%`."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:  # doubled quote inside the literal
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i:end + 1].replace("%", "%%"))
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@lru_cache(maxsize=512)
def _row_class(names: tuple[str, ...]) -> type:
    index = {name: i for i, name in enumerate(names)}
    index.update({name.lower(): i for i, name in enumerate(names) if name.lower() not in index})

    class Row(tuple):
        """A result row readable as row[0] and row["name"], like sqlite3.Row."""

        __slots__ = ()
        _index = index
        _names = names

        def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
            if isinstance(key, str):
                try:
                    key = self._index[key] if key in self._index else self._index[key.lower()]
                except KeyError:
                    raise IndexError(f"no such column: {key}") from None
            return tuple.__getitem__(self, key)

        def keys(self) -> list[str]:
            return list(self._names)

    return Row


def _row_factory(cursor: psycopg.Cursor) -> Any:
    names = tuple(col.name for col in cursor.description or ())
    cls = _row_class(names)
    return cls


class _NumericLoader(Loader):
    """sum() and avg() give NUMERIC in PostgreSQL; SQLite gives int or float, and so do we."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


class PgConnection:
    """The surface of sqlite3.Connection that library code uses, over one psycopg connection."""

    dialect = POSTGRES

    def __init__(self, raw: psycopg.Connection, url: str = "", lock_timeout_ms: int = LOCK_TIMEOUT_MS) -> None:
        self.raw = raw
        self.url = url
        self.lock_timeout_ms = lock_timeout_ms

    def execute(self, sql: str, params: Sequence[Any] | None = ()) -> psycopg.Cursor:
        args = tuple(params) if params is not None else ()
        idle = not self.in_transaction
        try:
            cur = self.raw.cursor()
            cur.execute(translate(sql), args)
        except psycopg.OperationalError:
            # The server restarted or dropped us between two statements (a web worker idles for hours):
            # outside a transaction nothing was half done, so connect again and run it once more.
            if not (idle and self.url and (self.raw.closed or self.raw.broken)):
                raise
            self.raw = connect(self.url, lock_timeout_ms=self.lock_timeout_ms).raw
            cur = self.raw.cursor()
            cur.execute(translate(sql), args)
        return cur

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> psycopg.Cursor:
        cur = self.raw.cursor()
        cur.executemany(translate(sql), [tuple(p) for p in seq])
        return cur

    def executescript(self, sql: str) -> None:
        """Run SQL as written (several statements, no parameters): migrations."""
        self.raw.execute(sql.encode())  # bytes: psycopg does not look for placeholders

    @property
    def in_transaction(self) -> bool:
        return not self.raw.closed and self.raw.info.transaction_status not in (
            TransactionStatus.IDLE, TransactionStatus.UNKNOWN)

    def close(self) -> None:
        self.raw.close()


def connect(url: str, *, lock_timeout_ms: int = LOCK_TIMEOUT_MS) -> PgConnection:
    """Connect, or say in one line what is wrong and how to fix it."""
    try:
        params = conninfo_to_dict(url)
        # Ours come first, so a URL's own `options` (a search_path, say) still apply after them.
        # (lock_timeout 0 would mean "wait for ever": the shortest wait is 1 ms.)
        params["options"] = f"-c lock_timeout={max(1, lock_timeout_ms)} " + str(params.get("options") or "")
        params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        raw = psycopg.connect(autocommit=True, row_factory=_row_factory, client_encoding="UTF8", **params)
    except psycopg.OperationalError as exc:
        raise connect_error(url, exc) from exc
    except psycopg.ProgrammingError as exc:  # a malformed URL
        raise LibraryError(f"cannot open library {display_url(url)}: {first_line(exc)} "
                           "(write it as postgresql://USER:PASSWORD@HOST:PORT/DATABASE)") from exc
    raw.adapters.register_loader("numeric", _NumericLoader)
    return PgConnection(raw, url, lock_timeout_ms)


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def connect_error(url: str, exc: BaseException) -> LibraryError:
    """Unreachable, refused login, missing database: each with its own fix."""
    where = display_url(url)
    text = str(exc)
    parts = urlsplit(url)
    if "password authentication failed" in text or "no password supplied" in text \
            or ("role" in text and "does not exist" in text):
        fix = "check the user and password in the URL or ~/.pgpass; an admin can run `createuser`"
    elif "database" in text and "does not exist" in text:
        name = parts.path.lstrip("/") or "NAME"
        fix = f"create it first with `createdb {name}`, then run again"
    elif "Connection refused" in text or "could not connect" in text or "timeout" in text.lower() \
            or "No such file or directory" in text or "could not translate host name" in text:
        fix = "is the PostgreSQL server running and reachable? On Debian: `pg_ctlcluster 15 main start`"
    else:
        fix = "see the PostgreSQL server's log"
    return LibraryError(f"cannot open library {where}: {first_line(exc)} ({fix})")


def statement_error(where: str, exc: BaseException) -> LibraryError | None:
    """A failure of the server or the connection as a LibraryError, or None for a plain SQL error."""
    if isinstance(exc, pg_errors.LockNotAvailable | pg_errors.DeadlockDetected):
        return LibraryBusy(f"the library {where} is busy (another paperdex is writing); "
                           "try again when it finishes")
    if isinstance(exc, pg_errors.InsufficientPrivilege):
        return LibraryError(f"the library {where} refused a write: {first_line(exc)} "
                            "(this PostgreSQL user may only read; ask an admin to GRANT write access)")
    if isinstance(exc, pg_errors.DiskFull):
        return LibraryError(f"the PostgreSQL server of {where} is out of disk space ({first_line(exc)})")
    if isinstance(exc, psycopg.OperationalError):
        return LibraryError(f"lost the connection to {where}: {first_line(exc)} "
                            "(is the server still running? try again)")
    return None


def is_url(value: str) -> bool:
    return bool(re.match(r"(?i)postgres(ql)?://", value))


def schema_version(conn: PgConnection) -> int:
    """The one-row `schema_version` table's number; 0 for a database paperdex never migrated."""
    if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
        return 0
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    return row[0] if row else 0


def migrate(lib: Any) -> None:
    """Run the pending PostgreSQL migrations in one transaction, under an advisory lock.

    Two paperdex starting at once on a new database queue on the lock; the second
    re-reads the version under it and finds nothing left to do. DDL is transactional
    in PostgreSQL, so a failed migration leaves the schema as it was.
    """
    from paperdex.library.db import migrations

    with transaction(lib.conn, lib.location) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATE_LOCK_KEY,))
        conn.executescript("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        if conn.execute("SELECT 1 FROM schema_version").fetchone() is None:
            conn.execute("INSERT INTO schema_version (version) VALUES (0)")
        current = schema_version(conn)
        for number, name, sql in migrations(POSTGRES):
            if number <= current:
                continue
            try:
                conn.executescript(sql)
            except psycopg.Error as exc:
                failed = statement_error(lib.location, exc)
                raise failed or LibraryError(f"migration {name} failed on {lib.location}: "
                                             f"{first_line(exc)}") from exc
            conn.execute("UPDATE schema_version SET version = ?", (number,))


@contextmanager
def transaction(conn: PgConnection, where: str) -> Iterator[PgConnection]:
    """One write transaction (all of it lands, or none of it), writers one at a time as in SQLite."""
    try:
        conn.execute("BEGIN")
        conn.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK_KEY,))
    except psycopg.Error as exc:
        if conn.in_transaction:
            conn.raw.execute("ROLLBACK")
        raise statement_error(where, exc) or LibraryError(f"cannot write to {where}: {first_line(exc)}") from exc
    try:
        yield conn
    except BaseException as exc:
        if not conn.raw.closed and conn.in_transaction:
            conn.raw.execute("ROLLBACK")
        if isinstance(exc, psycopg.Error):
            failed = statement_error(where, exc)
            if failed is not None:
                raise failed from exc
        raise
    else:
        try:
            conn.raw.execute("COMMIT")
        except psycopg.Error as exc:
            if not conn.raw.closed and conn.in_transaction:
                conn.raw.execute("ROLLBACK")
            raise statement_error(where, exc) or LibraryError(
                f"cannot write to {where}: {first_line(exc)}") from exc
