"""The `snapshot import`, `resolve` and `review` commands through the real CLI group."""

from __future__ import annotations

import json

from click.testing import CliRunner

from paperdex.cli import main
from paperdex.library.db import Library
from paperdex.model import NoteBlock
from tests.resolve.conftest import SEED_SNAPSHOT, add_blocks


def test_snapshot_resolve_and_review_commands(tmp_path, library_url):
    db = library_url
    with Library(db) as lib:
        add_blocks(lib, "n.md", [NoteBlock(title="Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks",
                                           year=2017),
                                 NoteBlock(title="Neural MP: A Generalist Neural Motion Planner", year=2019)])
    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(db), "snapshot", "import", str(SEED_SNAPSHOT)])
    assert result.exit_code == 0, result.output
    assert "read 15 records, wrote 15" in result.output
    # PAPERDEX_OFFLINE=1 in tests: one clear line, then the snapshot resolves what it can.
    result = runner.invoke(main, ["--db", str(db), "resolve", "--json"])
    assert result.exit_code == 0, result.output
    assert "offline (PAPERDEX_OFFLINE=1): skipping arXiv" in result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert (summary["resolved"], summary["ambiguous"], summary["requests"]) == (1, 1, 0)
    result = runner.invoke(main, ["--db", str(db), "review", "--json"])
    [item] = json.loads(result.output)
    assert item["candidate"]["raw_id"] == "2409.05864"
    result = runner.invoke(main, ["--db", str(db), "review", "accept", item["paper_id"]])
    assert result.exit_code == 0 and "accepted" in result.output
    result = runner.invoke(main, ["--db", str(db), "review", "reject", item["paper_id"]])
    assert result.exit_code == 1 and "no candidate waiting for review" in result.output
    result = runner.invoke(main, ["--db", str(db), "resolve", "--provider", "nope"])
    assert result.exit_code == 2
