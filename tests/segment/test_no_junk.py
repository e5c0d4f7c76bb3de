"""Inputs that are not reading notes must not produce papers: the Feishu samples are articles
about Feishu, the fixture READMEs describe data files."""

from __future__ import annotations

import pytest

from paperdex.formats.load import load_path
from paperdex.segment import segment
from tests.conftest import FIXTURES

NOT_NOTES = [
    FIXTURES / "feishu" / "feishu2md_testdocx.1.md",
    FIXTURES / "feishu" / "feishu2md_testdocx.2.md",
    FIXTURES / "feishu" / "feishu2md_testdocx.3.md",
    FIXTURES / "telegram" / "README.md",
    FIXTURES / "feishu" / "README.md",
    FIXTURES / "arxiv" / "README.md",
]


@pytest.mark.parametrize("path", NOT_NOTES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_documents_that_list_no_papers_stay_documents(path):
    loaded = load_path(path, str(path))
    blocks = [b for doc in loaded.documents for b in segment(doc)]
    assert blocks, "kept searchable as a document"
    assert [b.title for b in blocks if b.kind == "paper"] == []
