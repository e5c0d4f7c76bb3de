"""The in-memory keyword index ranks exactly as FTS5 does, with filters, and follows index changes."""

from __future__ import annotations

import time

import pytest

from paperdex.library import fts
from paperdex.library.store import PaperFilter
from paperdex.search import engine, lexicon
from paperdex.search.analyze import query_terms
from tests.search.conftest import import_into, write_notes

QUERIES = ["RIFE", "optical flow", "offline reinforcement learning language generation", "光流", "插帧",
           "离线强化学习", "обучение с подкреплением", "низкоранговые матрицы", "model learning", "DreamerV3",
           "structural re-parameterization of convolutions", "flow"]
FILTERS = [PaperFilter(), PaperFilter(year_from=2022, year_to=2024), PaperFilter(section="Video"),
           PaperFilter(source="004_10e839f3a84c61aa"), PaperFilter(has_thoughts=True)]


@pytest.mark.parametrize("flt", FILTERS, ids=["none", "years", "section", "source", "thoughts"])
def test_in_memory_ranking_equals_fts5(seed_lib, flt):
    engine.warm(seed_lib)
    compared = 0
    for query in QUERIES:
        terms = query_terms(query)
        expected = fts.keyword_hits(seed_lib, terms, flt, 50)
        got = engine.keyword_hits(seed_lib, terms, flt, 50)
        assert [h.doc_id for h in got] == [h.doc_id for h in expected], query
        assert [h.score for h in got] == pytest.approx([h.score for h in expected], rel=1e-9), query
        compared += len(expected)
    assert compared >= 5  # the queries really matched something under this filter


@pytest.mark.parametrize("query", ["离线强化学习 对话", "offline reinforcement learning 对话", "обучение с подкреплением",
                                   "光流 optical flow 插帧"])
def test_concepts_counted_once_rank_alike_warm_and_cold(seed_lib, query):
    """Each lexicon concept counts once (lexicon.Expansion.score): from the stored rows (FTS5 or
    PostgreSQL) and from the in-memory index alike."""
    terms, expansion = query_terms(query), lexicon.expand(query)
    assert expansion.weighs_apart()
    cold = engine.keyword_hits(seed_lib, terms + expansion.terms, PaperFilter(), 30, expansion)
    engine.warm(seed_lib)
    warm = engine.keyword_hits(seed_lib, terms + expansion.terms, PaperFilter(), 30, expansion)
    assert cold and [h.doc_id for h in warm] == [h.doc_id for h in cold]
    assert [h.score for h in warm] == pytest.approx([h.score for h in cold], rel=1e-9)
    summed = fts.keyword_hits(seed_lib, terms + expansion.terms, PaperFilter(), 30)
    assert {h.doc_id: h.score for h in cold} != {h.doc_id: h.score for h in summed}  # it changed something


def test_term_scores_add_up_to_the_backends_own_bm25(seed_lib):
    terms = query_terms("optical flow interpolation 光流 插帧")
    hits = fts.keyword_hits(seed_lib, terms, PaperFilter(), 20)
    assert len(hits) >= 5 and not fts.match_plan(seed_lib, terms)[2]  # no common term: the backend ranks alone
    per_term = fts.term_scores(seed_lib, [h.doc_id for h in hits], terms)
    assert [sum(per_term[h.doc_id].values()) for h in hits] == pytest.approx([h.score for h in hits], rel=1e-9)
    engine.warm(seed_lib)
    index = engine._KEYWORD[engine._keyword_key(seed_lib)]
    in_memory = index.term_scores([h.doc_id for h in hits], terms)

    def flat(scores: dict[int, dict[str, float]]) -> dict[tuple[int, str], float]:
        return {(rowid, term): s for rowid, row in scores.items() for term, s in row.items()}

    assert flat(in_memory) == pytest.approx(flat(per_term), rel=1e-9)


def test_search_results_do_not_change_when_warmed(seed_lib):
    cold = {q: [(r.id, r.snippet) for r in engine.search(seed_lib, q, mode="keyword")] for q in QUERIES}
    engine.warm(seed_lib)
    assert engine._keyword_key(seed_lib) in engine._KEYWORD
    warm = {q: [(r.id, r.snippet) for r in engine.search(seed_lib, q, mode="keyword")] for q in QUERIES}
    assert warm == cold
    assert cold["RIFE"][0][0] and "光流" in " ".join(s for _i, s in cold["光流"])


def test_doc_freqs_match_fts5_vocabulary(seed_lib):
    engine.warm(seed_lib)
    index = engine._KEYWORD[engine._keyword_key(seed_lib)]
    terms = query_terms("optical flow model learning 光流 обучение rife")
    assert {t: index.doc_freq(t) for t in terms if index.doc_freq(t)} == fts.doc_freqs(seed_lib, terms)
    assert len(index.rowids) == fts.doc_count(seed_lib)


def test_warm_index_follows_new_notes(own_lib, tmp_path):
    engine.warm(own_lib)
    assert not engine.search(own_lib, "трансформеры", mode="keyword")
    extra = write_notes(tmp_path / "more", {"more.md": (
        "# Заметки\n\n## NLP\n"
        "* 2019 - [Language Models are Unsupervised Multitask Learners](https://example.org/gpt2.pdf)\n"
        "  * трансформеры без учителя решают задачи без дообучения\n")})
    import_into(own_lib, [extra])
    # The stale copy is not used: FTS5 answers at once while the copy is rebuilt in the background.
    results = engine.search(own_lib, "трансформеры", mode="keyword")
    assert len(results) == 1 and "«трансформеры»" in results[0].snippet
    deadline = time.monotonic() + 30
    while engine._KEYWORD[engine._keyword_key(own_lib)].generation != fts.generation(own_lib):
        assert time.monotonic() < deadline, "background rebuild of the keyword index never finished"
        time.sleep(0.05)
    again = engine.search(own_lib, "трансформеры", mode="keyword")
    assert [(r.id, r.snippet) for r in again] == [(r.id, r.snippet) for r in results]
