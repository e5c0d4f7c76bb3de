"""BibTeX for Zotero, JabRef, pandoc and LaTeX: one entry per paper, arXiv eprint fields, notes in `annote`.

Written with bibtexparser v2's writer; checked by reading the file back with
pybtex and pandoc (tests/export). Choices, checked against the importers:
- Every text value goes through export/tex.py `escape`: LaTeX specials
  escaped, math kept as math, UTF-8 kept (one rule, docs/exports.md). An
  unescaped `%` makes pandoc cut the field there, and a stray brace ends the
  entry early. `url` and `doi` are verbatim fields for biber, pandoc and
  hyperref: written as they are. The title is braced twice so that no style
  (nor pandoc) changes its case.
- arXiv papers are `@misc` with `eprint`, `archivePrefix = {arXiv}` and
  `primaryClass` when known (arXiv's own export; biblatex reads `archivePrefix`
  as `eprinttype`); papers with a venue are `@inproceedings` with `booktitle`.
- `author` is `Last, First and ...`; a name that is one unit (an
  organisation, a Chinese name) is braced so no style splits or reorders it.
- All notes of a paper go in one `annote` field (a field may appear once per
  entry); Zotero's BibTeX translator imports `annote` as a child note and
  `keywords` (comma-separated) as tags, so sections become tags.
  `--no-notes` leaves them out.
"""

from __future__ import annotations

from typing import TextIO

import bibtexparser
from bibtexparser.model import Entry, Field

from paperdex.export import citekeys
from paperdex.export.common import papers_with_notes, real_link, sections_of, split_name
from paperdex.export.options import ExportOptions
from paperdex.export.tex import escape
from paperdex.library.db import Library
from paperdex.library.store import iter_papers
from paperdex.model import Note, Paper

NAME = "bibtex"
SUFFIX = ".bib"
HELP = "BibTeX for Zotero/JabRef/LaTeX (citekeys author-year-word, arXiv eprint fields, notes in annote)"
MULTI_FILE = False


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


def bibtex_name(author: str) -> str:
    """`Last, First`; a one-unit name (organisation, CJK, one word) in braces so it stays whole."""
    family, given = split_name(author)
    if not family:
        return "{" + escape(given) + "}" if " " in given or "," in given or not given.isascii() \
            else escape(given)
    return f"{escape(family)}, {escape(given)}"


def bibtex_authors(authors: list[str]) -> str | None:
    return " and ".join(bibtex_name(a) for a in authors if a.strip()) or None


def verbatim(value: str | None) -> str | None:
    """A URL or DOI as biber, pandoc and hyperref read it: as is (they keep `%`, `#`, `_`), only
    braces percent-encoded so the field still ends where it should."""
    return value.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C") if value else None


def is_conference(paper: Paper) -> bool:
    return bool(paper.venue) and paper.venue.split()[0] != "arXiv"


def entry_for(paper: Paper, key: str, notes: bool = True) -> Entry:
    arxiv = paper.arxiv_id
    conference = is_conference(paper)
    fields: list[tuple[str, str | None]] = [
        ("author", bibtex_authors(paper.authors)),
        # Braced once more: styles and pandoc would lower-case it ("ACNet" -> "Acnet") otherwise.
        ("title", "{" + escape(paper.title or "Untitled") + "}"),
        ("year", str(paper.year) if paper.year else None),
        ("booktitle", escape(paper.venue) if conference and paper.venue else None),
        ("eprint", arxiv),
        ("archivePrefix", "arXiv" if arxiv else None),
        ("primaryClass", primary_class(paper) if arxiv else None),
        ("doi", verbatim(paper.doi)),
        ("url", verbatim(real_link(paper))),
        ("keywords", escape(", ".join(sections_of(paper))) or None),
        ("annote", escape(annote(paper), math=False) if notes else None),
    ]
    entry_type = "inproceedings" if conference else "misc"
    return Entry(entry_type, key, [Field(k, "{" + v + "}") for k, v in fields if v])


def primary_class(paper: Paper) -> str | None:
    """The arXiv category when a resolver recorded it (resolution evidence), else None."""
    info = paper.resolution or {}
    value = info.get("primary_class") or info.get("primaryClass") or info.get("category")
    return value if isinstance(value, str) and value else None


def render(papers: list[Paper], keys: dict[str, str], notes: bool = True, entry=None) -> str:
    """The .bib text of these papers, sorted by key; `entry` builds each entry (biblatex passes its own)."""
    entry = entry or entry_for
    lib = bibtexparser.Library()
    for paper in sorted(papers, key=lambda p: (keys[p.id], p.id)):
        lib.add(entry(paper, keys[paper.id], notes))
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"
    # No unparse middleware: values are already escaped and braced by `entry_for`.
    return bibtexparser.write_string(lib, unparse_stack=[], bibtex_format=fmt)


def export(lib: Library, out: TextIO, options: ExportOptions | None = None, entry=None) -> int:
    options = options or ExportOptions()
    # Keys are assigned over the whole library so a filtered export cites the same keys.
    keys = citekeys.assign(iter_papers(lib))
    papers = papers_with_notes(iter_papers(lib, options.filter), options.filter)
    out.write(render(papers, keys, options.notes, entry=entry))
    return len(papers)
