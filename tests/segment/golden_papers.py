"""Golden files for the list, blog and single-note shapes: one line of facts per paper block.

A normal run compares; PAPERDEX_REGEN_GOLDEN=1 rewrites the files (review the diff before keeping it).
"""

from __future__ import annotations

from pathlib import Path

from paperdex.model import NoteBlock
from tests.golden import check_records

GOLDEN = Path(__file__).resolve().parent / "golden"


def paper_facts(block: NoteBlock) -> dict:
    """What a reader checks per block: title, identifiers, year, section (and a few more facts when set)."""
    out: dict = {
        "line": block.line,
        "kind": block.kind,
        "title": block.title,
        "identifiers": [i.key for i in block.identifiers],
        "year": block.year,
        "section": block.section,
    }
    for name in ("venue", "date"):
        if getattr(block, name) is not None:
            out[name] = getattr(block, name)
    for name in ("marks", "authors", "references"):
        if getattr(block, name):
            out[name] = list(getattr(block, name))
    if block.thoughts:
        out["thoughts"] = len(block.thoughts)
    if block.quotes:
        out["quotes"] = len(block.quotes)
    return out


def check_golden(name: str, facts: list[dict]) -> None:
    check_records(GOLDEN / f"{name}.json", facts)
