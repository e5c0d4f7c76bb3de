"""The in-process writer queue: first come first served, a bounded wait, and the lock freed on every path."""

from __future__ import annotations

import threading
import time

import pytest

from paperdex.errors import LibraryBusy
from paperdex.library.db import Library
from paperdex.library.writer_queue import FairLock


def _wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_writers_get_the_lock_in_the_order_they_asked():
    lock = FairLock()
    assert lock.acquire(1)
    order: list[int] = []

    def writer(k: int) -> None:
        assert lock.acquire(10)
        order.append(k)
        lock.release()

    threads = []
    for k in range(6):
        thread = threading.Thread(target=writer, args=(k,))
        thread.start()
        threads.append(thread)
        _wait_until(lambda k=k: lock.queued == k + 1)  # k+1 queued: this one is in line before the next starts
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == list(range(6))


def test_a_writer_that_gives_up_leaves_the_line_for_the_next():
    lock = FairLock()
    assert lock.acquire(1)
    started = time.monotonic()
    assert not lock.acquire(0.1)
    assert 0.09 <= time.monotonic() - started < 2
    assert lock.queued == 0
    lock.release()
    assert lock.acquire(0)


def test_a_second_connection_waits_its_turn_then_writes(library_url):
    first, second = Library(library_url), Library(library_url, timeout=10)
    wrote = threading.Event()

    def write() -> None:
        with second.transaction() as conn:
            conn.execute("INSERT INTO paper_tags (paper_id, tag, added_at) VALUES ('p1', 'later', 'now')")
        wrote.set()

    try:
        with first.transaction() as conn:
            conn.execute("INSERT INTO paper_tags (paper_id, tag, added_at) VALUES ('p1', 'first', 'now')")
            thread = threading.Thread(target=write)
            thread.start()
            assert not wrote.wait(0.3)  # queued behind the open transaction
        thread.join(10)
        assert wrote.is_set()
        tags = [r[0] for r in first.conn.execute("SELECT tag FROM paper_tags ORDER BY tag")]
        assert sorted(tags) == ["first", "later"]
    finally:
        first.close()
        second.close()


def test_an_error_inside_a_transaction_frees_the_queue(library_url):
    with Library(library_url) as lib:
        with pytest.raises(RuntimeError), lib.transaction():
            raise RuntimeError("boom")
        impatient = Library(library_url, timeout=0.1)
        try:
            with impatient.transaction():
                pass  # would be LibraryBusy if the failed transaction had kept the lock
        finally:
            impatient.close()


def test_the_wait_is_bounded_by_the_library_timeout(library_url):
    holder, impatient = Library(library_url), Library(library_url, timeout=0.2)
    try:
        with holder.transaction():
            started = time.monotonic()
            with pytest.raises(LibraryBusy, match="busy"), impatient.transaction():
                pass
            assert time.monotonic() - started < 5
    finally:
        holder.close()
        impatient.close()
