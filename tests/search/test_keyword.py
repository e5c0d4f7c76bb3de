"""Keyword search on the seeds through the real pipeline: names first, Chinese words, stems, filters."""

from __future__ import annotations

from paperdex.library import fts
from paperdex.library.db import Library
from paperdex.library.store import PaperFilter
from paperdex.search.analyze import query_terms
from paperdex.search.engine import search
from tests.search.conftest import import_into

RIFE = "Real-Time Intermediate Flow Estimation for Video Frame Interpolation"
ILQL = "Offline RL for Natural Language Generation with Implicit Language Q Learning"


def top_title(lib, query, **kw) -> str | None:
    results = search(lib, query, mode="keyword", **kw)
    assert results, query
    return results[0].title


def test_exact_names_rank_first(seed_lib):
    assert top_title(seed_lib, "RIFE") == RIFE  # an acronym of the title: the notes never say it
    assert top_title(seed_lib, "DreamerV3") == "Mastering Diverse Domains through World Models"  # in its URL
    assert top_title(seed_lib, "RepVGG").startswith("RepVGG")
    assert top_title(seed_lib, "MimicGen").casefold().startswith("mimicgen")


def test_two_character_chinese_word_matches_and_is_highlighted(seed_lib):
    results = search(seed_lib, "光流", mode="keyword", limit=5)
    assert len(results) == 5
    for r in results:
        assert "«光流»" in r.snippet
        assert r.source.endswith("000_04df80b7aa9f2e32.txt")


def test_english_query_reaches_papers_whose_notes_are_chinese(seed_lib):
    results = search(seed_lib, "optical flow", mode="keyword", limit=5)
    assert all("Flow" in (r.title or "") for r in results)
    # The notes themselves are Chinese: the paper's title row carried the match.
    assert any("光流" in r.snippet for r in results)
    assert top_title(seed_lib, "offline reinforcement learning language generation") == ILQL


def test_russian_query_is_stemmed(seed_lib, monkeypatch):
    # Without the lexicon's translations ("обучение" also searches "learning"), so only stems can match.
    from paperdex.search import engine

    monkeypatch.setattr(engine, "TRANSLATE", False)
    results = search(seed_lib, "обучение", mode="keyword", limit=10)
    assert results
    assert all(r.source.endswith("004_10e839f3a84c61aa.txt") for r in results)
    assert any("«обучения»" in r.snippet or "«обучение»" in r.snippet for r in results)


def test_each_paper_once_best_first(seed_lib):
    results = search(seed_lib, "flow", mode="keyword", limit=20)
    ids = [r.id for r in results]
    assert len(ids) == len(set(ids))
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)


def test_filters_combine_with_keyword_search(seed_lib):
    everything = search(seed_lib, "RL", mode="keyword", limit=50)
    only = PaperFilter(source="004_10e839f3a84c61aa")
    telegram = search(seed_lib, "RL", mode="keyword", limit=50, flt=only)
    assert telegram and len(telegram) < len(everything)
    assert all(r.source.endswith("004_10e839f3a84c61aa.txt") for r in telegram)
    recent = search(seed_lib, "flow", mode="keyword", limit=50, flt=PaperFilter(year_from=2022, year_to=2024))
    assert recent and all(2022 <= r.year <= 2024 for r in recent)
    video = search(seed_lib, "光流", mode="keyword", limit=50, flt=PaperFilter(section="Video"))
    assert RIFE in [r.title for r in video]
    assert not search(seed_lib, "光流", mode="keyword", flt=PaperFilter(section="LLM"))
    thoughts = search(seed_lib, "光流", mode="keyword", limit=50, flt=PaperFilter(has_thoughts=True))
    assert thoughts and len(thoughts) < len(search(seed_lib, "光流", mode="keyword", limit=50))


def test_a_very_common_term_does_not_rank_every_match(seed_lib):
    n = fts.doc_count(seed_lib)
    freqs = fts.doc_freqs(seed_lib, query_terms("model RIFE"))
    assert freqs["model"] > fts.COMMON_SHARE * n  # "model" is everywhere in these notes
    expression = fts.match_expression(seed_lib, query_terms("model RIFE"))
    assert expression == '"rife"'
    # A query of common words only still answers, with every word required.
    assert fts.match_expression(seed_lib, query_terms("model learning")) == '"model" AND "learn"'
    assert search(seed_lib, "model learning", mode="keyword")


def test_unknown_words_find_nothing(seed_lib):
    assert search(seed_lib, "zxqvbnm", mode="keyword") == []
    assert search(seed_lib, "   ", mode="keyword") == []


def test_a_document_without_a_title_is_shown_by_its_file_name(library_url, tmp_path):
    folder = tmp_path / "lectures"
    folder.mkdir()
    (folder / "policy_gradients_week3.md").write_text(
        "## Why\n\nThe score function estimator needs no model of the environment.\n\n"
        "## Variance\n\nSubtract a baseline.\n", encoding="utf-8")
    lib = Library(library_url)
    try:
        import_into(lib, [folder])
        results = search(lib, "score function estimator", mode="keyword")
        assert results and results[0].kind == "document"
        assert results[0].title == "policy_gradients_week3"
    finally:
        lib.close()
