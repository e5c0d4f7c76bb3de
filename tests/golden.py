"""Golden files: compare output with the reviewed copy beside the tests, or rewrite it.

A normal run compares; PAPERDEX_REGEN_GOLDEN=1 rewrites the files, and the diff
(`git diff tests/`) is what a reviewer reads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def regenerating() -> bool:
    return os.environ.get("PAPERDEX_REGEN_GOLDEN") == "1"


def check_text(path: Path, text: str) -> None:
    """`text` must equal the golden file at `path`."""
    if regenerating():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} missing; run with PAPERDEX_REGEN_GOLDEN=1 and review the diff"
    assert text == path.read_text(encoding="utf-8"), \
        f"{path.name} differs from its golden file (PAPERDEX_REGEN_GOLDEN=1 to accept, then review the diff)"


def check_records(path: Path, records: list[dict]) -> None:
    """Records (one dict per block) must equal the golden JSON list; a mismatch names the first differing line."""
    if regenerating():
        check_text(path, json.dumps(records, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
        return
    assert path.exists(), f"{path} missing; run with PAPERDEX_REGEN_GOLDEN=1 and review the diff"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert len(records) == len(expected), f"{path.stem}: {len(records)} blocks, golden has {len(expected)}"
    for got, want in zip(records, expected, strict=True):
        assert got == want, f"{path.stem}: block at line {want.get('line')} differs: {got} != {want}"
