"""CSL-JSON exports (Zotero, Mendeley, pandoc) and Better BibTeX JSON: each item is one paper.

CSL-JSON is a JSON array of items (`type`, `title`, `author` [{family, given}],
`issued.date-parts`, `DOI`, `URL`, `note`, `abstract`, `container-title`).
Zotero puts the item's "Extra" field in `note`: its `Key: value` lines (and a
bare "arXiv:..." line) are ids and fields, the rest is the reader's note.
Better BibTeX's JSON (`{"items": [...]}`, Zotero field names) carries the
child notes too, as HTML.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath
from typing import Any

from paperdex.errors import MalformedInput
from paperdex.formats.records import identifiers, one_line, paper_block, strip_html, year_of
from paperdex.model import Document, NoteBlock

NAME = "csl-json"
EXTENSIONS = (".json",)

_ARRAY_OF_ITEMS = re.compile(r'\A\ufeff?\s*\[\s*\{', re.S)
_BBT = re.compile(r'\A\ufeff?\s*\{.*"items"\s*:\s*\[.*"itemType"\s*:', re.S)
_EXTRA_LINE = re.compile(r"^\s*([A-Za-z][\w .\-]{1,40}?)\s*:\s*(\S.*)$")
_EXTRA_KEYS = {"citation key", "doi", "arxiv", "pmid", "pmcid", "isbn", "issn", "original-date", "type",
               "publisher-place", "event-place", "status", "accessed", "container-title", "number"}


def detect(path: str, head: str) -> float:
    if _ARRAY_OF_ITEMS.match(head):
        first = head[:3000]  # the first item or two
        has_title = '"title"' in first
        has_csl = any(key in first for key in ('"type"', '"issued"', '"author"', '"container-title"'))
        if has_title and has_csl:
            return 0.85
        return 0.0
    if _BBT.match(head[:20000]):
        return 0.85
    return 0.0


def read(text: str, source: str) -> list[Document]:
    items = _items_with_lines(text, source)
    blocks = []
    errors = []
    for index, (item, line) in enumerate(items):
        if not isinstance(item, dict):
            errors.append(f"item {index + 1} (line {line}): is not an object; skipped")
            continue
        where = f"item {index + 1} (line {line})"
        fields = Fields(item, where, errors)
        block = zotero_item_to_block(fields, line) if "itemType" in item else csl_item_to_block(fields, line)
        if block.title is None and not block.identifiers:
            errors.append(f"{where}: no title and no identifier; skipped")
            continue
        blocks.append(block)
    if not blocks:
        raise MalformedInput(source, "holds no reference items with a title",
                             "check that it is a CSL-JSON export")
    return [
        Document(
            source=source,
            format=NAME,
            title=PurePath(source).name,
            blocks=blocks,
            metadata={"entries": len(blocks), "errors": errors},
        )
    ]


def _items_with_lines(text: str, source: str) -> list[tuple[Any, int]]:
    """The top-level items with the line each starts on (json.loads forgets positions)."""
    text = text.lstrip("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedInput(source, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
                             "re-export it, or check that the file was saved completely") from exc
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        array_start = text.find("[", text.find('"items"'))
        items = data["items"]
    elif isinstance(data, list):
        array_start = text.find("[")
        items = data
    else:
        raise MalformedInput(source, "is JSON but not a list of reference items", "give a CSL-JSON export")
    return list(zip(items, _item_lines(text, array_start, len(items)), strict=True))


def _item_lines(text: str, start: int, count: int) -> list[int]:
    decoder = json.JSONDecoder()
    lines, pos, line, counted = [], start + 1, 1, 0
    for _ in range(count):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        line += text.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            lines.extend([line] * (count - len(lines)))
            break
    return lines


class Fields:
    """An item's values as text, whatever JSON type the exporter wrote; what is not text is reported.

    Crossref-style CSL writes some strings as one-element lists (`"title": ["…"]`), which read
    as their text. An object or a list of objects where text belongs is left out, with its place
    in `problems`, instead of being stored as a Python repr.
    """

    def __init__(self, item: dict[str, Any], where: str, problems: list[str]) -> None:
        self.item = item
        self.where = where
        self.problems = problems

    def get(self, key: str, default: Any = None) -> Any:
        return self.item.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.item

    def text(self, *keys: str) -> str:
        """The first of `keys` that holds text ("" if none does)."""
        for key in keys:
            value = self.item.get(key)
            if value is None or value == "" or value == []:
                continue
            if isinstance(value, str):
                return value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
                return "; ".join(str(v) for v in value if str(v).strip())
            kind = {"dict": "an object", "list": "a list of objects", "bool": "true/false"}.get(
                type(value).__name__, type(value).__name__)
            self.problems.append(f"{self.where}: \"{key}\" is {kind}, expected text; that field left out")
        return ""


def _name(person: dict[str, Any]) -> str | None:
    if person.get("literal"):
        return one_line(str(person["literal"]))
    keys = ("given", "non-dropping-particle", "family", "suffix")
    parts = [person.get(key) for key in keys]
    return one_line(" ".join(str(p) for p in parts if p))


def _csl_year(item: dict[str, Any]) -> int | None:
    for key in ("issued", "original-date", "event-date"):
        date = item.get(key)
        if isinstance(date, dict):
            parts = date.get("date-parts")
            if parts and parts[0]:
                return year_of(parts[0][0])
            year = year_of(date.get("raw") or date.get("literal"))
            if year:
                return year
        elif date:
            return year_of(date)
    return None


def split_extra(note: str) -> tuple[str, dict[str, str], list[str]]:
    """Zotero's Extra field: (the reader's note, known `Key: value` fields, lines naming ids)."""
    kept, fields, id_lines = [], {}, []
    for line in strip_html(note).splitlines():
        match = _EXTRA_LINE.match(line)
        key = match.group(1).strip().lower() if match else ""
        if re.match(r"^\s*arxiv\s*:\s*\S+(\s*\[[\w.\-]+\])?\s*$", line, re.I):
            id_lines.append(line)
        elif match and (key in _EXTRA_KEYS or key.startswith("tex.")):
            fields[key] = match.group(2).strip()
            if key in ("doi", "arxiv"):
                id_lines.append(line)
        else:
            kept.append(line)
    return "\n".join(kept).strip(), fields, id_lines


def _keywords(item: Fields) -> str:
    keywords = item.get("keyword") or item.get("keywords")
    if isinstance(keywords, list):
        return ", ".join(str(k) for k in keywords if isinstance(k, str | int | float))
    return item.text("keyword", "keywords")


def csl_item_to_block(item: Fields, line: int) -> NoteBlock:
    note, extra, id_lines = split_extra(item.text("note"))
    number = item.text("number")
    if number.lower().startswith("arxiv"):
        id_lines.append(number)
    url = item.text("URL")
    fields = {
        "abstract": strip_html(item.text("abstract")),
        "keywords": _keywords(item),
        "entry_type": item.text("type"),
        "citation_key": item.text("citation-key") or extra.get("citation key") or item.text("id"),
        "publisher": item.text("publisher"),
    }
    authors = item.get("author")
    return paper_block(
        title=item.text("title") or None,
        authors=[n for n in (_name(p) for p in (authors if isinstance(authors, list) else [])
                             if isinstance(p, dict)) if n],
        year=_csl_year(item.item),
        venue=item.text("container-title", "event-title", "event") or None,
        ids=identifiers(doi=item.text("DOI") or extra.get("doi") or None,
                        urls=[url] if url else [], texts=id_lines),
        urls=[url] if url else [],
        text=note,
        line=line,
        fields=fields,
    )


def zotero_item_to_block(item: Fields, line: int) -> NoteBlock:
    """A Better BibTeX JSON item: Zotero's own field names, child notes included."""
    extra_note, extra, id_lines = split_extra(item.text("extra"))
    raw_notes = item.get("notes")
    notes = [strip_html(str(n.get("note", ""))) if isinstance(n, dict) else strip_html(str(n))
             for n in (raw_notes if isinstance(raw_notes, list) else [])]
    notes = [n for n in [*notes, extra_note] if n]
    raw_creators = item.get("creators")
    creators = [c for c in (raw_creators if isinstance(raw_creators, list) else []) if isinstance(c, dict)
                and c.get("creatorType", "author") == "author"]
    authors = [one_line(c.get("name") or f"{c.get('firstName', '')} {c.get('lastName', '')}")
               for c in creators]
    url = item.text("url")
    number = item.text("number", "archiveID")
    if number.lower().startswith("arxiv"):
        id_lines.append(number)
    raw_tags = item.get("tags")
    tags = [t.get("tag") if isinstance(t, dict) else t for t in (raw_tags if isinstance(raw_tags, list) else [])]
    venue = item.text("publicationTitle", "proceedingsTitle", "conferenceName")
    fields = {
        "abstract": strip_html(item.text("abstractNote")),
        "keywords": ", ".join(str(t) for t in tags if t),
        "entry_type": item.text("itemType"),
        "citation_key": item.text("citationKey", "citekey") or extra.get("citation key") or "",
        "publisher": item.text("publisher"),
    }
    return paper_block(
        title=item.text("title") or None,
        authors=[a for a in authors if a],
        year=year_of(item.text("date")),
        venue=venue or None,
        ids=identifiers(doi=item.text("DOI") or extra.get("doi") or None,
                        urls=[url] if url else [], texts=id_lines),
        urls=[url] if url else [],
        text="\n\n".join(notes),
        line=line,
        fields=fields,
    )
