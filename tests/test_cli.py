"""The commands a new user types, run through the real CLI on the bundled examples and the seeds."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from paperdex.cli import main
from tests.conftest import EXAMPLES, SEEDS


@pytest.fixture(autouse=True)
def _each_backend(library_url):
    """Every command here runs against an SQLite file and against PostgreSQL (PAPERDEX_DB is set)."""
    return library_url


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
    assert result.exit_code == 1 and "no paper matches" in result.stderr


def test_list_filters_and_json():
    run("add", str(EXAMPLES), "--no-resolve")
    video = next(s["section"] for s in json.loads(run("stats", "--json").stdout)["per_section"]
                 if s["section"].endswith("Video"))  # "Video", or under its parent heading
    rows = json.loads(run("list", "--json", "--section", video).stdout)
    assert len(rows) == 2 and all(r["year"] in (2022, None) for r in rows)
    years = [r["year"] for r in json.loads(run("list", "--json", "--year", "2021..2022", "--limit", "0").stdout)]
    assert years and all(2021 <= y <= 2022 for y in years)
    assert "bad year range" in run("list", "--year", "twenty", ok=False).output


def test_unknown_export_format_lists_known_ones():
    result = run("export", "--format", "docx", ok=False)
    assert "known formats" in result.output and "jsonl" in result.output


def test_exit_status_1_when_any_input_failed_with_the_reasons_on_stderr(tmp_path):
    result = run("add", str(tmp_path / "nope.md"), ok=False)
    assert result.exit_code == 1 and "nope.md" in result.stderr and "nothing was imported" in result.stderr
    result = run("add", str(tmp_path / "nope.md"), str(EXAMPLES / "reading-list.md"), "--no-resolve", ok=False)
    assert result.exit_code == 1
    assert "1 error" in result.stdout and "nope.md" not in result.stdout
    assert "1 input failed" in result.stderr and "the others were imported" in result.stderr
    # the good file is in, and adding it again alone is all good
    assert run("add", str(EXAMPLES / "reading-list.md"), "--no-resolve").exit_code == 0
    assert json.loads(run("info", "--json").stdout)["sources"] == 1


@pytest.mark.parametrize("args", [
    ("list", "--year", "twenty"),
    ("export", "--format", "docx"),
    ("add", "--no-such-option", "x.md"),
    ("add", "-", "-"),
    ("list", "--sort", "colour"),
])
def test_usage_errors_exit_2(args):
    result = run(*args, ok=False)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_not_found_exits_1_not_2():
    run("add", str(EXAMPLES / "reading-list.md"), "--no-resolve")
    assert run("show", "no such paper anywhere", ok=False).exit_code == 1
    assert run("remove", "examples/never-added.md", ok=False).exit_code == 1


def test_add_json_is_one_object_with_every_count_and_failure(tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    result = run("add", str(EXAMPLES), str(bad), "--json", ok=False)
    assert result.exit_code == 1
    data = json.loads(result.stdout)  # nothing but the JSON on stdout
    assert set(data) == {"files", "added", "updated", "unchanged", "papers", "new_papers", "notes", "merged",
                         "documents_without_papers", "not_tried", "failures", "empty", "resolve"}
    files = sum(1 for p in EXAMPLES.rglob("*") if p.is_file())
    assert data["files"] == files + 1 and data["added"] == files and data["papers"] == 12
    assert [f["source"] for f in data["failures"]] == [str(bad)] and "PDF" in data["failures"][0]["reason"]
    # offline (as every test runs): resolve is a state, reported as papers left for later, not failures
    assert data["resolve"]["offline"] is True and data["resolve"]["failed"] == 0
    assert data["resolve"]["left_for_later"] == data["papers"]
    again = json.loads(run("add", str(EXAMPLES), "--json").stdout)
    assert again["unchanged"] == files and again["added"] == 0 and again["resolve"] is None


def test_an_empty_file_is_skipped_but_is_no_failure(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "reading-list.md").write_bytes((EXAMPLES / "reading-list.md").read_bytes())
    (notes / "draft.md").write_text("\n  \n", encoding="utf-8")  # started, never written
    result = run("add", str(notes), "--no-resolve")
    assert result.stdout.strip().endswith("0 errors (1 empty file skipped)")
    assert "draft.md: is empty" in result.stderr and "failed" not in result.stderr
    data = json.loads(run("add", str(notes), "--no-resolve", "--json", "--force").stdout)
    assert data["failures"] == [] and [p.rsplit("/", 1)[-1] for p in data["empty"]] == ["draft.md"]
    (notes / "scan.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n")
    assert run("add", str(notes), "--no-resolve", ok=False).exit_code == 1


def test_offline_add_says_so_in_one_line_and_exits_0():
    result = run("add", str(EXAMPLES))
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["offline: 12 papers not yet resolved; run `paperdex resolve` when online"]
    assert "failed" not in result.output


def test_add_dash_reads_stdin_and_keeps_earlier_stdin_notes():
    post = (EXAMPLES / "telegram-channel.json").read_bytes()
    listing = (EXAMPLES / "reading-list.md").read_bytes()
    first = json.loads(CliRunner().invoke(main, ["add", "-", "--json", "--no-resolve"], input=post).stdout)
    assert first["added"] == 1 and first["notes"] > 0
    second = CliRunner().invoke(main, ["add", "-", "--reader", "alice", "--no-resolve"], input=listing)
    assert second.exit_code == 0, second.output
    same = CliRunner().invoke(main, ["add", "-", "--no-resolve"], input=post)
    assert same.exit_code == 0 and "(1 unchanged)" in same.stdout
    stdin_sources = [s for s in json.loads(run("sources", "--json").stdout)["sources"] if s["path"].startswith("stdin:")]
    assert len(stdin_sources) == 2 and {s["format"] for s in stdin_sources} == {"telegram-json", "markdown"}
    assert {s["reader"] for s in stdin_sources} >= {"alice"}
    # the piped source can be removed by the name `sources` shows
    run("remove", stdin_sources[0]["path"])
    assert len(json.loads(run("sources", "--json").stdout)["sources"]) == 1
    empty = CliRunner().invoke(main, ["add", "-", "--no-resolve"], input=b"  \n")
    assert empty.exit_code == 0 and "skipped stdin: is empty" in empty.stderr  # nothing to import is no failure


def test_info_sources_stats_json_shapes():
    run("add", str(EXAMPLES), "--no-resolve")
    info = json.loads(run("info", "--json").stdout)
    assert (info["papers"] == 12 and info["sources"] == 7 and info["schema"] >= 1 \
        and info["library"].endswith(".db")) or info["library"].startswith("postgresql://")
    rows = json.loads(run("sources", "--json").stdout)["sources"]
    assert len(rows) == 7 and all({"path", "format", "reader", "notes", "updated_at"} <= set(r) for r in rows)
    assert sum(r["notes"] for r in rows) == info["notes"]
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["counts"] == {k: info[k] for k in stats["counts"]}
    assert sum(y["papers"] for y in stats["per_year"]) + stats["papers_without_year"] == info["papers"]
    assert [s["papers"] for s in stats["per_section"] if s["section"].endswith("Video")] == [2]
    assert any(r["reader"] == "Анна" for r in stats["readers"])
    text = run("stats").stdout
    assert "12 papers" in text and "papers per year" in text


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
