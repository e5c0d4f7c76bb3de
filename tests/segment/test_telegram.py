"""Telegram: the channel web-preview text of seed 004, and posts split by the export readers."""

from __future__ import annotations

import pytest

from paperdex import segment as segmenter
from paperdex.model import Document, Identifier, Post
from paperdex.segment import telegram
from tests.conftest import SEED_FILES, read_seed
from tests.segment.golden_blocks import check_golden

# Counted by hand: seven posts, each closed by "👀LINK", each about one paper.
SEED_004_TITLES = [
    "A Super-human Vision-based Reinforcement Learning Agent for Autonomous Racing in Gran Turismo",
    "Offline RL for Natural Language Generation with Implicit Language Q Learning",
    "In-Context Imitation Learning via Next-Token Prediction",
    "Scaling Cross-Embodied Learning: One Policy for Manipulation, Navigation, Locomotion and Aviation",
    "Unsupervised-to-Online Reinforcement Learning",
    "Autonomous Drifting with 3 Minutes of Data via Learned Tire Models",
    "Learning Compressed Transforms with Low Displacement Rank",
]
SEED_004_LINES = [12, 26, 43, 60, 81, 106, 122]


@pytest.fixture(scope="module")
def seed_doc():
    return Document(source=str(SEED_FILES["telegram"]), format="text", text=read_seed("telegram"))


def test_golden(seed_doc):
    check_golden("telegram_seed004", telegram.segment(seed_doc))


def test_every_post_is_one_paper_with_its_title(seed_doc):
    blocks = telegram.segment(seed_doc)
    assert [b.title for b in blocks] == SEED_004_TITLES
    assert [b.line for b in blocks] == SEED_004_LINES
    assert {b.kind for b in blocks} == {"paper"}


def test_no_header_or_reaction_junk(seed_doc):
    blocks = telegram.segment(seed_doc)
    for block in blocks:
        text = block.text
        for junk in ("subscribers", "988 photos", "Download Telegram", "👀LINK", "Авторы:", "@zzmtsvv"):
            assert junk not in text
        first, last = text.splitlines()[0], text.splitlines()[-1]
        for reaction in ("7", "42🔥2", "4211", "421", "853"):
            assert first.strip() != reaction and last.strip() != reaction
    assert blocks[1].text.startswith("статья по алайменту от рлщиков")
    assert blocks[6].text.startswith("rizzearch throwback")
    assert blocks[-1].text.endswith("этот метод имеет место быть")


def test_channel_is_the_reader_and_language_is_russian(seed_doc):
    blocks = segmenter.segment(seed_doc, shape="telegram")
    assert {b.reader for b in blocks} == {"rizzearch"}
    assert {b.language for b in blocks} == {"ru"}
    assert blocks[0].fields["channel_authors"].startswith("@zzmtsvv, @maxnygma")


def test_registry_chooses_telegram_for_seed_004(seed_doc):
    module, _ = segmenter.choose_shape(seed_doc)
    assert module is telegram


@pytest.mark.parametrize("name", ["readme", "blog", "lecture", "lark"])
def test_score_low_on_other_seeds(seeds, name):
    assert telegram.score(Document(source=name, format="text", text=read_seed(name))) < 0.2


def test_score_high_on_seed_004(seed_doc):
    assert telegram.score(seed_doc) > 0.8


# --- posts from the export readers -------------------------------------------------------------------


def _doc(*posts: Post) -> Document:
    return Document(source="chat", format="telegram-json", reader="Chan", posts=list(posts))


def test_posts_without_text_are_dropped():
    doc = _doc(
        Post(text="", line=1),
        Post(text="(File not included. Change data exporting settings to download.)", line=2),
        Post(text="😎", line=3),
    )
    assert telegram.segment_posts(doc) == []


def test_paper_post_with_leading_emoji_and_hashtags():
    post = Post(
        text="🔥 #robotics #vla\nOpenVLA: An Open-Source Vision-Language-Action Model\n\n7B модель на базе Prismatic",
        line=7, date="2024-03-18T21:40:55", author="Дима",
        urls=["https://openvla.github.io/", "https://arxiv.org/abs/2406.09246v2"],
    )
    [block] = telegram.segment_posts(_doc(post))
    assert block.kind == "paper" and block.title == "OpenVLA: An Open-Source Vision-Language-Action Model"
    assert block.identifiers == [Identifier("arxiv", "2406.09246")]
    assert block.text == "7B модель на базе Prismatic"
    assert (block.date, block.reader, block.line) == ("2024-03-18T21:40:55", "Дима", 7)
    assert block.fields["hashtags"] == "#robotics #vla"


def test_chatter_is_a_note_not_a_paper():
    doc = _doc(
        Post(text="Всем привет! Завтра стрим в 19:00, разбираем статьи", line=1),
        Post(text="Update on the reading group: we meet on thursday at the usual place", line=2),
    )
    blocks = telegram.segment_posts(doc)
    assert [(b.kind, b.title) for b in blocks] == [("note", None), ("note", None)]
    assert blocks[0].text.startswith("Всем привет!") and blocks[0].reader == "Chan"


def test_title_without_link_is_a_paper_resolved_by_title():
    post = Post(text="Learning Compressed Transforms with Low Displacement Rank\n\nthrowback пост", line=8)
    [block] = telegram.segment_posts(_doc(post))
    assert (block.kind, block.title, block.identifiers) == (
        "paper", "Learning Compressed Transforms with Low Displacement Rank", [])


def test_link_text_picks_the_paper_among_several():
    post = Post(
        text="Unsupervised-to-Online Reinforcement Learning\n\nмы писали про HILP здесь\n\npaper",
        line=7, urls=["https://arxiv.org/abs/2402.15567", "https://arxiv.org/abs/2408.14785"],
        metadata={"links": [{"text": "здесь", "url": "https://arxiv.org/abs/2402.15567"},
                            {"text": "paper", "url": "https://arxiv.org/abs/2408.14785"}]},
    )
    [block] = telegram.segment_posts(_doc(post))
    assert block.identifiers == [Identifier("arxiv", "2408.14785")]
    assert block.references == ["arxiv:2402.15567"]


def test_news_post_with_several_papers_is_a_note_with_references():
    post = Post(
        text="Nature：LK-99并不是一个超导体\n\n复制实验证实了LK-99没有超导性",
        line=294,
        urls=["https://doi.org/10.48550/arXiv.2307.12037", "https://arxiv.org/abs/2308.04353"],
    )
    [block] = telegram.segment_posts(_doc(post))
    assert block.kind == "note" and block.title is None
    assert block.references == ["arxiv:2307.12037", "arxiv:2308.04353"]


def test_headline_post_with_one_paper_link_is_that_paper():
    post = Post(text="中国研究人员使用人工智能设计了RISC-V CPU\n\n论文详细介绍了……", line=94,
                urls=["https://arxiv.org/pdf/2306.12456.pdf"])
    [block] = telegram.segment_posts(_doc(post))
    assert block.kind == "paper" and block.title is None
    assert block.identifiers == [Identifier("arxiv", "2306.12456")]
    assert block.fields["headline"].startswith("中国研究人员")
    assert block.text.startswith("中国研究人员")  # nothing of the post is lost
