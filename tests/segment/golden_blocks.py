"""Golden files for segmenters: a compact, reviewable summary of NoteBlocks; PAPERDEX_REGEN_GOLDEN=1 rewrites them."""

from __future__ import annotations

import json
import os
from pathlib import Path

from paperdex.model import NoteBlock

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
    path = GOLDEN / f"{name}.json"
    actual = [summarize(b) for b in blocks]
    if os.environ.get("PAPERDEX_REGEN_GOLDEN") == "1":
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
    assert path.exists(), f"{path} missing; run with PAPERDEX_REGEN_GOLDEN=1 and review the diff"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert len(actual) == len(expected), f"{name}: {len(actual)} blocks, golden has {len(expected)}"
    for got, want in zip(actual, expected, strict=True):
        assert got == want, f"{name}: block at line {want.get('line')} differs"
