"""One note per file: front-matter pages and the per-paper note files of the three corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperdex.formats import markdown, text
from paperdex.segment import choose_shape, segment, single_note
from tests.conftest import CORPORA, SEED_FILES, read_seed
from tests.segment.golden_papers import check_golden, paper_facts

NOTE_FILES = sorted(
    [*CORPORA.glob("*/notes/*.md"), *CORPORA.glob("*/paper_notes/*.md")], key=lambda p: p.as_posix()
)


def _doc(path: Path):
    return markdown.read(path.read_text(encoding="utf-8"), path.relative_to(CORPORA).as_posix())[0]


def test_corpus_note_files_are_one_paper_each() -> None:
    assert len(NOTE_FILES) == 292
    facts, skipped = [], []
    for path in NOTE_FILES:
        doc = _doc(path)
        module, _ = choose_shape(doc)
        blocks = segment(doc, shape=module.NAME if module else "document")
        if module is single_note:
            assert len(blocks) == 1 and blocks[0].kind == "paper", path
            facts.append({"file": doc.source, **paper_facts(blocks[0])})
        else:
            assert all(b.kind == "document" for b in blocks), path
            skipped.append(path.name)
    # Read by hand: surveys of many papers, a GPT-1/2/3 overview, a blog and a model card without a
    # paper link, files without any title, and patrick-llgc's empty template stay documents.
    assert sorted(skipped) == [
        "006_contrast_learning.md", "016_gpt.md", "021_llama2.md", "025_latent_diffusion_model.md",
        "030_stable_diffusion_2.x.md", "035_fuyu8b.md", "036_deepseekvl.md", "corner_case_vision_arxiv.md",
    ]
    assert sum(1 for f in facts if f["identifiers"]) == 269
    check_golden("single_note_corpora", facts)


@pytest.mark.parametrize(
    ("relpath", "title", "ids", "date"),
    [
        ("Tramac__paper-reading-note/notes/001_transformer.md", "Attention Is All You Need",
         ["arxiv:1706.03762"], None),
        ("Tramac__paper-reading-note/notes/012_detr.md", None, ["arxiv:2005.12872"], None),
        ("Tramac__paper-reading-note/notes/037_internvl.md", "InternVL", ["arxiv:2312.14238"], None),
        ("patrick-llgc__Learning-Deep-Learning/paper_notes/vlash.md",
         "VLASH: Real-Time VLAs via Future-State-Aware Asynchronous Inference", ["arxiv:2512.01031"], "2026-05"),
        ("patrick-llgc__Learning-Deep-Learning/paper_notes/alphago.md",
         "AlphaGo: Mastering the game of Go with deep neural networks and tree search",
         ["doi:10.1038/nature16961"], "2024-06"),
        ("patrick-llgc__Learning-Deep-Learning/paper_notes/flamingo.md",
         "Flamingo: a Visual Language Model for Few-Shot Learning", ["arxiv:2204.14198"], "2023-06"),
        ("dennybritz__deeplearning-papernotes/notes/act-rnn.md",
         "Adaptive Computation Time for Recurrent Neural Networks", ["arxiv:1603.08983"], None),
        ("dennybritz__deeplearning-papernotes/notes/self_attention_embedding.md",
         "A Structured Self-attentive Sentence Embedding", ["arxiv:1703.03130"], None),
        ("dennybritz__deeplearning-papernotes/notes/diverse-beam-search.md",
         "Diverse Beam Search: Decoding Diverse Solutions from Neural Sequence Models",
         ["arxiv:1610.02424"], None),
    ],
)
def test_note_file_shapes(relpath: str, title: str | None, ids: list[str], date: str | None) -> None:
    doc = _doc(CORPORA / relpath)
    [block] = single_note.segment(doc)
    assert block.title == title
    assert [i.key for i in block.identifiers] == ids
    assert (block.date or None) == date
    assert block.text and not block.text.lower().startswith(("[paper]", "_"))
    if title:
        assert title not in block.text.splitlines()[0]  # the heading is the title, not the note


def test_patrick_tldr_and_body() -> None:
    [block] = single_note.segment(_doc(CORPORA / "patrick-llgc__Learning-Deep-Learning/paper_notes/rwkv.md"))
    assert block.fields["tldr"].startswith("Linear attention (AFT)")
    assert "#### Overall impression" in block.text


def test_front_matter_note() -> None:
    page = (
        "---\n"
        "title: \"Direct Preference Optimization: Your Language Model is Secretly a Reward Model\"\n"
        "arxiv: 2305.18290v3\n"
        "authors: [Rafael Rafailov, Archit Sharma]\n"
        "year: 2023\n"
        "venue: NeurIPS 2023\n"
        "tags: [alignment, rlhf]\n"
        "date: 2024-02-01\n"
        "---\n"
        "DPO 把 RLHF 的奖励模型消掉了，直接在偏好数据上做分类损失。\n"
    )
    doc = markdown.read(page, "dpo.md")[0]
    assert single_note.score(doc) >= 0.9
    [block] = segment(doc)
    assert block.title == "Direct Preference Optimization: Your Language Model is Secretly a Reward Model"
    assert [i.key for i in block.identifiers] == ["arxiv:2305.18290"]
    assert block.authors == ["Rafael Rafailov", "Archit Sharma"]
    assert (block.year, block.venue, block.section) == (2023, "NeurIPS 2023", "alignment, rlhf")
    assert block.date == "2024-02-01" and block.line == 10
    assert block.text.startswith("DPO 把 RLHF")


@pytest.mark.parametrize("name", ["readme", "blog", "lecture", "lark", "telegram"])
def test_seeds_are_not_single_notes(name: str) -> None:
    reader = markdown if name in ("readme", "lecture") else text
    doc = reader.read(read_seed(name), str(SEED_FILES[name]))[0]
    assert single_note.score(doc) < 0.2


def test_lecture_notes_stay_a_document() -> None:
    doc = markdown.read(read_seed("lecture"), str(SEED_FILES["lecture"]))[0]
    assert doc.title == "cs231n 后半段"
    from paperdex.segment import readme_list, title_fields

    assert max(m.score(doc) for m in (single_note, readme_list, title_fields)) < 0.2
    assert all(b.kind == "document" for b in segment(doc))


@pytest.mark.parametrize("readme", sorted(CORPORA.glob("*/README.md")))
def test_readmes_are_not_single_notes(readme: Path) -> None:
    assert single_note.score(_doc(readme)) < 0.2


def test_thoughts_quotes_and_section_of_an_obsidian_note() -> None:
    page = (
        "---\n"
        "title: \"Training Compute-Optimal Large Language Models\"\n"
        "arxiv: \"2203.15556\"\n"
        "tags: [\"LLM\", \"scaling\"]\n"
        "section: \"LLM / Scaling laws\"\n"
        "---\n"
        "# Training Compute-Optimal Large Language Models\n\n"
        "模型参数和数据量应该同比例放大\n\n"
        "[comment]: # (to re-read)\n"
        "[想法] 论文观感相当好，\n"
        "efficient net 既视感\n\n"
        "20 tokens per parameter\n\n"
        "[来自知乎] 自BERT和GPT之后，NLP领域的技术就在原地打转了\n"
    )
    [block] = segment(markdown.read(page, "chinchilla.md")[0])
    assert block.section == "LLM / Scaling laws" and block.fields["tags"] == "LLM, scaling"
    assert block.text == "模型参数和数据量应该同比例放大\n\n[comment]: # (to re-read)\n\n20 tokens per parameter"
    assert block.thoughts == ["论文观感相当好，\nefficient net 既视感"]
    assert block.quotes == ["自BERT和GPT之后，NLP领域的技术就在原地打转了"]
    assert block.fields["quote_source"] == "知乎"


def _vault_note(marker: str) -> str:
    return (
        "---\n"
        "title: \"Offline Reinforcement Learning with Implicit Q-Learning\"\n"
        "arxiv: \"2110.06169\"\n"
        "tags: [\"Old\", \"RL\"]\n"
        "readers: [\"alice\"]\n"
        f"{marker}"
        "---\n"
        "# [Offline Reinforcement Learning with Implicit Q-Learning](https://arxiv.org/abs/2110.06169)\n\n"
        "## alice · RL\n\nexpectile regression\n\n[想法] never queries unseen actions\n\n"
        "## RL\n\nAWR for the policy\n\n## Method\n\nstill the lab's note\n\n"
        "## Note\n\nno section, no reader\n"
    )


def test_parts_of_a_paperdex_vault_note_are_notes() -> None:
    doc = markdown.read(_vault_note('paperdex: "p0123456789ab"\n'), "papers/IQL.md")[0]
    blocks = segment(doc)
    assert [(b.reader, b.section, b.text, b.thoughts) for b in blocks] == [
        ("alice", "RL", "expectile regression", ["never queries unseen actions"]),
        (None, "RL", "AWR for the policy\n\n## Method\n\nstill the lab's note", []),  # not a part heading
        (None, None, "no section, no reader", []),
    ]
    assert [b.line for b in blocks] == [10, 16, 24]
    assert all(b.title == "Offline Reinforcement Learning with Implicit Q-Learning" for b in blocks)
    assert all([i.key for i in b.identifiers] == ["arxiv:2110.06169"] for b in blocks)


def test_headings_of_a_users_own_note_are_not_parts() -> None:
    [block] = segment(markdown.read(_vault_note(""), "papers/IQL.md")[0])
    assert block.text.startswith("## alice · RL\n\nexpectile regression") and block.section == "Old, RL"
