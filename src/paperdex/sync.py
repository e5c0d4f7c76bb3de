"""Keep the library in step with note files: read what changed, follow renames, trash what is gone.

`paperdex add` of a folder, `paperdex sync` and `paperdex watch` all come here.
A file whose size and mtime are as last read is not opened; a changed file is
read and only its changed notes are written (library.ingest); a new file with
the content of a file that vanished is that file renamed or moved, so its notes
keep their ids, links and everything hung on them; a file gone from a folder
that is still there moves its notes to the trash (kept 30 days).

I/O and orchestration only: reading is formats/, storing is library/.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from paperdex import importer, segment
from paperdex.errors import InputError, LibraryBusy, PaperdexError
from paperdex.formats import walk
from paperdex.formats.load import DEFAULT_MAX_BYTES, EmptyInput
from paperdex.library import sync_state
from paperdex.library.db import Library
from paperdex.library.ingest import identities, note_id_for
from paperdex.prepare import Job, Prepared, prepare, prepared_in_order, workers_for


@dataclass
class SyncOptions:
    """How the files are read: what `add` was given besides the paths."""

    format: str | None = None
    encoding: str | None = None
    reader: str | None = None
    shape: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    force: bool = False
    jobs: int = 1  # processes reading files: 1 this one, 0 automatic (paperdex/prepare.py); not stored

    def stored(self) -> dict:
        """The options a root remembers (those that change what its files give)."""
        return {k: v for k, v in (("format", self.format), ("encoding", self.encoding), ("reader", self.reader),
                                  ("shape", self.shape)) if v}

    @classmethod
    def from_stored(cls, data: dict, max_bytes: int = DEFAULT_MAX_BYTES) -> SyncOptions:
        return cls(format=data.get("format"), encoding=data.get("encoding"), reader=data.get("reader"),
                   shape=data.get("shape"), max_bytes=max_bytes)


@dataclass
class SyncSummary(importer.AddSummary):
    """An AddSummary that also counts what sync does beyond adding."""

    skipped: int = 0  # unchanged size and mtime: not even opened
    renamed: list[tuple[str, str]] = field(default_factory=list)
    trashed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    changed_notes: int = 0  # new or edited notes (re-indexed; embedded if their text is new)
    removed_notes: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.renamed or self.trashed or self.restored)

    def line(self) -> str:
        text = super().line()
        extra = [f"{len(v)} {word}" for v, word in ((self.renamed, "renamed or moved"),
                                                     (self.trashed, "deleted (notes in `paperdex trash`)"),
                                                     (self.restored, "restored from the trash")) if v]
        return text + ("; " + ", ".join(extra) if extra else "")


def notes(n: int) -> str:
    return f"{n} note{'' if n == 1 else 's'}"


def _is_gone(path: str) -> bool:
    """The file is certainly not there (a folder that cannot be listed now hides files, it does not delete them)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _matches(raw: str) -> list[str]:
    return sorted(glob.glob(raw, recursive=True)) if glob.has_magic(raw) else [raw]


def _scopes(inputs: list[str]) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Folders and files whose vanished sources count as deleted, and the (absolute, shown) roots to remember.

    A folder that is itself missing is no scope: an unmounted disk must not empty the library.
    """
    dirs, files, roots = [], [], []
    for raw in inputs:
        for item in _matches(raw):
            path = Path(item)
            absolute = str(path.resolve()) if path.exists() else os.path.abspath(item)
            if path.is_dir():
                dirs.append(absolute.rstrip(os.sep) + os.sep)
                roots.append((absolute, item))
            elif not path.exists() or path.is_file():
                files.append(absolute)
                if path.is_file():
                    roots.append((absolute, item))
    return dirs, files, roots


def sync_paths(lib: Library, inputs: list[str], options: SyncOptions | None = None, *,
               summary: SyncSummary | None = None, register: bool = True,
               progress: Callable[[str], None] | None = None) -> SyncSummary:
    """Bring the library in step with these files and folders; returns what happened.

    Each file is its own transaction, so a crash or a kill leaves every file
    either as it was or as it is now, never half of one.
    """
    options = options or SyncOptions()
    summary = summary if summary is not None else SyncSummary()
    dirs, files, roots = _scopes(inputs)
    known = sync_state.known_sources(lib)
    # Changed options (another reader, format...) change what unchanged files give: read them all again.
    stat_ok = not options.force and all(sync_state.root_options(lib, absolute) in (None, options.stored())
                                        for absolute, _ in roots)
    seen: set[str] = set()
    checked: list[int] = []  # sources found unchanged without reading them
    to_read: list[tuple[str, Path, str, os.stat_result]] = []
    for source, path, error in walk.expand(inputs):
        if error is not None or path is None:
            absolute = os.path.abspath(source)
            if absolute in known and _is_gone(absolute):
                continue  # a deleted file named directly: trashed below
            if absolute in known:
                seen.add(absolute)  # there but unreadable: keep its notes
                sync_state.record_error(lib, absolute, importer.describe(error))
            summary.failures.append(importer.Failure(source, importer.describe(error)))
            continue
        key = str(path.resolve())
        seen.add(key)
        try:
            st = path.stat()
        except OSError as exc:
            summary.failures.append(importer.Failure(source, f"cannot be read: {exc.strerror or exc}"))
            continue
        old = known.get(key)
        if (stat_ok and old is not None and old.error is None and old.size == st.st_size
                and old.mtime_ns == st.st_mtime_ns):
            summary.files += 1
            summary.unchanged += 1
            summary.skipped += 1
            checked.append(old.id)
            continue
        to_read.append((source, path, key, st))

    vanished = [s for s in known.values()
                if s.key not in seen and not s.kept and not s.key.startswith(("http://", "https://"))
                and (s.key in files or s.key.startswith(tuple(dirs))) and _is_gone(s.key)]
    claimed: set[str] = set()
    shown_roots = [shown for _, shown in roots]
    jobs = [Job(source, path, options.format, options.encoding, options.max_bytes, options.reader, options.shape,
                importer.root_for(path, shown_roots), st.st_size) for source, path, _key, st in to_read]
    # Reading and segmenting run ahead on worker processes (one per core); storing stays here, in order.
    ready = prepared_in_order(jobs, workers_for(len(jobs), options.jobs))
    try:
        for source, path, key, st in to_read:
            if progress:
                progress(source)
            prepared = next(ready) if summary.busy is None else None
            _read_one(lib, source, path, key, st, options, known, vanished, claimed, summary,
                      roots=shown_roots, prepared=prepared)
            if summary.busy is not None:
                ready.close()  # the rest is not tried: stop reading it
    finally:
        ready.close()
    if summary.busy is not None:
        # The library refused a write that every later one would meet too (busy past the timeout,
        # read-only, full): trashing and bookkeeping wait for the next run rather than raising here
        # and hiding the summary of what was done and what was not tried.
        return summary
    for gone in vanished:
        try:
            entry = sync_state.trash_source(lib, gone.key)
        except LibraryBusy as exc:
            summary.failures.append(importer.Failure(gone.path, str(exc)))
            continue
        if entry is not None:
            summary.trashed.append(gone.path)
            summary.removed_notes += entry.notes
            summary.events.append(f"deleted  {gone.path} ({notes(entry.notes)} to the trash)")
    sync_state.mark_checked(lib, checked)
    sync_state.purge_trash(lib)
    if register:
        for absolute, shown in roots:
            sync_state.register_root(lib, absolute, shown, options.stored())
        sync_state.mark_roots_synced(lib, [absolute for absolute, _ in roots])
    return summary


def _read_one(lib: Library, source: str, path: Path, key: str, st: os.stat_result, options: SyncOptions,
              known: dict[str, sync_state.KnownSource], vanished: list[sync_state.KnownSource],
              claimed: set[str], summary: SyncSummary, *, roots: list[str], prepared: Prepared | None = None) -> None:
    """Read one new or changed file (or take its reading from a worker): a rename, a return from the
    trash, or notes to store."""
    summary.files += 1
    if summary.busy is not None:
        summary.not_tried += 1
        return
    try:
        if prepared is None:
            prepared = prepare(Job(source, path, options.format, options.encoding, options.max_bytes,
                                   options.reader, options.shape, importer.root_for(path, roots)))
        loaded = prepared.take()
        if key not in known:
            twin = next((s for s in vanished if s.content_hash == loaded.content_hash), None)
            if twin is None:
                # Moved in from outside what is synced now (a folder moved whole): its old file is gone too.
                twin = next((s for s in known.values() if s.content_hash == loaded.content_hash
                             and not s.key.startswith(("http://", "https://")) and _is_gone(s.key)
                             and s.key not in claimed), None)
            if twin is not None:
                claimed.add(twin.key)
                if twin in vanished:
                    vanished.remove(twin)
                sync_state.rename(lib, twin.id, key, source, loaded.size, st.st_mtime_ns)
                summary.renamed.append((twin.path, source))
                summary.events.append(f"renamed  {twin.path} -> {source}")
                return
            entry = sync_state.trash_by_hash(lib, loaded.content_hash)
            if entry is not None:
                sync_state.restore(lib, entry.id, key=key, path=source, mtime_ns=st.st_mtime_ns)
                summary.restored.append(source)
                summary.events.append(f"restored {source} ({notes(entry.notes)} from the trash)")
                # Options may differ from when it was trashed; an equal read stores nothing.
                importer.store_loaded(lib, loaded, key=key, path=source,
                                      reader=options.reader or prepared.configured, shape=options.shape,
                                      force=False, summary=importer.AddSummary(), fallback_reader=prepared.fallback,
                                      mtime_ns=st.st_mtime_ns, segmented=prepared.segmented)
                return
            twin = _edited_twin(lib, loaded, options, vanished)
            if twin is not None:
                # Renamed and edited between two syncs: move the source, then store only what changed.
                vanished.remove(twin)
                sync_state.rename(lib, twin.id, key, source, loaded.size, None)
                summary.renamed.append((twin.path, source))
                summary.events.append(f"renamed  {twin.path} -> {source} (and edited)")
        result = importer.store_loaded(lib, loaded, key=key, path=source,
                                       reader=options.reader or prepared.configured, shape=options.shape,
                                       force=options.force, summary=summary, fallback_reader=prepared.fallback,
                                       mtime_ns=st.st_mtime_ns, segmented=prepared.segmented)
    except InputError as exc:
        reason = importer.describe(exc)
        if key in known:
            sync_state.record_error(lib, key, reason)
            reason += " (its notes from the last read are kept)"
        summary.failures.append(importer.Failure(source, reason, empty=isinstance(exc, EmptyInput)))
        return
    except PaperdexError as exc:
        importer.record_failure(summary, source, exc)  # busy, read-only or full: later files not tried
        return
    if result is None or result.status == "unchanged":
        return
    summary.changed_notes += result.changed_notes
    summary.removed_notes += result.removed_notes
    what = f"+{result.changed_notes - result.edited_notes} ~{result.edited_notes} -{result.removed_notes} notes"
    summary.events.append(f"{result.status:<8} {source} ({what})")


def _edited_twin(lib: Library, loaded, options: SyncOptions,
                 vanished: list[sync_state.KnownSource]) -> sync_state.KnownSource | None:
    """The vanished source most of whose notes this new file still holds (by note identity), if any."""
    if not vanished:
        return None
    # Identities do not depend on the reader: segment the documents as they are.
    mine = identities([b for doc in loaded.documents for b in segment.segment(doc, shape=options.shape)])
    best: tuple[int, sync_state.KnownSource] | None = None
    for candidate in vanished:
        stored = sync_state.note_ids(lib, candidate.id)
        shared = len(stored & {note_id_for(candidate.uid, identity) for identity in mine})
        # More than half of the larger side: a list that shares one paper with a deleted one is not it.
        if shared * 2 > max(len(mine), len(stored)) and (best is None or shared > best[0]):
            best = (shared, candidate)
    return best[1] if best else None


def sync_all(lib: Library, *, force: bool = False, max_bytes: int = DEFAULT_MAX_BYTES, urls: bool = True,
             progress: Callable[[str], None] | None = None) -> SyncSummary:
    """Re-read every registered folder and file, and every source added before roots were remembered."""
    summary = SyncSummary()
    groups: dict[str, list[str]] = {}
    known = sync_state.known_sources(lib)
    covered: list[str] = []
    for root in sync_state.roots(lib):
        covered.append(root["path"])
        if not os.path.exists(root["path"]) and root["path"] not in known:
            inside = root["path"].rstrip(os.sep) + os.sep
            if not any(k.startswith(inside) for k in known):
                sync_state.forget_root(lib, root["path"])  # moved away whole and added where it is now
                continue
            # A folder that is gone as a whole (moved, unmounted): say so, delete nothing.
            summary.failures.append(importer.Failure(
                root["shown"], "is gone; its notes are kept (add the folder where it is now, or "
                "`paperdex sources --forget` it)"))
            continue
        groups.setdefault(root["options"], []).append(root["path"])
    dirs = tuple(p.rstrip(os.sep) + os.sep for p in covered)
    for key, src in sorted(known.items()):
        if key in covered or key.startswith(dirs) or key.startswith(("http://", "https://")):
            continue
        # Added before folders were remembered: keep the reader it was stored with.
        reader = lib.conn.execute("SELECT reader FROM sources WHERE id = ?", (src.id,)).fetchone()["reader"]
        groups.setdefault(json.dumps({"reader": reader} if reader else {}, sort_keys=True), []).append(key)
    for stored, paths in sorted(groups.items()):
        opts = SyncOptions.from_stored(json.loads(stored), max_bytes=max_bytes)
        opts.force = force
        sync_paths(lib, paths, opts, summary=summary, register=False, progress=progress)
    if summary.busy is not None:
        return summary  # the library refuses writes (see sync_paths): the rest waits for the next run
    sync_state.mark_roots_synced(lib, [p for p in covered if os.path.exists(p)])
    for key in (k for k in sync_state.known_sources(lib) if urls and k.startswith(("http://", "https://"))):
        _sync_url(lib, key, force, max_bytes, summary)
    return summary


def _sync_url(lib: Library, url: str, force: bool, max_bytes: int, summary: SyncSummary) -> None:
    """Fetch a URL source again; offline or failing, its notes stay and the reason is recorded."""
    from paperdex.formats.fetch import fetch_url

    summary.files += 1
    try:
        loaded = fetch_url(url, max_bytes=max_bytes)
        result = importer.store_loaded(lib, loaded, key=url, path=url, reader=None, shape=None, force=force,
                                       summary=summary)
    except PaperdexError as exc:
        reason = importer.describe(exc) if isinstance(exc, InputError) else str(exc)
        sync_state.record_error(lib, url, reason)
        summary.failures.append(importer.Failure(url, reason + " (its notes from the last read are kept)"))
        return
    if result is not None and result.status != "unchanged":
        summary.changed_notes += result.changed_notes
        summary.events.append(f"{result.status:<8} {url}")
