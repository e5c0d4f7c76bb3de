"""CSV for spreadsheets and pandas: one row per paper, the columns a reader sorts and filters by.

    key, title, authors, year, venue, arxiv, doi, url, sections, tags, readers, notes, paperdex_id

RFC 4180 (comma, double quotes, CRLF) in UTF-8 with a byte-order mark, so
that LibreOffice and Excel pick UTF-8 for Chinese and Russian titles without
asking, and pandas' `read_csv` reads it as is. Lists (authors, sections,
tags, readers) are joined with "; " since a name may hold a comma. A cell that
would start with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
`'` so that a spreadsheet shows it as text instead of running it as a
formula (notes are untrusted text).
"""

from __future__ import annotations

import csv
from typing import TextIO

from paperdex.export import citekeys
from paperdex.export.common import papers_with_notes, readers_of, real_link, sections_of
from paperdex.export.options import ExportOptions
from paperdex.library.db import Library
from paperdex.library.store import iter_papers
from paperdex.library.user_data import tags_for
from paperdex.model import Paper

NAME = "csv"
SUFFIX = ".csv"
HELP = "CSV for LibreOffice/Excel/pandas: one row per paper (title, authors, year, ids, url, tags, readers, notes)"
MULTI_FILE = False

COLUMNS = ("key", "title", "authors", "year", "venue", "arxiv", "doi", "url", "sections", "tags", "readers",
           "notes", "paperdex_id")
LIST_SEP = "; "
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A value as a cell that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def row_for(paper: Paper, key: str, tags: list[str]) -> list[str]:
    values: dict[str, object] = {
        "key": key,
        "title": paper.title or "",
        "authors": LIST_SEP.join(paper.authors),
        "year": paper.year,
        "venue": paper.venue,
        "arxiv": paper.arxiv_id,
        "doi": paper.doi,
        "url": real_link(paper),
        "sections": LIST_SEP.join(sections_of(paper)),
        "tags": LIST_SEP.join(tags),
        "readers": LIST_SEP.join(readers_of(paper)),
        "notes": len(paper.notes),
        "paperdex_id": paper.id,
    }
    return [cell(values[c]) for c in COLUMNS]


def export(lib: Library, out: TextIO, options: ExportOptions | None = None) -> int:
    options = options or ExportOptions()
    keys = citekeys.assign(iter_papers(lib))
    papers = sorted(papers_with_notes(iter_papers(lib, options.filter), options.filter),
                    key=lambda p: (keys[p.id], p.id))
    tags: dict[str, list[str]] = {}
    for start in range(0, len(papers), 500):  # SQLite caps the parameters of one query
        tags |= tags_for(lib, [p.id for p in papers[start:start + 500]])
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for paper in papers:
        writer.writerow(row_for(paper, keys[paper.id], tags.get(paper.id, [])))
    return len(papers)
