"""One note per file: the whole Markdown document is the reader's note on one paper.

Recognised when the top of the file names one paper:

* front matter with a title and an identifier (Obsidian / Notion exports:
  `title:`, `arxiv:`, `doi:`, `url:`, `tags:`, `authors:`, `year:`);
* a single heading that links the paper: `# [Title](https://arxiv.org/abs/...)`
  (patrick-llgc), `## [Title](http://arxiv.org/abs/...)` (dennybritz);
* a heading followed by a paper link line: `# Title` + `[Paper](https://arxiv.org/pdf/....pdf) | [Talk](...)`
  (Tramac), or only the link line when the file has no heading.

A heading that reads like a paper title but links nothing scores in the
middle; a README that lists many papers, or a post without any paper at the
top (lecture notes), scores nothing.

In the body, a paragraph opening with `[想法]` (or another thought tag) is the
reader's thought and one opening with `[来自知乎]` a quote, as in README lists.
The section is front matter `section:`, else the tags. A note written by
paperdex's Obsidian exporter (`paperdex:` in its front matter) for a paper
with several notes holds one `## reader · section` part per note: each part
comes back as its own note, with that reader and section.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from paperdex.ids import find_identifiers, find_urls, normalize_arxiv, normalize_doi, normalize_openreview
from paperdex.model import Document, Identifier, NoteBlock
from paperdex.segment.readme_list import _QUOTE_TAG, _THOUGHT_TAG, LINK, _paper_blocks, _split_link_title
from paperdex.titles import clean_title, looks_like_title, parse_venue, strip_leading_marks

NAME = "single_note"

_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
_GENERIC_LABEL = re.compile(r"^(?:paper|pdf|arxiv|link|code|github|talk|video|project|website|blog|slides?|"
                            r"论文|代码|视频|主页)\b", re.I)
_READ_DATE = re.compile(
    r"^_?\s*(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+(?P<year>(?:19|20)\d{2})\s*_?$",
    re.I,
)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december")
_TLDR = re.compile(r"^(?:tl;?dr|tldr)\s*[;:：]?\s*(?P<text>.*)$", re.I)
_ID_KEYS = ("arxiv", "arxiv_id", "arxiv-id", "doi", "openreview", "url", "link", "paper", "pdf", "source", "ids")
_TOP_LINES = 6
# A README or index page introduces a folder; without a paper link at its top it is not a paper note.
_REPO_PAGE = re.compile(r"^(readme|index|changelog|contributing|license)(\.[a-z]+)?$", re.I)
# `[comment]: # (hidden)` is Markdown's comment idiom, not a "[comment]" thought.
_LINK_DEFINITION = re.compile(r"^\[[^\]]*\]:\s*(?:#|<>)")
PART_HEAD_SEP = " · "
UNLABELLED_PART = "Note"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in re.split(r"[,;，；]", str(value)) if v.strip()]


def _front_matter_ids(meta: dict[str, Any]) -> list[Identifier]:
    ids: list[Identifier] = []
    for key in _ID_KEYS:
        for value in _as_list(meta.get(key)):
            found: list[Identifier] = []
            if key.startswith("arxiv") and normalize_arxiv(value):
                found = [Identifier("arxiv", normalize_arxiv(value) or "")]
            elif key == "doi" and normalize_doi(value):
                found = [Identifier("doi", normalize_doi(value) or "")]
            elif key == "openreview" and normalize_openreview(value):
                found = [Identifier("openreview", normalize_openreview(value) or "")]
            else:
                found = find_identifiers(value)
            ids += [i for i in found if i not in ids]
    return ids


def _top(doc: Document) -> dict:
    """Title, its line, the links and the end of the header region at the top of the body."""
    lines = doc.text.splitlines()
    top: dict = {"title": None, "title_line": None, "title_linked": False, "links": [], "end": 0,
                 "date": None, "tldr": None}
    seen = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith(("<", "![", "---")):
            continue
        seen += 1
        if seen > _TOP_LINES:
            break
        heading = _HEADING.match(stripped)
        if heading and top["title"] is not None:
            break
        if re.match(r"^[-*+]\s", stripped) and seen > 1:
            break
        body = strip_leading_marks(heading.group(2) if heading else stripped)[0]
        links = [(m.group("label"), m.group("url")) for m in LINK.finditer(body)]
        first = seen == 1  # the title is the first thing in the file, not a later "## Part1. 标题&作者"
        if first and top["title"] is None and (heading or (links and not _GENERIC_LABEL.match(links[0][0]))):
            split = _split_link_title(body)
            if split:
                top["title"], url, tail = split
                own = [u for u in [url, *(m.group("url") for m in LINK.finditer(tail))] if u]
                top["links"] += own
                top["title_linked"] = any(re.match(r"^https?://", u) for u in own)
            elif heading:
                top["title"] = body
            if top["title"] is not None:
                top["title_level"] = len(heading.group(1)) if heading else 0
                top["title_line"] = index + 1
                top["end"] = index + 1
                continue
        date = _READ_DATE.match(stripped)
        if date:
            month = _MONTHS.index(date.group("month").lower()) + 1
            top["date"] = f"{date.group('year')}-{month:02d}"
            top["end"] = index + 1
            continue
        tldr = _TLDR.match(stripped)
        if tldr:
            top["tldr"] = tldr.group("text").strip() or None
            continue
        if links and not re.sub(r"[|,/·\s]", "", LINK.sub("", stripped)):  # "[Paper](url) | [Talk](url)"
            top["links"] += [u for _, u in links if u]
            top["end"] = index + 1
            continue
        if heading:
            break
    return top


def _analyse(doc: Document) -> tuple[float, dict]:
    meta = doc.metadata or {}
    fm_title = meta.get("title")
    fm_ids = _front_matter_ids(meta)
    top = _top(doc)
    top_ids: list[Identifier] = []
    for url in top["links"]:
        top_ids += [i for i in find_identifiers(url) if i not in top_ids]
    info = {"meta": meta, "top": top, "ids": fm_ids + [i for i in top_ids if i not in fm_ids]}
    title = fm_title if (fm_title and fm_ids) else (top["title"] or (fm_title if fm_ids else None))
    info["title"] = str(title) if title else None
    strong = True
    if fm_title and fm_ids:
        value = 0.95
    elif top["title"] and top_ids:
        value = 0.9
    elif top["title_linked"]:
        value = 0.85  # "# [RT-2: ...](https://robotics-transformer2.github.io/assets/rt2.pdf)"
    elif top_ids:
        value = 0.8
    elif fm_title and any(meta.get(k) for k in ("authors", "venue", "year")) and "layout" not in meta:
        value = 0.6
        strong = False
    elif (top["title"] and top.get("title_level") in (1, 2) and "layout" not in meta
          and not _REPO_PAGE.match(doc.source.replace("\\", "/").rsplit("/", 1)[-1])
          and not (fm_title and str(fm_title).strip() != top["title"].strip())
          and looks_like_title(clean_title(top["title"])[0]) and len(doc.text) > 200):
        # A bare "# Title" on top of a long note. A heading under a blog post's
        # front matter (lecture notes: layout, another title) is a section, not a paper.
        value = 0.45
        strong = False
    else:
        return 0.0, info
    h1 = len(re.findall(r"^# ", doc.text, re.M))
    if h1 > 2 or (not strong and len(_paper_blocks(doc)) >= 3):
        value *= 0.2  # a list of papers, not a note on one
    return value, info


def score(doc: Document) -> float:
    """Only paperdex's own vault notes (front matter `paperdex: <id>`) are read as records here; any other
    one-paper note is recognised by the structural extractor."""
    if "paperdex" not in (doc.metadata or {}):
        return 0.0
    return round(_analyse(doc)[0], 3)


def segment(doc: Document) -> list[NoteBlock]:
    value, info = _analyse(doc)
    if value == 0.0:
        return []
    meta, top = info["meta"], info["top"]
    title, facts = clean_title(info["title"]) if info["title"] else (None, {})
    lines = doc.text.splitlines()
    body = "\n".join(lines[top["end"]:]).strip()
    block = NoteBlock(kind="paper", title=title or None, text=body, identifiers=list(info["ids"]))
    block.line = (top["title_line"] or 1) + doc.line_offset
    block.urls = [u for u in top["links"] if re.match(r"^https?://", u)]
    block.urls += [u for u in find_urls(" ".join(str(v) for v in meta.values())) if u not in block.urls]
    year = meta.get("year")
    block.year = int(year) if str(year or "").isdigit() else facts.get("year")
    venue = meta.get("venue") or meta.get("conference") or meta.get("journal")
    block.venue = str(venue) if venue else facts.get("venue")
    if block.venue and parse_venue(block.venue) and not block.year:
        block.year = parse_venue(block.venue)[1]
    block.authors = _as_list(meta.get("authors"))
    tags = _as_list(meta.get("tags")) or _as_list(meta.get("categories"))
    if tags:
        block.section = ", ".join(tags)
        block.fields["tags"] = ", ".join(tags)
    if isinstance(meta.get("section"), str) and meta["section"].strip():
        block.section = meta["section"].strip()
    block.marks = list(facts.get("marks", []))
    block.date = top["date"] or (str(doc.date) if doc.date else None)
    if top["tldr"]:
        block.fields["tldr"] = top["tldr"]
    for key in ("alias", "remark"):
        if facts.get(key):
            block.fields[key] = str(facts[key])
    if block.title is None and not block.identifiers:
        return []
    parts = _parts(body, meta) if "paperdex" in meta else None
    if parts is None:
        _take_tagged(block, body)
        return [block]
    body_line = block.line + next(i for i, line in enumerate(lines[top["end"]:]) if line.strip()) + 1
    out = []
    for offset, reader, section, text in parts:
        part = replace(block, identifiers=list(block.identifiers), urls=list(block.urls),
                       authors=list(block.authors), marks=list(block.marks), fields=dict(block.fields),
                       thoughts=[], quotes=[], references=[], flags=[])
        part.reader, part.section, part.line = reader, section, body_line + offset
        _take_tagged(part, text)
        out.append(part)
    return out


def split_tagged(body: str) -> tuple[str, list[str], list[tuple[str, str]]]:
    """(text, thoughts, (quote source, quote) pairs) of a note body.

    A tagged paragraph runs from its tag line to the next tag line or blank
    line; it leaves the text together with the blank line before it.
    """
    text: list[str] = []
    tagged: list[tuple[str, str, list[str]]] = []  # (kind, quote source, lines)
    current: list[str] | None = None
    for line in body.splitlines():
        stripped = line.strip()
        definition = _LINK_DEFINITION.match(stripped)
        thought = None if definition else _THOUGHT_TAG.match(stripped)
        quote = None if definition or thought else _QUOTE_TAG.match(stripped)
        if thought or quote:
            current = [stripped[(thought or quote).end():].strip()]
            source = "" if thought else quote.group("src").strip()
            tagged.append(("thought" if thought else "quote", source, current))
            if text and not text[-1].strip():
                text.pop()
            continue
        if current is not None and stripped:
            current.append(stripped)
            continue
        current = None
        text.append(line)
    thoughts = ["\n".join(lines) for kind, _, lines in tagged if kind == "thought"]
    quotes = [(src, "\n".join(lines)) for kind, src, lines in tagged if kind == "quote"]
    return "\n".join(text).strip(), thoughts, quotes


def _take_tagged(block: NoteBlock, body: str) -> None:
    block.text, block.thoughts, quotes = split_tagged(body)
    block.quotes = [q for _, q in quotes]
    source = next((src for src, _ in reversed(quotes) if src), None)
    if source:
        block.fields["quote_source"] = source


def _part_head(head: str, readers: list[str], sections: list[str]) -> tuple[str | None, str | None] | None:
    """(reader, section) of an exporter's `## reader · section` part heading, None if it is not one."""
    if head == UNLABELLED_PART:
        return None, None
    reader, _, rest = head.partition(PART_HEAD_SEP)
    if reader in readers:
        section = rest or None
    else:
        reader, section = None, head
    return (reader, section) if section is None or section in sections else None


def _parts(body: str, meta: dict[str, Any]) -> list[tuple[int, str | None, str | None, str]] | None:
    """(line offset in body, reader, section, text) per part, or None when the body is one note."""
    readers, sections = _as_list(meta.get("readers")), _as_list(meta.get("tags"))
    lines = body.splitlines()
    heads = []
    for index, line in enumerate(lines):
        match = re.match(r"^## (.+?)\s*$", line)
        found = _part_head(match.group(1), readers, sections) if match else None
        if found is not None:
            heads.append((index, *found))
    if not heads or heads[0][0] != 0 or len(heads) < 2:
        return None
    ends = [h[0] for h in heads[1:]] + [len(lines)]
    return [(index, reader, section, "\n".join(lines[index + 1:end]).strip())
            for (index, reader, section), end in zip(heads, ends, strict=True)]
