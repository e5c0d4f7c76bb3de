"""Scoring candidates: the evidence decides, and the real Crossref mismatch is rejected."""

from __future__ import annotations

from paperdex.model import Identifier
from paperdex.resolve import crossref, semanticscholar
from paperdex.resolve.matching import ACCEPT, Query, score, surname, title_similarity
from paperdex.resolve.records import Record
from tests.conftest import FIXTURES


def test_crossref_top_hit_for_attention_is_not_accepted():
    [hit] = crossref.parse_payload(
        (FIXTURES / "crossref" / "works_query.title__attention_is_all_you_need_rows1.json").read_text())
    query = Query(title="Attention is all you need", year=2017, authors=["Ashish Vaswani", "Noam Shazeer"])
    result = score(query, hit)
    assert not result.accepted and not result.reviewable
    assert result.evidence["title"] < 0.6


def test_s2_match_for_attention_is_accepted():
    [hit] = semanticscholar.parse_payload(
        (FIXTURES / "semanticscholar" / "graph_v1_paper_search_match__attention_is_all_you_need.json").read_text())
    result = score(Query(title="Attention Is All You Need", year=2017, authors=["Vaswani, A."]), hit)
    assert result.accepted and result.score == 1.0
    assert result.evidence["authors"] == "first_author" and result.evidence["year"] == "ok"


def test_typos_and_note_suffixes_are_forgiven():
    assert title_similarity("Attention is al you need", "Attention Is All You Need") > 0.95
    assert title_similarity("Rvs: What is essential for offline RL via supervised learning?(ICLR2022)",
                            "RvS: What is Essential for Offline RL via Supervised Learning?") == 1.0


def test_year_and_author_evidence_lower_the_score():
    rec = Record("crossref", "x", title="Deep Residual Learning for Image Recognition", year=2016,
                 authors=["Kaiming He", "Xiangyu Zhang"])
    good = score(Query(title="Deep residual learning for image recognition", year=2015), rec)
    far = score(Query(title="Deep residual learning for image recognition", year=2010), rec)
    other = score(Query(title="Deep residual learning for image recognition", authors=["Smith, J."]), rec)
    assert good.accepted and good.evidence["year"] == "ok"
    assert not far.accepted and far.evidence["year"] == "off by 6 (note before record)"
    assert other.score < good.score and other.evidence["authors"] == "mismatch"


def test_preprint_year_before_the_cited_year_is_consistent():
    """A note cites the publication year (2022) of a paper whose arXiv record is from 2020 (seed 000: RIFE)."""
    rec = Record("snapshot", "2011.06294", title="Real-Time Intermediate Flow Estimation for Video Frame Interpolation",
                 year=2020)
    for year, expected in ((2020, "ok"), (2021, "ok (preprint 1 year before)"), (2022, "ok (preprint 2 years before)"),
                           (2023, "ok (preprint 3 years before)")):
        s = score(Query(title="Real-Time Intermediate Flow Estimation for Video Frame Interpolation", year=year), rec)
        assert s.score == 1.0 and s.evidence["year"] == expected
    late = score(Query(title="Real-Time Intermediate Flow Estimation for Video Frame Interpolation", year=2026), rec)
    assert late.accepted and late.evidence["year"] == "off by 6 (note after record)"


def test_year_gap_weighs_less_as_the_title_gets_exact():
    rec = Record("snapshot", "1", title="Learning to Paint with Model-based Deep Reinforcement Learning", year=2019)
    exact = score(Query(title="Learning to Paint with Model-based Deep Reinforcement Learning", year=2026), rec)
    near = score(Query(title="Learning to Draw with Model-based Deep Reinforcement Learning", year=2026), rec)
    near_ok = score(Query(title="Learning to Draw with Model-based Deep Reinforcement Learning", year=2019), rec)
    assert 1.0 - exact.score < near_ok.score - near.score  # the same gap costs the near title more
    assert exact.accepted and not near.accepted


def test_authors_overlap_helps_conflict_hurts_empty_is_neutral():
    rec = Record("snapshot", "1703.03400", title="Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks",
                 year=2017, authors=["Chelsea Finn", "Pieter Abbeel", "Sergey Levine"])
    title = "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Nets"
    base = score(Query(title=title), rec).score
    assert score(Query(title=title, authors=["Levine, S."]), rec).score > base
    assert score(Query(title=title, authors=["Vaswani, A.", "Shazeer, N."]), rec).score < base
    assert score(Query(title=title, authors=[]), Record("snapshot", "x", title=rec.title)).score == base


def test_shared_identifier_is_proof_unless_title_conflicts():
    rec = Record("arxiv", "1703.03400", title="Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks",
                 identifiers=[Identifier("arxiv", "1703.03400")])
    assert score(Query(identifiers=[Identifier("arxiv", "1703.03400")]), rec).score == 1.0
    wrong = score(Query(title="Playing Atari with deep reinforcement learning",
                        identifiers=[Identifier("arxiv", "1703.03400")]), rec)
    assert wrong.score < ACCEPT and wrong.evidence["title_conflict"]


def test_surnames():
    assert surname("Fu, Z.") == "fu" and surname("Chelsea Finn") == "finn" and surname("Piotr Dollár") == "dollar"


def test_table_driven_normalize_title_equals_the_reference():
    """The fast paths (ASCII translate; cached tables otherwise) give the character-by-character result."""
    import json
    import random
    import string

    from paperdex.titles import _normalize_reference as reference
    from paperdex.titles import normalize_title as fast
    from tests.conftest import SHARED

    texts = []
    for line in (FIXTURES / "arxiv_snapshot" / "arxiv-metadata-oai-snapshot.first200.jsonl").open():
        obj = json.loads(line)
        texts += [obj["title"], obj["abstract"], obj["authors"]]
    for seed in sorted((SHARED / "seeds").iterdir()):
        if seed.is_file():
            texts += seed.read_text(encoding="utf-8", errors="replace").splitlines()  # Chinese, Russian, emoji
    rng = random.Random(5)
    texts += ["".join(rng.choice(string.printable) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    alphabet = "".join(chr(c) for c in range(0x20, 0x3000) if not 0xD800 <= c < 0xE000)
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    texts += ["Bal\u00e1zs — “quoted” Don’t", "深度学习 Transformer", "", "\u0345 \u0130stanbul Straße ﬁ ①"]
    assert sum(not t.isascii() for t in texts) > 3000
    assert [fast(t) for t in texts] == [reference(t) for t in texts]
