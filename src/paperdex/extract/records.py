"""Rows and objects of data files as entries: a spreadsheet of papers, a site's `_data/papers.yml`.

Columns are found by name (title, link, note, date...) and, failing that, by
content (the column whose values read like titles; the one holding paper links).
"""

from __future__ import annotations

import re
from typing import Any

from paperdex.extract.blocks import MAX_NOTE_CHARS, note_parts
from paperdex.extract.evidence import title_like
from paperdex.extract.links import find_links, identifier, is_paper_url
from paperdex.ids import normalize_arxiv, normalize_doi
from paperdex.model import Identifier, NoteBlock

_TITLE = ("title", "paper", "paper_title", "name", "article", "论文", "标题", "题目", "название", "タイトル", "제목")
_LINK = ("link", "url", "paper_url", "pdf", "href", "arxiv_url", "paper_link", "链接", "ссылка")
_ARXIV = ("arxiv", "arxiv_id", "eprint")
_DOI = ("doi",)
_NOTE = ("note", "notes", "comment", "comments", "summary", "tldr", "tl;dr", "review", "thoughts", "abstract",
         "笔记", "备注", "摘要", "заметка", "メモ")
_DATE = ("date", "read", "read_on", "date_read", "added", "日期")
_YEAR = ("year", "年份", "год")
_AUTHORS = ("authors", "author", "作者", "авторы")
_SECTION = ("category", "section", "topic", "area", "分类", "类别")
_VENUE = ("venue", "conference", "journal", "booktitle", "publication title", "publication")
_TAGS = ("tags", "keywords", "labels")


def records_in(data: Any) -> list[dict]:
    """The paper records a parsed data file holds, at any depth: a top-level list, the lists under a dict's
    keys (`{"nlp": [...], "vision": [...]}`: the key is their section), records nested in records (a
    paper's `related:` papers). Without a title key anywhere: the file itself, or its one big list."""
    named: list[dict] = []
    _titled(data, None, named, 0)
    if named:
        return named
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)]
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if lists:
            return max(lists, key=len)
    return []


def _titled(value: Any, section: str | None, out: list[dict], depth: int) -> None:
    """Collect the dicts with a non-empty title key below `value`, in document order."""
    if depth > 20:
        return
    if isinstance(value, list):
        for item in value:
            _titled(item, section, out, depth + 1)
        return
    if not isinstance(value, dict):
        return
    key = _key(value, _TITLE)
    if key is not None and isinstance(value.get(key), str) and value[key].strip():
        record = dict(value)
        if section and _key(record, _SECTION) is None:
            record["section"] = section
        out.append(record)
        for child in value.values():
            if isinstance(child, (list, dict)):
                _titled(child, section, out, depth + 1)
        return
    for name, child in value.items():
        if isinstance(child, (list, dict)):
            _titled(child, str(name) if isinstance(child, list) else section, out, depth + 1)


def _key(record: dict, names: tuple[str, ...]) -> str | None:
    """The record's key for a field: a key named exactly so, else one whose last word is the name
    (a Zotero export's "Publication Year", "Abstract Note", "Manual Tags"; a sheet's "Paper Title")."""
    lowered = {str(k).strip().lower(): k for k in record}
    for name in names:
        if name in lowered:
            return lowered[name]
    for name in names:
        for low, key in lowered.items():
            words = re.split(r"[\s_\-]+", low)
            if len(words) > 1 and words[-1] == name:
                return key
    return None


def title_key(records: list[dict]) -> str | None:
    """The key that names each record's paper: by name, else the string field that most reads like titles."""
    sample = records[:50]
    for rec in sample:
        key = _key(rec, _TITLE)
        if key is not None:
            return key
    counts: dict[str, int] = {}
    for rec in sample:
        for k, v in rec.items():
            if isinstance(v, str) and title_like(v):
                counts[k] = counts.get(k, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value if v is not None)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value).strip()


def blocks_from_records(records: list[dict], first_line: int = 1, lines: list[int] | None = None) -> list[NoteBlock]:
    """One paper block per record that has a title; the rest are skipped."""
    tkey = title_key(records)
    if tkey is None:
        return []
    blocks: list[NoteBlock] = []
    for n, rec in enumerate(records):
        title = " ".join(_text(rec.get(tkey)).split())
        if not title:
            continue
        block = NoteBlock(kind="paper", title=title, line=lines[n] if lines and n < len(lines) else first_line + n)
        ids: list[Identifier] = []
        urls: list[str] = []
        for names in (_LINK,):
            key = _key(rec, names)
            for link in find_links(_text(rec.get(key))) if key else []:
                urls.append(link.url)
                ident = identifier(link.url) if is_paper_url(link.url) else None
                if ident and ident not in ids:
                    ids.append(ident)
        key = _key(rec, _ARXIV)
        raw = normalize_arxiv(_text(rec.get(key))) if key else None
        if raw and Identifier("arxiv", raw) not in ids:
            ids.insert(0, Identifier("arxiv", raw))
        key = _key(rec, _DOI)
        doi = normalize_doi(_text(rec.get(key))) if key else None
        if doi and Identifier("doi", doi) not in ids:
            ids.append(Identifier("doi", doi))
        block.identifiers = ids
        block.urls = list(dict.fromkeys(u for u in urls if re.match(r"^https?://", u)))
        note_key = _key(rec, _NOTE)
        text, thoughts, quotes = note_parts(_text(rec.get(note_key)) if note_key else "")
        block.text, block.thoughts, block.quotes = text[:MAX_NOTE_CHARS], thoughts, quotes
        key = _key(rec, _DATE)
        if key and rec.get(key):
            block.date = _text(rec.get(key))[:32]
        key = _key(rec, _YEAR)
        year = re.search(r"(?:19|20)\d{2}", _text(rec.get(key))) if key else None
        block.year = int(year.group(0)) if year else None
        key = _key(rec, _AUTHORS)
        if key and rec.get(key):
            value = rec.get(key)
            block.authors = [_text(a) for a in value] if isinstance(value, list) else [
                a.strip() for a in re.split(r"\s+and\s+|;|,(?=\s*[A-Z][a-z]+\s)", _text(value)) if a.strip()]
        key = _key(rec, _SECTION)
        block.section = _text(rec.get(key)) or None if key else None
        key = _key(rec, _VENUE)
        block.venue = _text(rec.get(key)) or None if key else None
        key = _key(rec, _TAGS)
        if key and rec.get(key):
            block.fields["tags"] = _text(rec.get(key))
        used = {tkey, *(k for k in (_key(rec, n) for n in (_LINK, _ARXIV, _DOI, _NOTE, _DATE, _YEAR, _AUTHORS,
                                                         _SECTION, _VENUE, _TAGS)) if k)}
        for k, v in rec.items():
            if k not in used and _text(v) and len(block.fields) < 20:
                block.fields[str(k)] = _text(v)[:500]
        blocks.append(block)
    return blocks
