"""Shared by the bibliography formats (BibTeX, CSL-JSON): one reference record -> one paper NoteBlock."""

from __future__ import annotations

import html
import re

from paperdex.ids import find_identifiers, identifier_from_url, normalize_arxiv
from paperdex.model import Identifier, NoteBlock

_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|blockquote|tr|pre)\b[^>]*>", re.I)
_LOOKS_HTML = re.compile(r"</?(?:p|div|br|span|li|ul|ol|h[1-6]|b|i|em|strong|a|blockquote|pre|code)\b[^>]*>",
                         re.I)


def strip_html(text: str) -> str:
    """Zotero's rich-text notes as plain text: block tags become line breaks, entities are decoded."""
    if not _LOOKS_HTML.search(text):
        return text
    text = re.sub(r"<li\b[^>]*>(?:\s*<p\b[^>]*>)?", "\n- ", text, flags=re.I)
    text = _BLOCK_TAG.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def one_line(text: str | None) -> str | None:
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def identifiers(*, doi: str | None = None, arxiv: str | None = None, urls: list[str] | tuple[str, ...] = (),
                texts: list[str] | tuple[str, ...] = ()) -> list[Identifier]:
    """The record's own identifiers, in order, without duplicates.

    `texts` are fields that name the paper itself (a Google Scholar journal of
    "arXiv preprint arXiv:2310.13227", Zotero's note "arXiv:1706.03762 [cs]"),
    never the note text, whose ids are other papers.
    """
    found: list[Identifier] = []
    if arxiv:
        value = normalize_arxiv(arxiv)
        if value:
            found.append(Identifier("arxiv", value))
    if doi:
        # Through find_identifiers so that arXiv's own DOIs (10.48550/arXiv.X) also give the arXiv id.
        found.extend(find_identifiers(f"doi:{doi.strip()}"))
    for url in urls:
        ident = identifier_from_url(url)
        if ident:
            found.append(ident)
    for text in texts:
        found.extend(find_identifiers(text))
    return list(dict.fromkeys(found))


def year_of(value: object) -> int | None:
    match = re.search(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)", str(value or ""))
    return int(match.group(1)) if match else None


def paper_block(*, title: str | None, authors: list[str], year: int | None, venue: str | None,
                ids: list[Identifier], urls: list[str], text: str, line: int,
                fields: dict[str, str]) -> NoteBlock:
    return NoteBlock(
        kind="paper",
        title=one_line(title),
        text=text.strip(),
        identifiers=ids,
        urls=list(dict.fromkeys(u for u in urls if u)),
        year=year,
        venue=one_line(venue),
        authors=[a for a in authors if a],
        line=line,
        reader=None,
        fields={k: v for k, v in fields.items() if v},
    )
