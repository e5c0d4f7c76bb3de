"""CSL-JSON (the citeproc input format read by Zotero, pandoc and Mendeley): one item per paper.

Valid against the CSL-JSON schema (citation-style-language/schema,
schemas/input/csl-data.json; tested). arXiv preprints follow Zotero's own
CSL export: type "article", publisher "arXiv", number "arXiv:ID", and `note`
"arXiv: ID" (Zotero keeps `note` as the item's Extra field, where its arXiv
translator looks for the id). `id` is the citation key, `language` the
title's language (ISO code). Notes go in `annote`, sections in `categories`,
and what CSL has no field for (the paperdex id, every identifier, the
readers) in `custom`.
"""

from __future__ import annotations

import json
import re
from typing import Any, TextIO

from paperdex.export import citekeys
from paperdex.export.bibtex import annote
from paperdex.export.common import paper_language, papers_with_notes, readers_of, real_link, sections_of
from paperdex.export.options import ExportOptions
from paperdex.library.db import Library
from paperdex.library.store import iter_papers
from paperdex.model import Paper

NAME = "csl-json"
SUFFIX = ".json"
HELP = "CSL-JSON for Zotero and pandoc (schema-valid; notes in annote)"
MULTI_FILE = False


def csl_name(author: str) -> dict[str, str]:
    """{'family', 'given'} for 'Fu, Z.' or 'Zipeng Fu'; {'literal'} for one-word or CJK names."""
    author = " ".join(author.split())
    if "," in author:
        family, given = (part.strip() for part in author.split(",", 1))
        return {"family": family, "given": given} if given else {"literal": family}
    parts = author.split()
    if len(parts) < 2 or re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", author):
        return {"literal": author}
    if re.fullmatch(r"(?:[A-Z]\.?-?)+", parts[-1]):  # "Fu Z." : family name first
        return {"family": parts[0], "given": " ".join(parts[1:])}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}


def item_for(paper: Paper, key: str, notes: bool = True) -> dict[str, Any]:
    conference = bool(paper.venue) and paper.venue.split()[0] != "arXiv"
    item: dict[str, Any] = {
        "id": key,
        "type": "paper-conference" if conference else "article",
        "title": paper.title or "Untitled",
    }
    if paper.authors:
        item["author"] = [csl_name(a) for a in paper.authors]
    if paper.year:
        item["issued"] = {"date-parts": [[paper.year]]}
    if conference:
        item["container-title"] = paper.venue
    if paper.arxiv_id:
        item["number"] = f"arXiv:{paper.arxiv_id}"
        item["note"] = f"arXiv: {paper.arxiv_id}"
        if not conference:
            item["publisher"] = "arXiv"
    language = paper_language(paper)
    if language:
        item["language"] = language
    if paper.doi:
        item["DOI"] = paper.doi
    link = real_link(paper)
    if link:
        item["URL"] = link
    if paper.abstract:
        item["abstract"] = paper.abstract
    text = annote(paper) if notes else ""
    if text:
        item["annote"] = text
    sections = sections_of(paper)
    if sections:
        item["categories"] = sections
    item["custom"] = {
        "paperdex_id": paper.id,
        "identifiers": {i.scheme: i.value for i in paper.identifiers},
        "readers": readers_of(paper),
    }
    return item


def items(lib: Library, options: ExportOptions | None = None) -> list[dict[str, Any]]:
    options = options or ExportOptions()
    keys = citekeys.assign(iter_papers(lib))
    papers = papers_with_notes(iter_papers(lib, options.filter), options.filter)
    return [item_for(p, keys[p.id], options.notes) for p in sorted(papers, key=lambda p: (keys[p.id], p.id))]


def export(lib: Library, out: TextIO, options: ExportOptions | None = None) -> int:
    data = items(lib, options)
    out.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return len(data)
