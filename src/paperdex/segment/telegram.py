"""Cut Telegram channel posts into notes: the web-preview text of a channel (seed 004) and exported posts.

A paper channel writes one post per paper: the paper's title on the first
line(s), the reader's note below, a link at the end. Two inputs:

(a) `segment(doc)`: the text a browser copies from a channel's web preview
    (t.me/s/<channel>). The channel header (name, "1.01K subscribers", "988
    photos", description, "Авторы:" handles, "Download Telegram") is dropped,
    and the channel name becomes the reader of every note. Posts end at the
    channel's signature line (the short line that closes every post, e.g.
    `👀LINK`). Lines with no letters at the start of a post (reaction counts such
    as `42🔥2`, `4211`) belong to the previous post's footer and are dropped. The
    first paragraph is the title when it is one to three Latin-script lines
    ("In-Context Imitation Learning\\nvia Next-Token Prediction"), else the
    first line; the rest is the note. Line numbers point into the source.
(b) `segment_posts(doc)`: Documents whose reader already split posts
    (Telegram Desktop JSON/HTML exports). A real channel mixes paper posts with
    news and chatter, so each post is judged:
    - no real text (media only, stickers, polls, "(File not included…)") -> no block;
    - exactly one paper identifier among its links (arXiv, DOI, OpenReview...)
      -> kind "paper" with that id; the first line is its title when it looks
      like a paper title, else title None (the resolver names it from the id)
      and the first line is kept in `fields["headline"]`;
    - several paper ids -> the one whose link text says "paper"/"arxiv"/"LINK"/
      "статья" (or equals the title) is the paper, the others are references;
      with no such hint a title-like post is a paper with the ids as references
      and anything else is a note;
    - no paper id: a title-like first line -> kind "paper" (resolved by title);
      otherwise kind "note" with title None, kept searchable, never a paper.
    Date and author (the post's signature or sender, else the chat) go on the block.
"""

from __future__ import annotations

import re
from collections import Counter

from paperdex.ids import find_identifiers, find_urls
from paperdex.model import Document, Identifier, NoteBlock, Post
from paperdex.titles import looks_like_title

NAME = "telegram"

_COUNTS = re.compile(
    r"^[\d.,]+\s*[KkMm]?\s+(?:subscribers?|members?|photos?|videos?|links?|files?|"
    r"подписчик\w*|участник\w*|фото\w*|видео|ссыл\w*|файл\w*)$"
)
_DOWNLOAD = re.compile(r"^(?:Download Telegram|Скачать Telegram|View in Telegram|Open in Telegram)$", re.I)
_AUTHORS_HEAD = re.compile(r"^(?:Авторы|Автор|Authors?|Admins?|Админ\w*)\s*:\s*(?P<rest>.*)$", re.I)
_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_PLACEHOLDER = re.compile(r"^\((?:File|Photo|Video) (?:not included|exceeds maximum size|unavailable)[^)]*\)$")
_LEAD_JUNK = re.compile(r"^(?:#[\w\-]+\s*|[^\w\"“«(\[#]+)+")
_SMALL_WORDS = {
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to",
    "via", "vs", "with", "without", "is", "are", "be", "do", "does", "not", "over", "under", "than",
}
# DOIs of journals' news and comment pieces (Nature's d41586-...): journalism, not a paper.
_NEWS_DOI = re.compile(r"^10\.1038/d41586-")
_PAPER_LINK_TEXT = re.compile(
    r"^(?:link|paper|arxiv|pdf|abs|openreview|статья|папира|ссылка|тык|источник|бумага)$", re.I
)


# --- shared -----------------------------------------------------------------------------------------


def _strong_title(line: str) -> bool:
    """A title-like line that is also mostly capitalised: the evidence a post without a paper link needs."""
    if not looks_like_title(line):
        return False
    content = [w for w in line.split() if _LATIN.search(w) and w.lower().strip(":,") not in _SMALL_WORDS]
    capital = sum(1 for w in content if w.lstrip("\"“'(")[:1].isupper() or w[:1].isdigit())
    return bool(content) and (capital / len(content) >= 0.6 or (":" in line and capital / len(content) >= 0.3))


def _clean_first_line(line: str) -> str:
    """A first line without leading emoji, bullets and hashtags."""
    return _LEAD_JUNK.sub("", line.strip()).strip()


def _title_split(lines: list[str]) -> tuple[str | None, int]:
    """(title, index of the first note line) from a post's lines; title None if the post has none."""
    idx = 0
    while idx < len(lines) and not _clean_first_line(lines[idx]):
        idx += 1
    if idx >= len(lines):
        return None, len(lines)
    first = _clean_first_line(lines[idx])
    paragraph = [first]
    j = idx + 1
    while j < len(lines) and lines[j].strip() and len(paragraph) < 3:
        paragraph.append(lines[j].strip())
        j += 1
    ends_paragraph = j >= len(lines) or not lines[j].strip()
    joined = " ".join(paragraph)
    if len(paragraph) > 1 and ends_paragraph and looks_like_title(joined) and not first.endswith(":"):
        return joined, j
    if looks_like_title(first):
        return first, idx + 1
    return None, idx


def _body(lines: list[str]) -> str:
    return "\n".join(lines).strip()


# --- web preview text -------------------------------------------------------------------------------


def _is_footer_junk(line: str) -> bool:
    """Reaction and view counts: a short line with no letters ("42🔥2", "4211", "1.2K")."""
    s = line.strip()
    return bool(s) and len(s) <= 24 and (not _LETTER.search(s) or bool(re.fullmatch(r"[\d.,]+[KkMm]", s)))


def _header_end(lines: list[str]) -> tuple[int, dict[str, str]]:
    """Index of the first post line and what the header says (channel, description, authors)."""
    info: dict[str, str] = {}
    head = lines[:40]
    download = next((i for i, ln in enumerate(head) if _DOWNLOAD.match(ln.strip())), None)
    counts = [i for i, ln in enumerate(head) if _COUNTS.match(ln.strip())]
    if download is None and not counts:
        return 0, info
    end = download + 1 if download is not None else counts[-1] + 1
    if lines and lines[0].strip() and not _COUNTS.match(lines[0].strip()):
        info["channel"] = lines[0].strip()
    authors: list[str] = []
    description: list[str] = []
    in_authors = False
    stop = download if download is not None else end
    start = (counts[-1] + 1) if counts else 1
    for ln in lines[start:stop]:
        s = ln.strip()
        m = _AUTHORS_HEAD.match(s)
        if m:
            in_authors = True
            if m.group("rest"):
                authors.append(m.group("rest"))
        elif in_authors and s.startswith("@"):
            authors.append(s)
        elif s:
            in_authors = False
            description.append(s)
    if authors:
        info["channel_authors"] = ", ".join(authors)
    if description:
        info["channel_description"] = " ".join(description)
    return end, info


def _separator(lines: list[str]) -> str | None:
    """The channel's signature line that closes every post ("👀LINK"), if it has one."""
    counts = Counter(
        s for s in (ln.strip() for ln in lines) if s and len(s) <= 30 and _LETTER.search(s) and not _COUNTS.match(s)
    )
    best = [(n, s) for s, n in counts.items() if n >= 2 and not looks_like_title(s) and len(s.split()) <= 3]
    return max(best)[1] if best else None


def segment(doc: Document) -> list[NoteBlock]:
    """One note per post of a channel's web-preview text."""
    lines = doc.text.splitlines()
    start, info = _header_end(lines)
    sep = _separator(lines[start:])
    channel = info.get("channel")
    posts: list[tuple[int, list[str]]] = []  # (index of first line, lines)
    current: list[str] = []
    first = start
    for i in range(start, len(lines)):
        if sep is not None and lines[i].strip() == sep:
            posts.append((first, current))
            current, first = [], i + 1
        else:
            current.append(lines[i])
    posts.append((first, current))
    blocks: list[NoteBlock] = []
    for first, post_lines in posts:
        k = 0
        while k < len(post_lines) and (not post_lines[k].strip() or _is_footer_junk(post_lines[k])):
            k += 1
        body_lines = post_lines[k:]
        if not _LETTER.search("".join(body_lines)):
            continue
        title, note_start = _title_split(body_lines)
        text = _body(body_lines[note_start:]) if title else _body(body_lines)
        line = first + k + 1 + doc.line_offset
        fields = {key: value for key, value in info.items() if key != "channel_description"}
        if sep:
            fields["post_signature"] = sep
        blocks.append(
            NoteBlock(
                kind="paper" if title else "note",
                title=title,
                text=text,
                identifiers=find_identifiers(text),
                urls=find_urls(text),
                line=line,
                reader=doc.reader or channel,
                fields=fields,
            )
        )
    return blocks


def score(doc: Document) -> float:
    """High for a channel's web-preview text: subscriber counts, "Download Telegram", a signature line."""
    if doc.posts is not None:
        return 0.9
    lines = doc.text.splitlines()
    head = [ln.strip() for ln in lines[:40]]
    value = 0.0
    if any(_COUNTS.match(s) for s in head):
        value += 0.4
    if any(_DOWNLOAD.match(s) for s in head):
        value += 0.25
    if value == 0.0:
        return 0.0
    sep = _separator(lines)
    if sep is not None:
        n = sum(1 for ln in lines if ln.strip() == sep)
        value += 0.3 if n >= 3 else 0.15
    return round(min(value, 0.95), 3)


# --- exported posts ---------------------------------------------------------------------------------


def _paper_ids(urls: list[str], text: str) -> list[Identifier]:
    """Distinct paper identifiers of a post; an arXiv DOI counts as its arXiv id."""
    found: list[Identifier] = []
    for source in [*urls, text]:
        for ident in find_identifiers(source):
            if ident.scheme == "doi" and ident.value.startswith("10.48550/arxiv."):
                continue  # find_identifiers also yields the arXiv id itself
            if ident.scheme == "doi" and _NEWS_DOI.match(ident.value):
                continue
            if ident not in found:
                found.append(ident)
    return found


def _preferred(post: Post, ids: list[Identifier], title: str | None) -> Identifier | None:
    """The id whose link text names it the post's paper ("LINK", "paper", or the title itself)."""
    hits: list[Identifier] = []
    for link in post.metadata.get("links", []):
        label = _clean_first_line(str(link.get("text", ""))).strip().casefold()
        is_paper = bool(_PAPER_LINK_TEXT.match(label)) or (title is not None and label == title.casefold())
        if not is_paper:
            continue
        for ident in _paper_ids([str(link.get("url", ""))], ""):
            if ident in ids and ident not in hits:
                hits.append(ident)
    return hits[0] if len(hits) == 1 else None


def segment_posts(doc: Document) -> list[NoteBlock]:
    """One block per post that has real text; paper posts are kind "paper", chatter kind "note"."""
    blocks: list[NoteBlock] = []
    for post in doc.posts or []:
        text = post.text.strip()
        if not text or _PLACEHOLDER.match(text) or not _LETTER.search(text):
            continue
        lines = text.splitlines()
        title, note_start = _title_split(lines)
        ids = _paper_ids(post.urls, text)
        paper_id: Identifier | None = None
        references: list[str] = []
        if len(ids) == 1:
            paper_id = ids[0]
        elif len(ids) > 1:
            paper_id = _preferred(post, ids, title)
            references = [i.key for i in ids if i != paper_id]
        if paper_id is None and title is not None and not _strong_title(title):
            title = None  # a title-like line with no paper link must read like a title, not chatter
            note_start = 0
        kind = "paper" if (paper_id is not None or title is not None) else "note"
        fields: dict[str, str] = {}
        if title is None and kind == "paper":
            headline = next((_clean_first_line(ln) for ln in lines if _clean_first_line(ln)), "")
            if headline:
                fields["headline"] = headline
        if post.metadata.get("id") is not None:
            fields["message_id"] = str(post.metadata["id"])
        hashtags = sorted(set(re.findall(r"(?<![\w/])#[^\W_][\w\-]*", text)), key=text.index)
        if hashtags:
            fields["hashtags"] = " ".join(hashtags)
        body = _body(lines[note_start:]) if title else text
        blocks.append(
            NoteBlock(
                kind=kind,
                title=title,
                text=body,
                identifiers=[paper_id] if paper_id else [],
                urls=list(post.urls) or find_urls(text),
                references=references,
                line=post.line,
                date=post.date,
                reader=post.author or doc.reader,
                fields=fields,
            )
        )
    return blocks
