"""One structural extractor: text → tree → candidates → evidence → decision → titles → NoteBlocks.

    tree.py      Markdown / plain text / org (org.py) into a tree of sections, lists, tables, paragraphs
    links.py     the links of a text and what they point at (a paper, a note file, an anchor...)
    citation.py  citation grammars (APA, ACL, MLA, IEEE, GB/T 7714, title-first)
    evidence.py  named signals per candidate, combined in one score
    entries.py   which nodes are entries: repeated siblings, topic sections vs paper sections
    naming.py    the title of an entry
    blocks.py    entries to NoteBlocks (ids, links, note text, thoughts, section, date)
    records.py   rows and objects of data files (CSV/TSV/JSON/YAML) as entries

A document is about one paper when its own metadata, a lone heading with the
paper's link, or its file name says so and it holds no list of entries; it is
a list when its entries say so; with neither it stays a searchable document.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from urllib.parse import unquote

from paperdex.extract.blocks import (
    MAX_NOTE_CHARS,
    entry_block,
    identifiers_of,
    note_parts,
    year_of_arxiv,
)
from paperdex.extract.entries import STRONG, Entry, find_entries
from paperdex.extract.evidence import (
    PAPER_LABELS,
    is_generic_heading,
    is_paper_section,
    own_links_near_top,
    plain,
    title_like,
)
from paperdex.extract.links import Link, find_links, identifier, is_image, is_paper_url, meta_identifiers
from paperdex.extract.naming import title_from_heading
from paperdex.extract.org import parse_org
from paperdex.extract.records import blocks_from_records, records_in
from paperdex.extract.tree import Node, parse_markdown, parse_plain
from paperdex.model import Document, NoteBlock
from paperdex.titles import clean_title, normalize_title

# A document block larger than this is split at section or paragraph boundaries (the source keeps all).
DOCUMENT_PART_CHARS = 100_000
_PLACEHOLDER = re.compile(r"^(?:your paper title|title|untitled|paper title|tbd|todo|\{\{.*\}\}|<.*>)$", re.I)
_FURNITURE_NAMES = re.compile(r"^(?:readme|index|about|home|contents|toc|summary|changelog|license|contributing|"
                              r"template.*|moc|todo|inbox|journal|draft|untitled.*|notes?)$", re.I)
_AUTHOR_YEAR_TAIL = re.compile(r"\s*[(（][^()（）]*(?:et al\.?|,|&|and)?[^()（）]*(?:19|20)\d{2}[a-z]?[)）]\s*$")


# Zotero item types (CSL: webpage, post-weblog...) of things that are not papers.
_NOT_PAPER_TYPES = frozenset({"webpage", "blogpost", "post-weblog", "post", "forumpost", "videorecording", "podcast",
                              "audiorecording", "software", "computerprogram", "email", "instantmessage", "tvbroadcast"})
_PROPERTY = re.compile(r"^([\w-]+)::\s*(.+)$", re.M)
_DATAVIEW_FIELD = re.compile(r"^[>\s]*\*\*(title|doi|url|arxiv|year|date|itemtype)\*\*::[ \t]*(\S.*?)[ \t]*$", re.M | re.I)


def tree_of(doc: Document) -> tuple[Node, dict[str, str]]:
    """The structure of a document's text, and settings the text itself carries (org `#+TITLE`)."""
    if doc.format == "org":
        return parse_org(doc.text)
    plain_file = doc.format == "text" or PurePath(doc.source).suffix.lower() in (".txt", ".text", ".rst")
    root = parse_plain(doc.text) if plain_file else parse_markdown(doc.text)
    keys: dict[str, str] = {}
    props = _PROPERTY.findall("\n".join(doc.text.split("\n")[:15]))
    # Dataview fields of a literature-note template, often in a callout: `> **Title**:: "..."`, `**DOI**:: ...`.
    fields = _DATAVIEW_FIELD.findall("\n".join(doc.text.split("\n")[:80])) if "**::" in doc.text else []
    for key, value in props + fields:  # Logseq page properties `title:: ...`
        value = value.strip().strip('"“”').strip()
        if value:
            keys.setdefault(key.lower(), value)
    return root, keys


def extract(doc: Document) -> list[NoteBlock]:
    """The NoteBlocks of a free-text document: one per paper, or document sections when it has none."""
    listed = _front_matter_records(doc)
    if listed:
        return listed + (document_blocks(doc) if doc.text.strip() else [])
    root, keys = tree_of(doc)
    entries = find_entries(root)
    single = single_paper(doc, root, entries, keys)
    if single is not None:
        single.year = single.year or year_of_arxiv(single)
        return [single]
    blocks = [b for b in (entry_block(e, doc.line_offset) for e in entries) if b is not None]
    for block in blocks:
        block.year = block.year or year_of_arxiv(block)
    if blocks:
        return _named_in_full(blocks)
    return document_blocks(doc)


def _front_matter_records(doc: Document) -> list[NoteBlock]:
    """Papers a page keeps in its front matter as a list of records (a reading group's Jekyll page:
    `sessions: [{title: ..., link: ...}, ...]`); the page's body is then their page, not a paper."""
    lists = [v for v in (doc.metadata or {}).values() if isinstance(v, list) and len(v) >= 2
             and all(isinstance(x, dict) for x in v)]
    if not lists:
        return []
    blocks = blocks_from_records(records_in(max(lists, key=len)), first_line=1 + doc.line_offset)
    return blocks if len(blocks) >= 2 else []


def _named_in_full(blocks: list[NoteBlock]) -> list[NoteBlock]:
    """A paper a document names in full once and by its short name elsewhere (a summary table's
    `| **GAMUT** | 58.7% |` beside "Two-Level Meta-Rubrics ...: GAMUT" with its link) is one paper: the
    short mention takes the full title, so the library files both notes under it."""
    full = [b for b in blocks if b.identifiers and len(b.title.split()) >= 3]
    if not full:
        return blocks
    for block in blocks:
        words = block.title.split()
        if block.identifiers or not 1 <= len(words) <= 4 or len(block.title) < 4:
            continue
        pattern = re.compile(rf"(?<![\w-]){re.escape(block.title)}(?![\w-])", re.I)
        matches = [b for b in full if b is not block and pattern.search(b.title)]
        if len(matches) == 1:
            block.fields.setdefault("alias", block.title)
            block.title = matches[0].title
            block.identifiers = list(matches[0].identifiers)
    return blocks


# --- one paper per document ---------------------------------------------------------------------------


def _meta_str(meta: dict, *names: str) -> str | None:
    lowered = {str(k).lower(): v for k, v in meta.items()}
    for name in names:
        value = lowered.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if value not in (None, ""):
            return str(value).strip()
    return None


def title_from_filename(source: str) -> str | None:
    """A title in a file name: `2018_Author_Title.md`, `Author et al_2019_Title`, `hls__...`, `Title.md`."""
    stem = unquote(PurePath(source).stem).strip()
    stem = re.sub(r"^hls__", "", stem)
    parts = [p.strip() for p in stem.split("_") if p.strip()]
    years = [i for i, p in enumerate(parts[:-1]) if re.fullmatch(r"(?:19|20)\d{2}[a-z]?", p)]
    if len(parts) >= 2 and years:
        i = years[-1] + 1
        # After the year come author names (one word, or "X et al"), then the title, which may hold "_".
        while i < len(parts) - 1 and re.fullmatch(r"[A-Z][\w'’-]*(?: et al\.?)?|et al\.?", parts[i]):
            i += 1
        return "_".join(parts[i:])
    return stem if " " in stem else None


_PDF_LINK = re.compile(r"!?\[(?P<text>[^\]]*)\]\((?P<url>[^)]*?\.pdf)\)", re.I)


def attached_pdf_title(text: str, lines: int = 5) -> tuple[str, str] | None:
    """(title, file name) of a PDF embedded or linked at the top of a page (`![Name.pdf](file://...)`)."""
    for line in text.split("\n")[:lines]:
        # Local file links keep their spaces (Logseq, Obsidian), so they are matched here, not as URLs.
        for m in _PDF_LINK.finditer(line):
            if re.match(r"https?://", m.group("url").strip(), re.I):
                continue  # a paper on the web, an entry's link: not the page's attachment
            name = m.group("text") if m.group("text").lower().endswith(".pdf") else unquote(
                m.group("url").split("/")[-1])
            title = title_from_filename(name) if name.lower().endswith(".pdf") else None
            if title:
                return title, name
    return None


def slug_name(source: str) -> str | None:
    """A file name written as a slug, as words: `012_latent_consistency_models.md` → "latent consistency
    models" (a leading number is the note's place in a series, not part of the name)."""
    stem = unquote(PurePath(source).stem).strip()
    words = re.sub(r"^\d+(?=[_\-\s.])", "", stem).replace("_", " ").replace("-", " ").split()
    name = " ".join(words)
    return name if re.search(r"[^\W\d_]", name) else None


def _zotfile_name(source: str) -> bool:
    stem = unquote(PurePath(source).stem)
    return bool(re.search(r"(?:^|_)(?:19|20)\d{2}[a-z]?_", stem)) and "_" in stem.strip("_")


def single_paper(doc: Document, root: Node, entries: list[Entry], keys: dict[str, str]) -> NoteBlock | None:
    """One block for the whole document when it is about one paper, else None."""
    meta = dict(doc.metadata or {})
    meta.update({k: v for k, v in keys.items() if k not in meta})
    meta_title = _meta_str(meta, "title", "paper_title", "name")
    if not meta_title and meta_identifiers(meta)[0]:
        meta_title = _meta_str(meta, "aliases")  # a literature note's first alias is its paper's title
    if meta_title and _PLACEHOLDER.match(meta_title.strip()):
        return None  # a template: its title is a placeholder
    item_type = (_meta_str(meta, "itemtype", "item_type", "zotero_type") or "").lower()
    if item_type in _NOT_PAPER_TYPES:
        return None  # a reference manager's note on a web page, a post or a video: searchable, no paper
    if meta_title and str(meta_title).startswith("hls__"):
        meta_title = None
    strong = [e for e in entries if e.score >= STRONG]
    sections = [n for n in root.walk() if n.kind == "section"]
    top = min((s.level for s in sections), default=0)
    tops = [s for s in sections if s.level == top]
    # The one top heading that is not a section name ("# Title" beside a stray "# 4 Experiments").
    named = [s for s in tops if not is_generic_heading(s.head)]
    lone = named[0] if len(named) == 1 and named[0] is tops[0] else None
    # Headings that follow a paper's own sections (Abstract, 1 Introduction, 2 Related Work...): a retelling.
    follows_paper = sum(1 for s in sections if is_paper_section(s.head)) >= 2
    # A lone heading's own properties (org `:URL:`, `:ROAM_REFS:`) are the note's metadata too.
    meta.update({k: v for k, v in (lone.fields if lone is not None else {}).items() if k not in meta})
    ids, meta_urls = meta_identifiers(meta)
    inside_entries = {n for e in entries for n in range(e.node.line, e.node.line + e.node.text.count("\n") + 1)}
    # The note's own links are those outside its entries (an entry's link is that entry's paper).
    near = [link for number, line in enumerate(doc.text.split("\n")[:30], start=1) if number not in inside_entries
            for link in own_links_near_top(line, lines=1)]
    labelled = _labelled_links(doc.text, 30 + (lone.line if lone else 0), inside_entries)
    lone_title = title_from_heading(lone.head)[0] if lone is not None else None
    file_title = title_from_filename(doc.source)
    attached = attached_pdf_title(doc.text)
    if attached and _zotfile_name(attached[1]):
        # The page embeds its paper's PDF (a reference manager's file name): that name titles the paper,
        # unless the page's own name is a longer form of the same title.
        longer = file_title and normalize_title(file_title).startswith(normalize_title(attached[0]))
        file_title = file_title if longer else attached[0]
    name_is_furniture = bool(_FURNITURE_NAMES.match(PurePath(doc.source).stem.strip()))

    own_heading_link = lone is not None and any(is_paper_url(link.url) for link in find_links(lone.head))
    section_entries = [e for e in entries if e.node.kind == "section" and e.node is not lone]
    title = None
    if meta_title and (ids or meta_urls or _AUTHOR_YEAR_TAIL.search(meta_title)):
        title = meta_title
    elif own_heading_link and lone_title:
        title = lone_title
    elif lone is not None and lone_title and labelled:
        title = lone_title  # `# Title` then `[Paper](url)` near the top: a note about that paper
    elif file_title and (_zotfile_name(doc.source) or attached) and not section_entries and len(strong) < 6:
        title = file_title  # a reference manager's file name (Zotfile `YEAR_Author_Title`) names one paper
    elif section_entries or len(strong) >= 3:
        return None
    elif lone is not None and lone_title and follows_paper and len(strong) <= 2:
        title = lone_title  # `# Title`, then the paper's sections retold
    elif lone is None and labelled and not name_is_furniture and not strong \
            and (named_by_file := meta_title or file_title or slug_name(doc.source)):
        title = named_by_file  # no title heading, the paper's labelled link at the top: the page or file names it
    elif meta_title and title_like(meta_title) and near and len(strong) <= 1:
        title = meta_title
    elif lone is not None and lone_title and near and len(strong) <= 2:
        title = lone_title
    elif file_title and not name_is_furniture and (
            _zotfile_name(doc.source) or (not strong and title_like(file_title) and _web_links(doc.text) <= 2 and not lone)):
        title = file_title
    if not title:
        return None
    if entries and len(entries) == 1 and entries[0].node is lone and not meta_title:
        return None  # the lone heading is itself the entry: let the entry carry its own link
    stated = _stated_title(doc.text)
    headline = None
    if stated and normalize_title(stated) != normalize_title(title):
        headline, title = title, stated  # the post's own headline gives way to the paper's title it states
    title, cleaned = clean_title(_AUTHOR_YEAR_TAIL.sub("", plain(title)))
    title = re.sub(r"\s*\[([^\]]+)\]\s*", r" \1 ", title).strip() if "](" not in title else title
    title = " ".join(title.split())
    if not ids:
        own = _own_link(lone, near)
        if own is not None:
            ident = identifier(own.url)
            ids = [ident] if ident else []
            meta_urls = meta_urls or [own.url]
    body, thoughts, quotes = note_parts(doc.text)
    block = NoteBlock(kind="paper", title=title, text=body[:MAX_NOTE_CHARS], line=1 + doc.line_offset)
    block.identifiers = ids
    block.urls = list(dict.fromkeys(meta_urls + [link.url for link in near[:1]]))
    block.thoughts, block.quotes = thoughts, quotes
    year = _meta_str(meta, "year")
    if year and re.fullmatch(r"(?:19|20)\d{2}", year):
        block.year = int(year)
    block.year = block.year or cleaned.get("year")
    block.venue = _meta_str(meta, "venue", "journal", "conference")
    block.references = [i.key for e in entries for i in identifiers_of(
        [link for link in find_links(e.head) if is_paper_url(link.url)], "") if i not in ids]
    if lone is not None and lone_title and lone_title != title:
        block.fields["heading"] = lone_title
    elif headline:
        block.fields["heading"] = plain(headline)
    return block


# A line near the top that states the paper's title: `**Title**: ...`, `- Title: ...`, `**タイトル**: ...`.
_STATED_TITLE = re.compile(r"^[\s>*+-]*(?:\*\*|__)?(?:paper title|title|论文标题|论文题目|论文名称|标题|题目|タイトル|論文タイトル|"
                           r"논문 제목|제목|название статьи|название)(?:\*\*|__)?\s*[:：](?![:：])\s*(?:\*\*|__)?(?P<t>[^*\n]{6,300}?)"
                           r"(?:\*\*|__)?\s*$", re.I | re.M)


def _stated_title(text: str) -> str | None:
    """The paper's title as a note states it in a labelled line near its top, if it reads as one."""
    m = _STATED_TITLE.search("\n".join(text.split("\n")[:40]))
    if not m:
        return None
    t = plain(m.group("t")).strip().strip('"“”「」『』《》')
    return t if (title_like(t) or re.search(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]", t)) and len(t) >= 6 else None


def _web_links(text: str) -> int:
    """How many web links (not images) a text holds; asked only of the few files a name may title."""
    return sum(1 for link in find_links(text) if not is_image(link) and re.match(r"^https?://", link.url))


def _labelled_links(text: str, lines: int, entry_lines: set[int]) -> list[Link]:
    """Links labelled as the paper itself (`[paper](..)`, `[arXiv](..)`) near the top, outside any entry."""
    out = []
    for number, line in enumerate(text.split("\n")[:lines], start=1):
        if number in entry_lines:
            continue
        out += [link for link in find_links(line) if link.text and is_paper_url(link.url)
                and PAPER_LABELS.match(plain(link.text).strip(" []()*_:"))]
    return out


def _own_link(lone: Node | None, near: list[Link]) -> Link | None:
    """The paper's own link: in its heading, or the first paper link near the top."""
    if lone is not None:
        for link in find_links(lone.head):
            if is_paper_url(link.url):
                return link
    return near[0] if near else None


# --- no paper: a searchable document ---------------------------------------------------------------


def document_blocks(doc: Document) -> list[NoteBlock]:
    """Sections split at `#`..`###` headings (text before the first is the intro), large ones split again."""
    blocks: list[NoteBlock] = []
    section: str | None = None
    start = 1
    buf: list[str] = []
    heading = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$" if doc.format != "org" else r"^(\*{1,3})\s+(.+?)\s*$")

    def flush() -> None:
        text = "\n".join(buf).strip()
        parts = _parts(text)
        for k, (offset, part) in enumerate(parts, start=1):
            block = NoteBlock(kind="document", title=doc.title, section=section, text=part,
                              line=start + offset + doc.line_offset)
            if len(parts) > 1:
                block.fields["part"] = f"{k}/{len(parts)}"
            blocks.append(block)

    in_code = False
    for number, line in enumerate(doc.text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
        match = None if in_code else heading.match(line)
        if match:
            flush()
            section, start, buf = match.group(2), number, []
            continue
        buf.append(line)
    flush()
    if not blocks and doc.text.strip():
        blocks.append(NoteBlock(kind="document", title=doc.title, text=doc.text.strip()[:DOCUMENT_PART_CHARS],
                                line=1 + doc.line_offset))
    return blocks


def _parts(text: str) -> list[tuple[int, str]]:
    """(line offset, text) pieces of at most DOCUMENT_PART_CHARS, cut at blank lines, else lines, else anywhere."""
    if len(text) <= DOCUMENT_PART_CHARS:
        return [(0, text)] if text else []
    parts: list[tuple[int, str]] = []
    pos, line = 0, 0
    while pos < len(text):
        end = min(pos + DOCUMENT_PART_CHARS, len(text))
        if end < len(text):
            cut = text.rfind("\n\n", pos, end)
            if cut <= pos:
                cut = text.rfind("\n", pos, end)
            end = cut if cut > pos else end
        piece = text[pos:end]
        if piece.strip():
            parts.append((line, piece.strip()))
        line += piece.count("\n")
        pos = end
    return parts


def clear_caches() -> None:
    """Forget the memoised readings of lines and links (benchmarks measure a cold start with this).

    Those caches hold 4,096 readings each: about one large document's lines, which is where the same
    text is read again (from several levels of its tree). Lines rarely repeat across documents, and
    larger caches only gave the garbage collector's full passes more to walk (~10% of the run)."""
    from paperdex import ids
    from paperdex.extract import citation, evidence, links

    for fn in (links.find_links, links.is_paper_url, evidence.plain, evidence.title_like, evidence._head_evidence,
               evidence._own_links_in, citation.parse_citation, ids.identifier_from_url):
        fn.cache_clear()
