"""Saved blog pages: the article's text as Markdown, without the page's nav, ads and footer."""

from __future__ import annotations

from pathlib import Path

from paperdex import formats
from paperdex.formats import html
from paperdex.formats.load import load_bytes, load_path

DATA = Path(__file__).parent / "data"
PAGE = DATA / "cnblogs_paper_notes.html"
TITLES = [
    "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks (2017)",
    "Fast Reinforcement Learning via Slow Reinforcement Learning",
    "Reinforcement Learning Upside Down: Don't Predict Rewards -- Just Map Them to Actions",
    "Diverse Transformer Decoding for Offline Reinforcement Learning Using Financial Algorithmic Approaches",
    "In-context Reinforcement Learning with Algorithm Distillation (AD)(ICLR2023)",
    "Latent Reward: LLM-Empowered Credit Assignment in Episodic Reinforcement Learning(AAAI2025)",
    "MoM: Linear Sequence Modeling with Mixture-of-Memories(2025)",
]


def test_blog_page_keeps_the_paper_list_and_drops_the_page_around_it() -> None:
    loaded = load_path(PAGE, "cnblogs.html")
    assert loaded.format == "html"
    [doc] = loaded.documents
    for title in TITLES:
        assert title in doc.text
    for line in ("- arxiv:https://arxiv.org/abs/1703.03400", "- arxiv:http://arxiv.org/abs/2412.11120",
                 "- 作者:Chelsea Finn, Pieter Abbeel, Sergey Levine", "## Offline RL"):
        assert line in doc.text.splitlines()
    for noise in ("【推荐】", "DeepSeek R1", "Powered by", "沪ICP备", "阅读排行榜", "好文要顶", "登录后才能查看",
                  "随笔分类", "新随笔", "loadBlogSideColumn"):
        assert noise not in doc.text
    assert doc.title == "论文速读记录 | 2025年3月"
    assert doc.date == "2025-03-28"
    assert doc.reader == "MoonOut"
    assert doc.metadata["url"] == "https://www.cnblogs.com/moonout/p/18797321"
    assert not doc.text.startswith("#")  # the heading that repeats the title is gone


def test_gbk_page_declaring_its_charset_is_read() -> None:
    page = PAGE.read_text(encoding="utf-8").replace('<meta charset="utf-8" />', '<meta charset="gbk" />')
    # The page's own characters that GBK lacks would not survive; this page has none.
    loaded = load_bytes(page.encode("gbk"), "saved.htm", path_hint="saved.htm")
    assert TITLES[0] in loaded.documents[0].text and "来源:刷arxiv" in loaded.documents[0].text


def test_short_page_falls_back_to_all_visible_text() -> None:
    page = ("<html><head><title>Reading list</title></head><body><ul>"
            "<li>Attention Is All You Need - arxiv: 1706.03762</li></ul></body></html>")
    [doc] = load_bytes(page.encode(), "list.html").documents
    assert "Attention Is All You Need - arxiv: 1706.03762" in doc.text


def test_telegram_export_page_is_left_to_telegram_html() -> None:
    head = (DATA / "telegram_messages.html").read_text(encoding="utf-8")[:16384]
    assert html.detect("messages.html", head) <= 0.7
    assert formats.detect("messages.html", head).NAME != "html"
    assert html.detect("post.html", PAGE.read_text(encoding="utf-8")[:16384]) >= 0.6
    assert html.detect("notes.md", "# Notes\n- a\n") == 0.0
