"""biblatex for biber-based LaTeX and Zotero: `@online` preprints with `eprinttype = {arxiv}`, `date`, `langid`.

Same escaping, keys and notes as export/bibtex.py; what differs is biblatex's
data model: arXiv preprints are `@online` with `eprint`, `eprinttype` and
`eprintclass` (biblatex's own arXiv fields), papers with a venue are
`@inproceedings` with `booktitle`, the year is an ISO `date`, the title's
language is `langid` (so biblatex hyphenates it and leaves non-English titles'
case alone) and the notes go in `annotation`.
"""

from __future__ import annotations

from typing import TextIO

from bibtexparser.model import Entry, Field

from paperdex.export import bibtex
from paperdex.export.bibtex import (
    annote,
    bibtex_authors,
    is_conference,
    primary_class,
    verbatim,
)
from paperdex.export.common import LANGIDS, paper_language, real_link, sections_of
from paperdex.export.options import ExportOptions
from paperdex.export.tex import escape
from paperdex.library.db import Library
from paperdex.model import Paper

NAME = "biblatex"
SUFFIX = ".bib"
HELP = "biblatex for biber (@online preprints, eprinttype arxiv, date, langid, notes in annotation)"
MULTI_FILE = False


def entry_for(paper: Paper, key: str, notes: bool = True) -> Entry:
    arxiv = paper.arxiv_id
    conference = is_conference(paper)
    link = real_link(paper)
    language = paper_language(paper)
    fields: list[tuple[str, str | None]] = [
        ("author", bibtex_authors(paper.authors)),
        ("title", "{" + escape(paper.title or "Untitled") + "}"),
        ("date", str(paper.year) if paper.year else None),
        ("booktitle", escape(paper.venue) if conference and paper.venue else None),
        ("eprint", arxiv),
        ("eprinttype", "arxiv" if arxiv else None),
        ("eprintclass", primary_class(paper) if arxiv else None),
        ("doi", verbatim(paper.doi)),
        ("url", verbatim(link)),
        ("langid", LANGIDS.get(language or "")),
        ("keywords", escape(", ".join(sections_of(paper))) or None),
        ("annotation", escape(annote(paper), math=False) if notes else None),
    ]
    entry_type = "inproceedings" if conference else "online" if arxiv or link else "misc"
    return Entry(entry_type, key, [Field(k, "{" + v + "}") for k, v in fields if v])


def render(papers: list[Paper], keys: dict[str, str], notes: bool = True) -> str:
    return bibtex.render(papers, keys, notes, entry=entry_for)


def export(lib: Library, out: TextIO, options: ExportOptions | None = None) -> int:
    return bibtex.export(lib, out, options, entry=entry_for)
