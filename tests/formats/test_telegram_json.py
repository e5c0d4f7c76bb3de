"""Telegram Desktop JSON exports: two real channel exports and a paper channel written like one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperdex import formats
from paperdex.errors import MalformedInput
from paperdex.formats import telegram_json
from paperdex.model import Identifier
from paperdex.segment import segment, telegram
from tests.conftest import FIXTURES
from tests.segment.golden_blocks import check_golden

DATA = Path(__file__).resolve().parent / "data"
PACHUM = FIXTURES / "telegram" / "pachumarchive__public_channel_ru__result.json"
TRANTOR = FIXTURES / "telegram" / "trantor_library_TG101__public_channel_zh__EXCERPT.json"
PAPERS = DATA / "telegram_paper_channel.json"


def _read(path: Path):
    return telegram_json.read(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("path", [PACHUM, TRANTOR, PAPERS])
def test_detect_and_registry(path):
    head = path.read_text(encoding="utf-8")[:4096]
    assert telegram_json.detect(str(path), head) == 0.9
    assert formats.detect(str(path), head) is telegram_json


def test_detect_rejects_other_json_and_text():
    assert telegram_json.detect("a.json", '{"items": [{"title": "x", "type": "article-journal"}]}') == 0.0
    assert telegram_json.detect("notes.md", "# Notes\n- a\n- b\n") == 0.0
    assert telegram_json.detect("x.json", '[{"messages": []}]') == 0.0


def test_pachumarchive_is_a_video_channel_with_no_papers():
    [doc] = _read(PACHUM)
    assert doc.title == "ГУЗЕЛЬСКИЕ ПЕРЕЗАЛИВЫ" and doc.reader == doc.title
    assert len(doc.posts) == 6
    first = doc.posts[0]
    assert first.text.startswith("Очень странные дела (S1 E1-5)\n\n📹 ТВИЧ | 💳 БУСТИ")
    assert first.urls == ["https://www.twitch.tv/guz3lka", "https://boosty.to/guzelka_games", "http://t.me/papapachuca"]
    assert (first.line, first.date, first.metadata["reactions"]) == (3858, "2026-06-19T15:26:50", 12)
    blocks = segment(doc)
    assert [b.kind for b in blocks] == ["note"]  # the five video-only posts have no text


def test_trantor_news_channel_papers_only_where_arxiv_is_linked():
    [doc] = _read(TRANTOR)
    ids = [p.metadata["id"] for p in doc.posts]
    assert 1 not in ids and 2 not in ids and 38 not in ids and 39 not in ids  # service messages
    assert len(doc.posts) == 40
    blocks = telegram.segment_posts(doc)
    papers = {b.fields["message_id"]: b.identifiers for b in blocks if b.kind == "paper"}
    assert papers == {
        "94": [Identifier("arxiv", "2306.12456")],
        "235": [Identifier("arxiv", "2305.01644")],
        "255": [Identifier("arxiv", "2308.01074")],
        "263": [Identifier("arxiv", "2307.12108")],
    }
    lk99 = next(b for b in blocks if b.fields["message_id"] == "294")
    assert lk99.kind == "note" and "arxiv:2308.04353" in lk99.references
    assert all(b.title is None for b in blocks)  # Chinese news headlines are not paper titles
    assert {b.reader for b in blocks} == {"Daneel God", "goddaneel"}
    # Media-only posts, the sticker and the poll leave no block.
    assert {"3", "12", "13", "16", "34", "546", "1010"}.isdisjoint({b.fields["message_id"] for b in blocks})


def test_paper_channel_golden():
    [doc] = _read(PAPERS)
    check_golden("telegram_paper_channel_json", segment(doc))


def test_paper_channel_posts():
    [doc] = _read(PAPERS)
    blocks = segment(doc)
    papers = [b for b in blocks if b.kind == "paper"]
    assert [b.title for b in papers] == [
        "Offline RL for Natural Language Generation with Implicit Language Q Learning",
        "ReKep: Spatio-Temporal Reasoning of Relational Keypoint Constraints for Robotic Manipulation",
        "Unsupervised-to-Online Reinforcement Learning",
        "Learning Compressed Transforms with Low Displacement Rank",
        "Were RNNs All We Needed?",
        "In-Context Imitation Learning via Next-Token Prediction",
    ]
    ilql = papers[0]
    assert ilql.identifiers == [Identifier("arxiv", "2206.11871")]
    assert ilql.reader == "Саша" and ilql.date == "2024-01-10T18:21:03"
    assert ilql.text.startswith("статья по алайменту") and ilql.language == "ru"
    assert papers[4].identifiers == [Identifier("arxiv", "2410.01201")]  # from an unknown entity type's text
    assert papers[5].reader == "rizzearch"  # a forward keeps its original author
    notes = [b for b in blocks if b.kind == "note"]
    assert [b.fields["message_id"] for b in notes] == ["2", "9", "11"]


def test_text_as_string_list_and_without_text_entities():
    chat = {"name": "c", "type": "private_channel", "id": 1, "messages": [
        {"id": 1, "type": "message", "date": "2024-01-01T00:00:00", "from": "c", "text": "plain string"},
        {"id": 2, "type": "message", "date": "2024-01-01T00:00:01", "from": "c",
         "text": ["see ", {"type": "text_link", "text": "this", "href": "https://arxiv.org/abs/2406.10454"},
                  " and ", {"type": "link", "text": "openreview.net/forum?id=abcDEF123"},
                  {"type": "brand_new", "text": "!", "extra": 1}]},
    ]}
    [doc] = telegram_json.read(json.dumps(chat), "c.json")
    assert doc.posts[0].text == "plain string"
    second = doc.posts[1]
    assert second.text == "see this and openreview.net/forum?id=abcDEF123!"
    assert second.urls == ["https://arxiv.org/abs/2406.10454", "https://openreview.net/forum?id=abcDEF123"]


def test_full_account_export_gives_one_document_per_chat():
    papers = json.loads(PAPERS.read_text(encoding="utf-8"))
    pachum = json.loads(PACHUM.read_text(encoding="utf-8"))
    root = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 1, "first_name": "A"},
        "chats": {"about": "This page lists all chats from this export.", "list": [papers, pachum]},
        "left_chats": {"about": "left", "list": []},
    }
    text = json.dumps(root, ensure_ascii=False, indent=1)
    assert telegram_json.detect("result.json", text[:4096]) == 0.9
    docs = telegram_json.read(text, "result.json")
    assert [d.title for d in docs] == [papers["name"], pachum["name"]]
    assert docs[0].source == f"result.json#chat-{papers['id']}"
    assert len(docs[0].posts) == 12


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"name": "c", "type": "public_channel", "messages": [{"id": 1, "te', "not valid JSON"),
        ('[1, 2]', "root is not an object"),
        ('{"name": "c", "type": "public_channel", "messages": {"id": 1}}', '"messages" is an object, expected a list'),
        ('{"name": "c", "type": "public_channel", "messages": [42]}', "not an object"),
        ('{"chats": {"list": "nope"}}', 'has no "list"'),
        ('{"hello": "world"}', "not a Telegram Desktop export"),
    ],
)
def test_malformed_exports_raise_a_clear_error(text, message):
    with pytest.raises(MalformedInput, match=r"chat\.json") as info:
        telegram_json.read(text, "chat.json")
    assert message in str(info.value)
