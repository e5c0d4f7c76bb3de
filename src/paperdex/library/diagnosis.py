"""Say what is really wrong when SQLite fails: read-only, disk full, busy, or damaged.

SQLite's messages ("attempt to write a readonly database", "database or disk is
full") are easy to misread as damage, and the advice for damage (restore a
backup) loses newer work when the file was fine. So each failure is classified
by SQLite's error code and the file system, and a file is called damaged only
when `PRAGMA integrity_check` on a read-only connection says so.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

from paperdex.errors import LibraryBusy, LibraryDamaged, LibraryDiskFull, LibraryError, LibraryReadOnly

# SQLite primary result codes (the low byte of extended codes).
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26
# Below this free space a failed write is put down to a full disk even if SQLite said "I/O error".
LOW_SPACE = 1 << 20


def diagnose(path: str | Path, exc: BaseException) -> LibraryError:
    """The LibraryError subclass and message that tell the truth about `exc` on the library at `path`."""
    path = Path(path)
    if isinstance(exc, LibraryError):
        return exc
    code = _code(exc)
    text = str(exc)
    if code == SQLITE_READONLY or "readonly" in text or (code in (SQLITE_PERM, SQLITE_CANTOPEN)
                                                           and _read_only_reason(path)):
        return LibraryReadOnly(read_only_message(path, text))
    disk_full = isinstance(exc, OSError) and exc.errno == errno.ENOSPC
    if disk_full or code == SQLITE_FULL or (code == SQLITE_IOERR and _free(path) < LOW_SPACE):
        return LibraryDiskFull(disk_full_message(path))
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return LibraryBusy(f"the library {path} is busy (another paperdex is writing); "
                           "try again when it finishes")
    if code == SQLITE_NOTADB and not _looks_like_sqlite(path):
        return LibraryDamaged(f"{path} is not a paperdex library (not an SQLite file): check the --db path "
                              "or $PAPERDEX_DB")
    verdict = integrity(path)
    if verdict and verdict != ["ok"]:
        return LibraryDamaged(
            f"the library {path} is damaged (integrity check: {verdict[0]}): `paperdex check` shows what is "
            "affected; restore your newest "
            f"`paperdex backup`, or salvage it with `sqlite3 {path} .recover | sqlite3 recovered.db`")
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) and not verdict:
        return LibraryDamaged(f"the library {path} cannot be read ({text}); run `paperdex check` before "
                              "restoring a backup, which would lose changes made since")
    return LibraryError(f"SQLite failed on the library {path}: {text} (the file passed its integrity check, "
                        "so it is not damaged; run the command again, or `paperdex check` for details)")


def is_environment_failure(exc: BaseException) -> bool:
    """A write refused by the file system (read-only) or out of room: nothing about the data is wrong."""
    return _code(exc) in (SQLITE_READONLY, SQLITE_FULL)


def is_busy(exc: BaseException) -> bool:
    """Another connection holds the lock SQLite needed (it may be free a moment later)."""
    return _code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)


def _code(exc: BaseException) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def on_read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path.parent if path.parent.exists() else ".").f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _read_only_reason(path: Path) -> str | None:
    """Why this process cannot write the library, if it cannot: the file, its folder, or the mount."""
    if on_read_only_mount(path):
        return f"the file system holding {path.parent} is mounted read-only"
    if path.exists() and not os.access(path, os.W_OK):
        return f"the file {path} is not writable by you"
    for side in ("-wal", "-shm"):
        other = path.with_name(path.name + side)
        if other.exists() and not os.access(other, os.W_OK):
            return f"{other.name} beside it is not writable by you"
    if path.parent.exists() and not os.access(path.parent, os.W_OK):
        return (f"the folder {path.parent} is not writable by you (SQLite creates {path.name}-wal and "
                f"{path.name}-shm beside the library)")
    return None


def read_only_message(path: Path, sqlite_text: str = "") -> str:
    reason = _read_only_reason(path) or "SQLite was refused a write (" + (sqlite_text or "read-only") + ")"
    if on_read_only_mount(path):
        fix = "remount it read-write, or copy the library somewhere writable and use --db"
    else:
        fix = (f"give yourself write access: `chmod u+w {path} {path}-wal {path}-shm` (and the folder), "
               "`chown` them if another user owns them, or copy the library somewhere writable and use --db")
    return (f"the library {path} is read-only: {reason}. Nothing is damaged and no backup is needed; "
            f"reading commands (list, show, info, export, keyword search) still work. To write, {fix}")


def disk_full_message(path: Path) -> str:
    free = _free(path)
    size = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    need = max(size, 8 << 20)
    return (f"the disk holding the library {path} is full ({_human(free)} free). The change was rolled back "
            f"and the library is as it was: nothing is damaged and no backup is needed. Free at least "
            f"{_human(need)} (the library and its log take {_human(size)}, and SQLite may need as much again "
            "while it writes), then run the command again")


def integrity(path: Path) -> list[str]:
    """`PRAGMA quick_check` on a read-only connection; [] if the file cannot even be opened to check."""
    if not path.exists():
        return []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return []
    try:
        return [r[0] for r in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)] if _code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB) else []
    finally:
        conn.close()


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _free(path: Path) -> int:
    for place in (path.parent, Path(".")):
        try:
            return shutil.disk_usage(place).free
        except OSError:
            continue
    return 0


def _human(size: int) -> str:
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"
