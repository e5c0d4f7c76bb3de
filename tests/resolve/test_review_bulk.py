"""Bulk review (`paperdex review --accept-above/--reject-below`, the web's selection) and undo."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from paperdex.cli import main
from paperdex.library import resolution
from paperdex.library.db import Library
from paperdex.library.store import get_paper
from paperdex.model import NoteBlock
from paperdex.resolve import snapshot
from paperdex.resolve.resolver import resolve_library
from tests.resolve.conftest import SEED_SNAPSHOT, SNAPSHOT_SAMPLE, add_blocks, paper_ids_with
from tests.resolve.seed_cases import _line

NOTES = [  # loosely noted titles of seed papers, each landing in review for a different reason
    NoteBlock(title="MimicGen: Data Generation for Scalable Robot Learning from Human Demonstrations", year=2023),
    NoteBlock(title="Neural MP: A Generalist Neural Motion Planner", year=2019),  # 5 years before its record
    NoteBlock(title="RoboCook: Long-Horizon Elasto-Plastic Object Manipulation", year=2023),  # subtitle dropped
    NoteBlock(title="HumanPlus: Humanoid Shadowing and Imitation", year=2024),  # cut short
]


def _library(lib: Library, tmp_path: Path) -> dict[str, dict]:
    snapshot.import_file(lib, SNAPSHOT_SAMPLE)
    snapshot.import_file(lib, SEED_SNAPSHOT)
    (tmp_path / "namesake.jsonl").write_text(_line(
        "2310.90010", "MimicGen: A Data Generation System for Scalable Robot Learning using Human Videos", 2023, 10,
        ["A. Decoy"]) + "\n")
    snapshot.import_file(lib, tmp_path / "namesake.jsonl")
    add_blocks(lib, "loose.md", NOTES)
    assert resolve_library(lib, offline=True).ambiguous == len(NOTES)
    return {i["candidate"]["raw_id"]: i for i in resolution.review_items(lib)}


def _state(lib: Library) -> list[tuple]:
    """Everything a decision may change, to compare before and after undo."""
    return [tuple(r) for table in ("papers", "identifiers", "paper_titles", "resolutions", "review_candidates",
                                   "review_decisions")
            for r in lib.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")] + [
        tuple(r) for r in lib.conn.execute("SELECT id, paper_id FROM notes ORDER BY id")]


def test_bulk_accept_and_reject_then_undo_restores_everything(lib, tmp_path):
    items = _library(lib, tmp_path)
    scores = {k: round(i["score"], 3) for k, i in items.items()}
    assert all(0.7 <= s < 0.9 for s in scores.values()), scores
    before = _state(lib)
    high = sorted(scores.values())[-2]  # the two best clear the bar
    low = sorted(scores.values())[1]  # the worst is rejected
    result = resolution.decide_many(lib, accept_above=high, reject_below=low)
    accepted = {k for k, s in scores.items() if s >= high}
    rejected = {k for k, s in scores.items() if s < low}
    assert len(result.accepted) == len(accepted) == 2 and len(result.rejected) == len(rejected) == 1
    for raw_id in accepted:
        [pid] = paper_ids_with(lib, "arxiv", raw_id)
        assert resolution.get_resolution(lib, pid)["status"] == "resolved"
    for raw_id in rejected:
        assert resolution.get_resolution(lib, items[raw_id]["paper_id"])["status"] == "not_found"
    assert len(resolution.review_items(lib)) == len(NOTES) - 3
    undone = resolution.undo_last(lib)
    assert sorted(u["action"] for u in undone) == ["accepted", "accepted", "rejected"]
    assert _state(lib) == before
    assert len(resolution.review_items(lib)) == len(NOTES)
    assert resolution.undo_last(lib) == []


def test_bulk_accept_skips_a_close_runner_up(lib, tmp_path):
    """Two candidates within the margin: a person must compare them; bulk accept leaves the paper waiting."""
    items = _library(lib, tmp_path)
    pid = items["2409.05864"]["paper_id"]
    top = items["2409.05864"]  # stored again with a namesake nearly as good as the best
    resolution.record_status(lib, pid, "ambiguous", provider="snapshot", score=top["score"],
                             evidence=top["evidence"], candidate=resolution_record(top["candidate"]),
                             alternatives=[(resolution_record(dict(top["candidate"], raw_id="2409.90011",
                                                                   identifiers=[["arxiv", "2409.90011"]])),
                                            top["score"] - 0.01, {})])
    result = resolution.decide_many(lib, accept_above=0.7)
    assert pid in {p for p, _ in result.skipped} and pid not in result.accepted
    assert "runner-up within" in dict(result.skipped)[pid]
    picked = resolution.decide_many(lib, accept_ids=[pid])  # the web's "Accept selected" skips it too
    assert picked.accepted == [] and "runner-up within" in dict(picked.skipped)[pid]
    assert resolution.get_resolution(lib, pid)["status"] == "ambiguous"


def resolution_record(data: dict):
    from paperdex.resolve.records import Record

    return Record.from_json(data)


def test_undo_brings_back_a_merged_paper(lib, tmp_path):
    """Accepting a candidate whose id another paper holds merges them; undo splits them again."""
    from paperdex.model import Identifier

    items = _library(lib, tmp_path)
    add_blocks(lib, "other.md", [NoteBlock(title="MimicGen", identifiers=[Identifier("arxiv", "2310.17596")])])
    [other] = paper_ids_with(lib, "arxiv", "2310.17596")
    pid = items["2310.17596"]["paper_id"]
    before = _state(lib)
    new_id = resolution.accept(lib, pid)
    assert {new_id} == {paper_ids_with(lib, "arxiv", "2310.17596")[0]} and len(get_paper(lib, new_id).notes) == 2
    assert lib.conn.execute("SELECT count(*) FROM papers WHERE id IN (?, ?)", (pid, other)).fetchone()[0] == 1
    resolution.undo_last(lib)
    assert _state(lib) == before
    assert len(get_paper(lib, pid).notes) == 1 and len(get_paper(lib, other).notes) == 1


def test_review_cli_bulk_and_undo(tmp_path, library_url):
    db = library_url
    with Library(db) as lib:
        items = _library(lib, tmp_path)
    best = max(i["score"] for i in items.values())
    runner = CliRunner()
    listing = runner.invoke(main, ["--db", str(db), "review"])
    assert listing.exit_code == 0 and "why" in listing.output and "below" in listing.output
    listed = json.loads(runner.invoke(main, ["--db", str(db), "review", "--json"]).output)
    whys = {i["candidate"]["raw_id"]: i["candidates"][0]["why"] for i in listed}
    assert whys["2409.05864"] == "title 1.00; year off by 5 (note before record); no other record"
    assert whys["2306.14447"].startswith("title 0.") and "year ok" in whys["2306.14447"]
    bad = runner.invoke(main, ["--db", str(db), "review", "--accept-above", "0.7", "--reject-below", "0.8"])
    assert bad.exit_code != 0 and "above --accept-above" in bad.output
    ok = runner.invoke(main, ["--db", str(db), "review", "--accept-above", f"{best:.3f}", "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.output)
    assert len(data["accepted"]) == 1 and data["rejected"] == []
    text = runner.invoke(main, ["--db", str(db), "review", "--reject-below", "0.99"]).output
    assert f"rejected {len(items) - 1}" in text and "review undo" in text
    assert "undone: 0 accepted, 3 rejected" in runner.invoke(main, ["--db", str(db), "review", "undo"]).output
    assert "undone: 1 accepted, 0 rejected" in runner.invoke(main, ["--db", str(db), "review", "undo"]).output
    assert "nothing to undo" in runner.invoke(main, ["--db", str(db), "review", "undo"]).output
    with Library(db) as lib:
        assert len(resolution.review_items(lib)) == len(items)
