"""BibTeX for Zotero, JabRef and LaTeX: one entry per paper, arXiv eprint fields, the notes in `annote`.

Written with bibtexparser v2's writer. Choices, checked against the importers:
- arXiv papers are `@misc` with `eprint`, `archivePrefix = {arXiv}` and
  `primaryClass` when known (arXiv's own export; biblatex reads `archivePrefix`
  as `eprinttype`); papers with a venue are `@inproceedings` with `booktitle`.
- All notes of a paper go in one `annote` field (a field may appear once per
  entry); Zotero's BibTeX translator imports `annote` as a child note and
  `keywords` (comma-separated) as tags, so sections become tags.
- Values are UTF-8 in braces, not LaTeX-encoded: Zotero, JabRef and biber
  read UTF-8, and Chinese notes have no LaTeX spelling. Unbalanced braces in
  a note are escaped (`\\{`) so the file still parses.
"""

from __future__ import annotations

import re
from typing import TextIO

import bibtexparser
from bibtexparser.model import Entry, Field

from paperdex.export import citekeys
from paperdex.export.common import papers_with_notes, real_link, sections_of
from paperdex.export.options import ExportOptions
from paperdex.library.db import Library
from paperdex.library.store import iter_papers
from paperdex.model import Note, Paper

NAME = "bibtex"
SUFFIX = ".bib"
HELP = "BibTeX for Zotero/JabRef/LaTeX (citekeys author-year-word, arXiv eprint fields, notes in annote)"
MULTI_FILE = False


def braces_balanced(text: str) -> bool:
    depth = 0
    escaped = False
    for ch in text:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def braced(value: str) -> str:
    """A BibTeX field value in braces that every parser reads back whole."""
    if not braces_balanced(value):
        value = value.replace("\\{", "{").replace("\\}", "}").replace("{", "\\{").replace("}", "\\}")
    return "{" + value + "}"


def format_note(note: Note) -> str:
    """One note as annote text: a header line (reader, section, source), the text, the thoughts."""
    head = [f"reader: {note.reader}" if note.reader else None,
            f"section: {note.section}" if note.section else None,
            f"source: {note.source}"]
    lines = ["[" + "; ".join(h for h in head if h) + "]"]
    if note.text.strip():
        lines.append(note.text.strip())
    lines += [f"Thought: {t}" for t in note.thoughts]
    lines += [f"Quote: {q}" for q in note.quotes]
    return "\n".join(lines)


def annote(paper: Paper) -> str:
    return "\n\n".join(format_note(n) for n in paper.notes)


def tex_dashes(text: str) -> str:
    """'--' stays two hyphens: TeX (and BibTeX readers decoding TeX) would print an en dash."""
    return re.sub(r"-(?=-)", "-{}", text)


def bibtex_author(author: str) -> str:
    """'Fu, Z.' stays; names BibTeX would split wrongly (organisations with 'and') get braces."""
    return "{" + author + "}" if " and " in author.lower() else author


def entry_for(paper: Paper, key: str) -> Entry:
    arxiv = paper.arxiv_id
    fields: list[tuple[str, str | None]] = [
        ("author", " and ".join(bibtex_author(a) for a in paper.authors) or None),
        ("title", tex_dashes(paper.title or "Untitled")),
        ("year", str(paper.year) if paper.year else None),
        ("booktitle", paper.venue),
        ("eprint", arxiv),
        ("archivePrefix", "arXiv" if arxiv else None),
        ("primaryClass", primary_class(paper) if arxiv else None),
        ("doi", paper.doi),
        ("url", real_link(paper)),
        ("keywords", ", ".join(sections_of(paper)) or None),
        ("annote", annote(paper) or None),
    ]
    entry_type = "inproceedings" if paper.venue and paper.venue.split()[0] != "arXiv" else "misc"
    if entry_type == "misc" and paper.venue:
        fields = [(k, v) for k, v in fields if k != "booktitle"]
    return Entry(entry_type, key, [Field(k, braced(v)) for k, v in fields if v])


def primary_class(paper: Paper) -> str | None:
    """The arXiv category when a resolver recorded it (resolution evidence), else None."""
    info = paper.resolution or {}
    value = info.get("primary_class") or info.get("primaryClass") or info.get("category")
    return value if isinstance(value, str) and value else None


def render(papers: list[Paper], keys: dict[str, str]) -> str:
    lib = bibtexparser.Library()
    for paper in sorted(papers, key=lambda p: (keys[p.id], p.id)):
        lib.add(entry_for(paper, keys[paper.id]))
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"
    # No unparse middleware: values are already braced (and escaped) by `braced`.
    return bibtexparser.write_string(lib, unparse_stack=[], bibtex_format=fmt)


def export(lib: Library, out: TextIO, options: ExportOptions | None = None) -> int:
    options = options or ExportOptions()
    # Keys are assigned over the whole library so a filtered export cites the same keys.
    keys = citekeys.assign(iter_papers(lib))
    papers = papers_with_notes(iter_papers(lib, options.filter), options.filter)
    out.write(render(papers, keys))
    return len(papers)
