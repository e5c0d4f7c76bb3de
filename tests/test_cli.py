"""The commands a new user types, run through the real CLI on the bundled examples and the seeds."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from paperdex.cli import main
from tests.conftest import EXAMPLES, SEEDS


def run(*args: str, ok: bool = True):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def export_records() -> list[dict]:
    return [json.loads(line) for line in run("export", "--format", "jsonl").stdout.splitlines()]


def test_help_teaches():
    text = run("--help").output
    for word in ("add", "list", "show", "export", "search", "serve", "paperdex add"):
        assert word in text
    assert "--encoding" in run("add", "--help").output


def test_examples_import_with_a_summary_and_merge():
    result = run("add", str(EXAMPLES), "--no-resolve")
    line = result.stdout.strip().splitlines()[-1]
    assert line.startswith(f"{sum(1 for p in EXAMPLES.rglob('*') if p.is_file())} files, ")
    assert "notes merged into existing papers" in line and line.endswith("0 errors")
    records = export_records()
    papers = {r["title"]: r for r in records if r["kind"] == "paper"}
    ilql = papers["Offline RL for Natural Language Generation with Implicit Language Q Learning"]
    # noted in the Chinese reading list and the Russian Telegram export: one paper, two notes
    assert len(ilql["notes"]) == 2
    assert {n["source"].rsplit("/", 1)[-1] for n in ilql["notes"]} == {"reading-list.md", "telegram-channel.json"}
    assert any(r["kind"] == "document" for r in records)  # the lecture notes


def test_readd_unchanged_is_a_no_op():
    run("add", str(EXAMPLES), "--no-resolve")
    before = run("export").stdout
    again = run("add", str(EXAMPLES), "--no-resolve").stdout
    assert "unchanged" in again
    assert run("export").stdout == before


def test_jsonl_contract_and_stable_order():
    run("add", str(EXAMPLES), "--no-resolve")
    first = run("export", "--format", "jsonl").stdout
    assert first == run("export", "--format", "jsonl").stdout
    for record in (json.loads(line) for line in first.splitlines()):
        assert {"kind", "title", "arxiv_id"} <= record.keys()
        if record["kind"] in ("paper", "document"):
            assert record["notes"] and all("source" in n and "line" in n for n in record["notes"])
        else:
            assert "source" in record


def test_show_by_arxiv_id_and_title_words():
    run("add", str(EXAMPLES), "--no-resolve")
    by_id = run("show", "2011.06294").stdout
    assert "Real-Time Intermediate Flow Estimation" in by_id
    by_words = run("show", "intermediate", "flow").stdout
    assert "Real-Time Intermediate Flow Estimation" in by_words
    data = json.loads(run("show", "--json", "arXiv:2011.06294").stdout)
    assert data["arxiv_id"] == "2011.06294" and len(data["notes"]) == 2


def test_show_unknown_is_a_clear_error():
    run("add", str(EXAMPLES / "reading-list.md"), "--no-resolve")
    result = run("show", "no such paper anywhere", ok=False)
    assert result.exit_code == 1 and "no paper matches" in result.output


def test_list_filters_and_json():
    run("add", str(EXAMPLES), "--no-resolve")
    rows = json.loads(run("list", "--json", "--section", "Video").stdout)
    assert rows and all(r["year"] in (2022, None) for r in rows)
    years = [r["year"] for r in json.loads(run("list", "--json", "--year", "2021..2022", "--limit", "0").stdout)]
    assert years and all(2021 <= y <= 2022 for y in years)
    assert "bad year range" in run("list", "--year", "twenty", ok=False).output


def test_unknown_export_format_lists_known_ones():
    result = run("export", "--format", "docx", ok=False)
    assert "known formats" in result.output and "jsonl" in result.output


def test_missing_input_fails_only_when_nothing_imported(tmp_path):
    result = run("add", str(tmp_path / "nope.md"), ok=False)
    assert result.exit_code == 1 and "nope.md" in result.output
    result = run("add", str(tmp_path / "nope.md"), str(EXAMPLES / "reading-list.md"), "--no-resolve")
    assert "1 error" in result.stdout


def test_db_option_and_env(tmp_path, monkeypatch):
    db = tmp_path / "elsewhere.db"
    run("--db", str(db), "add", str(EXAMPLES / "reading-list.md"), "--no-resolve")
    assert db.exists()
    assert str(db) in run("--db", str(db), "info").stdout


@pytest.mark.parametrize("reader", ["alice"])
def test_reader_option_attributes_notes(reader):
    run("add", str(EXAMPLES / "reading-list.md"), "--reader", reader, "--no-resolve")
    assert {n["reader"] for r in export_records() if r["kind"] == "paper" for n in r["notes"]} == {reader}


def test_seeds_end_to_end():
    """Issue 2's bar: seed 000 has 38 papers with their arXiv ids, seed 001's ads are no papers, 002 is a document."""
    run("add", str(SEEDS), "--no-resolve")
    records = export_records()
    by_source: dict[str, dict[str, dict]] = {}
    for r in records:
        for n in r.get("notes", [r]):
            by_source.setdefault(n["source"].rsplit("/", 1)[-1][:3], {})[r["id"]] = r
    readme_papers = {i for i, r in by_source["000"].items() if r["kind"] == "paper"}
    assert len(readme_papers) == 38
    arxiv = {r["arxiv_id"] for r in records if r["kind"] == "paper" and r["id"] in readme_papers}
    assert {"2310.13227", "2303.03004", "2302.05981", "2203.07540", "2205.01068", "2212.08073", "2203.15556",
            "2011.06294", "1804.06516"} <= arxiv
    titles = " ".join(r["title"] or "" for r in records)
    assert "【推荐】" not in titles and "DeepSeek" not in titles and "Docker" not in titles
    assert [r["kind"] for r in by_source["002"].values()] == ["document"]
    ilql = [r for r in records if r["kind"] == "paper" and "Implicit Language Q Learning" in (r["title"] or "")]
    assert len(ilql) == 1 and {n["source"].rsplit("/", 1)[-1][:3] for n in ilql[0]["notes"]} == {"000", "004"}
