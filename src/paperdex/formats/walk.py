"""Expand what the user named (files, folders, globs) into the files to import.

Nothing here raises for one bad entry: each yields `(source, path, error)` and
the import goes on. Inside folders, files that are certainly not notes are
handled in two ways. Attachments that every notes folder holds (an Obsidian
vault's images, a blog's CSS and fonts) are skipped silently: listing hundreds
of PNGs would bury the useful part of the summary. Anything else that is not a
note (PDFs, Office files, archives, unknown suffixes) is yielded with an
UnsupportedInput error, so the summary says what was left out and why.
"""

from __future__ import annotations

import errno
import glob
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from paperdex.errors import InputError, UnsupportedInput

Entry = tuple[str, Path | None, InputError | None]

# Files in a notes folder that are never notes.
SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
NOTE_SUFFIXES = {".md", ".markdown", ".mdown", ".mkd", ".mdx", ".txt", ".text", ".html", ".htm", ".json", ".bib",
                 ".org", ".rst", ".csv", ".tsv", ".yml", ".yaml", ".ris"}
# Attachments and site assets: expected beside notes, skipped without a word.
ATTACHMENT_SUFFIXES = {
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".ico", ".tif", ".tiff", ".heic", ".avif",
    ".mp3", ".wav", ".ogg", ".m4a", ".mp4", ".mov", ".webm", ".mkv", ".avi",
    ".css", ".js", ".map", ".woff", ".woff2", ".ttf", ".otf", ".eot",
    ".canvas", ".excalidraw", ".drawio", ".lock", ".pyc", ".sqlite", ".db",
    # A notes repository's or site's configuration and code.
    ".yml", ".yaml", ".toml", ".ini", ".cfg", ".py", ".sh", ".rb", ".scss", ".sass", ".less", ".xml",
}
# Not notes, and worth telling the user about.
_REASONS = {
    ".pdf": ("is a PDF",
             "paperdex reads notes, not PDFs; export the PDF's text first or note its arXiv id/DOI"),
    ".docx": ("is a Word document", "save it as .md or .txt first"),
    ".doc": ("is a Word document", "save it as .md or .txt first"),
    ".epub": ("is an e-book", "paperdex reads notes, not books"),
    ".zip": ("is a zip archive", "unpack it first and import the folder"),
    ".gz": ("is gzip-compressed", "decompress it first"),
    ".tar": ("is a tar archive", "unpack it first and import the folder"),
}
# Hidden folders, a built site's copy of the notes, dependencies.
_SKIP_DIRS = (".", "_site", "node_modules", "__pycache__")
# Suffix-less files that are a repository's furniture, not notes.
_FURNITURE = {"LICENSE", "LICENCE", "COPYING", "Makefile", "Dockerfile", "CODEOWNERS", "AUTHORS", "NOTICE"}


def expand(inputs: list[str]) -> Iterator[Entry]:
    """(source as the user named it, path, error) for each file to import.

    Folders are walked recursively, hidden entries skipped, symlinked folders
    followed once (a loop is not followed twice); inside folders only files with
    note-like suffixes are taken, a file named directly is always tried. A file
    reached twice (overlapping inputs, a symlink) is yielded once.
    """
    seen_files: set[tuple[int, int]] = set()
    for raw in inputs:
        matches = sorted(glob.glob(raw, recursive=True)) if glob.has_magic(raw) else [raw]
        if not matches:
            yield raw, None, InputError(raw, "no file matches this pattern",
                                        "check the path or quote the glob")
            continue
        for item in matches:
            path = Path(item)
            if path.is_dir():
                yield from _walk(path, seen_files)
            else:
                entry = _check_file(item, path, seen_files)
                if entry is not None:
                    yield entry


def _check_file(source: str, path: Path, seen_files: set[tuple[int, int]]) -> Entry | None:
    """The entry for a named file: the file, or why it cannot be read; None for a duplicate."""
    try:
        st = path.stat()
    except FileNotFoundError:
        if path.is_symlink():
            return source, None, InputError(source, "is a broken symbolic link", "fix or remove the link")
        return source, None, InputError(source, "no such file or folder", "check the path")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return source, None, InputError(source, "is a symbolic link loop", "fix or remove the link")
        return source, None, InputError(source, f"cannot be read: {exc.strerror or exc}",
                                        "check its permissions")
    if not stat.S_ISREG(st.st_mode):
        # A FIFO or device would block or never end when read.
        return source, None, UnsupportedInput(source, "is not a regular file", "give a file or a folder")
    key = (st.st_dev, st.st_ino)
    if key in seen_files:
        return None
    seen_files.add(key)
    if not os.access(path, os.R_OK):
        return source, None, InputError(source, "cannot be read: permission denied", "check its permissions")
    return source, path, None


def _walk(root: Path, seen_files: set[tuple[int, int]]) -> Iterator[Entry]:
    seen_dirs: set[tuple[int, int]] = set()
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=errors.append):
        while errors:
            exc = errors.pop(0)
            where = str(exc.filename or dirpath)
            yield where, None, _unlisted(where, exc)
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            # A symlink loop (or a second link to a folder already walked): do not descend again.
            dirnames[:] = []
            continue
        seen_dirs.add(key)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(_SKIP_DIRS))
        for name in sorted(filenames):
            if name.startswith(".") or name in SKIP_NAMES:
                continue
            entry = _classify(Path(dirpath) / name, seen_files)
            if entry is not None:
                yield entry
    while errors:
        exc = errors.pop(0)
        where = str(exc.filename or root)
        yield where, None, _unlisted(where, exc)


def _unlisted(where: str, exc: OSError) -> InputError:
    return InputError(where, f"cannot be listed: {exc.strerror or exc}", "check its permissions")


def _classify(path: Path, seen_files: set[tuple[int, int]]) -> Entry | None:
    """A file found in a folder: a note to import, an entry to report, or None to skip silently."""
    suffix = path.suffix.lower()
    source = str(path)
    if suffix in NOTE_SUFFIXES or (suffix == "" and path.name not in _FURNITURE):
        return _check_file(source, path, seen_files)
    if suffix in ATTACHMENT_SUFFIXES or path.name.endswith("~") or path.name in _FURNITURE:
        return None
    reason, fix = _REASONS.get(suffix, (f"has a suffix paperdex does not read ({suffix})",
                                        "name the file directly to try it anyway, with --format if needed"))
    return source, None, UnsupportedInput(source, reason, fix)
