"""Fuse rankings by how far each result stands out in each one, not by rank alone.

Reciprocal rank fusion (the first design) gives a ranking's 1st result the
same credit whether it is far ahead of the rest or one of fifty near-ties:
a keyword ranking full of partial matches then buried a title that the
semantic ranking singled out (docs/search.md, eighth pass). Here each
ranking's scores are standardised over its candidate pool (bm25 and cosine
need no common scale), only what stands more than FLOOR standard deviations
above its pool counts, and the ranking's weight multiplies that.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

# Standard deviations above its pool a score must stand to count: the body of a pool is noise
# (bench/queries, all three sets: 0.5 and 1.0 score alike, 1.5 a little lower on each).
FLOOR = 1.0


def standard_scores(scored: Sequence[tuple[K, float]], *, pad_to: int = 0) -> dict[K, float]:
    """Each key's best score as standard deviations above the mean of all scores given.

    `pad_to` counts missing candidates as scoring 0 (bm25 of a row that does
    not match): two matches out of a pool of 100 stand far above the rest,
    rather than being each other's only competition. Without spread (one
    score, or all equal) nothing stands out and every key gets 0.
    """
    values = [score for _key, score in scored]
    count = max(len(values), pad_to)
    if count < 2:
        return {key: 0.0 for key, _score in scored}
    mean = sum(values) / count
    variance = (sum((v - mean) ** 2 for v in values) + (count - len(values)) * mean ** 2) / count
    spread = math.sqrt(variance)
    out: dict[K, float] = {}
    for key, score in scored:
        z = (score - mean) / spread if spread > 0 else 0.0
        out[key] = max(z, out.get(key, z))
    return out


def combine(rankings: Sequence[Mapping[K, float]], weights: Sequence[float], *,
            floor: float = FLOOR) -> list[tuple[K, float]]:
    """Keys ordered by sum(weight * (z - floor)) over the rankings where their standard score z
    passes `floor`. Ties (among them keys that pass nowhere, at 0) go by the best rank the key had
    in any ranking, the earlier ranking first, so every candidate keeps a place deterministically."""
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[K, float] = {}
    first_seen: dict[K, tuple[int, int]] = {}
    for list_index, (ranking, weight) in enumerate(zip(rankings, weights, strict=True)):
        for rank, (key, z) in enumerate(ranking.items()):
            scores[key] = scores.get(key, 0.0) + (weight * (z - floor) if z > floor else 0.0)
            first_seen.setdefault(key, (rank, list_index))
    return sorted(scores.items(), key=lambda item: (-item[1], first_seen[item[0]]))
