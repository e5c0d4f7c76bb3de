"""The extractor on the real seeds and dev-set files: counts a careful reader checks, and golden summaries."""

from __future__ import annotations

from paperdex import segment
from paperdex.formats.load import load_path
from tests.conftest import CORPORA, SEED_FILES
from tests.segment.golden_blocks import check_golden


def _blocks(path):
    return [b for doc in load_path(path, str(path)).documents for b in segment.segment(doc)]


def test_seed_000_readme_has_all_38_papers_with_ids_thoughts_and_sections():
    blocks = _blocks(SEED_FILES["readme"])
    papers = [b for b in blocks if b.kind == "paper"]
    assert len(papers) == 38 == len({b.title for b in papers})
    assert sum(1 for b in papers if any(i.scheme == "arxiv" for i in b.identifiers)) == 23
    assert sum(len(b.thoughts) for b in papers) == 17
    chinchilla = next(b for b in papers if b.title == "Training Compute-Optimal Large Language Models")
    assert (chinchilla.year, chinchilla.section, chinchilla.identifiers[0].key) == (2022, "LLM", "arxiv:2203.15556")
    assert any(b.quotes and b.fields.get("quote_source") == "知乎" for b in papers)
    assert all(b.section for b in papers)  # every entry sits under a topic heading
    check_golden("extract_seed000", blocks)


def test_seed_002_lecture_notes_stay_a_document():
    blocks = _blocks(SEED_FILES["lecture"])
    assert blocks and all(b.kind == "document" for b in blocks)


def test_dev_set_readme_log_golden():
    path = CORPORA / "dennybritz__deeplearning-papernotes" / "README.md"
    blocks = _blocks(path)
    assert len(blocks) >= 615  # 628 bullets, a few joined or repeated; the gold counts 620 distinct papers
    check_golden("extract_dennybritz_first120", blocks[:120])
