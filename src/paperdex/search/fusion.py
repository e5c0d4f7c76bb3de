"""Reciprocal rank fusion: merge ranked lists by rank alone, so bm25 and cosine never need calibrating."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

# Cormack, Clarke & Büttcher (2009): k = 60 damps the head of each list; larger k flattens more.
RRF_K = 60


def rrf(rankings: Sequence[Sequence[K]], *, k: int = RRF_K,
        weights: Sequence[float] | None = None) -> list[tuple[K, float]]:
    """Keys ordered by sum(weight / (k + rank)) over the lists they appear in (rank from 1).

    Ties keep the order of first appearance (earlier lists, better ranks first),
    so the output is deterministic.
    """
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[K, float] = {}
    first_seen: dict[K, tuple[int, int]] = {}
    for list_index, (ranking, weight) in enumerate(zip(rankings, weights, strict=True)):
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
            first_seen.setdefault(key, (rank, list_index))
    return sorted(scores.items(), key=lambda item: (-item[1], first_seen[item[0]]))
