"""Turn decided entries into NoteBlocks: title, identifiers, links, note text, thoughts, section, year."""

from __future__ import annotations

import re

from paperdex.extract.entries import Entry
from paperdex.extract.evidence import (
    REFERENCE_HEADINGS,
    is_date_heading,
    is_generic_heading,
    is_linked_badge,
    plain,
)
from paperdex.extract.links import (
    Link,
    find_links,
    identifier,
    is_image,
    is_local_note,
    is_local_paper,
    is_paper_url,
    meta_identifiers,
)
from paperdex.extract.naming import labelled_title, title_from_head, title_from_heading
from paperdex.ids import find_identifiers, normalize_doi
from paperdex.model import Identifier, NoteBlock

THOUGHT = re.compile(
    r"^\s*(?:[-*+]\s*)?(?:\[(?:想法|思考|个人想法|感想|评论|点评|idea|ideas|thoughts?|comments?|my take|мысли|мнение)\]"
    r"|(?:\*\*)?(?:my thoughts|my take|thoughts|comments?|想法|个人想法|感想|点评|мои мысли|мнение|感想|所感)"
    r"(?:\*\*)?\s*[:：])\s*[:：]?\s*", re.I)
QUOTE = re.compile(r"^\s*(?:[-*+]\s*)?\[(?:来自|引自|摘自|转自|from|via|quote)\s*[:：]?\s*(?P<src>[^\]]*)\]\s*[:：]?\s*",
                   re.I)
_KBD = re.compile(r"<kbd>\s*(.*?)\s*</kbd>", re.I)
_TASK = re.compile(r"^(?:todo|to ?do|to[- ]?read|reading list|backlog|待读|未读|待看|inbox|queue|wishlist)\b", re.I)
_TAG_LINE = re.compile(r"^\s*(?:tags?\s*::?|#[\w/-]+(?:\s+#[\w/-]+)*\s*$)", re.I)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
MAX_NOTE_CHARS = 200_000


def identifiers_of(links: list, text: str) -> list[Identifier]:
    out: list[Identifier] = []
    for link in links:
        url = link.url
        if url.startswith("10.") and normalize_doi(url):
            url = f"https://doi.org/{normalize_doi(url)}"
        ident = identifier(url)
        if ident and ident not in out:
            out.append(ident)
    for ident in find_identifiers(re.sub(r"\]\([^)]*\)", "]", text)):
        if ident.scheme in ("arxiv", "doi") and ident not in out:
            out.append(ident)
    # One paper has one arXiv id: keep the first (the title's link), the rest are other papers.
    seen: set[str] = set()
    kept = []
    for ident in out:
        if ident.scheme in seen:
            continue
        seen.add(ident.scheme)
        kept.append(ident)
    return kept


def _section_and_date(path: list[str]) -> tuple[str | None, str | None, bool]:
    """Topic headings become the section; date headings the reading date; task headings mark to-read."""
    topics, date, to_read = [], None, False
    for heading in path:
        text = plain(heading).strip(" #:：")
        text = re.sub(r"\s*[(（]\d+[)）]\s*$", "", text)
        if not text or _TAG_LINE.match(text):
            continue
        if is_date_heading(text):
            m = re.match(r"\W*((?:19|20)\d{2}(?:[-./年]\s*\d{1,2})?)", text)
            date = m.group(1).replace("年", "-").replace(".", "-").replace("/", "-").replace(" ", "") if m else text
            continue
        if _TASK.match(text):
            to_read = True
            continue
        if is_generic_heading(text) or REFERENCE_HEADINGS.match(text) or len(text) > 80:
            continue
        topics.append(text)
    return (" / ".join(topics) or None), date, to_read


def note_parts(text: str) -> tuple[str, list[str], list[str]]:
    """(note text, thoughts, quotes): lines tagged [想法] / "My thoughts:" are the reader's own thoughts."""
    keep, thoughts, quotes = [], [], []
    for line in text.split("\n"):
        t = THOUGHT.match(line)
        q = QUOTE.match(line)
        if t and line[t.end():].strip():
            thoughts.append(line[t.end():].strip())
        elif q and line[q.end():].strip():
            quotes.append(line[q.end():].strip())
        else:
            keep.append(line)
    body = _dedent("\n".join(keep)).strip("\n")
    return body, thoughts, quotes


def quote_source(text: str) -> str | None:
    """Where the quoted lines come from: `[来自知乎] ...` -> 知乎."""
    for line in text.split("\n"):
        m = QUOTE.match(line)
        if m and m.group("src").strip():
            return m.group("src").strip()
    return None


def _dedent(text: str) -> str:
    """The lines with the indentation they all share removed. Most notes have a line without any: the scan
    stops there and the text is returned as it is (cutting nothing would rebuild the same text)."""
    lines = text.split("\n")
    cut = None
    for ln in lines:
        if ln.strip():
            indent = len(ln) - len(ln.lstrip())
            if indent == 0:
                return text
            cut = indent if cut is None else min(cut, indent)
    if not cut:
        return text
    return "\n".join(ln[cut:] for ln in lines)


_ITEM_MARKER = re.compile(r"^(?:[-*+]|\d{1,3}[.)])\s+")
_HTTP = re.compile(r"^https?://", re.I)
_EMPTY_BRACKETS = re.compile(r"\[\s*\]|\(\s*\)")
_CLAUSE_END = re.compile(r"\.\s+|[:：]\s+|\s[-–—]\s")


def entry_block(entry: Entry, line_offset: int = 0) -> NoteBlock | None:
    node = entry.node
    head = entry.head
    headline = None
    if node.kind == "section":
        labelled = labelled_title(node.text)
        title, meta = title_from_heading(head)
        if labelled and labelled[0].lower() != title.lower():
            headline = title
            title = labelled[0]
        body = "\n".join(node.text.split("\n")[1:])
        head_links = [link for link in find_links(head) if not is_image(link)]
        body_links = [link for link in find_links(body) if not is_image(link) or is_linked_badge(link)]
        own = [link for link in head_links if is_paper_url(link.url)]
        if labelled:
            own = [link for link in body_links if link.url == labelled[1]] + own
        if not own:
            own = [link for link in body_links if is_paper_url(link.url)][:1]
        links = head_links + [link for link in body_links if link not in head_links]
        ids = identifiers_of(own, head)
        if not ids and node.fields:  # org property drawer: `:URL:`, `:ROAM_REFS:`, `:ARXIV:`
            ids, urls = meta_identifiers(node.fields)
            links += [Link("", u, 0, 0) for u in urls]
        note_text = body
    elif node.kind == "row":
        title, meta = title_from_head(head)
        links = [link for c in node.cells for link in find_links(c) if not is_image(link)]
        own = [link for link in links if is_paper_url(link.url)][:1]
        ids = identifiers_of(own, head)
        note_text = " | ".join(c for i, c in enumerate(node.cells) if i != entry.title_cell and c.strip())
        if node.header:
            note_text = "\n".join(f"{plain(h)}: {c}" for i, (h, c) in enumerate(zip(node.header, node.cells, strict=False))
                                  if i != entry.title_cell and c.strip() and h.strip()) or note_text
    else:
        first_line = head.split("\n")[0]
        title, meta = title_from_head(head)
        links = [link for link in find_links(head) if not is_image(link)]
        own = [link for link in links if is_paper_url(link.url)]
        ids = identifiers_of(own, head)
        if node.kind == "item" and not own:
            # "- Title" over "  - Paper: https://arxiv.org/abs/...": the first sub-items' labelled or bare
            # paper link is the entry's own (not a link a later sub-item mentions in passing).
            sub = next((c for c in node.children if c.kind == "list"), None)
            for child in (sub.children[:3] if sub is not None else []):
                field = [link for link in find_links(child.head) if not is_image(link) and is_paper_url(link.url)
                         and _is_field_link(child.head, link)]
                if field:
                    ids = identifiers_of(field[:1], "")
                    links.append(field[0])
                    break
        if node.kind == "item":
            # Sub-bullets are the note's lines: markers and indentation go, blank lines between them stay.
            note_text = "\n".join(_ITEM_MARKER.sub("", ln.strip(), count=1)
                                  for ln in node.body_text().split("\n")).strip("\n")
            rest = _tail_text(head)
            if rest and not note_text.strip():
                note_text = rest
        elif node.kind == "paragraph":
            note_text = head if "\n" in head else _tail_text(first_line)
        else:
            note_text = _tail_text(first_line)
        extra = "\n".join(b.text for b in entry.extra)
        if extra:
            for b in entry.extra:
                for link in find_links(b.text):
                    if not is_image(link) and not ids and is_paper_url(link.url) and _is_field_link(b.text, link):
                        ids = identifiers_of([link], "")
                        links.append(link)
            note_text = (note_text + "\n" + extra).strip()
    described = "described" in entry.evidence.signals
    if described:
        # A paper told in a sentence: the sentence is the note, its first clause the title until the
        # paper is resolved by its link.
        note_text = f"{plain(head).strip()}\n{note_text}".strip()
        title = _first_clause(plain(head))
    if not title or len(title) < 2:
        return None
    block = NoteBlock(kind="paper", title=title, line=entry.line + line_offset)
    block.identifiers = ids
    block.urls = list(dict.fromkeys(link.url for link in links if _HTTP.match(link.url)))
    local = [link.url for link in links if is_local_note(link.url)]
    if local:
        block.fields["notes_file"] = local[0]
    pdf = [link.url for link in links if is_local_paper(link)]
    if pdf:
        block.fields["pdf_file"] = pdf[0]
    if headline:
        block.fields["heading"] = headline
    if described:
        block.fields["title_from"] = "description"
    block.year = meta.get("year") or (entry.evidence.citation.year if entry.evidence.citation else None)
    block.venue = meta.get("venue")
    block.marks = list(dict.fromkeys(meta.get("marks", [])))
    for key in ("alias", "remark"):
        if meta.get(key):
            block.fields[key] = meta[key]
    if entry.evidence.citation and entry.evidence.citation.authors:
        block.fields["authors"] = entry.evidence.citation.authors[:300]
    for kbd in _KBD.findall(head):
        block.flags.append(plain(kbd))
    if re.match(r"^\s*\[ \]", head):
        block.marks.append("to-read")
    text, thoughts, quotes = note_parts(note_text)
    block.text = text[:MAX_NOTE_CHARS]
    block.thoughts, block.quotes = thoughts, quotes
    source = quote_source(note_text)
    if source:
        block.fields["quote_source"] = source
    block.section, block.date, to_read = _section_and_date(entry.path)
    if to_read and "to-read" not in block.marks:
        block.marks.append("to-read")
    for ident in find_identifiers(text):
        if ident not in block.identifiers and ident.key not in block.references:
            block.references.append(ident.key)
    if not block.identifiers and block.urls and not any(is_paper_url(u) for u in block.urls) and not local and not pdf:
        # Only blog, video or code links and no id: a note about something that may not be a paper.
        block.fields.setdefault("links_only", "non-paper")
    return block


def _first_clause(sentence: str, limit: int = 100) -> str:
    """"GoogleAI introduces Muse, a new text-to-image model ...; significantly more efficient ..." ->
    its first clause, cut at a word within `limit` characters."""
    clause = re.split(r";\s|\.\s|\s[–—]\s", sentence.strip(), maxsplit=1)[0].strip(" .;:")
    if len(clause) <= limit:
        return clause
    return clause[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _is_field_link(text: str, link) -> bool:
    before = text[: link.start].split("\n")[-1]
    return bool(re.search(r"(?:arxiv|paper|pdf|link|url|doi|论文|链接|地址|来源|статья)\s*[:：]?\s*$", before, re.I)) \
        or not before.strip(" -*")


def _tail_text(head: str) -> str:
    """What a one-line entry says besides its title: `- Title [[arXiv](..)] summary` -> `summary`."""
    text = head
    for link in reversed(find_links(text)):
        text = text[: link.start] + " " + text[link.end:]
    text = _KBD.sub(" ", text)
    text = _EMPTY_BRACKETS.sub(" ", text)
    parts = _CLAUSE_END.split(text, maxsplit=1)
    rest = parts[1] if len(parts) > 1 else ""
    return " ".join(rest.split()).strip(" -,;|")


def year_of_arxiv(block: NoteBlock) -> int | None:
    """The year an arXiv id was issued (`2106.01345` -> 2021, `hep-th/9901001` -> 1999): a paper's year when
    the note gives none."""
    for ident in block.identifiers:
        if ident.scheme != "arxiv":
            continue
        digits = ident.value.split("/")[-1]
        if len(digits) >= 4 and digits[:2].isdigit():
            yy = int(digits[:2])
            return 2000 + yy if yy < 90 else 1900 + yy
    return None
