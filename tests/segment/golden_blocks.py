"""Golden files for segmenters: a compact, reviewable summary of NoteBlocks; PAPERDEX_REGEN_GOLDEN=1 rewrites them."""

from __future__ import annotations

from pathlib import Path

from paperdex.model import NoteBlock
from tests.golden import check_records

GOLDEN = Path(__file__).resolve().parent / "golden"


def summarize(block: NoteBlock) -> dict:
    """What a reviewer checks for one block: kind, title, ids, facts, and where its text starts."""
    out: dict = {"line": block.line, "kind": block.kind, "title": block.title}
    if block.identifiers:
        out["identifiers"] = [i.key for i in block.identifiers]
    for name in ("authors", "marks", "flags", "references"):
        value = getattr(block, name)
        if value:
            out[name] = list(value)
    for name in ("year", "venue", "date", "reader"):
        value = getattr(block, name)
        if value is not None:
            out[name] = value
    if block.thoughts:
        out["thoughts"] = len(block.thoughts)
    fields = {k: v for k, v in sorted(block.fields.items()) if k != "citation"}
    if fields:
        out["fields"] = fields
    out["text_start"] = " ".join(block.text.split())[:70]
    return out


def check_golden(name: str, blocks: list[NoteBlock]) -> None:
    """Compare with golden/<name>.json, or write it when PAPERDEX_REGEN_GOLDEN=1."""
    check_records(GOLDEN / f"{name}.json", [summarize(b) for b in blocks])
