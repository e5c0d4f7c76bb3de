"""A document with no paper list (lecture notes): one block per top-level section, kept searchable."""

from __future__ import annotations

import re

from paperdex.model import Document, NoteBlock

_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")


def segment(doc: Document) -> list[NoteBlock]:
    """Sections split at `#`..`###` headings; text before the first heading is the intro."""
    blocks: list[NoteBlock] = []
    section: str | None = None
    start = 1
    buf: list[str] = []

    def flush() -> None:
        text = "\n".join(buf).strip()
        if text:
            blocks.append(
                NoteBlock(kind="document", title=doc.title, section=section, text=text,
                          line=start + doc.line_offset)
            )

    in_code = False
    for number, line in enumerate(doc.text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        match = None if in_code else _HEADING.match(line)
        if match:
            flush()
            section, start, buf = match.group(2), number, []
            continue
        buf.append(line)
    flush()
    if not blocks and doc.text.strip():
        blocks.append(NoteBlock(kind="document", title=doc.title, text=doc.text.strip(), line=1 + doc.line_offset))
    return blocks
