"""One bad part of a file is reported with its file and place, and the rest of the file still imports.

Each input is a real export from tests/formats/data (Zotero BibTeX and CSL-JSON, a Telegram
channel) with one part broken the way hand edits and odd exporters break them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from paperdex.cli import main
from paperdex.library.db import Library

DATA = Path(__file__).resolve().parents[1] / "formats" / "data"


def _add(db, *paths) -> tuple[str, list[str]]:
    result = CliRunner().invoke(main, ["--db", str(db), "add", *map(str, paths), "--no-resolve", "--no-embed"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    skipped = [m.group(1) for m in re.finditer(r"skipped (.+)", result.output)]
    return result.output, skipped


def _titles(db) -> list[str]:
    with Library(db) as lib:
        return [r[0] for r in lib.conn.execute("SELECT title FROM papers ORDER BY title")]


def _notes(db, source: Path) -> int:
    with Library(db) as lib:
        return lib.conn.execute("SELECT count(*) FROM notes n JOIN sources s ON s.id = n.source_id "
                                "WHERE s.path = ?", (str(source),)).fetchone()[0]


def test_a_bibtex_entry_with_unbalanced_braces_is_named_and_the_others_import(tmp_path, library_url):
    """The Zotero export's `muller_when_2019` entry lost its closing brace (a hand edit)."""
    text = (DATA / "zotero_export.bib").read_text(encoding="utf-8")
    line = text[: text.index("@article{muller_when_2019")].count("\n") + 1
    refs = tmp_path / "refs.bib"
    refs.write_text(text, encoding="utf-8")
    output, skipped = _add(library_url, refs)
    assert skipped == [f"{refs}: line {line}: entry 'muller_when_2019' has unbalanced braces; skipped"]
    assert "1 error" in output
    titles = _titles(library_url)
    assert len(titles) == 3 and not any("label smoothing" in t.lower() for t in titles)
    assert any(t.startswith("Attention Is All You Need") for t in titles)


def _channel() -> dict:
    return json.loads((DATA / "telegram_paper_channel.json").read_text(encoding="utf-8"))


def test_one_bad_telegram_entity_costs_only_that_entity(tmp_path, make_library_url):
    clean, bad = tmp_path / "clean" / "result.json", tmp_path / "bad" / "result.json"
    for path in (clean, bad):
        path.parent.mkdir()
    chat = _channel()
    clean.write_text(json.dumps(chat, ensure_ascii=False), encoding="utf-8")
    message = next(m for m in chat["messages"] if isinstance(m.get("text_entities"), list) and
                   len(m["text_entities"]) > 1)
    message["text_entities"].insert(1, 42)  # an exporter bug: a bare number among the entities
    bad.write_text(json.dumps(chat, ensure_ascii=False), encoding="utf-8")
    clean_db, bad_db = make_library_url("clean.db"), make_library_url("bad.db")
    _add(clean_db, clean)
    _, skipped = _add(bad_db, bad)
    assert skipped == [f"{bad}: message id {message['id']}, text_entities part 2: is a number, expected a "
                       "string or an object; that part skipped"]
    assert _notes(bad_db, bad) == _notes(clean_db, clean) > 5
    assert _titles(bad_db) == _titles(clean_db)


def test_a_telegram_message_that_is_not_an_object_is_skipped_alone(tmp_path, library_url):
    chat = _channel()
    chat["messages"].insert(3, "oops")
    path = tmp_path / "result.json"
    path.write_text(json.dumps(chat, ensure_ascii=False), encoding="utf-8")
    _, skipped = _add(library_url, path)
    assert skipped == [f"{path}: message #4: is text, not an object; skipped"]
    assert _notes(library_url, path) > 5


@pytest.mark.parametrize(("value", "kind"), [('"oops"', "text"), ("{\"id\": 1}", "an object"), ("null", "null")])
def test_messages_that_are_not_a_list_are_an_error_not_a_text_note(tmp_path, library_url, value, kind):
    path = tmp_path / "result.json"
    path.write_text('{\n "name": "rizzearch",\n "type": "public_channel",\n "id": 1706,\n '
                    f'"messages": {value}\n}}\n', encoding="utf-8")
    _, skipped = _add(library_url, path)
    assert len(skipped) == 1 and f'"messages" is {kind}, expected a list' in skipped[0]
    assert _notes(library_url, path) == 0


def test_a_csl_title_that_is_an_object_is_named_not_stored_as_a_repr(tmp_path, library_url):
    items = json.loads((DATA / "zotero_csl.json").read_text(encoding="utf-8"))
    items[1]["title"] = {"en": items[1]["title"]}
    path = tmp_path / "library.json"
    path.write_text("[\n" + ",\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n]\n",
                    encoding="utf-8")
    _, skipped = _add(library_url, path)
    assert f'{path}: item 2 (line 3): "title" is an object, expected text; that field left out' in skipped
    titles = _titles(library_url)
    assert not any("{" in (t or "") for t in titles)
    assert any((t or "").startswith("Attention Is All You Need") for t in titles)
    with Library(library_url) as lib:  # the item itself kept its DOI, so it is still a paper
        assert lib.conn.execute("SELECT 1 FROM identifiers WHERE value = '10.18653/v1/n19-1423'").fetchone()
