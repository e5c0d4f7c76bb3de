"""The English gloss of a non-English query as a sum of cached concept vectors: one embedding per request."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from paperdex.search import engine, lexicon
from paperdex.search.embed import Embedder, normalise


class Counting(Embedder):
    """Deterministic vectors from a hash of the text; records every batch it is asked for."""

    name = "test:counting"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.queries(texts)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        rows = [np.random.default_rng(abs(hash(t)) % (1 << 32)).standard_normal(8) for t in texts]
        return normalise(np.array(rows))


@pytest.fixture(autouse=True)
def empty_caches(monkeypatch):
    monkeypatch.setattr(engine, "_QUERY_VECTORS", {})
    monkeypatch.setattr(engine, "_CONCEPT_VECTORS", {})


def test_query_and_new_concepts_are_embedded_in_one_call_and_concepts_once():
    embedder = Counting()
    first = engine._embed_query_and_concepts(embedder, "扩散模型做图像生成", ["diffusion model", "image generation"])
    assert embedder.calls == [["扩散模型做图像生成", "diffusion model", "image generation"]]
    engine._QUERY_VECTORS.clear()  # a new request
    again = engine._embed_query_and_concepts(embedder, "扩散模型做图像生成", ["diffusion model", "image generation"])
    assert embedder.calls[1:] == [["扩散模型做图像生成"]]
    assert np.allclose(first, again)


def test_gloss_vector_is_the_normalised_sum_of_its_concepts():
    embedder = Counting()
    query, gloss = engine._embed_query_and_concepts(embedder, "強化学習", ["reinforcement learning", "world model"])
    parts = embedder.queries(["reinforcement learning", "world model"])
    expected = parts.sum(axis=0)
    assert np.allclose(gloss, expected / np.linalg.norm(expected), atol=1e-6)
    assert np.isclose(np.linalg.norm(query), 1.0) and np.isclose(np.linalg.norm(gloss), 1.0)


def test_concept_names_come_from_the_expansion_once_each():
    found = lexicon.expand("离线强化学习 对话")
    names = engine._concept_names(found)
    assert "offline reinforcement learning" in names and len(names) == len(set(names))


def test_warm_concepts_embeds_every_concept_name_so_requests_embed_only_the_query():
    embedder = Counting()
    engine.warm_concepts(embedder)
    every = {c.english for c in lexicon.lexicon().concepts if c.english}
    assert {name for (_model, name) in engine._CONCEPT_VECTORS} == every
    embedder.calls.clear()
    engine._embed_query_and_concepts(embedder, "世界モデル", ["world model"])
    assert embedder.calls == [["世界モデル"]]
