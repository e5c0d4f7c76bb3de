"""Markdown reading lists: one paper per bullet under headings, with sub-bullets as the reader's note.

Shapes handled (each seen in real notes):

* `* 2024 - [Title](url)` with indented sub-bullets; `[想法]` sub-bullets are the
  reader's thoughts, `[来自知乎]` / `[来自…]` ones are quotes (seed 000);
* `- Title [[arXiv](url)] [[code](url)]` under `#### 2018-02` month headings and
  plain-line sub-labels such as "Reinforcement Learning:" (dennybritz);
* `- [Short: Full Title](url) [[Notes](paper_notes/x.md)] <kbd>CVPR 2025</kbd> [tags]`
  under `## 2026-01 (10)`, titles broken over two lines, typo links (patrick-llgc).

What is NOT a paper note, decided the way a reader counting papers would:

* sections before the first section holding a bullet with a paper identifier
  (an author's "About me", "My review posts" on medium.com, "What to read");
* index lines whose only links point at local files (`- [x] [BERT](./notes/002_bert.md)`
  in Tramac's README, "Learning notes" in patrick-llgc's "2017 and before"):
  the linked note files carry the papers and are read as single notes, so
  counting the index line too would count each paper twice;
* checklist lines without any link (`- [ ] CLIP improve`) are to-dos.

A `<kbd>@alice</kbd>` label after an entry names the note's reader (paperdex's
own mixed-reader digest writes it); blank lines between a note's sub-bullets
are kept in the note text, so a digest gives back notes with paragraphs.

Entries whose only links go to blog or video platforms (medium, YouTube,
bilibili, Zhihu...) and carry no paper identifier are kept, as kind "note":
the reader read and listed them, but they are not papers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from paperdex.ids import find_identifiers, identifier_from_url, normalize_doi
from paperdex.model import Document, Identifier, NoteBlock
from paperdex.titles import clean_title, looks_like_title, parse_venue, strip_leading_marks

NAME = "readme_list"

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,3}[.)])(?:[ \t]+|(?=[A-Z\[]))(?P<body>.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
# A Markdown link: label with one level of nested brackets, target possibly empty or padded.
LINK = re.compile(
    r"\[(?P<label>(?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(?P<url>[^()]*?(?:\([^()\s]*\)[^()\s]*)*)\s*\)"
)
_GROUPED_LINK = re.compile(r"\[\s*" + LINK.pattern + r"\s*\]")
_CHECKBOX = re.compile(r"^\[(?P<state>[ xX])\]\s+")
_YEAR_PREFIX = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*[-–—:：]\s*")
_KBD = re.compile(r"<kbd>\s*(.*?)\s*</kbd>", re.I)
_READER_LABEL = re.compile(r"^@(?P<reader>\S(?:.*\S)?)$")
_BRACKET_TAGS = re.compile(r"(?<!\[)\[(?P<tags>[^\[\]]+)\](?!\(|\])")
_DATED = re.compile(r"^(?P<date>(?:19|20)\d{2}(?:-\d{2})?)\b")
_COUNT = re.compile(r"\s*\(\d+\)\s*$")
_TO_READ = re.compile(r"to[- ]?read|待读|未读|reading list|todo", re.I)
_THOUGHT_TAG = re.compile(r"^\[(?:想法|思考|个人想法|感想|评论|idea|ideas|thoughts?|comment|my take)\]\s*[:：]?\s*", re.I)
_QUOTE_TAG = re.compile(r"^\[(?:来自|引自|摘自|转自|from|via|quote)\s*[:：]?\s*(?P<src>[^\]]*)\]\s*[:：]?\s*", re.I)
_SUB_LABEL = re.compile(r"^[A-Z][A-Za-z&/,+\- ]{1,50}:?$")

# Hosts of blog posts, talks and videos: entries that only link there are not papers.
BLOG_HOSTS = (
    "medium.com", "youtube.com", "youtu.be", "bilibili.com", "zhuanlan.zhihu.com", "zhihu.com",
    "mp.weixin.qq.com", "twitter.com", "x.com", "towardsdatascience.com", "substack.com",
    "blog.csdn.net", "cnblogs.com", "jianshu.com", "reddit.com", "sspai.com", "juejin.cn", "36kr.com",
)
# 《…》 marks the title of a Chinese article or book; papers are not written that way.
_ARTICLE_TITLE = re.compile(r"^《[^《》]+》$")


@dataclass
class _Item:
    """A bullet with its lazy-continuation lines joined."""

    indent: int
    lines: list[str]
    line: int
    section: tuple[str, ...]
    sub_label: str | None
    gap: int = 0  # blank lines just before the bullet: paragraph breaks in a note


    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class _Entry:
    item: _Item
    info: dict
    children: list[_Item] = field(default_factory=list)


def _indent_width(raw: str) -> int:
    return len(raw.replace("\t", "    "))


def _items(text: str) -> list[_Item | str]:
    """Bullets (with continuation lines) in order; a string marks a section break."""
    out: list[_Item | str] = []
    headings: dict[int, str] = {}
    h1_count = sum(1 for line in text.splitlines() if re.match(r"^#\s", line))
    sub_label: str | None = None
    current: _Item | None = None
    in_code = False
    blanks = 0
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if _FENCE.match(line):
            in_code = not in_code
            current = None
            continue
        if in_code:
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            headings = {k: v for k, v in headings.items() if k < level}
            headings[level] = _COUNT.sub("", heading.group(2)).strip()
            sub_label, current, blanks = None, None, 0
            out.append("section")
            continue
        if not line.strip():
            current = None
            blanks += 1
            continue
        gap, blanks = blanks, 0
        section = tuple(v for k, v in sorted(headings.items()) if not (k == 1 and h1_count == 1))
        bullet = _BULLET.match(line)
        if bullet and not (bullet.group(0).lstrip().startswith("**")):
            indent = _indent_width(bullet.group("indent"))
            current = _Item(indent, [bullet.group("body")], number, section, sub_label, gap)
            out.append(current)
            continue
        if current is not None:  # Markdown lazy continuation of the bullet above
            current.lines.append(line.strip())
            continue
        stripped = line.strip()
        following = next((x for x in lines[number:] if x.strip()), "")
        if _SUB_LABEL.match(stripped) and _BULLET.match(following):
            sub_label = stripped.rstrip(":").strip()
            out.append("section")
    return out


def _split_link_title(body: str) -> tuple[str, str, str] | None:
    """(title, title_url, tail) when the body is `[Title](url) tail` or `Title [[label](url)] tail`."""
    link = LINK.match(body)
    if link:
        return link.group("label"), link.group("url"), body[link.end():]
    first = LINK.search(body)
    if not first:
        return None
    prefix = body[: first.start()]
    grouped = prefix.rstrip().endswith("[")
    prefix = prefix.rstrip().rstrip("[").strip()
    if not prefix or not re.search(r"[A-Za-z\u4e00-\u9fff]", prefix):
        return None
    if not grouped and not looks_like_title(prefix):
        return None
    start = first.start() - 1 if grouped else first.start()
    return prefix, "", body[start:]


def parse_entry(text: str) -> dict | None:
    """What a bullet says about a paper, or None when it is not a paper entry."""
    body = " ".join(part.strip() for part in text.splitlines()).strip()
    info: dict = {"marks": []}
    box = _CHECKBOX.match(body)
    if box:
        info["checked"] = box.group("state") != " "
        body = body[box.end():]
    year = _YEAR_PREFIX.match(body)
    if year:
        info["year"] = int(year.group("year"))
        body = body[year.end():]
    body, marks = strip_leading_marks(body)
    info["marks"] += marks
    split = _split_link_title(body)
    if split is None:
        # A linked list's bare "- RetinaGAN: An Object-aware Approach to Sim-to-Real Transfer".
        bare = body.strip().removeprefix("[").removesuffix("]")
        if "[" in bare or "](" in bare or not looks_like_title(bare):
            return None
        split = (bare, "", "")
        tagged = re.match(r"^(?P<title>.+?):\s*(?P<venue>[^:]+)$", bare)
        venue = parse_venue(tagged.group("venue")) if tagged else None
        if venue and not venue[2]:  # "- EmerNeRF: ICLR 2024"
            split = (tagged.group("title"), "", "")
            info["venue"], info["year"] = venue[0], info.get("year") or venue[1]
    raw_title, title_url, tail = split
    title, meta = clean_title(raw_title.replace("\n", " "))
    if not title:
        return None
    info.update(title=title, meta=meta, title_url=title_url, tail=tail)
    return info


def _is_local(url: str) -> bool:
    """A link to a file of the same repository (`./notes/002_bert.md`), not a broken or empty link."""
    if not url or re.search(r"\s", url) or url.startswith("#") or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
        return False
    return "/" in url or bool(re.search(r"\.(?:md|markdown|html?|pdf|ipynb|txt)$", url, re.I))


def _is_blog(url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host.startswith("blog.") or "/blog/" in parts.path.lower():
        return True
    return any(host == h or host.endswith("." + h) for h in BLOG_HOSTS)


def _child_text(item: _Item) -> str:
    return "\n".join(line.strip() for line in item.lines).strip()


def _block(entry: _Entry, doc: Document) -> NoteBlock | None:
    info, item = entry.info, entry.item
    tail = info["tail"]
    links = [(m.group("label"), m.group("url")) for m in LINK.finditer(tail)]
    urls = [u for u in [info["title_url"], *(u for _, u in links)] if u]
    # A bare DOI as link target ("[The PREVENTION dataset](10.1109/ITSC.2019.8917433)") is a doi.org link.
    urls = [f"https://doi.org/{normalize_doi(u)}" if u.startswith("10.") and normalize_doi(u) else u for u in urls]
    absolute = [u for u in urls if re.match(r"^https?://", u, re.I)]
    local = [u for u in urls if _is_local(u)]
    identifiers: list[Identifier] = []
    for url in absolute:
        ident = identifier_from_url(url)
        if ident and ident not in identifiers:
            identifiers.append(ident)
    if not absolute and local and not any(u.lower().endswith(".pdf") for u in local):
        return None  # an index line: the linked note file holds the paper
    if not urls and info.get("checked") is not None:
        return None  # a to-do: "- [ ] CLIP improve"
    meta = info["meta"]
    block = NoteBlock(kind="paper", title=info["title"], line=item.line + doc.line_offset)
    block.identifiers = identifiers
    block.urls = absolute
    block.marks = list(dict.fromkeys(meta.get("marks", []) + info["marks"]))
    block.year = info.get("year") or meta.get("year")
    block.venue = meta.get("venue") or info.get("venue")
    if meta.get("alias"):
        block.fields["alias"] = meta["alias"]
    if meta.get("remark"):
        block.fields["remark"] = meta["remark"]
    rest = LINK.sub(" ", _GROUPED_LINK.sub(" ", tail))
    for kbd in _KBD.findall(rest):
        venue = parse_venue(kbd)
        if venue and venue[0].split()[0] != "arXiv" and block.venue is None:
            block.venue, block.year = venue[0], block.year or venue[1]
            if venue[2]:
                block.fields["venue_note"] = venue[2]
                if "best paper" in venue[2].lower():
                    block.marks.append("best-paper")
        elif _READER_LABEL.match(kbd):
            block.reader = _READER_LABEL.match(kbd).group("reader")
        else:
            block.flags.append(kbd)
    rest = _KBD.sub(" ", rest)
    tags = [m.group("tags").strip() for m in _BRACKET_TAGS.finditer(rest) if m.group("tags").strip()]
    rest = _BRACKET_TAGS.sub(" ", rest)
    rest = re.sub(r"[\[\]]", " ", rest)
    rest = " ".join(rest.split()).strip(" -,;")
    if tags:
        block.fields["tags"] = "; ".join(tags)
    for label, url in links:
        if _is_local(url) and "note" in label.lower():
            block.fields["notes_file"] = url
    texts: list[str] = []
    gaps: list[int] = []
    for child in entry.children:
        content = _child_text(child)
        thought = _THOUGHT_TAG.match(content)
        quote = _QUOTE_TAG.match(content)
        if thought:
            block.thoughts.append(content[thought.end():].strip())
        elif quote:
            block.quotes.append(content[quote.end():].strip())
            source = quote.group("src").strip()
            if source:
                block.fields["quote_source"] = source
        elif content:
            texts.append(content)
            gaps.append(child.gap)
            for ident in find_identifiers(content):
                if ident not in block.identifiers:
                    block.references.append(ident.key)
    pairs = enumerate(zip(gaps, texts, strict=True))
    note = "".join(("\n" * (1 + gap) if i else "") + t for i, (gap, t) in pairs)
    extra = "; ".join(x for x in [rest, *tags] if x)
    block.text = note if note else extra
    if note and extra:
        block.fields["annotation"] = extra
    section = " / ".join(item.section)
    if item.sub_label:
        section = f"{section} / {item.sub_label}" if section else item.sub_label
    block.section = section or None
    for heading in item.section:
        dated = _DATED.match(heading)
        if dated:
            block.date = dated.group("date")
    if info.get("checked") is False or any(_TO_READ.search(h) for h in item.section):
        block.marks.append("to-read")
    if not block.identifiers and (
        (absolute and all(_is_blog(u) for u in absolute)) or _ARTICLE_TITLE.match(block.title or "")
    ):
        block.kind = "note"
        block.flags.append("blog")
    return block


def _entries(doc: Document) -> list[_Entry]:
    entries: list[_Entry] = []
    current: _Entry | None = None
    for item in _items(doc.text):
        if isinstance(item, str):
            current = None
            continue
        if current is not None and item.indent > current.item.indent + 1:
            current.children.append(item)
            continue
        info = parse_entry(item.text)
        if info is None:
            current = None
            continue
        current = _Entry(item, info)
        entries.append(current)
    return entries


def _paper_blocks(doc: Document) -> list[NoteBlock]:
    blocks = [b for b in (_block(e, doc) for e in _entries(doc)) if b is not None]
    # Sections before the first one that lists a paper are the author's preamble.
    first = next((i for i, b in enumerate(blocks) if b.identifiers), None)
    if first is None:
        return [b for b in blocks if b.kind == "paper" and b.urls] if len(blocks) >= 3 else []
    top = blocks[first].section.split(" / ")[0] if blocks[first].section else None
    start = first
    while start > 0 and blocks[start - 1].section and blocks[start - 1].section.split(" / ")[0] == top:
        start -= 1
    return blocks[start:]


def segment(doc: Document) -> list[NoteBlock]:
    return _paper_blocks(doc)


DIGEST_MARKER = "<!-- paperdex digest: re-add with `paperdex add` -->"


def score(doc: Document) -> float:
    """Only paperdex's own Markdown digests (they carry DIGEST_MARKER) are read as records here, so that
    they round-trip exactly; any other reading list goes to the structural extractor."""
    if DIGEST_MARKER not in doc.text[:2000]:
        return 0.0
    blocks = _paper_blocks(doc)
    linked = sum(1 for b in blocks if b.urls)
    if linked < 2:
        return 0.0
    with_ids = sum(1 for b in blocks if b.identifiers)
    base = 0.3 + 0.6 * min(1.0, linked / 10)
    return round(min(0.9, base + (0.05 if with_ids >= linked / 2 else 0.0)), 3)
