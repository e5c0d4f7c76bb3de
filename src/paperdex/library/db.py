"""Open the library: an SQLite file (WAL, foreign keys, a busy timeout) or a PostgreSQL database.

This package is the only place that holds a database connection; everything
else goes through the Library API. A `postgresql://` (or `postgres://`) URL
opens PostgreSQL through library/postgres.py (imported only then); anything
else is the SQLite file it has always been. Both are migrated with numbered
migrations: `migrations/NNNN_*.sql` for SQLite, `migrations/postgres/NNNN_*.sql`
for PostgreSQL, with the same numbers.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from paperdex.errors import LibraryBusy, LibraryError, LibraryReadOnly
from paperdex.library.diagnosis import diagnose, is_busy, is_environment_failure, on_read_only_mount
from paperdex.library.dialect import POSTGRES, SQLITE, Dialect
from paperdex.library.writer_queue import lock_for

BUSY_TIMEOUT_S = 30.0
# Between two tries to switch a new library to WAL while another process switches it (see _use_wal).
WAL_RETRY_S = 0.02


_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
POSTGRES_SCHEMES = ("postgresql", "postgres")


def migrations(dialect: Dialect = SQLITE) -> list[tuple[int, str, str]]:
    """(number, name, sql) for every migration file of a backend, in order."""
    folder = resources.files("paperdex.library").joinpath("migrations")
    if dialect.is_postgres:
        folder = folder.joinpath("postgres")
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version(dialect: Dialect = SQLITE) -> int:
    return max((m[0] for m in migrations(dialect)), default=0)


def is_postgres_url(target: str | Path) -> bool:
    match = _URL.match(str(target))
    return bool(match) and match.group(1).lower() in POSTGRES_SCHEMES


def cache_key_of(target: str | Path) -> str:
    """Library.cache_key of the library `target` names, without opening it."""
    if is_postgres_url(target):
        from paperdex.library.postgres import display_url

        return display_url(str(target))
    return str(Path(target).resolve())


def location_of(target: str | Path) -> str:
    """Library.location of the library `target` names (a URL without its password), without opening it."""
    if is_postgres_url(target):
        from paperdex.library.postgres import display_url

        return display_url(str(target))
    return str(target)


def check_target(target: str | Path) -> None:
    """A URL for a database we do not speak is an error, never a folder named `mysql:`."""
    match = _URL.match(str(target))
    if match and match.group(1).lower() not in POSTGRES_SCHEMES:
        raise LibraryError(f"cannot open library {target}: paperdex stores libraries in an SQLite file "
                           f"or in PostgreSQL, not {match.group(1)}:// (use a file path or "
                           "postgresql://USER@HOST/DATABASE)")


def _newer_schema(where: str, current: int, known: int) -> LibraryError:
    return LibraryError(f"the library {where} has schema v{current}, newer than this paperdex knows "
                        f"(v{known}); upgrade paperdex (pip install -U paperdex) to open it")


class Library:
    """A connection to one library (an SQLite file or a PostgreSQL database), migrated to the current schema.

    `migrate=False` opens it as it is (for `paperdex migrate --check`); a schema newer than this
    paperdex is refused either way. `timeout` is how long a write waits for other writers, on both
    backends (first in this process's queue, then at the database's lock).
    """

    dialect: Dialect = SQLITE

    def __init__(self, path: str | Path, *, timeout: float = BUSY_TIMEOUT_S, migrate: bool = True) -> None:
        check_target(path)
        self.timeout = timeout
        if is_postgres_url(path):
            self._open_postgres(str(path), migrate)
            self._writers = lock_for(self.cache_key)
            return
        self.url: str | None = None
        self.path = Path(path)
        self.location = str(self.path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None,
                                        check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise LibraryError(f"cannot open library {self.path}: {exc}") from exc
        self.conn.row_factory = sqlite3.Row
        self._writers = lock_for(self.cache_key)
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._use_wal(timeout)
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self._refuse_newer()
            if migrate:
                self.migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            found = diagnose(self.path, exc)
            if not (isinstance(found, LibraryReadOnly) and self._open_read_only(timeout)):
                raise found from exc

    def _use_wal(self, timeout: float) -> None:
        """Switch the library to WAL, waiting up to `timeout` for another process doing the same.

        On a new (or rollback-journal) library the switch reads the header and then upgrades that read
        to a write; SQLite answers a lost race for that upgrade with an immediate SQLITE_BUSY and never
        calls the busy handler (waiting there could deadlock). So two `paperdex add` started at once on
        a new library failed with "busy" although the other process needed only milliseconds. Retrying
        gives the wait the busy timeout promises. A library already in WAL writes nothing here and cannot
        lose this race; one locked past the timeout still raises (diagnosed as busy by the caller).
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or time.monotonic() >= deadline:
                    raise
            time.sleep(WAL_RETRY_S)

    def _open_read_only(self, timeout: float) -> bool:
        """On read-only media SQLite cannot even open a WAL library normally; read it as it is.

        `immutable=1` tells SQLite that nobody changes the file, which holds on a read-only mount
        (and only there); writes then fail and are diagnosed as read-only.
        """
        if not self.path.exists() or not on_read_only_mount(self.path):
            return False
        try:
            self.conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                        timeout=timeout, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError:
            return False
        if current < max((m[0] for m in migrations()), default=0):
            self.conn.close()
            return False  # an older schema needs a migration, which needs a write
        return True

    def _open_postgres(self, url: str, migrate: bool) -> None:
        from paperdex.library import postgres

        self.dialect = POSTGRES
        self.url = url
        self.path = None  # type: ignore[assignment]  # no file: nothing beside it to keep
        self.location = postgres.display_url(url)
        self.conn = postgres.connect(url, lock_timeout_ms=int(self.timeout * 1000))  # type: ignore[assignment]
        try:
            self._refuse_newer()
            if migrate:
                self.migrate()
        except BaseException as exc:
            self.conn.close()
            if isinstance(exc, postgres.psycopg.Error):
                raise postgres.statement_error(self.location, exc) or LibraryError(
                    f"cannot open library {self.location}: {postgres.first_line(exc)}") from exc
            raise

    @property
    def target(self) -> str:
        """What to give Library() to open this library again (another thread, a background job)."""
        return self.url or str(self.path)

    @property
    def cache_key(self) -> str:
        """Names this library in per-process caches and cache files, without any password."""
        return self.location if self.url else str(self.path.resolve())

    def _refuse_newer(self) -> None:
        known = latest_version(self.dialect)
        current = self.schema_version
        if current > known:
            raise _newer_schema(self.location, current, known)

    def pending_migrations(self) -> list[tuple[int, str, str]]:
        """The migrations this library still needs, in order."""
        current = self.schema_version
        return [m for m in migrations(self.dialect) if m[0] > current]

    def migrate(self) -> tuple[int, int]:
        """Bring the schema up to date; (version before, version after)."""
        before = self.schema_version
        if not self.pending_migrations():
            return before, before
        if self.dialect.is_postgres:
            from paperdex.library import postgres

            postgres.migrate(self)
        else:
            self._migrate_sqlite()
        return before, self.schema_version

    def _migrate_sqlite(self) -> None:
        pending = self.pending_migrations()
        with self.transaction():
            # Re-read under the write lock: another process may have migrated meanwhile.
            current = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for number, _name, sql in pending:
                if number <= current:
                    continue
                for statement in _statements(sql):
                    self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        if self.dialect.is_postgres:
            from paperdex.library import postgres

            return postgres.schema_version(self.conn)
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it lands, or none of it; this process's writers take turns."""
        if not self._writers.acquire(self.timeout):
            raise LibraryBusy(f"the library {self.location} is busy (another paperdex is writing); "
                              "try again when it finishes")
        try:
            with self._transaction() as conn:
                yield conn
        finally:
            self._writers.release()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.dialect.is_postgres:
            from paperdex.library import postgres

            with postgres.transaction(self.conn, self.location) as conn:
                yield conn  # type: ignore[misc]
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise LibraryBusy(f"the library {self.path} is busy (another paperdex is writing); "
                                  "try again when it finishes") from exc
            raise diagnose(self.path, exc) from exc
        try:
            yield self.conn
        except BaseException as exc:
            # SQLite may have rolled back already (a full disk does): then there is nothing to undo,
            # and a failing ROLLBACK must not hide the error that says why.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and is_environment_failure(exc):
                raise diagnose(self.path, exc) from exc  # read-only or full: no caller can do better
            raise
        else:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise diagnose(self.path, exc) from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _statements(sql: str) -> list[str]:
    """Split a migration file into statements (sqlite3.complete_statement keeps triggers whole)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        if not buf and line.strip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
