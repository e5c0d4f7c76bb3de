"""Read one input path into Documents: size check, decoding, format detection.

The edge where bytes become text. Everything after this is pure. Every way an
input can be unreadable ends in an InputError subclass whose message names the
file, the reason and the fix, so an import of many files reports it and goes on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from paperdex.errors import InputError, InputTooLarge, MalformedInput, PaperdexError
from paperdex.formats import detect, get
from paperdex.formats.decoding import decode as _decode
from paperdex.model import Document

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# Enough of the text for any format's detect() to judge by.
HEAD_CHARS = 16384


class EmptyInput(InputError):
    """An empty (or whitespace-only) input: nothing to import, reported as "empty" rather than failed."""


@dataclass
class Loaded:
    """An input read into Documents, with what identifies its content."""

    documents: list[Document]
    format: str
    content_hash: str
    size: int
    # Parts of the input that were skipped (a broken BibTeX entry, a bad Telegram message), each with
    # its place: the rest imports, and the importer reports these as failures of this file.
    problems: list[str] = field(default_factory=list)


def decode(data: bytes, source: str, encoding: str | None = None) -> str:
    """Bytes to text: a forced encoding, a BOM, UTF-8, or GBK/cp1251/KOI8-R when detection is sure.

    Raises UnsupportedInput for binaries (PDF, images, archives) and DecodeError
    for bytes whose encoding is uncertain or that hold mojibake.
    """
    return _decode(data, source, encoding)


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def too_large(source: str, size: int, max_bytes: int) -> InputTooLarge:
    return InputTooLarge(source, f"is {_human(size)}, above the {_human(max_bytes)} limit",
                         "raise the limit with --max-size, or split the file")


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


def load_bytes(data: bytes, source: str, *, format: str | None = None, encoding: str | None = None,
               path_hint: str | None = None) -> Loaded:
    """Decode `data`, pick its format (forced or detected from name and head) and read it."""
    if not data.strip():
        raise EmptyInput(source, "is empty" if not data else "is empty (only whitespace)",
                         "nothing to import; remove it or fill it")
    text = decode(data, source, encoding)
    if not text.strip():
        raise EmptyInput(source, "is empty (only whitespace)", "nothing to import; remove it or fill it")
    if (path_hint or source).lower().endswith(".rst"):
        from paperdex.formats.text import rst_links_as_markdown

        text = rst_links_as_markdown(text)
    module: ModuleType = get(format) if format else detect(path_hint or source, text[:HEAD_CHARS])
    docs = read_with(module, text, source)
    problems = [str(p) for doc in docs for p in doc.metadata.get("errors") or []]
    return Loaded(documents=docs, format=module.NAME, content_hash=content_hash(data), size=len(data),
                  problems=problems)


def read_with(module: ModuleType, text: str, source: str) -> list[Document]:
    """A format's read(), with its unexpected failures turned into a MalformedInput for this file."""
    try:
        return module.read(text, source)
    except PaperdexError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, RecursionError) as exc:
        raise MalformedInput(source, f"cannot be read as {module.NAME}: {type(exc).__name__}: {exc}",
                             "check the file, or force another format with --format") from exc


def load_path(path: Path, source: str, *, format: str | None = None, encoding: str | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """Read a file into Documents, refusing what is too large before reading it."""
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise InputError(source, "no such file", "check the path") from exc
    except OSError as exc:
        raise InputError(source, f"cannot be read: {exc.strerror or exc}", "check its permissions") from exc
    if path.is_dir():
        raise InputError(source, "is a folder", "name the folder to import all notes in it")
    if st.st_size > max_bytes:
        raise too_large(source, st.st_size, max_bytes)
    try:
        with path.open("rb") as fh:
            # Read one byte past the limit: a file that grew since stat() is still refused.
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(source, f"cannot be read: {exc.strerror or exc}", "check its permissions") from exc
    if len(data) > max_bytes:
        raise too_large(source, len(data), max_bytes)
    return load_bytes(data, source, format=format, encoding=encoding, path_hint=str(path))
