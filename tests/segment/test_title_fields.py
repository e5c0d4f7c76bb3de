"""The blog of seed 001: title lines with `- key: value` fields, bare titles, ads and footer."""

from __future__ import annotations

import pytest

from paperdex.formats import markdown, text
from paperdex.segment import segment, title_fields
from paperdex.titles import normalize_title
from tests.conftest import SEED_FILES, read_seed
from tests.segment.golden_papers import check_golden, paper_facts

# Read and counted by hand: 23 title lines (two papers are listed twice), line 1 is the post title.
SEED_001_LINES = [2, 9, 14, 15, 16, 17, 25, 27, 28, 29, 30, 31, 32, 33, 36, 39, 52, 55, 60, 63, 66, 72, 79]


@pytest.fixture(scope="module")
def blocks() -> list:
    return segment(text.read(read_seed("blog"), str(SEED_FILES["blog"]))[0])


def test_every_title_line_is_a_paper_and_nothing_else(blocks) -> None:
    assert [b.line for b in blocks] == SEED_001_LINES
    assert all(b.kind == "paper" for b in blocks)
    titles = [b.title for b in blocks]
    assert not any(t.startswith(("论文速读记录", "【推荐】", "·", "另外一篇")) for t in titles)
    assert len({normalize_title(t) for t in titles}) == 21  # 23 blocks, 21 papers


def test_fields_authors_and_identifiers(blocks) -> None:
    maml = blocks[0]
    assert maml.title == "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks"
    assert maml.year == 2017
    assert [i.key for i in maml.identifiers] == ["arxiv:1703.03400"]
    assert maml.fields["source"] == "MoonOut"
    assert maml.authors == ["Chelsea Finn", "Pieter Abbeel", "Sergey Levine"]
    assert "MAML meta-gradient" in maml.text and "朴实简洁" in maml.text
    latent = next(b for b in blocks if b.title.startswith("Latent Reward"))
    assert (latent.venue, latent.year) == ("AAAI 2025", 2025)
    assert [i.key for i in latent.identifiers] == ["arxiv:2412.11120"]
    ad = next(b for b in blocks if b.title.startswith("In-context Reinforcement Learning"))
    assert ad.title == "In-context Reinforcement Learning with Algorithm Distillation"
    assert (ad.venue, ad.fields["alias"], ad.authors) == ("ICLR 2023", "AD", ["Deepmind"])
    assert "Policy Distillation" in ad.text
    rl2 = next(b for b in blocks if b.title.startswith("RL :"))
    assert rl2.title == "RL : Fast Reinforcement Learning via Slow Reinforcement Learning"
    assert rl2.authors[:2] == ["Yan Duan", "John Schulman"]  # the †‡ marks are dropped
    remark = next(b for b in blocks if b.title.startswith("Transformers as Decision Makers"))
    assert remark.fields["remark"] == "偏理论推导"
    assert sum(1 for b in blocks if b.identifiers) == 5


def test_mentions_and_duplicates(blocks) -> None:
    upside = blocks[1]
    assert upside.references == ["Training Agents using Upside-Down Reinforcement Learning"]
    assert blocks[1].title == blocks[11].title  # listed twice: identical titles, merged by the library
    assert blocks[2].title == blocks[12].title
    assert blocks[2].text == "" and blocks[3].text == ""  # bare titles are papers with empty notes


def test_ads_and_footer_are_not_in_any_note(blocks) -> None:
    last = blocks[-1]
    assert last.title == "On Designing Effective RL Reward at Training Time for LLM Reasoning"
    assert "推荐" not in last.text and "DeepSeek" not in last.text
    assert last.fields["source"] == "知乎探讨Processing Reward modeling(ICLR2025 Reject)"


def test_seed001_golden(blocks) -> None:
    check_golden("title_fields_seed001", [paper_facts(b) for b in blocks])


def test_title_fields_wins_seed001_and_loses_elsewhere() -> None:
    blog = text.read(read_seed("blog"), "blog.txt")[0]
    assert title_fields.score(blog) >= 0.8
    for name in ("readme", "lark", "telegram"):
        assert title_fields.score(text.read(read_seed(name), name)[0]) < 0.2
    lecture = markdown.read(read_seed("lecture"), "lecture.md")[0]
    assert title_fields.score(lecture) < 0.2


def test_english_blog_with_fields() -> None:
    note = (
        "My reading, week 12\n"
        "Denoising Diffusion Probabilistic Models (NeurIPS 2020)\n"
        "- paper: https://arxiv.org/abs/2006.11239\n"
        "- authors: Jonathan Ho, Ajay Jain and Pieter Abbeel\n"
        "- the forward process is fixed\n"
        "Nested LSTMs\n"
        "- link: arXiv:1801.10308\n"
    )
    blocks = title_fields.segment(text.read(note, "week.txt")[0])
    assert [b.title for b in blocks] == ["Denoising Diffusion Probabilistic Models", "Nested LSTMs"]
    assert blocks[0].venue == "NeurIPS 2020" and blocks[0].authors == ["Jonathan Ho", "Ajay Jain", "Pieter Abbeel"]
    assert blocks[0].text == "the forward process is fixed"
    assert [i.key for i in blocks[1].identifiers] == ["arxiv:1801.10308"]
