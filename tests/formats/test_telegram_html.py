"""Telegram Desktop HTML export (messages.html), on a sample in the exporter's markup."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperdex import formats
from paperdex.errors import MalformedInput
from paperdex.formats import telegram_html
from paperdex.model import Identifier
from paperdex.segment import segment
from tests.conftest import FIXTURES
from tests.segment.golden_blocks import check_golden

SAMPLE = Path(__file__).resolve().parent / "data" / "telegram_messages.html"


@pytest.fixture(scope="module")
def doc():
    [document] = telegram_html.read(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))
    return document


def test_detect():
    head = SAMPLE.read_text(encoding="utf-8")[:4096]
    assert telegram_html.detect(str(SAMPLE), head) == 0.9
    assert formats.detect(str(SAMPLE), head) is telegram_html
    assert telegram_html.detect("page.html", "<html><body><p>Hello</p></body></html>") == 0.0
    md = (FIXTURES / "feishu" / "feishu2md_testdocx.1.md").read_text(encoding="utf-8")
    assert telegram_html.detect("x.md", md[:4096]) == 0.0


def test_messages_authors_dates_and_links(doc):
    assert doc.title == "Papers & Coffee"
    assert [p.metadata["id"] for p in doc.posts] == [3, 4, 5, 6, 7, 9, 10, 12]  # service messages skipped
    first = doc.posts[0]
    assert first.author == "Маша"  # the post's signature
    assert first.date == "2024-03-12T10:15:42" and first.metadata["utc_offset"] == "+03:00"
    assert first.text.startswith("Offline RL for Natural Language Generation with Implicit Language Q Learning\n\nILQL:")
    assert "#offlinerl #nlp" in first.text
    assert first.urls == ["https://arxiv.org/abs/2206.11871", "https://github.com/Sea-Snell/Implicit-Language-Q-Learning"]
    by_id = {p.metadata["id"]: p for p in doc.posts}
    assert by_id[5].author == "Papers & Coffee"  # joined: inherits the sender above
    assert by_id[9].author == "rizzearch" and by_id[9].metadata["forwarded_from"] == "rizzearch"
    assert by_id[10].metadata["reply_to"] == "7"
    assert by_id[4].text == "" and by_id[4].metadata["media"] is True


def test_golden(doc):
    check_golden("telegram_messages_html", segment(doc))


def test_segmented_papers_and_notes(doc):
    blocks = segment(doc)
    papers = [(b.title, b.identifiers) for b in blocks if b.kind == "paper"]
    assert papers == [
        ("Offline RL for Natural Language Generation with Implicit Language Q Learning",
         [Identifier("arxiv", "2206.11871")]),
        ("Scaling Rectified Flow Transformers for High-Resolution Image Synthesis",
         [Identifier("arxiv", "2403.03206")]),
        ("OpenVLA: An Open-Source Vision-Language-Action Model", [Identifier("arxiv", "2406.09246")]),
        ("Unsupervised-to-Online Reinforcement Learning", [Identifier("arxiv", "2408.14785")]),
    ]
    openvla = next(b for b in blocks if b.title and b.title.startswith("OpenVLA"))
    assert openvla.references == ["arxiv:2307.15818"] and openvla.reader == "Дима"
    notes = [b for b in blocks if b.kind == "note"]
    assert [b.text.split()[0] for b in notes] == ["Всем", "Update:"]
    assert all(b.title is None for b in notes)


def test_not_an_export_is_malformed():
    with pytest.raises(MalformedInput, match="not a Telegram Desktop HTML export"):
        telegram_html.read("<html><body><p>just a page</p></body></html>", "page.html")
