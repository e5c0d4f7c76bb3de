"""Shared by the export tests: a library of the five seeds, golden-file comparison, round trips."""

from __future__ import annotations

import json
import os
from pathlib import Path

from paperdex import importer
from paperdex.export.jsonl import records
from paperdex.library.db import Library
from tests.golden import check_text

GOLDEN = Path(__file__).parent / "golden"


def build_library(db: Path | str, inputs: list[str], cwd: Path | None = None) -> Library:
    """Import `inputs` (paths relative to `cwd`, so sources in exports do not name this machine)."""
    lib = Library(db)
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        summary = importer.add(lib, inputs, max_bytes=10**8)
    finally:
        os.chdir(old)
    assert not summary.failures, summary.failures
    return lib


def check_golden(name: str, text: str) -> None:
    """Compare with golden/<name>; PAPERDEX_REGEN_GOLDEN=1 rewrites it instead."""
    check_text(GOLDEN / name, text)


def tree_text(files: dict[str, str]) -> str:
    """A folder export as one reviewable text: each file under a `=== path ===` line."""
    return "".join(f"=== {path} ===\n{text}" + ("" if text.endswith("\n") or not text else "\n")
                   for path, text in sorted(files.items()))


def papers_by_id(lib: Library) -> dict[str, dict]:
    return {r["id"]: r for r in records(lib) if r["kind"] == "paper"}


def squash(text: str) -> str:
    """Text with blank lines and indentation dropped: Markdown lists cannot keep them."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def note_keys(paper: dict, *, reader: bool = True) -> list[tuple]:
    return sorted((n["section"] or "", squash(n["text"]), tuple(n["thoughts"]), tuple(n["quotes"]),
                   (n["reader"] or "") if reader else "") for n in paper["notes"])


def exact_notes(paper: dict) -> list[tuple]:
    """Everything a note says, unnormalised: an exact round trip gives back these tuples."""
    return sorted((n["section"] or "", n["text"], tuple(n["thoughts"]), tuple(n["quotes"]), n["reader"] or "")
                  for n in paper["notes"])


def assert_round_trip(before: dict[str, dict], after: dict[str, dict]) -> None:
    """Same paper ids, titles and arXiv ids, and every note with the same text, thoughts, quotes,
    section and reader."""
    assert set(after) == set(before)
    for pid, paper in before.items():
        back = after[pid]
        assert (back["title"], back["arxiv_id"]) == (paper["title"], paper["arxiv_id"])
        assert exact_notes(back) == exact_notes(paper), paper["title"]


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
