"""Tags and reading status: stored apart from derived data, they survive re-imports and editing a note."""

from __future__ import annotations

import pytest

from paperdex.errors import UsageError
from paperdex.library import user_data
from paperdex.library.db import Library
from paperdex.library.ingest import SourceInput, import_source
from paperdex.model import Identifier, NoteBlock


def _import(lib: Library, text: str, content_hash: str) -> str:
    block = NoteBlock(title="Decision Transformer: Reinforcement Learning via Sequence Modeling", text=text,
                      identifiers=[Identifier("arxiv", "2106.01345")], section="RL")
    import_source(lib, SourceInput(key="/notes/rl.md", path="notes/rl.md", format="markdown",
                                   content_hash=content_hash), [block])
    return lib.conn.execute("SELECT id FROM papers").fetchone()[0]


@pytest.fixture
def lib(library_url):
    with Library(library_url) as library:
        yield library


def test_tags_add_list_remove(lib):
    pid = _import(lib, "return-conditioned policy", "h1")
    assert user_data.add_tag(lib, pid, "  offline   rl ") == "offline rl"
    user_data.add_tag(lib, pid, "Baseline")
    user_data.add_tag(lib, pid, "offline rl")  # twice is once
    assert user_data.get_tags(lib, pid) == ["Baseline", "offline rl"]
    assert user_data.all_tags(lib) == [("Baseline", 1), ("offline rl", 1)]
    assert user_data.papers_with_tag(lib, "Baseline") == [pid]
    assert user_data.tags_for(lib, [pid, "nope"]) == {pid: ["Baseline", "offline rl"], "nope": []}
    assert user_data.remove_tag(lib, pid, "Baseline") is True
    assert user_data.remove_tag(lib, pid, "Baseline") is False
    with pytest.raises(UsageError):
        user_data.add_tag(lib, pid, "   ")
    with pytest.raises(UsageError):
        user_data.add_tag(lib, pid, "x" * 65)
    with pytest.raises(UsageError):
        user_data.add_tag(lib, "p-missing", "x")


def test_status_set_change_clear(lib):
    pid = _import(lib, "return-conditioned policy", "h1")
    assert user_data.get_status(lib, pid) is None
    user_data.set_status(lib, pid, "to-read")
    user_data.set_status(lib, pid, "read")
    assert user_data.get_status(lib, pid) == "read"
    assert user_data.papers_with_status(lib, "read") == [pid]
    assert user_data.statuses_for(lib, [pid]) == {pid: "read"}
    user_data.set_status(lib, pid, None)
    assert user_data.get_status(lib, pid) is None
    with pytest.raises(UsageError):
        user_data.set_status(lib, pid, "loved")


def test_user_data_survives_an_edited_note_file(lib):
    pid = _import(lib, "return-conditioned policy", "h1")
    user_data.add_tag(lib, pid, "to cite")
    user_data.set_status(lib, pid, "starred")
    again = _import(lib, "return-conditioned policy; edited: compare with CQL", "h2")
    assert again == pid
    assert user_data.get_tags(lib, pid) == ["to cite"]
    assert user_data.get_status(lib, pid) == "starred"
