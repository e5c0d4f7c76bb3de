"""Background-ish work for search: embed every row that has no vector yet, in committed batches.

Runs after `add` (and before a semantic search if anything is pending). Each
batch is its own transaction, so a killed run keeps what it finished and the
next run continues from there; unchanged texts are never embedded again.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from paperdex.library import fts, vectors
from paperdex.library.db import Library
from paperdex.search.embed import Embedder, configured

BATCH_SIZE = 32
# Texts are fetched this many at a time and sorted by length, so batches pad little.
WINDOW = 512


def embed_pending(lib: Library, progress_console: Console | None = None, batch_size: int = BATCH_SIZE,
                  embedder: Embedder | None = None, limit: int | None = None) -> int:
    """Embed rows lacking a vector under the configured embedder; returns how many texts were embedded."""
    embedder = embedder or configured()
    if embedder is None:
        return 0
    fts.ensure_current(lib)
    todo = vectors.pending(lib, embedder.name, limit=limit)
    if not todo:
        return 0
    done = 0
    progress = None
    if progress_console is not None:
        progress = Progress(TextColumn("embedding notes"), BarColumn(), MofNCompleteColumn(),
                            TimeRemainingColumn(), console=progress_console, transient=True,
                            disable=not progress_console.is_terminal)
        progress.start()
    try:
        task = progress.add_task("embed", total=len(todo)) if progress else None
        for start in range(0, len(todo), WINDOW):
            window = todo[start:start + WINDOW]
            texts = fts.embed_texts(lib, [doc_id for _hash, doc_id in window])
            # The text may have changed since it was listed: key the vector by what was embedded.
            items = sorted(((fts.text_hash(texts[d]), texts[d]) for _h, d in window if d in texts),
                           key=lambda item: len(item[1]))
            for b in range(0, len(items), batch_size):
                batch = items[b:b + batch_size]
                matrix = embedder.passages([text for _h, text in batch])
                vectors.store(lib, embedder.name, [h for h, _t in batch], matrix)
                done += len(batch)
                if progress is not None and task is not None:
                    progress.advance(task, len(batch))
            if progress is not None and task is not None:
                progress.update(task, completed=min(len(todo), start + len(window)))
    finally:
        if progress is not None:
            progress.stop()
    return done
