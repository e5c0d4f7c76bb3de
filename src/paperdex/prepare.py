"""Read and segment files on worker processes while the main process stores them: the CPU half of `add`.

Reading a file and cutting it into notes is pure work on its bytes; storing needs the library's one
writer. So when `add` has many files to read, a pool of processes (one per core, at most MAX_WORKERS)
reads and segments them, and the main process stores the results in input order as they arrive: on two
cores extraction runs on both while the store writes. Small files go to a worker in batches (one round
trip for up to 16 files); results come back in a bounded window (64 files per worker, 256 MB), so a
folder of 100,000 files is never all in memory. A worker that dies (killed
for memory, say) costs nothing: the rest is read in the main process, as without workers.

Workers come from a fork server started before any of them, which never held a database connection
(a forked copy of an open SQLite connection must not be touched, even by the garbage collector). They
ignore Ctrl+C (the main process stops them) and end when the main process ends, even when it is killed.

Only `paperdex add` asks for workers (`--jobs`, default automatic; `--jobs 1` or `PAPERDEX_JOBS=1`
reads in the main process, as small imports always do). Library callers read in their own process
unless they ask: a worker re-imports the caller's `__main__` script, which must then guard its work
with `if __name__ == "__main__":`.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from paperdex import provenance, segment
from paperdex.errors import InputError
from paperdex.formats.load import Loaded, load_path
from paperdex.model import NoteBlock

MAX_WORKERS = 4
# Fewer files than this are read in the main process: a pool costs ~0.5 s to start.
MIN_FILES = 16
WINDOW_PER_WORKER = 64
# ...and at most this many bytes of files read ahead (big files: a few at a time).
WINDOW_BYTES = 256 << 20
# Small files travel to a worker in batches of up to this many files and bytes: one round trip (the main
# process wakes to hand out work and take results) per batch instead of per file.
BATCH_FILES = 16
BATCH_BYTES = 64 << 10
WATCH_S = 0.5  # how often a worker checks that the process it works for is still there
# What the fork server loads before it forks the workers: this module and what reading needs, warm.
PRELOAD = "paperdex.worker_preload"


@dataclass(frozen=True)
class Job:
    """One file to read, with what reading and segmenting it depend on."""

    source: str
    path: Path
    format: str | None
    encoding: str | None
    max_bytes: int
    reader: str | None  # --reader, which beats the folder's configured reader
    shape: str | None
    root: Path | None
    size: int = 0  # the file's size if known: bounds how much is read ahead


@dataclass
class Prepared:
    """A file read and segmented as `importer.store_loaded` would, or the reason it could not be read."""

    loaded: Loaded | None = None
    segmented: list[list[NoteBlock]] | None = None  # one list per document
    configured: str | None = None  # the folder's configured reader (paperdex.toml)
    fallback: str | None = None  # who read it when nothing else says (git owner, folder name)
    error: InputError | None = None

    def take(self) -> Loaded:
        if self.error is not None:
            raise self.error
        assert self.loaded is not None
        return self.loaded


def prepare(job: Job) -> Prepared:
    """Read and segment one file (in a worker, or in the main process)."""
    try:
        loaded = load_path(job.path, job.source, format=job.format, encoding=job.encoding,
                           max_bytes=job.max_bytes)
    except InputError as exc:
        return Prepared(error=exc)
    configured, fallback = provenance.default_reader(job.path, job.root)
    return Prepared(loaded, segment_documents(loaded, reader=job.reader or configured, shape=job.shape),
                    configured, fallback)


def segment_documents(loaded: Loaded, *, reader: str | None, shape: str | None) -> list[list[NoteBlock]]:
    """Each document's blocks, the documents' reader set first (the segmenter attributes blocks by it)."""
    out = []
    for doc in loaded.documents:
        if reader:
            doc.reader = reader
        out.append(segment.segment(doc, shape=shape))
    return out


def workers_for(files: int, jobs: int = 0) -> int:
    """How many processes to read `files` files with (1: the main process alone).

    `jobs` 0 is automatic: PAPERDEX_JOBS if set, else one per core (at most MAX_WORKERS) for imports
    of MIN_FILES files or more.
    """
    if jobs <= 0:
        env = os.environ.get("PAPERDEX_JOBS", "")
        if env.isdigit() and int(env) > 0:
            jobs = int(env)
        else:
            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
            jobs = min(cores, MAX_WORKERS) if files >= MIN_FILES else 1
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(jobs, files))


def prepared_in_order(jobs: list[Job], workers: int) -> Iterator[Prepared]:
    """prepare(job) for every job, in order; on `workers` processes when more than one.

    Closing the iterator early (the library went busy, Ctrl+C) cancels what was not started.
    """
    if workers <= 1:
        for job in jobs:
            yield prepare(job)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_started,
                               initargs=(os.getpid(),))
    # The first worker waits for the fork server to start and load paperdex (~0.25 s): a thread waits for
    # the workers while this process reads the first files itself, instead of idling until they are up.
    starting = threading.Thread(target=_start_workers, args=(pool, workers), name="paperdex-start-workers",
                                daemon=True)
    starting.start()
    pending: deque[tuple[Future[list[Prepared]], list[Job]]] = deque()
    in_flight = ahead = 0  # files and bytes of the pending batches
    todo = iter(jobs)
    try:
        while starting.is_alive():
            job = next(todo, None)
            if job is None:
                return
            yield prepare(job)
        batches = _batches(todo)
        while True:
            while in_flight < workers * WINDOW_PER_WORKER and (ahead < WINDOW_BYTES or not pending):
                batch = next(batches, None)
                if batch is None:
                    break
                try:
                    future = pool.submit(_in_worker, batch)
                except BrokenProcessPool:  # a worker died since the last result: this batch is read here too
                    batches = chain([batch], batches)
                    break
                pending.append((future, batch))
                in_flight += len(batch)
                ahead += sum(job.size for job in batch)
            if not pending:
                for batch in batches:  # nothing, or all that a broken pool could not take
                    yield from map(prepare, batch)
                return
            future, batch = pending.popleft()
            in_flight -= len(batch)
            ahead -= sum(job.size for job in batch)
            if not future.done() and future.cancel():
                # No worker has taken it yet (all busy with earlier files): read it here, not wait.
                yield from map(prepare, batch)
                continue
            try:
                results = future.result()
            except BrokenProcessPool:
                yield from map(prepare, batch)
                for _future, rest in pending:
                    yield from map(prepare, rest)
                for rest in batches:
                    yield from map(prepare, rest)
                return
            yield from results
            # A file whose reading raised ended its batch: read it (and what followed) here, in order.
            yield from map(prepare, batch[len(results):])
    finally:
        starting.join()
        pool.shutdown(wait=True, cancel_futures=True)


def _start_workers(pool: ProcessPoolExecutor, workers: int) -> None:
    """Start the pool's workers (each submit starts one) and wait until each has run a task."""
    try:
        for future in [pool.submit(os.getpid) for _ in range(workers)]:
            future.result()
    except Exception:  # a pool that cannot start: the reading loop meets the same error (or a broken pool) itself
        pass


def _batches(jobs: Iterator[Job]) -> Iterator[list[Job]]:
    """Consecutive jobs in batches of at most BATCH_FILES files and BATCH_BYTES bytes (a larger file goes
    alone)."""
    batch: list[Job] = []
    size = 0
    for job in jobs:
        if batch and size + job.size > BATCH_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(job)
        size += job.size
        if len(batch) >= BATCH_FILES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _in_worker(batch: list[Job]) -> list[Prepared]:
    """What a worker runs: prepare() of each job, looked up in the worker's own copy of this module.

    An unreadable file is a result (Prepared.error); a file whose reading raises (a bug) ends the batch
    there, and the main process reads it again and meets the error at its turn, as when reading alone."""
    done = []
    for job in batch:
        try:
            done.append(prepare(job))
        except Exception:
            break
    return done


def _worker_started(main_pid: int) -> None:
    """In each worker: leave Ctrl+C to the main process, and end when it ends, even killed.

    A killed main process closes no pipe the workers would notice (each worker holds both ends of its
    task queue), so a watchdog thread looks for the main process twice a second.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(main_pid,), name="paperdex-watch-parent", daemon=True).start()


def _watch(main_pid: int) -> None:
    while True:
        time.sleep(WATCH_S)
        try:
            os.kill(main_pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the pid now belongs to another user's process: ours is gone
            os._exit(1)
