"""The dev set (../shared/corpora): an unchanged sync is fast, and one edited file re-embeds only its
changed notes."""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Sequence

import numpy as np
import pytest

from paperdex.library.db import Library
from paperdex.search.embed import Embedder
from paperdex.search.jobs import embed_pending
from paperdex.sync import SyncOptions, sync_paths
from tests.conftest import CORPORA
from tests.sync.conftest import write


class CountingEmbedder(Embedder):
    """Vectors from a hash of the text (deterministic, unit length), counting every text embedded."""

    name = "test:counting"

    def __init__(self) -> None:
        self.texts: list[str] = []

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += list(texts)
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest(), dtype=np.uint8).astype(np.float32) - 127.5
                for t in texts]
        matrix = np.stack(rows)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


@pytest.mark.slow
def test_dev_set_sync_is_fast_and_one_edit_reembeds_only_its_notes(tmp_path):
    if not CORPORA.is_dir():
        pytest.fail(f"dev set missing: {CORPORA}; set PAPERDEX_SHARED to the shared/ folder")
    corpora = tmp_path / "corpora"
    shutil.copytree(CORPORA, corpora)
    with Library(tmp_path / "lib.db") as lib:
        first = sync_paths(lib, [str(corpora)], SyncOptions())
        assert first.added > 500
        embedder = CountingEmbedder()
        embed_pending(lib, embedder=embedder)
        assert len(embedder.texts) > 2000

        start = time.perf_counter()
        again = sync_paths(lib, [str(corpora)], SyncOptions())
        elapsed = time.perf_counter() - start
        assert again.added == again.updated == 0 and again.skipped == first.added
        assert elapsed < 3.0, f"unchanged dev set sync took {elapsed:.2f} s"

        # One per-paper note gains a sentence: one note changes, is re-indexed and embedded again.
        rows = set(lib.conn.execute("SELECT id, note_id FROM search_docs WHERE note_id IS NOT NULL"))
        note = corpora / "patrick-llgc__Learning-Deep-Learning" / "paper_notes" / "3dssd.md"
        write(note, note.read_text(encoding="utf-8").replace(
            "tl;dr: Single-stage, anchor-free point-based lidar object detector.",
            "tl;dr: Single-stage, anchor-free point-based lidar object detector. Runs at 25 FPS."))
        edited = sync_paths(lib, [str(corpora)], SyncOptions())
        assert (edited.updated, edited.changed_notes, edited.removed_notes) == (1, 1, 0)
        reindexed = set(lib.conn.execute("SELECT id, note_id FROM search_docs WHERE note_id IS NOT NULL")) - rows
        assert len(reindexed) == 1
        embedder.texts.clear()
        embed_pending(lib, embedder=embedder)
        assert len(embedder.texts) == 1 and "25 FPS" in embedder.texts[0]
