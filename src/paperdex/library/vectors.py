"""Stored embeddings: which rows still need a vector, saving vectors, loading them as one matrix.

Vectors are keyed by (model, hash of the embedded text), not by note: an
unchanged note re-imported, or the same text under another id, is never
embedded twice, and a killed run resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import mmap
import os
from pathlib import Path

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
            "INSERT INTO embeddings (model, text_hash, dim, vec) VALUES (?,?,?,?) "
            "ON CONFLICT (model, text_hash) DO UPDATE SET dim = excluded.dim, vec = excluded.vec", rows)
        conn.execute("UPDATE search_meta SET value = value + 1 WHERE key = 'generation'")


def _rows(lib: Library, model: str) -> tuple[np.ndarray, np.ndarray]:
    """(row ids, float16 matrix) read from SQLite in slices into one preallocated array.

    The most common width wins: a vector from a differently configured
    endpoint under the same name is left out rather than mixed in.
    """
    join = ("FROM search_docs d JOIN embeddings e ON e.model = ? AND e.text_hash = d.embed_hash")
    widths = lib.conn.execute(f"SELECT e.dim, count(*) {join} GROUP BY e.dim", (model,)).fetchall()
    if not widths:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=STORED_DTYPE)
    dim, total = max(widths, key=lambda r: (r[1], r[0]))
    ids = np.empty(total, dtype=np.int64)
    matrix = np.empty((total, dim), dtype=STORED_DTYPE)
    cursor = lib.conn.execute(f"SELECT d.id, e.vec {join} AND e.dim = ? ORDER BY d.id", (model, dim))
    filled = 0
    while chunk := cursor.fetchmany(8192):
        take = min(len(chunk), total - filled)  # rows added meanwhile wait for the next generation
        if take <= 0:
            break
        chunk = chunk[:take]
        ids[filled:filled + take] = [r[0] for r in chunk]
        matrix[filled:filled + take] = np.frombuffer(b"".join(r[1] for r in chunk),
                                                     dtype=STORED_DTYPE).reshape(take, dim)
        filled += take
    return ids[:filled], matrix[:filled]


def _sidecar(lib: Library, model: str) -> Path:
    digest = hashlib.sha1(model.encode("utf-8")).hexdigest()[:12]
    return lib.path.with_name(f"{lib.path.name}.vectors-{digest}")


def _write(path: Path, array: np.ndarray) -> None:
    """Write atomically: readers see the old file or the whole new one, never a part."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as fh:
            np.save(fh, array)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def matrix(lib: Library, model: str) -> tuple[np.ndarray, np.ndarray]:
    """(row ids, float16 matrix, memory-mapped) of every row with a vector under `model`.

    The matrix lives in two .npy files beside the library, named by the
    index generation: a cold search maps them in one read (no SQL join, no
    per-row work, no float32 copy); when the library changed they are rebuilt
    once from SQLite and the old ones removed. They are derived data: delete
    them at will. A library whose folder is read-only keeps them in memory.
    """
    if lib.path is None or str(lib.path) in ("", ":memory:") or str(lib.path).startswith("file:"):
        return _rows(lib, model)  # PostgreSQL (no file to put them beside) or no file at all: in memory
    base = _sidecar(lib, model)
    tag = f"-g{generation(lib)}"
    ids_path = base.with_name(base.name + tag + ".ids.npy")
    vec_path = base.with_name(base.name + tag + ".f16.npy")
    try:
        return np.load(ids_path, mmap_mode="r"), np.load(vec_path, mmap_mode="r")
    except (OSError, ValueError):
        pass
    ids, vecs = _rows(lib, model)
    try:
        for path, array in ((vec_path, vecs), (ids_path, ids)):
            _write(path, array)
        for old in base.parent.glob(base.name + "-g*.npy"):
            if old not in (ids_path, vec_path):
                old.unlink(missing_ok=True)
    except OSError:  # read-only folder, full disk: search from memory, the library is untouched
        return ids, vecs
    return np.load(ids_path, mmap_mode="r"), np.load(vec_path, mmap_mode="r")


def quantize(matrix: np.ndarray, rows: int = 16_384, out: np.ndarray | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """(int8 matrix, float32 scale per row): row i is about q[i] * scale[i], off by at most scale/2
    per component (cosines move by ~1e-3). Converting int8 to float32 is SIMD-fast, float16 is not.
    `out` (e.g. a mapped file) receives the int8 rows slice by slice."""
    q = out if out is not None else np.empty(matrix.shape, dtype=np.int8)
    scales = np.empty(len(matrix), dtype=np.float32)
    for start in range(0, len(matrix), rows):
        block = _block(matrix, start, start + rows)
        top = np.abs(block).max(axis=1) if block.size else np.zeros(len(block), np.float32)
        scale = np.where(top > 0, top / 127.0, 1.0).astype(np.float32)
        q[start:start + rows] = np.rint(block / scale[:, None]).astype(np.int8)
        scales[start:start + rows] = scale
    return q, scales


def _block(matrix: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Rows start:stop as float32; from a mapped file by plain reads, so the pages do not stay mapped
    into this process (reading all 154 MB through the map put them all in its RSS)."""
    stop = min(stop, len(matrix))
    if not isinstance(matrix, np.memmap) or matrix.filename is None:
        return np.asarray(matrix[start:stop], dtype=np.float32)
    width = matrix.shape[1] * matrix.itemsize
    with open(matrix.filename, "rb") as fh:
        fh.seek(matrix.offset + start * width)
        data = fh.read((stop - start) * width)
    return np.frombuffer(data, dtype=matrix.dtype).reshape(stop - start, matrix.shape[1]).astype(np.float32)


def touch(matrix: np.ndarray) -> None:
    """Fault every page of a mapped matrix into memory: a long-running process scans it per query."""
    if isinstance(matrix, np.memmap) and matrix.size:
        flat = np.asarray(matrix).reshape(-1).view(np.uint8)
        int(flat[::mmap.PAGESIZE].sum())


def read_rows(matrix: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Rows of a (mapped) matrix, in its own type. From a mapped file each row is one pread: indexing
    the map faults pages in with the kernel's readahead, and 2,048 scattered rows pulled in the
    whole 154 MB file (RSS 277 MB against 130 MB for the int8 scan)."""
    if not isinstance(matrix, np.memmap) or matrix.filename is None:
        return np.asarray(matrix[rows])
    width = matrix.shape[1] * matrix.itemsize
    out = np.empty((len(rows), matrix.shape[1]), dtype=matrix.dtype)
    fd = os.open(matrix.filename, os.O_RDONLY)
    try:
        for i, row in enumerate(rows.tolist()):
            out[i] = np.frombuffer(os.pread(fd, width, matrix.offset + row * width), dtype=matrix.dtype)
    finally:
        os.close(fd)
    return out


def scan_matrix(lib: Library, model: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row ids, int8 matrix, float32 row scales), memory-mapped, for a cold cosine scan.

    Beside matrix()'s float16 file and named by the same generation: a cold
    search converts 77 MB of int8 instead of 154 MB of float16 at 200k rows
    (the float16 conversion was most of a cold hybrid search). Built from
    matrix() on first use after a change; derived data like it.
    """
    ids, vecs = matrix(lib, model)
    if not isinstance(vecs, np.memmap):  # in-memory library or read-only folder: quantize in memory
        return (ids, *quantize(vecs))
    base = _sidecar(lib, model)
    tag = f"-g{generation(lib)}"
    q_path = base.with_name(base.name + tag + ".q8.npy")
    scale_path = base.with_name(base.name + tag + ".scale.npy")
    try:
        return ids, np.load(q_path, mmap_mode="r"), np.load(scale_path)
    except (OSError, ValueError):
        pass
    tmp = q_path.with_name(f"{q_path.name}.{os.getpid()}.tmp")
    try:
        # Written straight into the file a slice at a time: RSS stays near one slice, not 77 MB more.
        mapped = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.int8, shape=vecs.shape)
        _q, scales = quantize(vecs, out=mapped)
        mapped.flush()
        del mapped
        _write(scale_path, scales)
        os.replace(tmp, q_path)
    except OSError:
        tmp.unlink(missing_ok=True)
        return (ids, *quantize(vecs))
    return ids, np.load(q_path, mmap_mode="r"), scales


def missing_count(lib: Library, model: str) -> int:
    """How many index rows have no vector under `model` yet (search says so)."""
    return lib.conn.execute(
        "SELECT count(*) FROM search_docs d WHERE NOT EXISTS ("
        "SELECT 1 FROM embeddings e WHERE e.model = ? AND e.text_hash = d.embed_hash)",
        (model,)).fetchone()[0]


def counts(lib: Library) -> dict[str, int]:
    rows = lib.conn.execute("SELECT model, count(*) FROM embeddings GROUP BY model").fetchall()
    return {r[0]: r[1] for r in rows}
