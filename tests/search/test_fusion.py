"""Fusion by standard scores: what stands out of its pool counts, by how far, times the ranking's weight."""

from __future__ import annotations

import pytest

from paperdex.search.fusion import combine, standard_scores


def test_standard_scores_are_deviations_from_the_pool_mean():
    z = standard_scores([("a", 3.0), ("b", 1.0), ("c", 2.0)])
    assert z["c"] == pytest.approx(0.0)
    assert z["a"] == pytest.approx(-z["b"]) == pytest.approx(1.2247, abs=1e-4)


def test_a_key_keeps_its_best_row():
    z = standard_scores([("paper", 0.9), ("other", 0.5), ("paper", 0.4)])
    assert z["paper"] > 0 > z["other"]
    assert standard_scores([("paper", 0.4), ("other", 0.5), ("paper", 0.9)]) == z


def test_padding_counts_missing_candidates_as_zero():
    """Two bm25 matches in a pool of 100: both stand far above the 98 rows that did not match."""
    alone = standard_scores([("a", 20.0), ("b", 5.0)])
    padded = standard_scores([("a", 20.0), ("b", 5.0)], pad_to=100)
    assert alone["b"] == pytest.approx(-1.0)
    assert padded["a"] > 9 and padded["b"] > 2


def test_no_spread_means_nothing_stands_out():
    assert standard_scores([("a", 0.8)]) == {"a": 0.0}
    assert standard_scores([("a", 0.8), ("b", 0.8)]) == {"a": 0.0, "b": 0.0}
    assert standard_scores([]) == {}


def test_a_clear_semantic_winner_beats_a_crowd_of_partial_keyword_matches():
    """The failure rank fusion had: the title meaning picked out sat below keyword rank 10."""
    keyword = {f"k{i}": 1.5 - i * 0.05 for i in range(10)} | {"focal": 1.1}
    titles = {"focal": 4.5, "k0": 0.2}
    keys = [k for k, _ in combine([keyword, titles], [1.0, 0.5])]
    assert keys[0] == "focal"


def test_weights_and_floor():
    a, b = {"x": 3.0, "y": 0.5}, {"y": 3.5, "x": 0.9}
    assert next(k for k, _ in combine([a, b], [1.0, 1.0])) == "y"
    assert next(k for k, _ in combine([a, b], [1.0, 0.5])) == "x"
    fused = dict(combine([a, b], [1.0, 1.0]))
    assert fused["x"] == pytest.approx(2.0)  # 0.9 is under the floor of 1.0: it adds nothing


def test_keys_under_the_floor_everywhere_follow_by_their_first_rank():
    fused = combine([{"a": 0.1, "b": 0.0}, {"c": -1.0, "a": 2.0}], [1.0, 1.0])
    assert [k for k, _ in fused] == ["a", "c", "b"]  # c was 1st in a ranking, b 2nd
    with pytest.raises(ValueError):
        combine([{"x": 1.0}], [1.0, 2.0])
    assert combine([], []) == []


def _keyword(**scores: float) -> dict:
    from paperdex.library.fts import Hit

    return {("paper", name): [Hit(i, None, name, "paper", None, score)] for i, (name, score) in enumerate(scores.items())}


def test_a_decisive_keyword_winner_stays_first_whatever_fusion_says():
    """A name one paper owns (RIFE: bm25 1.3x the runner-up's, or nothing else matched) is not
    outranked by meaning-based neighbours; a close keyword race is left to fusion."""
    from paperdex.search.engine import _pin_exact

    fused = [(("paper", "neighbour"), 2.0), (("paper", "rife"), 1.5), (("paper", "other"), 0.5)]
    pinned = _pin_exact(_keyword(rife=13.0, other=5.0), fused)
    assert [key[1] for key, _s in pinned] == ["rife", "neighbour", "other"]
    assert pinned[0][1] > 2.0  # still ordered by score
    assert _pin_exact(_keyword(rife=13.0), fused)[0][0] == ("paper", "rife")  # nothing else matched
    assert _pin_exact(_keyword(rife=6.0, other=5.0), fused) == fused
