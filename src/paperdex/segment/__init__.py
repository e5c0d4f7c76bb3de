"""Cut a Document into NoteBlocks: one per paper, as a careful human reader would.

Free text goes to the structural extractor (`paperdex.extract`), which reads
the document's tree and decides entries from evidence. Exports whose records
say where one note ends keep their record readers here: Telegram posts (a
channel's web preview or a Desktop export) and Lark/Feishu item lists with
`[arxiv][website]` tag runs and APA citation blocks, a blog's title lines with
`- arxiv:` field lists (title_fields), and paperdex's own vault notes and Markdown digests
(single_note, readme_list: exact round trips of its exports); each exposes NAME,
`score(doc) -> float` and `segment(doc)`, and is used only when its record
markers are unmistakable (RECORD_SCORE). Everything here is pure.
"""

from __future__ import annotations

from types import ModuleType

from paperdex import extract
from paperdex.errors import UsageError
from paperdex.extract.blocks import year_of_arxiv
from paperdex.model import Document, NoteBlock
from paperdex.plugins import load_modules
from paperdex.segment.language import detect_language

# Explicit order breaks ties: more specific shapes first.
SHAPE_MODULES: tuple[str, ...] = (
    "paperdex.segment.single_note",
    "paperdex.segment.readme_list",
    "paperdex.segment.lark",
    "paperdex.segment.telegram",
    "paperdex.segment.title_fields",
)
RECORD_SCORE = 0.5


def shapes() -> list[ModuleType]:
    return load_modules(SHAPE_MODULES)


def shape_names() -> list[str]:
    return [m.NAME for m in shapes()] + ["structure", "document"]


def choose_shape(doc: Document) -> tuple[ModuleType | None, float]:
    best, best_score = None, 0.0
    for module in shapes():
        score = module.score(doc)
        if score > best_score:
            best, best_score = module, score
    if best_score < RECORD_SCORE:
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
        if shape in ("document", "structure"):
            module = None
        elif shape:
            matches = [m for m in shapes() if m.NAME == shape]
            if not matches:
                raise UsageError(f"unknown shape {shape!r}; known shapes: {', '.join(shape_names())}")
            module = matches[0]
        else:
            module, _ = choose_shape(doc)
        if shape == "document":
            blocks = extract.document_blocks(doc)
        elif module is not None:
            blocks = module.segment(doc)
        else:
            blocks = extract.extract(doc)
        if not any(b.kind in ("paper", "note") for b in blocks) and module is not None:
            blocks = extract.extract(doc)
    return [_finish(block, doc) for block in blocks]


def _finish(block: NoteBlock, doc: Document) -> NoteBlock:
    """Fill what a block inherits from its document."""
    if block.reader is None:
        block.reader = doc.reader
    if block.date is None and doc.date is not None and block.kind == "document":
        block.date = doc.date
    if block.year is None:
        block.year = year_of_arxiv(block)
    if block.language is None:
        block.language = detect_language(" ".join(filter(None, [block.text, *block.thoughts])) or block.title or "")
    return block

