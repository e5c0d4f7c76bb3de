"""Markdown notes: GitHub READMEs, Jekyll/Hugo posts, Obsidian/Notion pages.

Front matter (YAML between `---` lines, or TOML between `+++` for Hugo) is
lifted into metadata; title, date, author/reader and ids in it are used by the
segmenter (an Obsidian note with `arxiv:` in its front matter is one paper).
"""

from __future__ import annotations

import re
import tomllib

from paperdex.formats import yaml_text
from paperdex.formats.bibtex import pasted_entries
from paperdex.model import Document

NAME = "markdown"
EXTENSIONS = (".md", ".markdown", ".mdown", ".mkd", ".mdx")

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n(.*?)\r?\n\1[ \t]*(?:\r?\n|\Z)", re.S)
_MD_HINTS = re.compile(r"^(#{1,6} |\s*[-*+] \[|\s*[-*+] |\[.+\]\(.+\))", re.M)


def detect(path: str, head: str) -> float:
    if path.lower().endswith(EXTENSIONS):
        return 0.6
    if _FRONT_MATTER.match(head):
        return 0.5
    hits = len(_MD_HINTS.findall(head[:4000]))
    return 0.3 if hits >= 3 else 0.0


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """(metadata, body, number of lines the front matter took)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, 0
    raw = match.group(2)
    meta: object
    try:
        meta = yaml_text.safe_load(raw) if match.group(1) == "---" else tomllib.loads(raw)
    except (yaml_text.YAMLError, tomllib.TOMLDecodeError):
        return {}, text, 0
    if not isinstance(meta, dict):
        return {}, text, 0
    consumed = text[: match.end()]
    return meta, text[match.end():], consumed.count("\n")


def _first_heading(text: str) -> str | None:
    for line in text.splitlines():
        m = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
        if m:
            return m.group(1)
    return None


def _as_str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or None
    return str(value)


def read(text: str, source: str) -> list[Document]:
    meta, body, offset = split_front_matter(text)
    title = _as_str(meta.get("title")) or _first_heading(body)
    reader = _as_str(meta.get("reader") or meta.get("author"))
    date = _as_str(meta.get("date"))
    body, pasted = pasted_entries(body, source)
    return [
        Document(
            source=source,
            format=NAME,
            text=body,
            title=title,
            reader=reader,
            date=date,
            metadata={str(k): v for k, v in meta.items()},
            line_offset=offset,
        ),
        *_pasted_document(pasted, source, offset),
    ]


def _pasted_document(blocks: list, source: str, offset: int) -> list[Document]:
    """BibTeX entries pasted into the note, as a document of their own (see bibtex.pasted_entries)."""
    for block in blocks:
        block.line += offset
    return [Document(source=source, format="bibtex", text="", blocks=blocks)] if blocks else []
