"""Every field of every block extracted from the dev set, one JSON line each: the guard of speed work.

A change meant only to make extraction faster must leave this dump byte-identical
(`cmp before.jsonl after.jsonl`). It reads the same files as bench/extract.py plus
the shipped `examples/`, in a fixed order, and writes each document's fields and its
blocks as `segment.segment` returns them, or the error a file ends in.

    python bench/extract_dump.py OUT.jsonl [FOLDER ...]   # default: ../shared/corpora, ../shared/seeds, examples
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from paperdex import extract, segment
from paperdex.errors import PaperdexError
from paperdex.formats import walk
from paperdex.formats.load import load_path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_FOLDERS = [SHARED / "corpora", SHARED / "seeds", ROOT / "examples"]


def _relative(path: Path) -> str:
    """A path without the checkout's location, so two worktrees' dumps compare equal."""
    for base in (ROOT, SHARED):
        if path.is_relative_to(base):
            return f"{base.name if base == SHARED else '.'}/{path.relative_to(base)}"
    return str(path)


def _plain(value):
    """JSON-ready form of a dataclass field, with sources made relative."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def records(folders: list[str]):
    """One dict per document (its fields without the text) and per block, in a fixed order."""
    paths = sorted({path for _s, path, error in walk.expand(folders) if error is None and path is not None})
    extract.clear_caches()
    for path in paths:
        name = _relative(path)
        try:
            loaded = load_path(path, str(path))
            for d, doc in enumerate(loaded.documents):
                fields = _plain(doc)
                fields.pop("text", None)
                fields["source"] = name
                fields["blocks"] = fields["posts"] = None
                yield {"file": name, "doc": d, "format": loaded.format, "document": fields}
                for b, block in enumerate(segment.segment(doc)):
                    yield {"file": name, "doc": d, "block": b, **_plain(block)}
        except PaperdexError as exc:
            yield {"file": name, "error": type(exc).__name__, "message": str(exc).replace(str(path), name)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("folders", nargs="*", default=[str(p) for p in DEFAULT_FOLDERS])
    args = ap.parse_args()
    count = 0
    with args.out.open("w", encoding="utf-8") as fh:
        for rec in records(args.folders):
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True, default=str) + "\n")
            count += 1
    print(f"{count} records written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
