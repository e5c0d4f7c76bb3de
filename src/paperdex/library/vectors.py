"""Stored embeddings: which rows still need a vector, saving vectors, loading them as one matrix.

Vectors are keyed by (model, hash of the embedded text), not by note: an
unchanged note re-imported, or the same text under another id, is never
embedded twice, and a killed run resumes where it stopped.
"""

from __future__ import annotations

import numpy as np

from paperdex.library.db import Library

STORED_DTYPE = np.dtype("<f2")  # float16 halves the file; scores differ by ~1e-3


def generation(lib: Library) -> int:
    """A number that changes whenever index rows or vectors change."""
    return lib.conn.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()[0]


def pending(lib: Library, model: str, limit: int | None = None) -> list[tuple[str, int]]:
    """(text hash, one row id holding that text) for texts with no vector under `model`, oldest rows first."""
    sql = ("SELECT d.embed_hash, min(d.id) AS doc_id FROM search_docs d WHERE NOT EXISTS ("
           "SELECT 1 FROM embeddings e WHERE e.model = ? AND e.text_hash = d.embed_hash) "
           "GROUP BY d.embed_hash ORDER BY doc_id")
    args: list = [model]
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [(r[0], r[1]) for r in lib.conn.execute(sql, args)]


def pending_count(lib: Library, model: str) -> int:
    return lib.conn.execute(
        "SELECT count(DISTINCT d.embed_hash) FROM search_docs d WHERE NOT EXISTS ("
        "SELECT 1 FROM embeddings e WHERE e.model = ? AND e.text_hash = d.embed_hash)",
        (model,)).fetchone()[0]


def store(lib: Library, model: str, hashes: list[str], vectors: np.ndarray) -> None:
    """Save one batch in its own transaction (so an interrupted run keeps what it finished)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or len(hashes) != vectors.shape[0]:
        raise ValueError(f"{len(hashes)} hashes but vectors of shape {vectors.shape}")
    dim = vectors.shape[1]
    rows = [(model, h, dim, v.astype(STORED_DTYPE).tobytes()) for h, v in zip(hashes, vectors, strict=True)]
    with lib.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO embeddings (model, text_hash, dim, vec) VALUES (?,?,?,?)", rows)
        conn.execute("UPDATE search_meta SET value = value + 1 WHERE key = 'generation'")


def load(lib: Library, model: str) -> tuple[np.ndarray, np.ndarray]:
    """(row ids, float32 matrix with one unit vector per row) for every row that has a vector."""
    ids: list[int] = []
    blobs: list[bytes] = []
    dim = 0
    for doc_id, d, blob in lib.conn.execute(
            "SELECT d.id, e.dim, e.vec FROM search_docs d JOIN embeddings e "
            "ON e.model = ? AND e.text_hash = d.embed_hash ORDER BY d.id", (model,)):
        if dim and d != dim:
            continue  # a vector from a differently configured endpoint under the same name
        dim = d
        ids.append(doc_id)
        blobs.append(blob)
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
    matrix = np.frombuffer(b"".join(blobs), dtype=STORED_DTYPE).reshape(len(ids), dim).astype(np.float32)
    return np.asarray(ids, dtype=np.int64), matrix


def counts(lib: Library) -> dict[str, int]:
    rows = lib.conn.execute("SELECT model, count(*) FROM embeddings GROUP BY model").fetchall()
    return {r[0]: r[1] for r in rows}
