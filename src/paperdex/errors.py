"""One exception tree, so callers catch paperdex's own failures and nothing else.

    PaperdexError
    ├── InputError            an input cannot be read (the rest of an import goes on)
    │   ├── DecodeError       bytes are not text in any encoding we trust
    │   ├── UnsupportedInput  binary file, image, PDF, unknown format
    │   ├── InputTooLarge     above the configured size limit
    │   └── MalformedInput    JSON/HTML/BibTeX that does not parse
    ├── LibraryError          the library (SQLite file or PostgreSQL database) cannot be opened or written
    │   ├── LibraryBusy       another process holds the write lock too long
    │   ├── LibraryReadOnly   the file, its folder or its disk cannot be written
    │   ├── LibraryDiskFull   no room on the disk for the write
    │   └── LibraryDamaged    `PRAGMA integrity_check` finds the file damaged
    ├── ResolveError          a provider failed (recorded, retried later)
    ├── NotFound              what the user named is not in the library
    └── UsageError            a bad command-line value (unknown format, bad range)

Every message says what failed, where, and what to do about it.
"""

from __future__ import annotations


class PaperdexError(Exception):
    """Base of every error paperdex raises on purpose."""


class InputError(PaperdexError):
    def __init__(self, source: str, reason: str, fix: str | None = None) -> None:
        self.source = source
        self.reason = reason
        self.fix = fix
        message = f"{source}: {reason}"
        if fix:
            message += f" ({fix})"
        super().__init__(message)

    def __reduce__(self):  # a worker process reading files sends these back whole (paperdex/prepare.py)
        return type(self), (self.source, self.reason, self.fix)


class DecodeError(InputError):
    pass


class UnsupportedInput(InputError):
    pass


class InputTooLarge(InputError):
    pass


class MalformedInput(InputError):
    pass


class LibraryError(PaperdexError):
    pass


class LibraryBusy(LibraryError):
    pass


class LibraryReadOnly(LibraryError):
    stops_import = True  # every later file of an import would fail the same way


class LibraryDiskFull(LibraryError):
    stops_import = True


class LibraryDamaged(LibraryError):
    pass


class ResolveError(PaperdexError):
    pass


class UsageError(PaperdexError):
    pass


class NotFound(PaperdexError):
    """A paper, source or candidate the user named is not in the library (exit 1, not a usage error)."""
