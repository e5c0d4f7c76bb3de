"""JSON Lines: one object per paper, untitled note or paper-less document; the contract other tools read.

    {"kind": "paper", "id", "title", "year", "arxiv_id", "doi", "urls", "notes": [...]}
    {"kind": "note", "id", "title": null, "text", "source", ...}       (a note whose paper is unknown)
    {"kind": "document", "id", "title", "source", "notes": [...]}      (lecture notes)

Keys are sorted and lines ordered by id, so the same library gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from paperdex.export.options import ExportOptions
from paperdex.library.db import Library
from paperdex.library.store import iter_paperless, iter_papers
from paperdex.model import Note, Paper

NAME = "jsonl"
SUFFIX = ".jsonl"
HELP = "one JSON object per paper/document (the stable contract)"
MULTI_FILE = False


def note_dict(note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "source": note.source,
        "reader": note.reader,
        "section": note.section,
        "title": note.title,
        "text": note.text,
        "thoughts": note.thoughts,
        "quotes": note.quotes,
        "marks": note.marks,
        "flags": note.flags,
        "references": note.references,
        "urls": note.urls,
        "year": note.year,
        "venue": note.venue,
        "authors": note.authors,
        "line": note.line,
        "date": note.date,
        "language": note.language,
    }


def paper_dict(paper: Paper) -> dict[str, Any]:
    return {
        "kind": "paper",
        "id": paper.id,
        "title": paper.title,
        "year": paper.year,
        "venue": paper.venue,
        "authors": paper.authors,
        "abstract": paper.abstract,
        "arxiv_id": paper.arxiv_id,
        "doi": paper.doi,
        "identifiers": {i.scheme: i.value for i in paper.identifiers},
        "urls": paper.urls,
        "notes": [note_dict(n) for n in paper.notes],
    }


def records(lib: Library, options: ExportOptions | None = None) -> list[dict[str, Any]]:
    options = options or ExportOptions()
    out: list[dict[str, Any]] = [paper_dict(p) for p in iter_papers(lib, options.filter)]
    for doc in iter_paperless(lib, options.filter):
        untitled = [n for n in doc.notes if n.kind == "note"]
        sections = [n for n in doc.notes if n.kind != "note"]
        for note in untitled:
            out.append({"kind": "note", "arxiv_id": None, **note_dict(note)})
        if sections:
            out.append({"kind": "document", "id": f"d{doc.id}", "title": doc.title, "arxiv_id": None,
                        "source": doc.source, "reader": doc.reader, "format": doc.format,
                        "notes": [note_dict(n) for n in sections]})
    out.sort(key=lambda r: ({"paper": 0, "note": 1, "document": 2}[r["kind"]], r["id"]))
    return out


def export(lib: Library, out: TextIO, options: ExportOptions | None = None) -> int:
    count = 0
    for record in records(lib, options):
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count
