"""Where the server does library work: on worker threads, never on the event loop, writes apart from reads.

Reads (pages, searches, the team door's token checks) share Starlette's thread pool, capped at
READ_THREADS: more threads than that only cut the GIL into thinner slices, and a writer needs the GIL
back after each of its ~10 statements per note. With 50 clients searching, 8 reader threads made eight
members' pushes to PostgreSQL take 150 s, 3 took 55 s and 4 took 75 s, at about the same search latency
(bench/team_load.py, docs/team.md). Writes have their own WRITE_THREADS, so a member's push never queues
for a thread behind fifty searches; they then take turns at the library's writer queue
(library/writer_queue.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread
from starlette.requests import Request

T = TypeVar("T")
READ_THREADS = 4
WRITE_THREADS = 2


def limit_readers() -> None:
    """Cap the thread pool that Starlette runs sync endpoints on (call from the running app's lifespan)."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = READ_THREADS


def _write_limiter(app: Any) -> anyio.CapacityLimiter:
    """The app's writers' limiter, made inside the event loop on first use (no await between look and set)."""
    limiter = getattr(app.state, "write_limiter", None)
    if limiter is None:
        limiter = app.state.write_limiter = anyio.CapacityLimiter(WRITE_THREADS)
    return limiter


async def run(app: Any, work: Callable[..., T], *args: Any, write: bool) -> T:
    """work(library, *args) on a reader's or a writer's thread, with that thread's connection."""
    pool = app.state.pool
    return await anyio.to_thread.run_sync(lambda: work(pool.get(), *args),
                                          limiter=_write_limiter(app) if write else None)


async def write(request: Request, work: Callable[..., T], *args: Any) -> T:
    """work(library, *args) on a writer's thread: every change an async handler makes goes through here."""
    return await run(request.app, work, *args, write=True)
