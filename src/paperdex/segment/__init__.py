"""Cut a Document into NoteBlocks: one per paper, as a careful human reader would.

Notes come in shapes (a README bullet list, a blog of title lines with
`- key: value` fields, a Lark export, Telegram posts...). Each shape module
exposes NAME, `score(doc) -> float` (how well the document fits, 0..1) and
`segment(doc) -> list[NoteBlock]`. The best-scoring shape cuts the document;
below MIN_SCORE the document holds no paper list and stays one searchable
document (lecture notes). Everything here is pure: strings in, blocks out.
"""

from __future__ import annotations

from types import ModuleType

from paperdex.errors import UsageError
from paperdex.model import Document, NoteBlock
from paperdex.plugins import load_modules
from paperdex.segment.language import detect_language

# Explicit order breaks ties: more specific shapes first.
SHAPE_MODULES: tuple[str, ...] = (
    "paperdex.segment.single_note",
    "paperdex.segment.lark",
    "paperdex.segment.telegram",
    "paperdex.segment.readme_list",
    "paperdex.segment.title_fields",
)
MIN_SCORE = 0.2


def shapes() -> list[ModuleType]:
    return load_modules(SHAPE_MODULES)


def shape_names() -> list[str]:
    return [m.NAME for m in shapes()] + ["document"]


def choose_shape(doc: Document) -> tuple[ModuleType | None, float]:
    best, best_score = None, 0.0
    for module in shapes():
        score = module.score(doc)
        if score > best_score:
            best, best_score = module, score
    if best_score < MIN_SCORE:
        return None, best_score
    return best, best_score


def segment(doc: Document, shape: str | None = None) -> list[NoteBlock]:
    """NoteBlocks of a document; `shape` forces one by name."""
    if doc.blocks is not None:
        blocks = list(doc.blocks)
    elif doc.posts is not None:
        from paperdex.segment import telegram

        blocks = telegram.segment_posts(doc)
    else:
        if shape == "document":
            module = None
        elif shape:
            matches = [m for m in shapes() if m.NAME == shape]
            if not matches:
                raise UsageError(f"unknown shape {shape!r}; known shapes: {', '.join(shape_names())}")
            module = matches[0]
        else:
            module, _ = choose_shape(doc)
        blocks = module.segment(doc) if module is not None else []
        if not any(b.kind in ("paper", "note") for b in blocks):
            from paperdex.segment import document

            blocks = document.segment(doc)
    return [_finish(block, doc) for block in blocks]


def _finish(block: NoteBlock, doc: Document) -> NoteBlock:
    """Fill what a block inherits from its document."""
    if block.reader is None:
        block.reader = doc.reader
    if block.date is None and doc.date is not None and block.kind == "document":
        block.date = doc.date
    if block.language is None:
        block.language = detect_language(" ".join(filter(None, [block.text, *block.thoughts])) or block.title or "")
    return block
