"""Blog posts of paper titles, each followed by `- arxiv:` / `- 来源:` / `- 作者:` / `- 主要内容:` lines and notes.

The shape of seed 001 (a Chinese reading log on a blog platform): a paper is a
title line; the `- key: value` lines and free `- ...` lines under it are its
note; a bare title with nothing under it is a paper too. The post's own title
("论文速读记录 | 2025年3月") comes before the first paper and is not one. The
platform's ads (`【推荐】…`) and footer links (`· …`) end the post and are
never papers. A Chinese sentence inside a note that names an English title
("另外一篇同系列的文章Training Agents using ...") is a mention: it goes to the
block's references.
"""

from __future__ import annotations

import re

from paperdex.ids import find_identifiers, find_urls
from paperdex.model import Document, NoteBlock
from paperdex.titles import clean_title, looks_like_title, parse_venue

NAME = "title_fields"

# Field names a reader writes, mapped to the key we keep them under.
FIELD_KEYS = {
    "arxiv": "arxiv", "arxiv链接": "arxiv", "paper": "paper", "论文": "paper", "论文链接": "paper",
    "链接": "link", "link": "link", "url": "link", "pdf": "link", "doi": "doi", "openreview": "openreview",
    "来源": "source", "source": "source", "出处": "source", "发现途径": "source",
    "作者": "authors", "authors": "authors", "author": "authors", "机构": "affiliation",
    "主要内容": "summary", "内容": "summary", "摘要": "summary", "summary": "summary", "tl;dr": "summary",
    "tldr": "summary", "简介": "summary", "总结": "summary",
    "会议": "venue", "venue": "venue", "发表": "venue", "期刊": "venue",
    "年份": "year", "year": "year", "代码": "code", "code": "code", "github": "code",
    "标签": "tags", "tags": "tags", "关键词": "tags", "keywords": "tags",
}
_FIELD = re.compile(r"^\s*[-*•]\s*(?P<key>[^:：\s][^:：]{0,15}?)\s*[:：]\s*(?P<value>.*)$")
_NOTE = re.compile(r"^\s*[-*•]\s?(?P<text>.*)$")
_AD = re.compile(r"^\s*【(?:推荐|广告|荐)】")
_FOOTER = re.compile(r"^\s*·\s")
_MENTION = re.compile(r"^(?P<lead>[^A-Za-z:：]*[\u4e00-\u9fff][^A-Za-z:：]*?)(?P<title>[A-Z][^\u4e00-\u9fff]{10,})$")
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,，、;；]|\band\b)\s*")


def _field(line: str) -> tuple[str, str] | None:
    m = _FIELD.match(line)
    if not m:
        return None
    key = FIELD_KEYS.get(m.group("key").strip().lower())
    return (key, m.group("value").strip()) if key else None


def _authors(value: str) -> list[str]:
    names = [re.sub(r"[†‡*§¶∗]+", "", n).strip() for n in _AUTHOR_SPLIT.split(value)]
    return [n for n in names if n]


def _title_line(line: str, next_line: str) -> tuple[str, dict] | None:
    """(clean title, facts) when a line opens a paper: title-like, or short Latin followed by a field."""
    if not line.strip() or line.lstrip()[:1] in "-*•·【#>":
        return None
    title, meta = clean_title(line)
    if looks_like_title(title):
        return title, meta
    latin = sum(ch.isascii() and ch.isalpha() for ch in title)
    if _field(next_line) and latin >= 4 and not re.search(r"[\u4e00-\u9fff]", title):
        return title, meta
    return None


def _parse(doc: Document) -> tuple[list[NoteBlock], int]:
    """Blocks, and how many of them carry at least one known field (the evidence for this shape)."""
    blocks: list[NoteBlock] = []
    with_fields: set[int] = set()
    notes: dict[int, list[str]] = {}
    current: NoteBlock | None = None
    seen_text = False
    lines = doc.text.splitlines()
    next_text = [""] * (len(lines) + 1)
    for i in range(len(lines) - 1, -1, -1):
        next_text[i] = lines[i + 1] if i + 1 < len(lines) and lines[i + 1].strip() else next_text[i + 1]
    for number, line in enumerate(lines, start=1):
        if _AD.match(line) or _FOOTER.match(line):
            break  # the platform's ads and footer: the post is over
        if not line.strip():
            continue
        opened = _title_line(line, next_text[number - 1])
        if opened and not blocks and (line.strip() == (doc.title or "").strip() or (
            not seen_text and _title_line(next_text[number - 1], "") and not _field(next_text[number - 1])
        )):
            opened = None  # the post's own title: the first line, followed directly by the first paper
        seen_text = True
        if opened:
            title, meta = opened
            current = NoteBlock(kind="paper", title=title, line=number + doc.line_offset)
            current.year = meta.get("year")
            current.venue = meta.get("venue")
            current.marks = list(meta.get("marks", []))
            for key in ("alias", "remark", "status"):
                if meta.get(key):
                    current.fields[key] = str(meta[key])
            blocks.append(current)
            notes[id(current)] = []
            continue
        if current is None:
            continue  # the post's own title and intro
        field = _field(line)
        if field:
            key, value = field
            with_fields.add(id(current))
            if not value:
                continue
            current.fields[key] = value
            if key == "authors":
                current.authors = _authors(value)
            elif key == "summary":
                notes[id(current)].append(value)
            elif key == "venue" and parse_venue(value):
                current.venue = current.venue or parse_venue(value)[0]
            elif key == "year" and re.fullmatch(r"(?:19|20)\d{2}", value):
                current.year = current.year or int(value)
            for ident in find_identifiers(value):
                if ident not in current.identifiers:
                    current.identifiers.append(ident)
            current.urls += [u for u in find_urls(value) if u not in current.urls]
            continue
        note = _NOTE.match(line)
        text = (note.group("text") if note else line).strip()
        if not text:
            continue
        notes[id(current)].append(text)
        mention = _MENTION.match(text)
        if mention and looks_like_title(mention.group("title").strip()):
            current.references.append(mention.group("title").strip())
        current.urls += [u for u in find_urls(text) if u not in current.urls]
    for block in blocks:
        block.text = "\n".join(notes[id(block)])
    return blocks, len(with_fields)


def segment(doc: Document) -> list[NoteBlock]:
    return _parse(doc)[0]


def score(doc: Document) -> float:
    """High when several title lines carry `- key: value` fields; a list of bare titles alone is not enough."""
    if re.search(r"^#{1,6}\s", doc.text, re.M):
        return 0.0  # headings give structure: the structural extractor reads it
    blocks, with_fields = _parse(doc)
    if with_fields < 2 or not blocks:
        return 0.0
    return round(min(0.85, 0.35 + 0.05 * with_fields), 3)
