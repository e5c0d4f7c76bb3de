"""CSL-JSON (Zotero) and Better BibTeX JSON exports: each item a paper block."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperdex import formats
from paperdex.errors import MalformedInput
from paperdex.formats import csl_json
from paperdex.formats.load import load_bytes, load_path
from paperdex.model import Identifier

DATA = Path(__file__).parent / "data"


def test_zotero_csl_export() -> None:
    loaded = load_path(DATA / "zotero_csl.json", "zotero_csl.json")
    assert loaded.format == "csl-json"
    [doc] = loaded.documents
    assert doc.title == "zotero_csl.json"
    attention, bert, smoothing = doc.blocks
    assert attention.title == "Attention Is All You Need" and attention.year == 2023 and attention.line == 2
    assert attention.identifiers == [Identifier("doi", "10.48550/arxiv.1706.03762"),
                                     Identifier("arxiv", "1706.03762")]
    assert attention.text == "读后感：self-attention 取代 RNN，训练完全并行。位置编码用 sin/cos。"
    assert attention.fields["citation_key"] == "vaswani2017attention"
    assert attention.fields["abstract"].startswith("The dominant sequence transduction")
    assert bert.identifiers == [Identifier("doi", "10.18653/v1/n19-1423"), Identifier("acl", "N19-1423")]
    assert bert.venue.startswith("Proceedings of the 2019 Conference of the North American Chapter")
    assert bert.authors == ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"]
    assert smoothing.authors[0] == "Rafael Müller" and smoothing.text == "Label smoothing 让表示更紧凑，但会伤害知识蒸馏。"
    assert smoothing.identifiers == [] and smoothing.year == 2019
    assert doc.metadata["errors"] == ["item 4 (line 5): no title and no identifier; skipped"]


def test_better_bibtex_json_keeps_child_notes() -> None:
    [doc] = load_path(DATA / "betterbibtex.json", "betterbibtex.json").documents
    [resnet] = doc.blocks
    assert resnet.title == "Deep Residual Learning for Image Recognition" and resnet.year == 2016
    assert resnet.authors == ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"]  # the editor is not
    assert Identifier("doi", "10.1109/cvpr.2016.90") in resnet.identifiers
    assert "残差连接：学 F(x) = H(x) − x，152 层也能训练。" in resnet.text
    assert "[想法] identity shortcut" in resnet.text and "<p>" not in resnet.text
    assert resnet.fields["keywords"] == "CNN, classic" and resnet.fields["citation_key"] == "he2016deep"


def test_detection_does_not_claim_telegram_or_other_json() -> None:
    telegram = (DATA / "telegram_paper_channel.json").read_text(encoding="utf-8")[:16384]
    assert csl_json.detect("result.json", telegram) == 0.0
    assert formats.detect("result.json", telegram).NAME != "csl-json"
    assert csl_json.detect("package.json", '{"name": "x", "version": "1.0.0"}') == 0.0
    assert csl_json.detect("list.json", '[{"name": "a"}, {"name": "b"}]') == 0.0
    assert csl_json.detect("x.json", (DATA / "zotero_csl.json").read_text(encoding="utf-8")) == 0.85


def test_broken_json_names_line_and_column() -> None:
    data = (DATA / "zotero_csl.json").read_bytes()[:-40]  # a truncated download
    with pytest.raises(MalformedInput, match=r"not valid JSON \(line \d+, column \d+"):
        load_bytes(data, "cut.json", format="csl-json")
