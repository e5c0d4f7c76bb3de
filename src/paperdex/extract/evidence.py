"""Evidence that a node of the tree is one paper entry, combined into one score.

Each candidate (a heading section, a list item, a table row, a paragraph or
one line of it) is read for named signals: a paper link or identifier of its
own, a link to a local note file, a citation grammar, a title-like name, a
paper link in its body; and junk (badges, navigation, link rows such as
"Code | Slides | Video", dates and generic headings). `score()` weighs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from paperdex.extract.citation import Citation, parse_citation
from paperdex.extract.links import (
    Link,
    find_links,
    is_anchor,
    is_image,
    is_local_note,
    is_paper_url,
    names_paper,
)
from paperdex.extract.tree import Node
from paperdex.ids import find_identifiers
from paperdex.model import Identifier
from paperdex.titles import looks_like_title

# Link text that names what a link is, not which paper: "[arXiv]", "[Paper]", "[code]".
PAPER_LABELS = re.compile(
    r"^(?:paper|papers|pdf|arxiv|abs|abstract|link|links|url|doi|openreview|acl|here|full ?text|"
    r"preprint|publication|article|journal|proceedings|springer|ieee|acm|pubmed|pmc|论文|原文|链接|地址|"
    r"(?:link to |read )?(?:the )?paper(?: here| link| pdf)?|full paper|pdf link|"
    r"статья|ссылка|論文|リンク|논문|paper link|📄|🔗|html|ssrn|biorxiv|semantic ?scholar|"
    r"papers? ?with ?code|hf|hugging ?face|alphaxiv|s2|cvf|pmlr|neurips|nips|icml|iclr|cvpr|iccv|eccv|"
    r"aaai|ijcai|emnlp|naacl|coling|arxiv \d{4}\.\d{4,5}(?:v\d+)?|\d{4}\.\d{4,5}(?:v\d+)?)\.?$",
    re.I)
OTHER_LABELS = re.compile(
    r"^(?:code|github|gitlab|repo|repository|project|project page|page|website|homepage|home|site|blog|"
    r"post|video|videos|youtube|bilibili|talk|slides?|ppt|poster|demo|colab|notebook|tweet|twitter|thread|"
    r"notes?|my notes|summary|review|data|dataset|datasets|model|models|weights|checkpoint|benchmark|"
    r"leaderboard|docs?|documentation|tutorial|reddit|discussion|medium|zhihu|知乎|代码|项目|主页|视频|博客|"
    r"讲解|笔记|数据集|模型|演示|код|видео|блог|コード|動画|코드|click here(?: for the code)?|"
    r"short read|short video explanation|read more|more|details|source|official|unofficial|pytorch|"
    r"tensorflow|jax|implementation|\W+)\.?$", re.I)
# Headings that organise a note, never a paper: template sections, navigation, dates.
GENERIC_HEADINGS = re.compile(
    r"^(?:abstract|introduction|intro|background|motivation|problem|method|methods|methodology|approach|"
    r"results?|experiments?|evaluation|discussion|conclusions?|summary|tl;?dr|overview|contents?|"
    r"table of contents|toc|references?|bibliography|citations?|related( work| papers)?|resources|links|"
    r"further reading|see also|notes?|my notes|thoughts|my thoughts|comments?|todo|to ?do|to read|"
    r"reading list|papers|paper list|list|index|about|about me|license|contributing|acknowledge?ments?|"
    r"key (?:ideas?|insights?|findings|contributions?|takeaways?)|contributions?|limitations?|"
    r"future work|questions?|details?|technical details|metadata|authors?|venue|code|datasets?|"
    r"highlights?|takeaways?|tags?|keywords?|appendix|faq|changelog|"
    r"news|updates?|introduction and motivation|main idea|general idea|idea|pros|cons|strengths?|"
    r"weaknesses?)\W*$", re.I)
_DATE_LIKE = re.compile(
    r"^(?:\W*(?:19|20)\d{2}(?:[-./年]\s*\d{1,2}(?:[-./月]\s*\d{1,2})?\s*日?\s*月?)?(?:\s*(?:and before|以前|之前))?"
    r"(?:\s*[\(（]\d+[\)）])?\W*|"
    r"\W*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:19|20)\d{2}\W*|"
    r"\W*(?:week|day|неделя|день|第)\s*\d+.*)$", re.I)
# The sections of a paper itself, in the languages notes are written in: a note whose headings follow
# them (Abstract, 1 Introduction, 2 Related Work, 3 Method...) retells one paper.
PAPER_ANATOMY = re.compile(
    r"^(?:(?:题目|标题|title)\s*(?:&|和|与|及|and|/)?\s*(?:作者|authors?)?|abstract|introduction|related work|background|method|methods|methodology|approach|experiments?|"
    r"results?|evaluation|discussion|conclusions?|limitations?|"
    r"摘要|引言|介绍|简介|背景|相关工作|方法|模型方法|实验|实验结果|结果|讨论|结论|总结|局限性?|"
    r"概要|はじめに|序論|関連研究|手法|提案手法|実験|結果|考察|結論|まとめ|"
    r"초록|요약|서론|소개|관련 ?연구|방법론?|실험|결과|논의|결론|"
    r"аннотация|введение|связанные работы|метод|методы|эксперименты|результаты|обсуждение|заключение|"
    r"выводы)\W*$", re.I)
# A section number before a heading: "3", "3.1", "Part2.", "第3章", "III."
_SECTION_NUMBER = re.compile(r"^(?:part\s*\d+|第\s*\d+\s*[章节部分]+|[ivx]+\.|\d+(?:\.\d+)*)[\s.:：、)）-]*", re.I)
REFERENCE_HEADINGS = re.compile(
    r"^\W*(?:references?|bibliography|citations?|related(?: work| papers| reading)?|resources|further reading|"
    r"see also|links|useful links|other links|more|参考(?:文献|资料)?|相关(?:工作|论文)|引用|литература|ссылки|"
    r"参考文献|関連|참고(?:문헌)?|paper references)\W*$", re.I)
_BADGE_HOSTS = ("shields.io", "badgen.net", "badge.fury.io", "colab.research.google.com/assets",
                "travis-ci", "circleci", "codecov.io", "zenodo.org/badge", "awesome.re", "forthebadge")
WEAK = 0.3
# A parenthetical citation: "(Dozat and Manning, 2016)", "(He et al., 2018b)", "(Koehn, 2009)".
CITE_PAREN = re.compile(r"\((?:[^()]*?(?:et al\.?|and|&)[^()]*?|[A-Z][\w'’-]+),?\s*(?:19|20)\d{2}[a-z]?\)")
_TASK_ITEM = re.compile(r"^\s*\[[ xX]\]\s+\S")
_DIGIT = re.compile(r"\d")
_ARXIV_WORD = re.compile("arxiv", re.I)
_ID_HINT = re.compile(r"arxiv|doi|10\.\d{4}|\d{4}\.\d{4,5}|/\d{7}", re.I)


@dataclass(slots=True)
class Evidence:
    links: list[Link] = field(default_factory=list)
    paper_links: list[Link] = field(default_factory=list)
    note_links: list[Link] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    citation: Citation | None = None
    titleish: bool = False
    junk: str | None = None
    body_paper_link: bool = False
    signals: list[str] = field(default_factory=list)

    def copy(self) -> Evidence:
        """A copy of a cached reading for one candidate. Its signals are its own (score() appends to them);
        the link and identifier lists are shared with the cached original, so callers replace them
        (`ev.paper_links = [...]`) and never change them in place (copying them cost 4 lists a candidate)."""
        return Evidence(links=self.links, paper_links=self.paper_links, note_links=self.note_links,
                        identifiers=self.identifiers, citation=self.citation, titleish=self.titleish,
                        junk=self.junk, body_paper_link=self.body_paper_link, signals=list(self.signals))

    @property
    def strong(self) -> bool:
        return bool(self.paper_links or self.identifiers or self.note_links or self.citation)


_TAG = re.compile(r"<[^>]{1,200}>")
_MARKS = re.compile(r"\*\*|__|~~|`")
_CODE_MARKS = re.compile(r"~~|`")


@lru_cache(maxsize=4096)
def plain(text: str, keep_emphasis: bool = False) -> str:
    """Link text in place of links, no images, no emphasis markers or tags: what a reader sees."""
    out = text
    for link in reversed(find_links(text)):
        keep = "" if is_image(link) else link.text
        out = out[: link.start] + keep + out[link.end:]
    if "<" in out:
        out = _TAG.sub(" ", out)
    if "`" in out or "~~" in out or (not keep_emphasis and ("**" in out or "__" in out)):
        out = (_CODE_MARKS if keep_emphasis else _MARKS).sub("", out)
    return " ".join(out.split())  # runs of whitespace as one space, as re's \s+ would


def is_badge(link: Link) -> bool:
    return is_image(link) and (any(h in link.url for h in _BADGE_HOSTS) or "badge" in link.url.lower())


_FIELD_KEY = re.compile(
    r"^\W*(?:authors?|venue|year|date|published|conference|journal|status|tags?|keywords?|links?|url|code|"
    r"project|category|categories|topics?|tier|rating|score|priority|source|organizer|presenter|speaker|"
    r"affiliations?|institution|citations?|stars|read on|added|作者|来源|会议|期刊|年份|日期|标签|分类|"
    r"авторы|источник|дата|著者|저자)\W*[:：]", re.I)


_TRAILING_PAREN = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


def is_label(text: str) -> bool:
    t = plain(text).strip(" []()*_:：|·-")
    if ")" in t or "）" in t:
        t = _TRAILING_PAREN.sub("", t).strip()  # "Springer (Autonomous Robots)"
    return not t or bool(PAPER_LABELS.match(t) or OTHER_LABELS.match(t))


def is_date_heading(text: str) -> bool:
    return bool(_DATE_LIKE.match(plain(text)))


def is_generic_heading(text: str) -> bool:
    t = re.sub(r"^[\W\d_]+", "", plain(text)).strip()
    return bool(GENERIC_HEADINGS.match(t)) or is_date_heading(text) or is_paper_section(text)


def is_paper_section(text: str) -> bool:
    """A heading that names a section of a paper ("2 Related Work", "Part3.引言", "## 実験")."""
    t = _SECTION_NUMBER.sub("", re.sub(r"^[^\w]+", "", plain(text)).strip(), count=1).strip()
    return bool(PAPER_ANATOMY.match(t))


_LIST_NUMBER = re.compile(r"^(?:\d{1,3}[.)]|\[\d{1,3}\]|#\d+)\s*")
_YEAR_LEAD = re.compile(r"^(?:19|20)\d{2}\s*[-–—:：]\s*")


@lru_cache(maxsize=4096)
def title_like(text: str) -> bool:
    """A name that reads like a paper title (Latin-script titles, or a short CJK/Cyrillic name with a colon)."""
    t = _LIST_NUMBER.sub("", plain(text), count=1)
    t = _YEAR_LEAD.sub("", t, count=1)
    return looks_like_title(t)


def head_evidence(node: Node, head: str | None = None) -> Evidence:
    """The signals in a candidate's own head (its heading, first line, row, or line): a fresh copy of the
    cached reading of that text, so callers may add to it."""
    return _head_evidence(node.head if head is None else head).copy()


def _may_hold_id(text: str) -> bool:
    """Whether find_identifiers could find an arXiv id or a DOI: each has digits (\\d), and each form
    has a slash or the word arXiv (find_identifiers' own test), and _ID_HINT's marks."""
    return bool(_DIGIT.search(text) and ("/" in text or _ARXIV_WORD.search(text)) and _ID_HINT.search(text))


_NO_WORDS = re.compile(r"[\W\d_]*")
# A head longer than this is prose or a pasted dump, never one paper's name (and not worth a regex pass).
MAX_HEAD_CHARS = 4000


@lru_cache(maxsize=4096)
def _head_evidence(text: str) -> Evidence:
    ev = Evidence()
    if len(text) > MAX_HEAD_CHARS:
        ev.junk = "too long"
        return ev
    ev.links = [link for link in find_links(text) if not is_badge(link)]
    for link in ev.links:
        if is_image(link) or is_anchor(link.url):
            continue
        if names_paper(link):
            ev.paper_links.append(link)
        elif is_local_note(link.url):
            ev.note_links.append(link)
    ev.identifiers = [i for i in find_identifiers(_strip_images(text)) if i.scheme in ("arxiv", "doi")] \
        if _may_hold_id(text) else []
    visible = plain(text)
    if not visible or _NO_WORDS.fullmatch(visible):
        ev.junk = "empty"
        return ev
    if _FIELD_KEY.match(visible):
        ev.junk = "field"  # "**Venue**: ICLR 2023", "Authors: ...": metadata about a paper, not a paper
        return ev
    anchors = [link for link in ev.links if is_anchor(link.url)]
    if anchors and not ev.paper_links and len(anchors) >= len([x for x in ev.links if not is_image(x)]):
        ev.junk = "table of contents"
        return ev
    if ev.links and all(is_label(link.text) for link in ev.links if not is_image(link)):
        rest = _without_links(text)
        rest = re.sub(r"\b(?:[A-Za-z]{2,12}\s*'?)?(?:19|20)\d{2}\b|\b(?:oral|poster|spotlight|workshop|preprint)\b",
                      " ", rest, flags=re.I).strip()  # "[paper](url) (NeurIPS 2022)": a venue tag
        if is_label(rest) or not re.search(r"\w{3}", rest):
            ev.junk = "link row"
            ev.signals.append("link row")
    if len(visible) > 600:
        ev.signals.append("long")
    ev.titleish = title_like(_title_part(text))
    # A linked title needs no citation grammar; everything else is tried against it.
    named = ev.titleish and (ev.paper_links or ev.note_links) and text.lstrip(" *_[").startswith(
        ev.links[0].text[:8]) if ev.links else False
    ev.citation = parse_citation(plain(text, keep_emphasis=True)) if len(visible) < 600 and not named else None
    if ev.citation is None and not named and len(visible) < 600:
        # Several cited works on one line ("A (X, 2016) and B (Y, 2018)"): the first one stands for the line.
        cites = list(CITE_PAREN.finditer(visible)) if "(" in visible else []
        if len(cites) >= 2:
            ev.citation = parse_citation(visible[: cites[0].end()])
    if ev.citation is not None and not title_like(ev.citation.title) and not ev.paper_links:
        ev.citation = None
    if not (ev.paper_links or ev.note_links):
        return ev  # what follows reads the words before a link
    prefix = _prefix(text)
    if prefix and _LEADS_INTO.search(prefix):
        ev.titleish = False  # "follows the idea of [X](url)": a sentence that leads into its link
    # Prose that mentions a paper in passing ("as in [X](url)") does not name an entry.
    linked = not ev.titleish and not ev.citation
    if linked and prefix and not is_label(prefix) and (
            _LEADS_INTO.search(prefix) or (len(prefix.split()) > 4 and not title_like(prefix))):
        ev.signals.append("link in prose")
    return ev


_LEAD = re.compile(r"^[\s>*_~]*(?:\[[ xX]\]\s*)?(?:(?:19|20)\d{2}\s*[-–—:：|]\s*|\d{1,3}[.)]\s*|\[\d{1,3}\]\s*|#\d+\s*)?"
                   r"[\s*_]*[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]*\s*")


_LEADS_INTO = re.compile(r"\b(?:of|in|as|by|from|the|to|with|like|see|and|or|for|on|than|via|is|are|e\.g\.|i\.e\.)"
                         r"\s*[:,]?\s*$", re.I)


def _prefix(text: str) -> str:
    """The visible text before the first link, decoration (numbers, boxes, year, emoji) removed."""
    first = next((link for link in find_links(text) if not is_badge(link)), None)
    before = text[: first.start] if first else text
    before = _LEAD.sub("", before, count=1)
    return plain(before).strip(" [(*_")


def _strip_images(text: str) -> str:
    return re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)


def _without_links(text: str) -> str:
    out = text
    for link in reversed(find_links(text)):
        out = out[: link.start] + " " + out[link.end:]
    return re.sub(r"[\[\]()|/·,;:-]", " ", out).strip()


# Where the name before a line's links ends: a link, a key, a table cell's bar, a bare URL.
_TITLE_END = re.compile(r"\s\[\[|\s\[|<kbd>|\s\|\s|https?://")


def _title_part(text: str) -> str:
    """What names the entry: the first link's text when it is not a label, else the text before links."""
    for link in find_links(text):
        if is_image(link) or is_anchor(link.url):
            continue
        if link.text and not is_label(link.text):
            return link.text
        break
    if "[" not in text and "<kbd>" not in text and "|" not in text and "://" not in text:
        return text  # nothing to split at (most lines)
    part = _TITLE_END.split(text, maxsplit=1)[0].rstrip()
    # "Title. [[Paper]](url)": the period closes the name before its links, no sentence.
    return part[:-1] if part.endswith(".") and not part.endswith("..") else part


def score(node: Node, ev: Evidence) -> float:
    """How surely the candidate is one paper entry, 0..1."""
    if ev.junk:
        return 0.0
    s = 0.0
    in_prose = "link in prose" in ev.signals
    if ev.paper_links or ev.identifiers:
        s += 0.15 if in_prose else 0.6
        ev.signals.append("paper link")
    if ev.note_links and not ev.paper_links:
        s += 0.15 if in_prose else 0.6
        ev.signals.append("note link")
    if ev.citation is not None:
        s += 0.6
        ev.signals.append("citation")
    if ev.titleish:
        s += 0.3
        ev.signals.append("title-like")
    if ev.body_paper_link:
        s += 0.3
        ev.signals.append("body paper link")
    if s < WEAK and _TASK_ITEM.match(node.head):
        s += WEAK  # a task-list item of a reading list ("- [ ] DiT")
        ev.signals.append("task item")
    if "numbered" in ev.signals and s < WEAK:
        s += WEAK
    if node.kind == "section" and is_generic_heading(node.head):
        return 0.0
    if "long" in ev.signals and not ev.citation:
        s -= 0.3
    return max(0.0, min(1.0, s))


_IMAGE_TEXT = re.compile(r"^!\[(?P<alt>[^\]]*)\]\((?P<src>[^)]*)\)$")


def is_linked_badge(link: Link) -> bool:
    """`[![arXiv](https://img.shields.io/badge/...)](https://arxiv.org/abs/...)`: a badge that links the
    paper is a labelled link to it, however the badge's own text reads."""
    m = _IMAGE_TEXT.match(link.text.strip())
    return bool(m) and (is_label(m.group("alt")) or any(h in m.group("src") for h in _BADGE_HOSTS)
                        or "badge" in m.group("src").lower())


def own_links_near_top(text: str, lines: int = 30) -> list[Link]:
    """Paper links near the top that are the note's own: labelled (`[Paper](..)`, `Link: URL`), bare,
    or named by a title; not a link that a sentence leads into ("as in [X](..)")."""
    return [link for line in text.split("\n")[:lines] for link in _own_links_in(line)]


def has_own_link(text: str) -> bool:
    """Whether any line of `text` holds a paper link of its own (see own_links_near_top)."""
    if "](" not in text and "://" not in text:
        return False  # no link at all (find_links)
    # Only lines with a link mark can hold a link: the rest are not even looked up in the cache.
    return any(_own_links_in(line) for line in text.split("\n") if "](" in line or "://" in line)


@lru_cache(maxsize=4096)
def _own_links_in(line: str) -> tuple[Link, ...]:
    out = []
    for link in find_links(line):
        if (is_image(link) and not is_linked_badge(link)) or not is_paper_url(link.url):
            continue
        before = plain(line[: link.start]).strip(" -*>|:：")
        if before and _LEADS_INTO.search(before):
            continue
        if not link.text or is_label(link.text) or title_like(link.text) or not before or len(before) < 30:
            out.append(link)
    return tuple(out)
