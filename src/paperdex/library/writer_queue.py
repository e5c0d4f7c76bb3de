"""Writers of one library inside one process queue here, first come first served, before the database lock.

Each thread of a server has its own connection, so without this queue its writers meet only at the
database: SQLite's busy handler polls with growing sleeps and PostgreSQL's lock wait gives up after
lock_timeout, and neither is fair. Under eight members pushing at once that turned into writers that
lost every race until their wait ran out (503 busy on PostgreSQL) while others wrote again and again.
Here the wait is a FIFO: the next writer is the one that has waited longest, and it is woken the moment
the lock is free. Other processes are still kept apart by the database's own lock.
"""

from __future__ import annotations

import threading
import time
from collections import deque


class FairLock:
    """A FIFO lock: acquire(timeout) waits its turn behind the threads that came before it."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._waiting: deque[object] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        ticket = object()
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            self._waiting.append(ticket)
            while self._held or self._waiting[0] is not ticket:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._waiting.remove(ticket)
                    self._cond.notify_all()  # the next in line may be free to go now
                    return False
                self._cond.wait(left)
            self._waiting.popleft()
            self._held = True
            return True

    def release(self) -> None:
        with self._cond:
            self._held = False
            self._cond.notify_all()

    @property
    def queued(self) -> int:
        """Threads waiting (not counting the holder): for tests and diagnostics."""
        with self._cond:
            return len(self._waiting)


_LOCKS: dict[str, FairLock] = {}
_LOCKS_GUARD = threading.Lock()


def lock_for(library_key: str) -> FairLock:
    """The process's one writer lock for a library (keyed by Library.cache_key)."""
    with _LOCKS_GUARD:
        lock = _LOCKS.get(library_key)
        if lock is None:
            lock = _LOCKS[library_key] = FairLock()
        return lock
