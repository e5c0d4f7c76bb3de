"""Cut a Lark/Feishu reading-notes export (seed 003) into one block per paper, as a careful reader would.

The export has two parts, and block boundaries are decided like this:

(a) A list of one-line items, `- Title [arxiv][website][dataset✅][model✅]. summary`.
    Each tagged item is one paper. The export sometimes glues an item onto the
    previous line (`... are clustered. - ManiBox: ... [arxiv]`) or puts it on the
    line after a lone `-`; both are found. `[x✅]` tags are flags ("dataset",
    "model"); bare tags (`[arxiv]`, `[website]`) were links whose URLs the export
    lost: they are recorded in `fields["link_placeholders"]`, never as urls. A
    line that is not an item continues the item above it.
(b) An APA reference line (see citation.py) opens a paper block that runs to the
    next reference. Its body is sections under headings (`General Idea`,
    `Limitations`, `Utilities`, `My thoughts`, ...), separated by lone `-` lines.
    Lines under `My thoughts` / `My takeaway…` go to `block.thoughts`.
(c) Some notes lost their reference line in the export. A new untitled block
    (kind "note", title None, text kept) starts where a reader sees a new paper:
    - an "idea" heading (`Main Idea`, `General Idea`, `Main evolution from X`,
      `Key points`...) when the current block already had one: one paper has one
      main idea, so OpenVLA's second `Main Idea` is a different paper;
    - a paragraph that opens with a model size (`130M paras.`, `1B paras.`);
    - a stray non-bullet line right after a bullet with no `-` separator between
      (`Let` after EgoMimic's bullets): the remnant of a lost title.
(d) Quoted titles introduced by a colon (`Check this paper: "Prismatic vlms: …"`)
    are `block.references`, never new papers; long quoted sentences are quotes.

Lines before the first block ("To see paper recommendation level and tags, visit
the doc on Lark here.") are the export's preface and are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paperdex.model import Document, NoteBlock
from paperdex.segment.citation import Citation, parse_apa
from paperdex.titles import clean_title

NAME = "lark"

# Tags that stood for a link or an artefact in the original doc.
_TAG_WORDS = re.compile(
    r"^(?:arxiv|website|web|paper|pdf|code|github|project|project page|page|dataset|data|model|"
    r"weights|video|demo|blog|openreview|hf|huggingface|benchmark|slides|poster|twitter|tweet)\s*[✅❌✔✓]?$",
    re.I,
)
_TAG_RUN = r"(?:\[[^\[\]\n]{1,30}\](?!\())+"
_ITEM = re.compile(
    rf"^(?:[-*•]\s*)?(?P<title>[^\[\]\n]{{3,300}}?)\s*(?P<tags>{_TAG_RUN})\s*[.:;,]?\s*(?P<summary>.*)$"
)
# An item glued after a sentence end on the same line: "... clustered. - ManiBox: ... [arxiv]".
_GLUED = re.compile(rf"(?<=[.!?)])\s+-\s+(?=[^\[\]\n]{{3,300}}?{_TAG_RUN})")
_CHECK = re.compile(r"[✅✔✓]")
_CROSS = re.compile(r"[❌✗✘]")

_THOUGHT_HEADINGS = re.compile(r"^(?:my\s+thoughts?|thoughts|my\s+takeaways?\b.*|my\s+comments?|comments?)$", re.I)
_IDEA_HEADINGS = re.compile(
    r"^(?:general\s+ideas?|main\s+ideas?|main\s+concepts?|main\s+points?(?:\s*/\s*tricks)?|"
    r"main\s+hypothes[ie]s|key\s+points?|key\s+ideas?|takeaways?|main\s+evolution\s+from\s+.+|tl;?dr|summary)$",
    re.I,
)
_OTHER_HEADINGS = re.compile(
    r"^(?:(?:some\s+)?technical\s+points?|methods?|limitations?|utilit(?:y|ies)|interesting\s+points?|"
    r"main\s+results?|results?|main\s+experiments?|experiments?|potential\s+future\s+work|future\s+work|"
    r"(?:more\s+)?questions|main\s+questions?|todo|notes?|related\s+work|contributions?|problems?)$",
    re.I,
)
_INLINE_HEADING = re.compile(r"^(?P<head>[A-Za-z][A-Za-z /;]{2,40}?)\s*:\s+(?P<rest>\S.*)$")
_MODEL_SIZE = re.compile(r"^\d+(?:\.\d+)?\s*[KMBT]\s+(?:param|paras\b)", re.I)
# A quoted title introduced by a colon: 'Check this paper: "Prismatic vlms: ..."'.
_REFERENCE = re.compile(r":\s*[\"“](?P<title>[^\"”\n]{8,240})[\"”]")
_QUOTE = re.compile(r"[\"“](?P<q>[^\"”\n]{20,600})[\"”]")


@dataclass
class _Block:
    kind: str
    line: int
    title: str | None = None
    text: list[str] = field(default_factory=list)
    thoughts: list[str] = field(default_factory=list)
    section: str | None = None
    has_idea: bool = False
    list_item: bool = False
    extra: dict = field(default_factory=dict)


def _logical_lines(text: str, offset: int) -> list[tuple[int, str]]:
    """(line number, text) with glued list items split onto their own logical line."""
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1 + offset):
        pieces = _GLUED.split(raw)
        for piece in pieces:
            out.append((number, piece if piece is pieces[0] else "- " + piece))
    return out


def _parse_item(line: str) -> re.Match[str] | None:
    m = _ITEM.match(line.strip())
    if not m:
        return None
    tags = re.findall(r"\[([^\[\]]+)\]", m.group("tags"))
    return m if tags and all(_TAG_WORDS.match(t.strip()) for t in tags) else None


def _heading(line: str) -> tuple[str, str, str] | None:
    """(class, heading, inline rest) for a section heading line; class is idea/thoughts/other."""
    s = re.sub(r"^[-*•]\s*", "", line.strip()).strip()
    s = s.strip("*").strip()
    rest = ""
    bare = s.rstrip(":").strip()
    if not bare:
        return None
    for klass, pattern in (("thoughts", _THOUGHT_HEADINGS), ("idea", _IDEA_HEADINGS), ("other", _OTHER_HEADINGS)):
        if pattern.match(bare):
            return klass, bare, rest
    m = _INLINE_HEADING.match(s)
    if m:
        head = m.group("head").strip()
        for klass, pattern in (("thoughts", _THOUGHT_HEADINGS), ("idea", _IDEA_HEADINGS)):
            if pattern.match(head):
                return klass, head, m.group("rest").strip()
    return None


def _is_bullet(line: str) -> bool:
    return bool(re.match(r"^\s*[-*•]\s+\S", line))


def _short_heading(line: str, after_dash: bool, next_line: str | None) -> bool:
    """An unknown heading: a short line after a lone `-`, followed by bullets ("Some technical points")."""
    s = line.strip()
    return (
        after_dash
        and next_line is not None
        and _is_bullet(next_line)
        and 1 <= len(s.split()) <= 5
        and s[0].isupper()
        and not s.endswith((".", "?", "!", ","))
    )


def _item_block(line_no: int, m: re.Match[str]) -> _Block:
    raw_title = m.group("title").strip()
    title, facts = clean_title(raw_title)
    tags = [t.strip() for t in re.findall(r"\[([^\[\]]+)\]", m.group("tags"))]
    flags, placeholders, missing = [], [], []
    for tag in tags:
        name = _CHECK.sub("", _CROSS.sub("", tag)).strip().lower()
        if _CHECK.search(tag):
            flags.append(name)
        elif _CROSS.search(tag):
            missing.append(name)
        else:
            placeholders.append(name)
    block = _Block(kind="paper", line=line_no, title=title, list_item=True)
    summary = m.group("summary").strip()
    if summary:
        block.text.append(summary)
    block.extra = {"facts": facts, "flags": flags, "placeholders": placeholders, "missing": missing}
    return block


def _citation_block(line_no: int, line: str, citation: Citation) -> _Block:
    block = _Block(kind="paper", line=line_no, title=citation.title)
    block.extra = {"citation": citation, "raw": line.strip()}
    return block


def _add(block: _Block, line: str) -> None:
    """Add a body line to the text or, under a thoughts heading, to the thoughts."""
    if block.section == "thoughts":
        s = line.strip()
        if _is_bullet(s) or not block.thoughts:
            block.thoughts.append(re.sub(r"^[-*•]\s*", "", s))
        else:
            block.thoughts[-1] += "\n" + s
    else:
        block.text.append(line.rstrip())


def _references_and_quotes(text: str) -> tuple[list[str], list[str]]:
    refs: list[str] = []
    for m in _REFERENCE.finditer(text):
        title = m.group("title").strip().rstrip(".")
        # A title, not a sentence: no sentence break inside and a handful of words.
        if ". " not in title and 2 <= len(title.split()) <= 30 and title not in refs:
            refs.append(title)
    quotes = []
    for m in _QUOTE.finditer(text):
        q = m.group("q").strip()
        if q.rstrip(".") not in refs and len(q.split()) >= 8 and q not in quotes:
            quotes.append(q)
    return refs, quotes


def _finish(block: _Block) -> NoteBlock:
    text = "\n".join(block.text).strip()
    refs, quotes = _references_and_quotes("\n".join([text, *block.thoughts]))
    note = NoteBlock(
        kind="paper" if block.kind == "paper" else "note",
        title=block.title if block.kind == "paper" else None,
        text=text,
        thoughts=[t for t in block.thoughts if t.strip()],
        references=refs,
        quotes=quotes,
        line=block.line,
    )
    if "citation" in block.extra:
        c: Citation = block.extra["citation"]
        note.authors, note.year, note.venue = list(c.authors), c.year, c.venue
        note.identifiers, note.urls = list(c.identifiers), list(c.urls)
        note.fields["citation"] = block.extra["raw"]
        for key in ("month", "pages", "volume", "publisher"):
            value = getattr(c, key)
            if value:
                note.fields[key] = str(value)
        if c.authors_truncated:
            note.fields["authors_truncated"] = "yes"
    if block.list_item:
        facts = block.extra["facts"] or {}
        note.flags = block.extra["flags"]
        note.marks = list(facts.get("marks", []))
        note.venue = facts.get("venue") or note.venue
        if facts.get("year") and not note.year:
            note.year = int(facts["year"])
        if block.extra["placeholders"]:
            note.fields["link_placeholders"] = ", ".join(block.extra["placeholders"])
        if block.extra["missing"]:
            note.fields["not_released"] = ", ".join(block.extra["missing"])
    return note


def segment(doc: Document) -> list[NoteBlock]:
    """One block per paper (and per untitled note), in document order."""
    lines = _logical_lines(doc.text, doc.line_offset)
    blocks: list[NoteBlock] = []
    current: _Block | None = None
    after_dash = False  # the previous logical line was a lone "-" separator
    prev_bullet = False  # the previous non-separator line was a "- " bullet

    def flush() -> None:
        nonlocal current
        if current is not None and (current.kind == "paper" or current.text or current.thoughts):
            blocks.append(_finish(current))
        current = None

    for i, (number, line) in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        if s in ("-", "•", "*"):
            after_dash = True
            continue
        nxt = next((ln for _, ln in lines[i + 1:] if ln.strip() and ln.strip() != "-"), None)
        citation = parse_apa(s) if "(" in s else None
        item = None if citation else _parse_item(s)
        heading = None if (citation or item) else _heading(s)
        if citation:
            flush()
            current = _citation_block(number, s, citation)
        elif item:
            flush()
            current = _item_block(number, item)
        elif current is not None and current.list_item:
            current.text.append(s)
        elif heading or (current is not None and _short_heading(s, after_dash, nxt)):
            klass, head, rest = heading or ("other", s.rstrip(":"), "")
            if current is None or (klass == "idea" and current.has_idea):
                flush()
                current = _Block(kind="note", line=number)
            current.has_idea = current.has_idea or klass == "idea"
            current.section = "thoughts" if klass == "thoughts" else head
            if klass != "thoughts":
                current.text.append(s)
            elif rest:
                current.thoughts.append(rest)
        elif _MODEL_SIZE.match(s) or (
            current is not None and current.kind == "paper" and prev_bullet and not after_dash
            and not _is_bullet(s) and s[0].isalpha()
        ):
            flush()
            current = _Block(kind="note", line=number, text=[s])
        elif current is not None:
            _add(current, line)
        # else: the export's preface before the first block.
        prev_bullet = _is_bullet(s) and not heading
        after_dash = False
    flush()
    return blocks


def _signals(text: str) -> tuple[int, int, int]:
    items = cites = heads = 0
    for _, line in _logical_lines(text[:200_000], 0):
        s = line.strip()
        if not s:
            continue
        if "(" in s and parse_apa(s):
            cites += 1
        elif _parse_item(s):
            items += 1
        elif _heading(s):
            heads += 1
    return items, cites, heads


_TAG_RUN = re.compile(r"\[(?:arxiv|website|project|paper|code|dataset|model|demo|github)[^\]\[]{0,3}\](?!\()", re.I)


def score(doc: Document) -> float:
    """High for tagged one-line items and APA references with Lark's section headings."""
    if len(_TAG_RUN.findall(doc.text[:200_000])) < 2 and not re.search(r"\b(?:Lark|Feishu)\b|飞书", doc.text[:500]):
        return 0.0  # no `[arxiv][website]` tag runs: not a Lark export (and the line scan below is costly)
    items, cites, heads = _signals(doc.text)
    if items + cites == 0:
        return 0.0
    value = 0.1 * items + 0.15 * cites + 0.02 * min(heads, 20)
    if items + cites < 3:
        value *= 0.5
    if re.search(r"\b(?:Lark|Feishu)\b|飞书", doc.text[:500]):
        value += 0.1
    return round(min(value, 0.95), 3)
