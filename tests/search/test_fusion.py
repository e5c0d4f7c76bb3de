"""Reciprocal rank fusion."""

from __future__ import annotations

import pytest

from paperdex.search.fusion import rrf


def test_items_in_both_lists_beat_items_in_one():
    fused = rrf([["a", "b", "c"], ["c", "d", "a"]])
    keys = [k for k, _ in fused]
    assert keys[:2] == ["a", "c"]
    assert set(keys) == {"a", "b", "c", "d"}
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 63)


def test_ties_follow_first_appearance_and_weights_count():
    assert [k for k, _ in rrf([["x"], ["y"]])] == ["x", "y"]
    assert [k for k, _ in rrf([["x"], ["y"]], weights=[1.0, 2.0])] == ["y", "x"]
    with pytest.raises(ValueError):
        rrf([["x"]], weights=[1.0, 2.0])


def test_empty():
    assert rrf([]) == []
    assert rrf([[], []]) == []
