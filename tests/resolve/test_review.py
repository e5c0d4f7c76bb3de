"""Review keeps the best few candidates of an ambiguous paper; a person may accept any of them, or reject all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from paperdex.cli import main
from paperdex.library import resolution
from paperdex.library.db import Library
from paperdex.model import NoteBlock
from paperdex.resolve import snapshot
from paperdex.resolve.resolver import resolve_library
from tests.resolve.conftest import SEED_SNAPSHOT, SNAPSHOT_SAMPLE, add_blocks, paper_ids_with
from tests.resolve.seed_cases import _line

VAGUE = "MimicGen: Data Generation for Scalable Robot Learning from Human Demonstrations"  # a loose title
NAMESAKE = "MimicGen: A Data Generation System for Scalable Robot Learning using Human Videos"  # a decoy


def _ambiguous(lib: Library, tmp_path: Path) -> dict:
    """MimicGen (0.89) and a one-word namesake (0.81) fit a loosely noted title: both wait for review."""
    snapshot.import_file(lib, SNAPSHOT_SAMPLE)
    snapshot.import_file(lib, SEED_SNAPSHOT)
    (tmp_path / "namesake.jsonl").write_text(_line("2310.90010", NAMESAKE, 2023, 10, ["A. Decoy"]) + "\n")
    snapshot.import_file(lib, tmp_path / "namesake.jsonl")
    add_blocks(lib, "n.md", [NoteBlock(title=VAGUE, year=2023)])
    assert resolve_library(lib, offline=True).ambiguous == 1
    [item] = resolution.review_items(lib)
    return item


def test_ambiguous_paper_keeps_its_candidates_numbered_best_first(lib, tmp_path):
    item = _ambiguous(lib, tmp_path)
    keys = [c["key"] for c in item["candidates"]]
    assert keys[:2] == ["snapshot:2310.17596", "snapshot:2310.90010"]  # MimicGen, then its namesake
    assert [c["index"] for c in item["candidates"]] == list(range(1, len(keys) + 1))
    scores = [c["score"] for c in item["candidates"]]
    assert scores == sorted(scores, reverse=True) and all(0.7 <= s < 0.9 for s in scores)
    assert item["candidate"]["raw_id"] == "2310.17596" and item["score"] == scores[0]
    assert all(c["evidence"]["candidate"] == c["candidate"]["raw_id"] for c in item["candidates"])


def test_accept_another_candidate_by_number_or_key(lib, tmp_path):
    item = _ambiguous(lib, tmp_path)
    pid = item["paper_id"]
    with pytest.raises(LookupError, match=r"no candidate 9; its candidates are 1 \(snapshot:2310\.17596\)"):
        resolution.accept_candidate(lib, pid, 9)
    new_id = resolution.accept_candidate(lib, pid, 2)
    assert paper_ids_with(lib, "arxiv", "2310.90010") == [new_id]
    assert paper_ids_with(lib, "arxiv", "2310.17596") == []
    res = resolution.get_resolution(lib, new_id)
    assert res["status"] == "resolved" and res["evidence"]["review_pick"] == 2
    assert res["score"] == item["candidates"][1]["score"]
    assert not lib.conn.execute("SELECT count(*) FROM review_candidates").fetchone()[0]
    assert resolution.review_items(lib) == []
    with pytest.raises(LookupError, match="no candidate waiting"):
        resolution.accept_candidate(lib, new_id, 1)


def test_accept_by_key(lib, tmp_path):
    pid = _ambiguous(lib, tmp_path)["paper_id"]
    new_id = resolution.accept_candidate(lib, pid, "snapshot:2310.90010")
    assert paper_ids_with(lib, "arxiv", "2310.90010") == [new_id]


def test_reject_drops_every_candidate_for_good(lib, tmp_path):
    item = _ambiguous(lib, tmp_path)
    resolution.reject(lib, item["paper_id"])
    assert resolution.rejected_keys(lib, item["paper_id"]) == {c["key"] for c in item["candidates"]}
    summary = resolve_library(lib, offline=True, force=True)
    assert summary.ambiguous == 0 and resolution.review_items(lib) == []


def test_review_cli_numbers_candidates_and_accepts_one(tmp_path, library_url):
    db = library_url
    with Library(db) as lib:
        pid = _ambiguous(lib, tmp_path)["paper_id"]
    runner = CliRunner()
    listing = runner.invoke(main, ["--db", str(db), "review"])
    assert listing.exit_code == 0, listing.output
    text = listing.output  # a rich table; long cells wrap over lines
    assert " # " in text and "--candidate" in text
    assert text.index("Demonstrations") < text.index("Videos")
    numbers = [line.split("│")[3].strip() for line in text.splitlines() if line.count("│") > 4]
    assert [n for n in numbers if n][:2] == ["1", "2"]
    data = json.loads(runner.invoke(main, ["--db", str(db), "review", "--json"]).output)
    assert [c["index"] for c in data[0]["candidates"]][:2] == [1, 2]
    bad = runner.invoke(main, ["--db", str(db), "review", "accept", pid, "--candidate", "7"])
    assert bad.exit_code == 1 and "its candidates are 1 (snapshot:2310.17596), 2" in bad.output
    ok = runner.invoke(main, ["--db", str(db), "review", "accept", pid, "--candidate", "2"])
    assert ok.exit_code == 0 and "accepted" in ok.output and "candidate 2" in ok.output
    with Library(db) as lib:
        assert len(paper_ids_with(lib, "arxiv", "2310.90010")) == 1
