"""A static website of the library (index, one page per paper, search) that works from file:// and GitHub Pages.

    index.html            every paper, by section
    papers/<id>.html      one paper with every note (reader, section, source file, thoughts)
    search.html           client-side search: vendored MiniSearch over search-index.js
    search-index.js       the prebuilt document list, as a script assigning a variable
                          (Chromium blocks fetch() of a JSON file from file://)
    assets/               MiniSearch (MIT, with its licence), search.js, site.css
    .nojekyll             GitHub Pages serves the folder as is

Notes are untrusted text: templates autoescape everything, search results are
built with textContent, and only http(s) links become hrefs. Source files are
shown by name only, so publishing a site does not publish one's home folder.
All links are relative; nothing is fetched from a CDN.
"""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import urlsplit

import jinja2

from paperdex.export.common import papers_with_notes, readers_of, sections_of, urls_of
from paperdex.export.obsidian import mentions
from paperdex.export.options import ExportOptions
from paperdex.library.db import Library
from paperdex.library.store import iter_papers
from paperdex.model import Paper

NAME = "site"
SUFFIX = ""
HELP = "a static HTML site (index, a page per paper, client-side search) for file:// or GitHub Pages"
MULTI_FILE = True

ASSETS = ("minisearch.js", "minisearch.LICENSE.txt", "search.js", "site.css")
OTHERS = "Others"
MAX_INDEX_TEXT = 4000  # characters of notes per paper in the search index: enough to find, small to load


def _static() -> Any:
    return resources.files("paperdex.export").joinpath("static")


def environment() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: _static().joinpath("templates", name).read_text(encoding="utf-8"))
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)


def paper_href(paper: Paper) -> str:
    return f"papers/{paper.id}.html"


def _anchor(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.casefold()).strip("-")
    return "s-" + (slug or "section")


def _label(url: str) -> str:
    host = (urlsplit(url).hostname or url).removeprefix("www.")
    return {"arxiv.org": "arXiv", "doi.org": "DOI", "openreview.net": "OpenReview", "github.com": "GitHub"}.get(
        host, host)


def _row(paper: Paper) -> dict[str, Any]:
    return {"title": paper.title or "Untitled", "year": paper.year, "venue": paper.venue,
            "arxiv": paper.arxiv_id, "href": paper_href(paper), "notes": len(paper.notes)}


def _order(papers: list[Paper]) -> list[Paper]:
    return sorted(papers, key=lambda p: (-(p.year or 0), (p.title or "").casefold(), p.id))


def search_documents(papers: list[Paper]) -> list[dict[str, Any]]:
    docs = []
    for paper in sorted(papers, key=lambda p: p.id):
        text = "\n".join(
            part for n in paper.notes for part in [n.text, *n.thoughts, *n.quotes] if part)[:MAX_INDEX_TEXT]
        docs.append({
            "id": paper.id, "title": paper.title or "Untitled", "year": paper.year,
            "authors": ", ".join(paper.authors), "sections": sections_of(paper), "readers": readers_of(paper),
            "ids": " ".join(f"{i.scheme}:{i.value} {i.value}" for i in paper.identifiers),
            "href": paper_href(paper), "text": text,
        })
    return docs


def search_index_js(papers: list[Paper]) -> str:
    data = json.dumps(search_documents(papers), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # JSON is a JavaScript expression; "</" is escaped anyway in case someone inlines the file.
    return "window.PAPERDEX_INDEX = " + data.replace("</", "<\\/") + ";\n"


def build(papers: list[Paper], title: str) -> dict[str, str]:
    """Relative path -> text of every generated file (pure, so tests compare it; assets are copied)."""
    env = environment()
    readers = sorted({r for p in papers for r in readers_of(p)})
    common = {"site_title": title, "count": len(papers), "lang": "en"}
    by_section: dict[str, list[Paper]] = {}
    for paper in papers:
        for section in sections_of(paper) or [OTHERS]:
            by_section.setdefault(section, []).append(paper)
    sections = [{"name": s, "anchor": _anchor(s), "papers": [_row(p) for p in _order(by_section[s])]}
                for s in sorted(by_section, key=lambda s: (s == OTHERS, s.casefold()))]
    files = {
        "index.html": env.get_template("index.html").render(
            root="", sections=sections, readers=readers,
            note_count=sum(len(p.notes) for p in papers), **common),
        "search.html": env.get_template("search.html").render(root="", **common),
        "search-index.js": search_index_js(papers),
        ".nojekyll": "",
    }
    titles = {p.id: p.title or "Untitled" for p in papers}
    related = mentions(papers)
    paper_tpl = env.get_template("paper.html")
    for paper in papers:
        notes = [{
            "reader": n.reader, "section": n.section, "source_name": PurePath(n.source).name, "line": n.line,
            "marks": n.marks, "text": n.text.strip(), "thoughts": n.thoughts, "quotes": n.quotes,
        } for n in paper.notes]
        links = [{"url": u, "label": _label(u)} for u in urls_of(paper, paper.notes)]
        files[paper_href(paper)] = paper_tpl.render(
            root="../", paper=paper, notes=notes, links=links,
            related=[{"title": titles[r], "href": f"{r}.html"} for r in related.get(paper.id, [])], **common)
    return files


def export(lib: Library, out: Path, options: ExportOptions | None = None) -> int:
    options = options or ExportOptions()
    papers = [p for p in papers_with_notes(iter_papers(lib, options.filter), options.filter) if p.notes]
    files = build(papers, options.title)
    out = Path(out)
    (out / "papers").mkdir(parents=True, exist_ok=True)
    (out / "assets").mkdir(parents=True, exist_ok=True)
    for old in (out / "papers").glob("p*.html"):  # pages of papers no longer selected
        if f"papers/{old.name}" not in files:
            old.unlink()
    for rel, text in sorted(files.items()):
        (out / rel).write_text(text, encoding="utf-8", newline="\n")
    for name in ASSETS:
        with resources.as_file(_static().joinpath("assets", name)) as src:
            shutil.copyfile(src, out / "assets" / name)
    return len(papers)
