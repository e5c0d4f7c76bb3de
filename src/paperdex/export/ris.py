"""RIS for Zotero, EndNote and Mendeley: TY/TI/AU/PY/DO/UR/AB/KW/LA, one `N1` per note.

Written with rispy. Each note is one `N1` line of HTML (`<br>` for line
breaks, `&amp;`/`&lt;`/`&gt;` escaped), as Zotero writes child notes: a
multi-line value would be cut into pieces by RIS readers, and a note line that
happens to start like a tag (`AB  - `) would be taken for one. The note opens
with the `[reader: …; section: …; source: …]` header export/bibtex.py uses,
so formats/ris.py reads paperdex's own notes back exactly. Authors are
`Last, First`, the RIS convention; the citation key is `ID`.
"""

from __future__ import annotations

import html
from typing import Any, TextIO

from paperdex.export import citekeys
from paperdex.export.bibtex import format_note, is_conference
from paperdex.export.common import paper_language, papers_with_notes, sections_of, split_name, urls_of
from paperdex.export.options import ExportOptions
from paperdex.library.db import Library
from paperdex.library.store import iter_papers
from paperdex.model import Paper

NAME = "ris"
SUFFIX = ".ris"
HELP = "RIS for Zotero/EndNote/Mendeley (TY/TI/AU/PY/DO/UR/AB/KW, one N1 per note)"
MULTI_FILE = False


def encode_note(text: str) -> str:
    """A note as one line of HTML; formats/ris.py `decode_note` is its inverse."""
    return html.escape(text, quote=False).replace("\r", "").replace("\n", "<br>")


def ris_name(author: str) -> str:
    family, given = split_name(author)
    return f"{family}, {given}" if family else given


def record_for(paper: Paper, key: str, notes: bool = True) -> dict[str, Any]:
    conference = is_conference(paper)
    record: dict[str, Any] = {
        "type_of_reference": "CONF" if conference else "JOUR" if paper.venue or paper.arxiv_id else "GEN",
        "id": key,
        "title": paper.title or "Untitled",
    }
    if paper.authors:
        record["authors"] = [ris_name(a) for a in paper.authors]
    if paper.year:
        record["year"] = str(paper.year)
    if paper.venue:
        record["secondary_title" if conference else "journal_name"] = paper.venue
    if paper.arxiv_id:
        record["accession_number"] = f"arXiv:{paper.arxiv_id}"  # Zotero's "Archive ID"
    if paper.doi:
        record["doi"] = paper.doi
    urls = urls_of(paper, paper.notes)
    if urls:
        record["urls"] = urls
    if paper.abstract:
        record["abstract"] = " ".join(paper.abstract.split())
    if sections_of(paper):
        record["keywords"] = sections_of(paper)
    language = paper_language(paper)
    if language:
        record["language"] = language
    if notes and paper.notes:
        record["notes"] = [encode_note(format_note(n)) for n in paper.notes]
    return record


def render(papers: list[Paper], keys: dict[str, str], notes: bool = True) -> str:
    import rispy

    class Writer(rispy.RisWriter):
        """No `1.` counter line before each record: EndNote and Mendeley do not write one."""

        def set_header(self, count: int) -> str:
            return ""

    records = [record_for(p, keys[p.id], notes) for p in sorted(papers, key=lambda p: (keys[p.id], p.id))]
    return rispy.dumps(records, implementation=Writer) if records else ""


def export(lib: Library, out: TextIO, options: ExportOptions | None = None) -> int:
    options = options or ExportOptions()
    keys = citekeys.assign(iter_papers(lib))
    papers = papers_with_notes(iter_papers(lib, options.filter), options.filter)
    out.write(render(papers, keys, options.notes))
    return len(papers)
