"""Decide which nodes are paper entries: granularity from structure, not from a shape name.

Top down through the section tree. At each section the candidates are its
subsections, the items of each list, the rows of each table and the lines or
paragraphs of its text. Siblings of one shape form a group; a group whose
members carry paper evidence is a list of entries, and then members with
weaker evidence of the same shape ride along (repeated siblings). A
subsection is an entry when its heading names a paper and it holds at most
one entry of its own (median over its siblings); otherwise it is a topic
that groups entries, and the search goes on inside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from paperdex.extract.citation import Citation
from paperdex.extract.evidence import (
    CITE_PAREN,
    REFERENCE_HEADINGS,
    Evidence,
    has_own_link,
    head_evidence,
    is_generic_heading,
    is_label,
    plain,
    score,
    title_like,
)
from paperdex.extract.links import find_links, is_image, is_paper_url, meta_identifiers, names_paper
from paperdex.extract.tree import Node

STRONG = 0.6
WEAK = 0.3
_FIELD = re.compile(r"^\s*(?:\*\*)?[^\s:：\[\]()]{1,20}(?:\*\*)?\s*[:：]")
_PAPER_COLUMN = re.compile(r"^(?:papers?|paper (?:title|name)|论文(?:名称|标题|题目)?|論文(?:名|タイトル)?|논문(?:명| 제목)?|статья|"
                           r"статьи)$", re.I)
_TITLE_COLUMNS = re.compile(
    r"^(?:title|paper|papers|paper title|name|article|publication|reading|论文|标题|题目|文章|名称|название|статья|"
    r"работа|タイトル|論文|논문|제목)\b", re.I)


@dataclass
class Entry:
    """One paper entry: the node that holds it and what was read off it."""

    node: Node
    head: str
    score: float
    evidence: Evidence
    path: list[str] = field(default_factory=list)
    extra: list[Node] = field(default_factory=list)  # following blocks that are its note
    title_cell: int | None = None  # a table row's title column

    @property
    def line(self) -> int:
        return self.node.line


_LABEL = re.compile(r"^\s*(?:\d{1,3}[.)]\s*)?(?P<label>[A-Z][\w&/ -]{1,30}?)\s*[:：]\s+(?=\S)")


_QUOTED_CITE = re.compile(r"[“\"](?P<t>[^”\"]{6,300})[”\"]\s*\((?P<c>[^()]*?(?:19|20)\d{2}[a-z]?)\)")


_CHAIN_GLUE = re.compile(r"^[\s,;/|&→⇒>=\-–—·・、，]*(?:and|or|vs\.?|then|和|与)?[\s,;/|&→⇒>=\-–—·・、，]*$", re.I)
_CHAIN_MARK = re.compile(r"->|→|⇒|/|,|·|・|、|，|\||&|\band\b|和|与")


def _chained_links(head: str) -> list:
    """The papers of a line that only chains paper links ("Model-based RL: [World Models](..) -> [PlaNet](..)
    / [Dreamer](..)"): one entry per link. Any prose between them, and it is one entry naming several."""
    first = head.split("\n")[0]
    links = [link for link in find_links(first) if link.text and names_paper(link) and not is_label(link.text)]
    if len(links) < 2 or len({link.url for link in links}) < len(links):
        return []
    between = [first[a.end:b.start] for a, b in pairwise(links)]
    if not all(_CHAIN_GLUE.match(text) and _CHAIN_MARK.search(text) for text in between):
        return []
    lead = plain(first[: links[0].start]).strip()
    if lead and not (lead.endswith((":", "：")) and len(lead.split()) <= 5):
        return []
    if len(plain(first[links[-1].end:]).strip(" .;,").split()) > 2:
        return []  # "... [CIDEr](..) articles." ends the chain; a sentence after it does not
    return links


def split_multi(entries: list[Entry]) -> list[Entry]:
    """A line naming several papers, each cited ("“A” (X, 2015) and “B” (Y, 2016)", "A (X, 2016) and
    B (Y, 2018)"), is one entry per paper."""
    out: list[Entry] = []
    for e in entries:
        if e.node.kind not in ("item", "line", "paragraph"):
            out.append(e)
            continue
        chain = _chained_links(e.head)
        if chain:
            out += [Entry(e.node, e.head[link.start:link.end], e.score, e.evidence, e.path) for link in chain]
            continue
        quoted = list(_QUOTED_CITE.finditer(e.head))
        if len(quoted) >= 2:
            out += [Entry(e.node, f"“{m.group('t')}” ({m.group('c')})", e.score, e.evidence, e.path) for m in quoted]
            continue
        cites = list(CITE_PAREN.finditer(e.head))
        if len(cites) < 2:
            out.append(e)
            continue
        start = 0
        for m in cites:
            piece = e.head[start:m.end()].strip()
            piece = re.sub(r"^(?:and|,|;|\.)\s+", "", piece)
            out.append(Entry(e.node, piece, e.score, e.evidence, e.path))
            start = m.end()
    return out


def shared_labels(entries: list[Entry]) -> list[Entry]:
    """Siblings that start with the same short label ("Representation: Title (Author, 2020)") carry a topic,
    not part of their titles: the label moves to the entry's section."""
    labels: dict[str, int] = {}
    for e in entries:
        m = _LABEL.match(e.head)  # on the raw head: a label inside a link's text is part of a title
        if m and len(m.group("label").split()) <= 3:
            labels[m.group("label")] = labels.get(m.group("label"), 0) + 1
    repeated = {k for k, n in labels.items() if n >= 2}
    if not repeated:
        return entries
    for e in entries:
        m = _LABEL.match(e.head)
        if m and m.group("label") in repeated and e.node.kind in ("item", "line", "paragraph"):
            e.head = e.head[m.end():]
            e.path = [*e.path, m.group("label")]
    return entries


def find_entries(root: Node) -> list[Entry]:
    """Every paper entry of a document, in reading order, reference sections left out when others exist."""
    found = _container(root, [])
    main = [e for e in found if not _in_references(e)]
    return main if main else found


def _in_references(entry: Entry) -> bool:
    return any(REFERENCE_HEADINGS.match(plain(p)) for p in entry.path)


_NUMBER = re.compile(r"^\s*(?:#|No\.?\s*)?(\d{1,3}(?:\.\d{1,3})*)(?:[.)、:：]|\s)\s*(?=\S)")


_NAME_TOKEN = re.compile(r"[a-z][A-Z]|[A-Z]{2,}|[A-Za-z]\d|\d[A-Za-z]|\b[A-Z][a-z]+-[A-Z][a-z]+\b")


def _name_like(text: str) -> bool:
    """A paper's or model's name ("MOCO v2", "SimCLR", "R(2+1)D", "C3D") or a title, not a chapter ("Method")."""
    return bool(_NAME_TOKEN.search(text.split("（")[0].split("(")[0])) or title_like(text)


def _numbered(subs: list[Node]) -> set[int]:
    """Indexes of sibling headings numbered 1, 2, 3... in order (a numbered run of at least three)."""
    nums = []
    for i, s in enumerate(subs):
        m = _NUMBER.match(plain(s.head))
        if not m:
            continue
        number = tuple(int(x) for x in m.group(1).split("."))
        name = plain(s.head)[m.end():]
        # "2.3 SlowFast" is a paper's name in a numbered survey; "4.1 Super-Resolution with ..." a chapter.
        if _name_like(name) if len(number) == 1 else bool(_NAME_TOKEN.search(name.split("（")[0].split("(")[0])):
            nums.append((i, number))
    run: set[int] = set()
    for k in range(1, len(nums)):
        (i, a), (j, b) = nums[k - 1], nums[k]
        if len(a) == len(b) and a[:-1] == b[:-1] and b[-1] == a[-1] + 1:  # 1, 2, 3 or 2.1, 2.2, 2.3
            run |= {i, j}
    return run if len(run) >= 3 else set()


# "Kernel Methods For Deep Learning 2009": a heading that is a title and its year (org `* Title Year :tags:`).
_LEADS_TO_YEAR = frozenset({"for", "in", "of", "from", "since", "to", "at", "on", "by", "the", "and", "until", "before"})
_TITLE_YEAR = re.compile(r"^(?P<t>.+?)[\s,]+\(?(?P<y>(?:19[5-9]|20[0-4])\d)\)?$")


def _drawer_names_paper(sec: Node) -> bool:
    """An org heading's property drawer that holds its paper's id or link (`:link: https://arxiv.org/...`)."""
    if not sec.fields:
        return False
    ids, urls = meta_identifiers(sec.fields)
    return bool(ids) or any(is_paper_url(url) for url in urls)


def section_evidence(sec: Node, numbered: bool = False) -> tuple[float, Evidence]:
    ev = head_evidence(sec)
    if numbered:
        ev.signals.append("numbered")
    m = _TITLE_YEAR.match(plain(sec.head).strip()) if not (ev.citation or ev.paper_links or ev.junk) else None
    if m and len(m.group("t").split()) >= 3 and title_like(m.group("t")) \
            and m.group("t").split()[-1].lower() not in _LEADS_TO_YEAR:
        ev.citation = Citation(m.group("t"), year=int(m.group("y")), style="title-year")
    body = sec.text.partition("\n")[2]  # the lines under the heading
    # A paper link in the section, or a citation key (org-ref `cite:key`, pandoc `[@key]`) right under it.
    ev.body_paper_link = has_own_link(body) or bool(
        re.search(r"\(cite:[^)\s]+\)|\[@[\w:-]+\]", "\n".join(body.split("\n")[:3]))) or _drawer_names_paper(sec)
    return score(sec, ev), ev


def _container(section: Node, path: list[str]) -> list[Entry]:
    content = [c for c in section.children if c.kind != "section"]
    own = _content_entries(content, path)
    subs = section.sections()
    if not subs:
        return own
    numbered = _numbered(subs)
    if numbered and not any(has_own_link(subs[i].text) for i in numbered):
        # A numbered run with no paper link anywhere: a note template's parts ("1. Reading Context",
        # "7. Limitations & Failure Modes") unless its names are names ("2.3 SlowFast", "4. ResNet").
        numbered = {i for i in numbered if _NAME_TOKEN.search(_NUMBER.sub("", plain(subs[i].head), count=1))}
        if len(numbered) < 3:
            numbered = set()
    scored = [section_evidence(s, i in numbered) for i, s in enumerate(subs)]
    # A document's lone top heading is its title, not a section its entries belong to.
    titled = section.kind == "root" and len(subs) == 1
    inner = [_container(s, path if titled else [*path, s.head]) for s in subs]
    candidates = [i for i, s in enumerate(subs) if not is_generic_heading(s.head)]
    strong = [i for i in candidates if scored[i][0] >= STRONG]
    as_entries = False
    run = sorted(numbered & set(candidates))
    if (strong and len(strong) >= 0.5 * len(candidates)) or (run and len(run) >= 0.5 * len(candidates)):
        counts = sorted(len(inner[i]) for i in (strong or run))
        as_entries = counts[len(counts) // 2] <= 1
    out = list(own)
    for i, sub in enumerate(subs):
        s, ev = scored[i]
        # Among paper sections, a strong one is a paper even when it lists a few others (datasets it used);
        # a weak one only when it holds no list of its own.
        if as_entries and i in candidates and (s >= STRONG or (s >= WEAK and len(inner[i]) <= 2)) \
                and not _names_its_subsections(sub, ev, inner[i]):
            out.append(Entry(sub, sub.head, s, ev, path))
        else:
            out.extend(inner[i])
    return out


def _names_its_subsections(sec: Node, ev: Evidence, inner: list[Entry]) -> bool:
    """`# 12. Calibration robustness` over `## Calibration Is Not Enough: ...` and its link, or
    `* Configuration in robotics` over `** [[url][Towards Optimal ...]]`: the headings with the papers'
    links name the papers; the one above is their topic."""
    if not inner or ev.paper_links or ev.identifiers:
        return False
    if any(e.node.kind != "section" or e.node not in sec.children or e.score < STRONG for e in inner):
        return False
    own = "\n".join(c.text for c in sec.children if c.kind != "section")
    if has_own_link(own):
        return False  # a link of its own above the sub-headings: the outer heading is a paper
    if all(e.evidence.paper_links for e in inner):
        return True  # each sub-heading carries its paper's link
    # One sub-heading with the link below it; several are the paper's parts ("Gist", "Approach", "Takeaways").
    return len(inner) == 1 and len(sec.sections()) == 1


def _content_entries(blocks: list[Node], path: list[str]) -> list[Entry]:
    """Entries among a section's own blocks: list items, table rows, lines and paragraphs."""
    out: list[Entry] = []
    text_cands: list[tuple[int, Entry]] = []  # (block index, candidate) for lines/paragraphs
    for i, block in enumerate(blocks):
        if block.kind == "list":
            out.extend(_list_entries(block, path))
        elif block.kind == "table":
            out.extend(_table_entries(block, path))
        elif block.kind == "paragraph":
            nxt = blocks[i + 1] if i + 1 < len(blocks) else None
            for cand in _paragraph_candidates(block, nxt, path):
                text_cands.append((i, cand))
    strong = [c for _, c in text_cands if c.score >= STRONG]
    take_weak = len(strong) >= 2
    chosen = [(i, c) for i, c in text_cands if c.score >= STRONG or (take_weak and c.score >= WEAK)]
    # Blocks after a text entry, up to the next entry, are its note (a title line and its field list).
    starts = {c.node.line for _, c in chosen}
    for n, (i, cand) in enumerate(chosen):
        stop = chosen[n + 1][0] if n + 1 < len(chosen) else len(blocks)
        for block in blocks[i + 1:stop]:
            if block.kind in ("list", "paragraph", "quote", "code", "table") and block.line not in starts:
                if block.kind == "list" and any(e.node in block.children for e in out):
                    continue
                cand.extra.append(block)
        out.append(cand)
    out.sort(key=lambda e: e.line)
    return split_multi(shared_labels(out))


def _paragraph_candidates(par: Node, nxt: Node | None, path: list[str]) -> list[Entry]:
    lines = [ln for ln in par.head.split("\n")]
    line_nodes = []
    # Lines are candidates only when there are two or more: a one-line paragraph is read once, below.
    several = sum(1 for ln in lines if ln.strip()) >= 2
    for k, ln in enumerate(lines):
        if not several or not ln.strip():
            continue
        node = Node("line", head=ln.strip(), text=ln, line=par.line + k)
        ev = head_evidence(node)
        if k == len(lines) - 1 and nxt is not None and nxt.kind == "list" and _field_list_has_paper(nxt):
            ev.body_paper_link = True
        line_nodes.append(Entry(node, node.head, score(node, ev), ev, path))
    strong_lines = [c for c in line_nodes if c.score >= STRONG]
    if len(line_nodes) >= 2 and strong_lines and (
            len(strong_lines) >= 2 or strong_lines[0] is not line_nodes[0] or _line_list(line_nodes)):
        # Lines are entries; the lines after one, up to the next, are its note.
        chosen = line_nodes if _line_list(line_nodes) else strong_lines
        take_weak = len(strong_lines) >= 2 or _line_list(line_nodes)
        out = [c for c in line_nodes if c.score >= STRONG or (take_weak and c in chosen and c.score >= WEAK)]
        for n, cand in enumerate(out):
            stop = out[n + 1].node.line if n + 1 < len(out) else 10**9
            cand.extra.extend(c.node for c in line_nodes if cand.node.line < c.node.line < stop)
        return out
    # One paragraph, one candidate: its first line names it, its links anywhere count.
    ev = head_evidence(par)
    first = lines[0] if lines else ""
    if len(lines) > 1:
        ev_first = head_evidence(Node("line", head=first))
        ev.titleish = ev_first.titleish
        ev.citation = ev.citation or ev_first.citation
        distinct = {link.url for link in ev.paper_links}
        if len(distinct) > 1:
            ev.paper_links = []  # a paragraph citing several papers is prose, not one entry
            ev.identifiers = []
        if ev.junk == "link row" and (ev_first.titleish or ev_first.citation):
            ev.junk = None
    if nxt is not None and nxt.kind == "list" and _field_list_has_paper(nxt):
        ev.body_paper_link = True
    return [Entry(par, first if len(lines) > 1 and not ev.paper_links else par.head, score(par, ev), ev, path)]


def _line_list(cands: list[Entry]) -> bool:
    """Every line of the paragraph is an entry-like line (a reference list, a list of titles)."""
    return sum(c.score >= WEAK for c in cands) >= max(2, 0.6 * len(cands))


def _field_list_has_paper(lst: Node) -> bool:
    """A list of `key: value` fields that carries a paper link (a blog's `- arxiv: URL` lines)."""
    items = lst.children[:6]
    if not items or not _FIELD.match(items[0].head):
        return False
    return any(is_paper_url(link.url) for it in items for link in find_links(it.head)) or any(
        re.match(r"^\s*arxiv\s*[:：]\s*\d{4}\.\d{4,5}", it.head, re.I) for it in items)


# A sub-item that is only a paper's link: "Paper: https://arxiv.org/abs/...", "https://...", "[arXiv](...)".
_LINK_ONLY = re.compile(r"^\s*(?:[\w ]{1,20}\s*[:：-]\s*)?(?:https?://\S+|\[[^\]]{0,40}\]\([^)]+\))\s*$")


def _item_evidence(item: Node) -> tuple[float, Evidence]:
    ev = head_evidence(item)
    nested = [c for c in item.children if c.kind == "list"]
    if nested and nested[0].children and not ev.paper_links and not ev.junk:
        first = nested[0].children[0]
        if (ev.titleish or ev.citation) and (_FIELD.match(first.head) or is_label(first.head.split("](")[0])):
            ev.body_paper_link = any(names_paper(link) for link in find_links(first.head))
        elif _LINK_ONLY.match(first.head) and any(is_paper_url(link.url) for link in find_links(first.head)):
            # "1. GoogleAI introduces Muse, a text-to-image model ..." over "- Paper: <arXiv link>": a paper
            # told in a sentence; an entry when most of its list is told so (see _list_entries).
            ev.body_paper_link = True
            ev.signals.append("described")
    return score(item, ev), ev


def _list_entries(lst: Node, path: list[str]) -> list[Entry]:
    items = lst.children
    scored = [_item_evidence(it) for it in items]
    nonjunk = [s for s, ev in scored if not ev.junk]
    strong = [s for s in nonjunk if s >= STRONG]
    take_weak = len(strong) >= 2 and len(strong) >= 0.5 * len(nonjunk)
    # A digest's list of papers told in sentences, each with its link below: the told ones are entries.
    described = sum("described" in ev.signals for _, ev in scored)
    told = described >= 3 and described >= 0.6 * len(nonjunk)
    shapes = [title_shape(it.head) for it, (s, _) in zip(items, scored, strict=True) if s >= STRONG]
    out: list[Entry] = []
    for item, (s, ev) in zip(items, scored, strict=True):
        nested = [c for c in item.children if c.kind in ("list", "table")]
        inner: list[Entry] = []
        for child in nested:
            inner.extend(_list_entries(child, [*path, item.head]) if child.kind == "list"
                         else _table_entries(child, [*path, item.head]))
        # An item that names a topic and holds a list of entries is a group, not a paper.
        if len([e for e in inner if e.score >= STRONG]) >= 2 and not ev.paper_links:
            out.extend(inner)
        elif s >= STRONG or (take_weak and s >= WEAK and rides_along(title_shape(item.head), shapes)) or (
                told and "described" in ev.signals):
            out.append(Entry(item, item.head, s, ev, path))
        else:
            out.extend(inner)
    return split_multi(shared_labels(out))


_TASK_BOX = re.compile(r"^\s*\[[ xX]\]")
_LINK_START = re.compile(r"^\*{0,2}\[[^\]]+\]\(")
_BOLD_TITLE = re.compile(r"(\*\*|__)[^*_]{4,}\1")


def title_shape(head: str) -> str:
    """How a head writes its title: as a link, in bold, as a citation, or plain text."""
    if _TASK_BOX.match(head):
        return "task"  # a task list's items share their check box, linked or not
    text = head.lstrip(" >*-+0123456789.)[]xX\t")
    if _LINK_START.match(text):
        return "link"
    if _BOLD_TITLE.search(head):
        return "bold"
    return "plain"


def rides_along(shape: str, strong_shapes: list[str]) -> bool:
    """A weak sibling joins a list of entries only when it writes its title as most strong siblings do."""
    if not strong_shapes:
        return True
    dominant = max(set(strong_shapes), key=strong_shapes.count)
    return dominant == "plain" or shape == dominant or strong_shapes.count(dominant) < 0.6 * len(strong_shapes)


def title_column(header: list[str], rows: list[Node]) -> int | None:
    """The column that names the paper: by its header, else the one with the most paper links or titles."""
    for i, name in enumerate(header):
        if _TITLE_COLUMNS.match(plain(name).strip()):
            return i
    width = max((len(r.cells) for r in rows), default=0)
    best, best_score = None, 0.0
    for i in range(width):
        total = 0.0
        for r in rows:
            cell = r.cells[i] if i < len(r.cells) else ""
            ev = head_evidence(Node("line", head=cell))
            total += (0.6 if ev.paper_links else 0) + (0.3 if ev.titleish else 0) + (0.5 if ev.citation else 0)
        if total > best_score:
            best, best_score = i, total
    return best


def _names_something(cell: str, ev: Evidence) -> bool:
    """A paper column's cell that names a paper: words, not a label (`Advancing NMT:`, a code span)."""
    text = cell.strip()
    if ev.junk or text.startswith("`") or is_label(text) or plain(text).rstrip().endswith((":", "：")):
        return False
    if any(not is_image(link) for link in ev.links) and not ev.paper_links:
        return False  # linked, but to slides, a doc or a video: a session, not a paper
    return bool(re.search(r"[^\W\d_]{2}", plain(text)))


def _table_entries(table: Node, path: list[str]) -> list[Entry]:
    rows = table.children
    if not rows:
        return []
    col = title_column(rows[0].header, rows)
    if col is None:
        return []
    scored: list[tuple[Node, float, Evidence]] = []
    for row in rows:
        cell = row.cells[col] if col < len(row.cells) else ""
        ev = head_evidence(Node("line", head=cell))
        row_links = [link for c in row.cells for link in find_links(c)]
        if not ev.paper_links and not ev.junk:
            ev.paper_links = [link for link in row_links if names_paper(link)][:1]
        ev.titleish = ev.titleish or bool(re.search(r"\*\*[^*]{6,}\*\*", cell))
        scored.append((row, score(row, ev), ev))
    strong = [s for _, s, ev in scored if s >= STRONG]
    nonjunk = [s for _, s, ev in scored if not ev.junk]
    # A column headed Paper/Title says every row names a paper: one linked row is shape enough for the rest.
    named = any(_TITLE_COLUMNS.match(plain(name).strip()) for name in rows[0].header[col:col + 1])
    take_weak = (len(strong) >= 2 and len(strong) >= 0.4 * max(1, len(nonjunk))) or (named and len(strong) >= 1)
    shapes = [title_shape(row.cells[col] if col < len(row.cells) else "") for row, s, _ in scored if s >= STRONG]
    # A column headed "Paper"/"论文" itself (not Title or Name) names a paper in each row, linked or not:
    # `| Serving | vLLM | vllm_sosp2023.md |`.
    papers_column = len(rows) >= 2 and any(_PAPER_COLUMN.match(plain(name).strip()) for name in rows[0].header[col:col + 1])
    out = []
    for row, s, ev in scored:
        cell = row.cells[col] if col < len(row.cells) else ""
        if s >= STRONG or (take_weak and s >= WEAK and rides_along(title_shape(cell), shapes)) or (
                papers_column and _names_something(cell, ev) and rides_along(title_shape(cell), shapes)):
            out.append(Entry(row, cell, s, ev, path, title_cell=col))
    return out
