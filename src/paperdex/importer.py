"""The `add` job: expand inputs, read, segment and store each source, and count what happened.

I/O and orchestration only; reading is formats/, cutting is segment/, storing is library/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from paperdex import provenance
from paperdex.errors import InputError, LibraryBusy, PaperdexError
from paperdex.formats import walk
from paperdex.formats.load import EmptyInput, Loaded, load_path
from paperdex.library.db import Library
from paperdex.library.ingest import IngestResult, SourceInput, import_source
from paperdex.model import NoteBlock
from paperdex.prepare import segment_documents


@dataclass
class Failure:
    source: str
    reason: str
    # An empty file has nothing to import: reported, but not a failure (`add` still exits 0).
    empty: bool = False


def describe(error: InputError | None) -> str:
    """Reason and fix of a refusal, without repeating the file name the summary prints."""
    if error is None:
        return "cannot read (check the path and its permissions)"
    return f"{error.reason} ({error.fix})" if error.fix else error.reason


@dataclass
class AddSummary:
    files: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    papers: set[str] = field(default_factory=set)
    new_papers: int = 0
    notes: int = 0
    merged: int = 0
    paperless_documents: int = 0
    failures: list[Failure] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # one line per notable change (a renamed or split file)
    # Once the library stayed locked past the busy timeout, later files are not
    # tried again: each would wait the whole timeout once more.
    busy: PaperdexError | None = None
    not_tried: int = 0

    @property
    def imported(self) -> int:
        return self.added + self.updated + self.unchanged

    @property
    def failed(self) -> list[Failure]:
        """The inputs that could not be imported (empty files are only skipped)."""
        return [f for f in self.failures if not f.empty]

    def line(self) -> str:
        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        parts = [
            plural(self.files, "file"),
            plural(len(self.papers), "paper"),
            f"{self.merged} note{'' if self.merged == 1 else 's'} merged into existing papers",
            f"{plural(self.paperless_documents, 'document')} without papers",
            plural(len(self.failed), "error"),
        ]
        text = ", ".join(parts)
        if len(self.failures) > len(self.failed):
            text += f" ({plural(len(self.failures) - len(self.failed), 'empty file')} skipped)"
        if self.unchanged:
            text += f" ({self.unchanged} unchanged)"
        if self.not_tried:
            why = "the library is busy: run again later" if isinstance(self.busy, LibraryBusy) else \
                "of the library error above"
            text += f"; {plural(self.not_tried, 'file')} not tried because {why}"
        return text


def root_for(path: Path, inputs: list[str]) -> Path | None:
    """The added folder a file was found in (its name is the reader of last resort)."""
    resolved = path.resolve()
    return next((r for r in _input_roots(tuple(inputs)) if resolved.is_relative_to(r)), None)


@lru_cache(maxsize=16)
def _input_roots(inputs: tuple[str, ...]) -> list[Path]:
    """The added folders, deepest first; read once per import, not once per file."""
    return sorted((Path(i).resolve() for i in inputs if Path(i).is_dir()), key=lambda p: len(p.parts), reverse=True)


def plan(inputs: list[str]) -> list[tuple[str, Path | None, InputError | None]]:
    return list(walk.expand(inputs))


def add_one(lib: Library, source: str, path: Path, *, format: str | None = None, encoding: str | None = None,
            reader: str | None = None, shape: str | None = None, max_bytes: int, force: bool = False,
            summary: AddSummary, root: Path | None = None) -> None:
    """Read, segment and store one file; failures are recorded, never raised."""
    summary.files += 1
    if summary.busy is not None:
        summary.not_tried += 1
        return
    try:
        loaded: Loaded = load_path(path, source, format=format, encoding=encoding, max_bytes=max_bytes)
        configured, fallback = provenance.default_reader(path, root)
        store_loaded(lib, loaded, key=str(path.resolve()), path=source, reader=reader or configured, shape=shape,
                     force=force, summary=summary, fallback_reader=fallback)
    except InputError as exc:
        summary.failures.append(Failure(source, describe(exc), empty=isinstance(exc, EmptyInput)))
    except PaperdexError as exc:
        record_failure(summary, source, exc)


def record_failure(summary: AddSummary, source: str, exc: PaperdexError) -> None:
    """Count a file the library refused; a refusal every later file would meet too stops the import.

    Busy past the timeout, read-only or full (`stops_import`): later files are counted as not tried,
    and AddSummary.line says why, instead of each failing (or waiting the whole timeout) alike. `add`
    and sync both come here so that they report a stopped import the same way.
    """
    if isinstance(exc, LibraryBusy) or getattr(exc, "stops_import", False):
        summary.busy = exc
    summary.failures.append(Failure(source, str(exc)))


def store_loaded(lib: Library, loaded: Loaded, *, key: str, path: str, reader: str | None, shape: str | None,
                 force: bool, summary: AddSummary, fallback_reader: str | None = None,
                 mtime_ns: int | None = None, segmented: list[list[NoteBlock]] | None = None) -> IngestResult | None:
    """Segment the documents of one loaded source and store them as one unit.

    `segmented` is each document's blocks when a worker already cut them with the same reader and shape
    (paperdex/prepare.py); otherwise they are cut here."""
    blocks = []
    title = date = None
    doc_reader = reader
    if segmented is None:
        segmented = segment_documents(loaded, reader=reader, shape=shape)
    for doc, found in zip(loaded.documents, segmented, strict=True):
        for block in found:  # who wrote it, when neither the flag, the note nor the channel says
            block.reader = block.reader or fallback_reader
        blocks += found
        split = sum(1 for b in found if b.fields.get("part"))
        if split:
            summary.events.append(f"split    {path}: a note without papers too large for one row is kept as "
                                  f"{split} parts of at most 100,000 characters (the file is unchanged)")
        title = title or doc.title
        date = date or doc.date
        doc_reader = doc_reader or doc.reader
    if not loaded.documents:
        summary.failures.append(Failure(path, "is empty: nothing to import", empty=True))
        return None
    src = SourceInput(key=key, path=path, format=loaded.format, content_hash=loaded.content_hash,
                      size=loaded.size, reader=doc_reader or fallback_reader, title=title, date=date,
                      metadata={"documents": len(loaded.documents)}, mtime_ns=mtime_ns)
    result = import_source(lib, src, blocks, force=force)
    # What the reader skipped inside the file (the rest is stored): each a failure with its place.
    summary.failures += [Failure(path, problem) for problem in loaded.problems]
    if result.status == "unchanged":
        summary.unchanged += 1
        return result
    setattr(summary, result.status, getattr(summary, result.status) + 1)
    summary.papers |= result.papers
    summary.new_papers += result.new_papers
    summary.notes += result.notes
    summary.merged += result.merged
    if not result.papers:
        summary.paperless_documents += 1
    return result


def add(lib: Library, inputs: list[str], *, format: str | None = None, encoding: str | None = None,
        reader: str | None = None, shape: str | None = None, max_bytes: int, force: bool = False,
        progress: Callable[[str], None] | None = None) -> AddSummary:
    """Import every input; one transaction per source so a crash never leaves half a file."""
    summary = AddSummary()
    for source, path, error in plan(inputs):
        if progress:
            progress(source)
        if error is not None or path is None:
            summary.failures.append(Failure(source, describe(error)))
            continue
        add_one(lib, source, path, format=format, encoding=encoding, reader=reader, shape=shape,
                max_bytes=max_bytes, force=force, summary=summary, root=root_for(path, inputs))
    return summary
