"""The title of an entry: the paper's name, never a badge, emoji, number, venue tag or author block.

Where a note gives a headline and the paper's own title (a `Paper: [Title](url)`
line under a paraphrased heading), the original title wins and the headline is
kept as the note's heading.
"""

from __future__ import annotations

import re

from paperdex.extract.citation import is_author_list, parse_citation
from paperdex.extract.evidence import is_label, plain, title_like
from paperdex.extract.links import find_links, is_anchor, is_image, is_local_note, is_paper_url, names_paper
from paperdex.titles import clean_title, parse_venue

_NUMBERING = re.compile(
    r"^\s*(?:\d{1,3}(?:\.\d{1,3})+[.)：:]?(?=\s|\D)|#?\d{1,3}[.)：:]|\[\d{1,3}\]|#\d{1,3}|No\.\s*\d+[.:]?|"
    r"第\s*\d+\s*[篇个]?[.:：]?)\s*")
_TRAILING_NUMBER = re.compile(r"\s*(?:\[\d{1,3}\]|\(\d{1,3}\))\s*$")
_YEAR_PREFIX = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})\s*[-–—:：|]\s*")
_CHECKBOX = re.compile(r"^\s*\[[ xX]\]\s*")
_LABEL_PREFIX = re.compile(
    r"^\s*(?:paper|title|论文|标题|题目|название|статья|タイトル|論文|논문|제목)\s*[:：]\s*", re.I)
_TAIL_CUT = re.compile(r"\s+\[\[|\s*\[[^\]]*\]\(|<kbd>|\s\|\s|\s+[-–—]\s+\[|https?://|\s+\(\[")
_PAPER_LINE = re.compile(r"^\s*(?:[-*+]\s*)?(?:\*\*)?(?:paper|论文|原文|статья|論文|논문)(?:\*\*)?\s*[:：]\s*(?P<rest>.+)$",
                         re.I)
_TODO_WORDS = re.compile(r"^(?:TODO|DONE|NEXT|WAITING|CANCELL?ED|READ|READING|SKIM(?:MED)?|WIP)\s+")


def strip_decoration(text: str) -> tuple[str, dict]:
    """Leading numbers, check boxes, year prefixes, task words and marks off a head; what they said."""
    meta: dict = {}
    t = plain(text, keep_emphasis=True) if "](" not in text else text
    t = t.strip()
    for _ in range(4):
        before = t
        t = _CHECKBOX.sub("", t)
        m = _YEAR_PREFIX.match(t)
        if m:
            meta.setdefault("year", int(m.group("year")))
            t = t[m.end():]
        t = _NUMBERING.sub("", t)
        t = _TODO_WORDS.sub("", t)
        t = _LABEL_PREFIX.sub("", t)
        t = t.lstrip("*_ ").strip()
        if t == before:
            break
    return t, meta


def _link_title(text: str) -> tuple[str, str | None] | None:
    """(title, url) when the head's name is a link's text: `[Title](url)`, not `[code](url)`."""
    for link in find_links(text):
        if is_image(link) or is_anchor(link.url):
            continue
        if link.text and not is_label(link.text) and (
                names_paper(link) or is_local_note(link.url) or not link.url or text.lstrip(" *_[").startswith(
                    link.text[:10])):
            return plain(link.text), link.url or None
    return None


_LEADING_BOLD = re.compile(r"^\s*(\*\*|__)(?P<t>.+?)\1")
_BOLD_SPAN = re.compile(r"(\*\*|__)(?P<t>.+?)\1")
_SPACES = re.compile(r"\s+")
_VENUE_TAG = re.compile(r"^(?P<title>.+?):\s*(?P<venue>[^:]+)$")


# A head that opens with a title in title marks: 《…》 and 「…」/『…』 say "this is a name" in Chinese and
# Japanese; quotes do in English when what they hold reads as a title.
_MARKED = re.compile(r"^\s*(?:《(?P<book>[^》]{2,300})》|「(?P<kagi>[^」]{2,300})」|『(?P<double>[^』]{2,300})』|"
                     r"“(?P<curly>[^”]{8,300})”|\"(?P<straight>[^\"]{8,300})\")"
                     # ...and the marks close the name: what follows is a venue, a link, a colon or nothing, not
                     # more title ("“The Pedestrian next to the Lamppost” Adaptive Object Graphs for ...").
                     r"(?=\s*(?:$|[（(\[【:：,，;；.。!！?？|/<–—-]|https?://|\S*[🌟⭐✅]))")


def _marked_title(text: str) -> str | None:
    m = _MARKED.match(plain(text, keep_emphasis=True))
    if not m:
        return None
    for group in ("book", "kagi", "double"):
        if m.group(group):
            return m.group(group).strip()
    quoted = (m.group("curly") or m.group("straight")).strip()
    return quoted if title_like(quoted) else None


def title_from_head(head: str) -> tuple[str, dict]:
    """The title a list item, line or table cell gives its paper, with the year/venue/marks around it."""
    text, meta = strip_decoration(head.split("\n")[0] if "\n" in head and "](" in head.split("\n")[0] else
                                  " ".join(head.split("\n")))
    marked = _marked_title(text)
    if marked:
        title, more = clean_title(marked)
        for key, value in more.items():
            if key != "marks":
                meta.setdefault(key, value)
        meta.setdefault("marks", []).extend(clean_title(text)[1].get("marks", []))
        if not meta["marks"]:
            del meta["marks"]
        return title, meta
    bold = _LEADING_BOLD.match(text)
    spans = [m.group(2) for m in _BOLD_SPAN.finditer(text)]
    if not bold and len(spans) == 1 and title_like(spans[0]):
        bold = _BOLD_SPAN.search(text)
    linked = _link_title(text)
    raw = None
    by_authors = bool(linked) and _names_authors(linked[0])
    cited = parse_citation(linked[0]) if linked and not by_authors and len(linked[0]) > 30 else None
    if cited is not None and not title_like(cited.title):
        cited = None
    if linked and text.lstrip(" *_[").startswith(linked[0][:8]) and cited is not None:
        # The link's text is a whole reference: `[Selvaraju, R. R., et al. "Grad-cam: ..." arXiv (2016).](url)`.
        raw = cited.title
        if cited.year:
            meta.setdefault("year", cited.year)
    elif linked and text.lstrip(" *_[").startswith(linked[0][:8]) and not by_authors:
        raw = linked[0]
    elif bold and not is_label(bold.group("t")):
        raw = plain(bold.group("t"))
    else:
        visible = plain(text)
        cite = parse_citation(plain(text, keep_emphasis=True)) if len(visible) > 30 else None
        if cite and (cite.style != "title-first" or not title_like(_cut(text))):
            raw = cite.title
            if cite.year:
                meta.setdefault("year", cite.year)
        elif linked and not _cut(text).strip() and not by_authors:
            raw = linked[0]
        else:
            raw = plain(_cut(text))
            if linked and (not raw or is_label(raw)):
                raw = linked[0]
            elif linked and _NAME_LABEL.fullmatch(raw) and title_like(linked[0]):
                # "R-NET: [Gated Self-Matching Networks ...](url)": the model's name, then the paper's title.
                meta.setdefault("alias", raw.rstrip(" :："))
                raw = linked[0]
            elif cite and not title_like(raw):
                raw = cite.title
    raw = _drop_venue_tail(_SPACES.sub(" ", raw or "").strip(" :：-–—|"), meta)
    tagged = _VENUE_TAG.match(raw)
    if tagged:
        venue = parse_venue(tagged.group("venue"))
        if venue and not venue[2]:
            raw = tagged.group("title")
            meta.setdefault("venue", venue[0])
            meta.setdefault("year", venue[1])
    title, more = clean_title(raw)
    for key, value in more.items():
        if key == "marks":
            meta.setdefault("marks", []).extend(value)
        else:
            meta.setdefault(key, value)
    return _TRAILING_NUMBER.sub("", title).strip(), meta


# "Title. *ICML 2017.*" / "Title. *Data and Information Management 2019*." / "Title. NeurIPS 2020.": the
# sentence after the title is its venue (in emphasis with a year, or a known venue), then a closing period.
_EMPHASIS_TAIL = re.compile(r"[.,]\s*(?P<mark>\*|_)(?P<venue>[^*_]{2,80}?)[.,]?(?P=mark)[.,;]*$")
_YEAR_THEN_AUTHORS = re.compile(r"^(?P<t>.+?)\s*\((?P<y>(?:19|20)\d{2})\)\s*[-–—:]\s*(?P<a>[^()]+)$")
_BARE_YEAR_TAIL = re.compile(r"\s+((?:19[5-9]|20[0-4])\d)$")
_SENTENCE_TAIL = re.compile(r"\.\s+(?P<venue>[^.]{2,60}?)\.?$")


def _drop_venue_tail(raw: str, meta: dict) -> str:
    """The title without the venue sentence that follows it, and without its closing period."""
    title, sep, names = raw.partition("; ")  # "Dropout; Srivastava, Hinton et al."
    if sep and len(title.split()) >= 1 and is_author_list(names.strip(" ."), lone_name=False):
        raw = title
    m = _YEAR_THEN_AUTHORS.match(raw)  # "World Models (2018) - Ha, Schmidhuber"
    if m and len(m.group("t").split()) >= 2 and (
            is_author_list(m.group("a")) or re.fullmatch(r"[A-Z][\w'’-]+", m.group("a").strip())):
        meta.setdefault("year", int(m.group("y")))
        raw = m.group("t")
    m = _EMPHASIS_TAIL.search(raw)
    venue = m.group("venue").strip() if m else None
    if m and re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", venue):
        known = parse_venue(venue)
        meta.setdefault("venue", known[0] if known else venue)
        meta.setdefault("year", known[1] if known else int(re.search(r"(?:19|20)\d{2}", venue).group()))
        raw = raw[: m.start()]
    else:
        m = _SENTENCE_TAIL.search(raw)
        known = parse_venue(m.group("venue")) if m else None
        if known and not known[2]:
            meta.setdefault("venue", known[0])
            meta.setdefault("year", known[1])
            raw = raw[: m.start()]
    if raw.endswith(".") and not raw.endswith("..") and len(raw.split()) >= 3 and title_like(raw[:-1]):
        raw = raw[:-1]
    m = _BARE_YEAR_TAIL.search(raw)  # "Kernel Methods For Deep Learning 2009"
    if m and len(raw[: m.start()].split()) >= 3 and title_like(raw[: m.start()]):
        meta.setdefault("year", int(m.group(1)))
        raw = raw[: m.start()]
    return raw


# A short name and a colon before a link: "R-NET: [Title](url)", "SAN: [Title](url)".
_NAME_LABEL = re.compile(r"[^\s:：][^:：]{0,30}[:：]\s*")
_AUTHORS_YEAR = re.compile(r"^(?P<a>.+?)[\s,]*\(?(?:19|20)\d{2}[a-z]?\)?[.,]?$")


def _names_authors(text: str) -> bool:
    """Whether a link's text is its reference's authors and year (`[Buolamwini, J., & Gebru, T. (2018).](url)
    Gender shades: ...`): the title is the text after the link."""
    m = _AUTHORS_YEAR.match(plain(text).strip())
    return bool(m) and is_author_list(m.group("a"))


def _cut(text: str) -> str:
    return _TAIL_CUT.split(text, maxsplit=1)[0]


def title_from_heading(heading: str) -> tuple[str, dict]:
    """A heading's title: `## 3. Title [3]<a name="3"></a>` -> `Title`."""
    text = re.sub(r"<a\b[^>]*>\s*</a>", "", heading)
    text = re.sub(r"\{#[^}]*\}\s*$", "", text)
    text = _TRAILING_NUMBER.sub("", text.strip())
    return title_from_head(text)


def labelled_title(section_text: str) -> tuple[str, str] | None:
    """A `Paper: [Title](url)` line under a heading: the paper's own title and its link."""
    lines = section_text.split("\n")[1:]
    first = next((line for line in lines if line.strip()), None)
    if first is not None:  # the section's first line is just a link named by the paper's title
        links = [link for link in find_links(first) if not is_image(link)]
        rest = first
        for link in links:
            rest = rest.replace(first[link.start:link.end], "")
        if len(links) == 1 and is_paper_url(links[0].url) and title_like(links[0].text) and not rest.strip(" -*>:：|"):
            return plain(links[0].text), links[0].url
    for line in lines:
        m = _PAPER_LINE.match(line) if ":" in line or "：" in line else None
        if not m:
            continue
        for link in find_links(m.group("rest")):
            if link.text and not is_label(link.text) and is_paper_url(link.url):
                title = plain(link.text)
                if title_like(title) or len(title.split()) >= 3:
                    return title, link.url
    return None
