"""README reading lists: seed 000 and the dennybritz / patrick-llgc / Tramac READMEs, counted by hand."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from paperdex.formats import markdown, text
from paperdex.model import Document
from paperdex.segment import readme_list, segment
from tests.conftest import CORPORA, SEED_FILES, read_seed
from tests.segment.golden_papers import check_golden, paper_facts

DENNY = CORPORA / "dennybritz__deeplearning-papernotes" / "README.md"
PATRICK = CORPORA / "patrick-llgc__Learning-Deep-Learning" / "README.md"
TRAMAC = CORPORA / "Tramac__paper-reading-note" / "README.md"


def _doc(path) -> Document:
    return markdown.read(path.read_text(encoding="utf-8"), str(path))[0]


@pytest.fixture(scope="module")
def seed000() -> list:
    return segment(markdown.read(read_seed("readme"), str(SEED_FILES["readme"]))[0])


def test_seed000_has_all_38_papers_once(seed000) -> None:
    # The README says "Total Count：38"; counted by hand: 11 LLM, 6 Base Model, 10 Video,
    # 3 Low-Level Vision (indented by two spaces), 7 RL, 1 Others (no year).
    assert len(seed000) == 38
    assert all(b.kind == "paper" for b in seed000)
    assert len({b.title for b in seed000}) == 38
    sections = Counter(b.section for b in seed000)
    assert sections == {"LLM": 11, "Base Model": 6, "Video": 10, "Low-Level Vision": 3,
                        "Reinforcement Learning": 7, "Others": 1}


def test_seed000_identifiers_years_and_titles(seed000) -> None:
    by_title = {b.title: b for b in seed000}
    toolchain = seed000[0]
    assert toolchain.title.startswith("ToolChain*: Efficient Action Space Navigation")
    assert [i.key for i in toolchain.identifiers] == ["arxiv:2310.13227"]
    assert toolchain.year == 2024 and toolchain.urls == ["https://arxiv.org/pdf/2310.13227.pdf"]
    # Every block whose title links arxiv.org carries the arXiv id, and only those.
    linked = [b for b in seed000 if any("arxiv.org" in u for u in b.urls)]
    assert len(linked) == 23
    assert all(any(i.scheme == "arxiv" for i in b.identifiers) for b in linked)
    assert by_title["OPT: Open Pre-trained Transformer Language Models"].identifiers[0].value == "2205.01068"
    vpt = next(b for b in seed000 if b.title.startswith("Video PreTraining (VPT)"))
    assert [i.key for i in vpt.identifiers] == ["openreview:AXDNM76T1nc"]
    repsr = next(b for b in seed000 if b.title.startswith("RepSR"))
    assert [i.key for i in repsr.identifiers] == ["doi:10.1145/3503161.3547915"]
    others = seed000[-1]
    assert others.section == "Others" and others.year is None
    assert others.identifiers[0].key == "arxiv:1804.06516"
    babyai = next(b for b in seed000 if b.title.startswith("BabyAI"))
    assert babyai.section == "LLM" and babyai.year == 2018  # indented by one space, still an entry
    assert sum(1 for b in seed000 if b.identifiers) == 35  # github pdf, discourse and project page: no id


def test_seed000_thoughts_quotes_and_notes(seed000) -> None:
    ilql = seed000[2]
    assert ilql.thoughts == [
        "训练一个 reward model 难度应该不高，ILQL 训练的网络包含了 reward model 的能力后，CQL loss 几乎就是一个变种的"
        "监督学习，那么它的下限不应该低于监督学习。上限有多高，能不能达到 instructGPT 中展示的 PPO 的效果有待考察"
    ]
    assert "[想法]" not in ilql.text and "离线 IQL" in ilql.text
    opt = next(b for b in seed000 if b.title.startswith("OPT"))
    assert len(opt.quotes) == 1 and opt.quotes[0].startswith("自BERT和GPT之后")
    assert opt.fields["quote_source"] == "知乎"
    assert sum(len(b.thoughts) for b in seed000) == 17  # 17 "[想法]" lines
    upflow = next(b for b in seed000 if b.title.startswith("UPFlow"))
    assert "头发的光流" in upflow.thoughts[0]  # the thought's continuation lines stay with it
    maskflow = next(b for b in seed000 if b.title.startswith("MaskFlownet"))
    assert "ambiguity to the occluded areas" in maskflow.text  # lazy continuation at column 0


def test_seed000_golden(seed000) -> None:
    check_golden("readme_seed000", [paper_facts(b) for b in seed000])


def test_dennybritz_every_entry_once() -> None:
    doc = _doc(DENNY)
    blocks = readme_list.segment(doc)
    raw = DENNY.read_text(encoding="utf-8").splitlines()
    # Counted by hand: every "- " bullet (627) plus "-Learning to reinforcement learn", which lost its space.
    bullets = [n for n, line in enumerate(raw, start=1) if re.match(r"^-\s*\S", line)]
    assert len(bullets) == 628
    assert sorted(b.line for b in blocks) == bullets
    assert len(blocks) == 628
    assert sum(1 for b in blocks if b.identifiers) == 599  # 3 Nature links give DOIs
    assert sum(1 for b in blocks if any(i.scheme == "arxiv" for i in b.identifiers)) == 559
    first = blocks[0]
    assert first.title == "The Matrix Calculus You Need For Deep Learning"
    assert [i.key for i in first.identifiers] == ["arxiv:1802.01528"]
    assert first.section == "2018-02" and first.date == "2018-02"
    wrapped = next(b for b in blocks if b.title.startswith("Scalable and accurate deep learning"))
    assert wrapped.title == "Scalable and accurate deep learning for electronic health records"
    rl2 = next(b for b in blocks if b.title.startswith("RL^2"))
    assert rl2.section == "2016-11 (ICLR Edition) / Reinforcement Learning"
    bajcsy = next(b for b in blocks if b.title == "Learning Robot Objectives from Physical Human Interaction")
    assert [i.key for i in bajcsy.identifiers] == ["pmlr:v78/bajcsy17a"]
    check_golden("readme_dennybritz", [paper_facts(b) for b in blocks])


def test_patrick_reading_log_without_the_authors_posts() -> None:
    blocks = readme_list.segment(_doc(PATRICK))
    assert not any("medium.com" in u for b in blocks for u in b.urls)  # "My review posts by topics"
    assert not any(b.section in ("About me", "What to read", "Scratchpad by Topics") for b in blocks)
    assert not any(b.section == "2017 and before" for b in blocks)  # links to local files only
    assert blocks[0].title == "VLASH: Real-Time VLAs via Future-State-Aware Asynchronous Inference"
    assert blocks[0].section == "2026-04" and blocks[0].fields["notes_file"] == "paper_notes/vlash.md"
    megasam = next(b for b in blocks if b.title.startswith("MegaSaM"))
    assert megasam.title == "MegaSaM: Accurate, Fast, and Robust Structure and Motion from Casual Dynamic Videos"
    assert [i.key for i in megasam.identifiers] == ["arxiv:2412.04463"]  # the arxiv.org/abd/ typo
    assert megasam.venue == "CVPR 2025" and "best-paper" in megasam.marks
    coconut = next(b for b in blocks if b.title.startswith("Coconut"))
    assert coconut.venue == "COLM 2025" and coconut.year == 2025
    assert coconut.text == "Yuandong Tian, latent CoT"
    flamingo = next(b for b in blocks if b.title.startswith("Flamingo"))
    assert flamingo.venue == "NeurIPS 2022"
    blog = next(b for b in blocks if b.title == "Simulation for E2E AD")
    assert blog.kind == "note"
    to_read = [b for b in blocks if b.section and b.section.startswith("Papers to Read")]
    assert to_read and all("to-read" in b.marks for b in to_read)
    assert len(blocks) == 1586
    assert sum(1 for b in blocks if any(i.scheme == "arxiv" for i in b.identifiers)) == 1312
    assert sum(1 for b in blocks if b.kind == "note") == 16
    check_golden("readme_patrick_first150", [paper_facts(b) for b in blocks[:150]])


def test_tramac_index_is_not_a_paper_list() -> None:
    doc = _doc(TRAMAC)
    assert readme_list.segment(doc) == []
    assert readme_list.score(doc) == 0.0
    assert all(b.kind == "document" for b in segment(doc))


def test_checklist_and_plain_link_entries() -> None:
    note = (
        "# reading\n\n## Transformers\n"
        "- [x] Attention Is All You Need [paper](https://arxiv.org/abs/1706.03762)\n"
        "- [ ] 🌟 [BERT: Pre-training of Deep Bidirectional Transformers](https://arxiv.org/abs/1810.04805)\n"
        "  - [思考] masked LM 是关键\n"
        "- [ ] CLIP improve\n"
        "- [x] [ViT](./notes/003_vit.md)\n"
    )
    blocks = readme_list.segment(markdown.read(note, "list.md")[0])
    assert [b.title for b in blocks] == [
        "Attention Is All You Need",
        "BERT: Pre-training of Deep Bidirectional Transformers",
    ]
    assert blocks[0].marks == [] and blocks[0].section == "Transformers"
    assert blocks[1].marks == ["recommended", "to-read"]
    assert blocks[1].thoughts == ["masked LM 是关键"]


@pytest.mark.parametrize("name", ["blog", "lecture", "lark", "telegram"])
def test_other_seeds_are_not_readme_lists(name: str) -> None:
    reader = markdown if name == "lecture" else text
    doc = reader.read(read_seed(name), str(SEED_FILES[name]))[0]
    assert readme_list.score(doc) < 0.2


def test_reader_labels_and_paragraphs_of_a_mixed_digest() -> None:
    """paperdex's mixed-reader digest: `<kbd>@reader</kbd>` is the reader; blank lines split paragraphs."""
    note = (
        "# Paper notes\n\nTotal Count：2\n## RL\n"
        "* 2023 - [Offline RL for Natural Language Generation with Implicit Language Q Learning]"
        "(https://arxiv.org/abs/2206.11871) <kbd>@rizzearch</kbd>\n"
        "  * статья по алайменту от рлщиков\n\n"
        "  * вообще в начале они дают интересное обоснование\n"
        "  * почему рл хорошо прикладывается к диалогу\n"
        "* 2022 - [Training Compute-Optimal Large Language Models](https://arxiv.org/abs/2203.15556)"
        " <kbd>NeurIPS 2022</kbd> <kbd>LLM</kbd>\n"
        "  * 20 tokens per parameter\n"
        "  * [想法] 论文观感相当好\n"
    )
    ilql, chinchilla = readme_list.segment(markdown.read(note, "digest.md")[0])
    assert ilql.reader == "rizzearch" and ilql.flags == []
    assert ilql.text == ("статья по алайменту от рлщиков\n\nвообще в начале они дают интересное обоснование\n"
                         "почему рл хорошо прикладывается к диалогу")
    assert chinchilla.reader is None and chinchilla.flags == ["LLM"] and chinchilla.venue == "NeurIPS 2022"
    assert chinchilla.text == "20 tokens per parameter" and chinchilla.thoughts == ["论文观感相当好"]
