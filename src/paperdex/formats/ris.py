"""RIS exports (Zotero, EndNote, Mendeley, publisher pages): each record is one paper with its notes.

Parsed with rispy. A record's notes are its `N1` lines (Zotero writes one per
child note, as HTML) and EndNote's research notes (`RN`); each becomes a note
of the paper, attributed to the reader given with `--reader` (RIS does not say
who wrote them). A note written by paperdex's own exporter (export/ris.py: one
line of HTML opening with the `[reader: …; section: …; source: …]` header)
comes back exactly, with its reader, section, thoughts and quotes.

Continuation lines (a multi-line EndNote note) join the value they continue
instead of becoming a new note, as rispy would make them.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import PurePath
from typing import Any

from paperdex.errors import MalformedInput
from paperdex.formats.bibtex import paperdex_notes
from paperdex.formats.records import identifiers, paper_block, strip_html, year_of
from paperdex.model import Document, NoteBlock

NAME = "ris"
EXTENSIONS = (".ris",)

_START = re.compile(r"\A\ufeff?\s*(?:\d+\.\s*\n\s*)?TY  - ", re.S)
_ID_TEXT = re.compile(r"arxiv\s*:\s*\S+", re.I)


def detect(path: str, head: str) -> float:
    if path.lower().endswith(EXTENSIONS):
        return 0.9
    return 0.85 if _START.match(head) and "\nER  -" in head[:20000] else 0.0


def _parser() -> Any:
    import rispy

    class Parser(rispy.RisParser):
        """rispy's parser, but a continuation line of a list tag (N1) extends its last value."""

        def _add_tag(self, record: dict, tag: str, content: str, extend_multiline: bool = False) -> None:
            name = self.mapping.get(tag)
            if extend_multiline and tag in self.list_tags and isinstance(record.get(name), list) \
                    and record[name]:
                record[name][-1] += "\n" + content
                return
            super()._add_tag(record, tag, content, extend_multiline)

    return Parser(skip_unknown_tags=True)


def read(text: str, source: str) -> list[Document]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    records = _parser().parse(text)
    blocks: list[NoteBlock] = []
    errors: list[str] = []
    starts = [i + 1 for i, line in enumerate(text.split("\n")) if line.startswith("TY  - ")]
    for index, record in enumerate(records):
        line = starts[index] if index < len(starts) else 1
        block = record_to_block(record, line)
        if block.title is None and not block.identifiers:
            errors.append(f"record {index + 1} (line {line}): no title and no identifier")
            continue
        blocks += split_notes(block, record)
    if not blocks:
        raise MalformedInput(source, "holds no RIS records with a title",
                             "check that it is a RIS export (lines like 'TY  - JOUR' ... 'ER  - ')")
    return [Document(source=source, format=NAME, title=PurePath(source).name, blocks=blocks,
                     metadata={"entries": len(records) - len(errors), "errors": errors})]


def _first(record: dict, *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value and str(value).strip():
            return str(value).strip()
    return None


def ris_name(name: str) -> str:
    """RIS `Last, First[, Suffix]` as 'First Last'; a name without a comma stays as it is."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) >= 2 and parts[0] and parts[1]:
        return " ".join([parts[1], parts[0], *parts[2:]]).strip()
    return name.strip()


def record_to_block(record: dict, line: int) -> NoteBlock:
    urls = [u.strip() for u in record.get("urls") or [] if u.strip()]
    doi = _first(record, "doi")
    id_texts = [t for key in ("accession_number", "note", "custom1", "type_of_work")
                for t in _ID_TEXT.findall(str(record.get(key) or ""))]
    authors = [ris_name(a) for a in (record.get("authors") or []) + (record.get("first_authors") or [])]
    fields = {
        "abstract": strip_html(_first(record, "abstract", "notes_abstract") or ""),
        "keywords": ", ".join(k.strip() for k in record.get("keywords") or [] if k.strip()),
        "entry_type": _first(record, "type_of_reference") or "",
        "citation_key": _first(record, "id") or "",
        "publisher": _first(record, "publisher") or "",
        "language": _first(record, "language") or "",
    }
    return paper_block(
        title=_first(record, "title", "primary_title", "translated_title"),
        authors=list(dict.fromkeys(a for a in authors if a)),
        year=year_of(_first(record, "year", "publication_year", "date")),
        venue=_first(record, "secondary_title", "journal_name", "alternate_title3", "alternate_title1",
                     "alternate_title2"),
        ids=identifiers(doi=doi, urls=urls, texts=id_texts),
        urls=urls,
        text="",
        line=line,
        fields=fields,
    )


def decode_note(value: str) -> str:
    """A one-line HTML note as export/ris.py writes it, back to its text (`<br>` -> newline)."""
    return html.unescape(value.replace("<br>", "\n"))


def split_notes(block: NoteBlock, record: dict) -> list[NoteBlock]:
    """One block per note of the record; the paper alone when it has none."""
    out = []
    for raw in [*(record.get("notes") or []), *_as_list(record.get("research_notes"))]:
        if not raw.strip():
            continue
        ours = paperdex_notes(decode_note(raw), tex=False) if "\n" not in raw else []
        parts = ours or [{"text": strip_html(raw).strip()}]
        out += [replace(block, identifiers=list(block.identifiers), urls=list(block.urls),
                        authors=list(block.authors), fields=dict(block.fields), **part) for part in parts]
    return out or [block]


def _as_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []
