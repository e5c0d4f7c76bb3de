"""Text to a tree of nodes: sections by heading level, lists and items, tables and rows, paragraphs.

Markdown (and plain text, whose bullets are made Markdown first) goes through
markdown-it-py; org-mode through orgparse (`org.py`). Every node keeps the raw
source text of its lines, so links and marks are read from what the reader
wrote, and its line number, so a note points back into the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

NodeKind = str  # "root", "section", "list", "item", "table", "row", "paragraph", "code", "quote", "html"


@dataclass(eq=False, slots=True)
class Node:
    """One structural unit. `head` is what names it (heading text, an item's first line, a row's
    cells joined, a paragraph's text); `text` is all of its source text."""

    kind: NodeKind
    head: str = ""
    text: str = ""
    line: int = 1  # 1-based, within the document's text
    level: int = 0  # heading level of a section (root: 0)
    children: list[Node] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)  # a table row's cells
    header: list[str] = field(default_factory=list)  # the header of a row's table
    ordered: bool = False  # a numbered list
    fields: dict[str, str] = field(default_factory=dict)  # org properties, Logseq `key:: value`

    def add(self, child: Node) -> Node:
        # No link back to the parent: nothing reads one, and without it a tree has no reference cycle, so
        # it is freed as soon as its document is done instead of waiting for the garbage collector.
        self.children.append(child)
        return child

    def walk(self) -> Iterator[Node]:
        """This node and all below it, in document order (a stack, not nested generators: trees run deep)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def body_text(self) -> str:
        """The text under the head (a section's content, an item's sub-items)."""
        if self.kind == "section":
            return "\n".join(c.text for c in self.children)
        if self.kind == "item":
            lines = self.text.split("\n")
            head_lines = self.head.count("\n") + 1
            return "\n".join(lines[head_lines:])
        return ""

    def sections(self) -> list[Node]:
        return [c for c in self.children if c.kind == "section"]


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(footnote_plugin)
    # Notes indent continuation text freely; an indented line is never code in a note.
    md.disable("code")
    # Only the block structure is used (links are read from the raw lines): skip inline parsing.
    md.disable(["inline", "text_join"])
    return md


_SUMMARY = re.compile(r"^\s*(?:<details[^>]*>\s*)?<summary[^>]*>(?P<head>.*?)</summary>\s*$", re.I)
_DETAILS_FURNITURE = re.compile(r"^\s*(?:</?details[^>]*>|<hr\s*/?>|</?p[^>]*>|</?div[^>]*>|<br\s*/?>)\s*$", re.I)
_HTML_LINK = re.compile(r"<a\s[^>]*?href=[\"'](?P<url>[^\"']+)[\"'][^>]*>(?P<text>.*?)</a>", re.I | re.S)
_HTML_BOLD = re.compile(r"</?(?:b|strong)>", re.I)
_HTML_TAG = re.compile(r"<[^>]+>")


def _html_inline(text: str) -> str:
    """`<b>Title</b> <a href="url">[Note]</a>` as Markdown: **Title** [[Note]](url)."""
    text = _HTML_LINK.sub(lambda m: f"[{_HTML_TAG.sub('', m['text']).strip()}]({m['url']})", text)
    return _HTML_TAG.sub("", _HTML_BOLD.sub("**", text)).strip()


def _details_as_items(text: str) -> str:
    """Collapsible `<details><summary><b>Title</b> ...</summary> abstract </details>` blocks, a README's
    way to list papers, as the list items they are: the summary is the item, the rest its note (the
    same lines, so line numbers still hold)."""
    lines = text.split("\n")
    out: list[str] = []
    inside = False
    for line in lines:
        m = _SUMMARY.match(line)
        if m:
            out.append("- " + _html_inline(m["head"]))
            inside = True
        elif re.match(r"^\s*<details[^>]*>\s*$", line, re.I):
            out.append("")
        elif inside and re.match(r"^\s*</details>\s*$", line, re.I):
            out.append("")
            inside = False
        elif inside:
            out.append("" if _DETAILS_FURNITURE.match(line) or not line.strip() else "  " + _html_inline(line))
        else:
            out.append(line)
    return "\n".join(out)


_REF_DEFINITION = re.compile(r"^[ ]{0,3}\[(?P<ref>[^\]\n]{1,60})\]:[ \t]*<?(?P<url>\S+?)>?(?:[ \t]+[\"'(].*)?[ \t]*$", re.M)
_REF_USE = re.compile(r"\[(?P<text>[^\[\]\n]{1,200})\]\[(?P<ref>[^\[\]\n]{0,60})\]")


def _references_inline(text: str) -> str:
    """Reference-style links resolved: `[28 (T0)][28]` becomes `[28 (T0)](url)`, and each definition
    `[28]: url` an item `- [T0](url)` named by how the text cites it (a review's to-read list)."""
    urls = {m["ref"].strip().lower(): m["url"] for m in _REF_DEFINITION.finditer(text)}
    if len(urls) < 2:
        return text
    names: dict[str, str] = {}

    def inline(m: re.Match[str]) -> str:
        ref = (m["ref"] or m["text"]).strip().lower()
        if ref not in urls:
            return m.group(0)
        name = re.sub(r"^\d+\s*\((.+)\)$", r"\1", m["text"].strip())  # "28 (T0)" -> "T0"
        names.setdefault(ref, name)
        return f"[{m['text']}]({urls[ref]})"

    text = _REF_USE.sub(inline, text)
    return _REF_DEFINITION.sub(lambda m: f"- [{names.get(m['ref'].strip().lower(), m['ref'].strip())}]({m['url']})", text)


def parse_markdown(text: str) -> Node:
    """The section tree of a Markdown text."""
    if "<summary" in text or "<SUMMARY" in text:
        text = _details_as_items(text)
    if "]:" in text:
        text = _references_inline(text)
    lines = text.split("\n")
    tokens = markdown_parser().parse(text)
    root = Node("root", text=text, line=1)
    stack = [root]
    pos = 0
    while pos < len(tokens):
        tok = tokens[pos]
        if tok.type == "heading_open":
            level = int(tok.tag[1:])
            inline = tokens[pos + 1]
            while stack[-1].level >= level and stack[-1].kind == "section":
                stack.pop()
            start = tok.map[0] if tok.map else 0
            section = Node("section", head=_raw(lines, tok.map).lstrip("#").strip().rstrip("#").strip()
                           or inline.content, level=level, line=start + 1)
            section.text = _raw(lines, tok.map)
            stack[-1].add(section)
            stack.append(section)
            pos += 3
            continue
        node, pos = _block(tokens, pos, lines)
        if node is not None:
            stack[-1].add(node)
    _adopt_underindented_lists(root)
    _fill_section_text(root, lines)
    return root


def _adopt_underindented_lists(root: Node) -> None:
    """`1. Item` over `  - Paper: url` (two spaces, fewer than the marker's width) is, to CommonMark, an
    ordered list, a separate bullet list, another ordered list...; to its writer, and as GitHub shows it,
    sub-items of the item above. The indented list goes under the item, and the numbered run is one list."""
    for node in root.walk():
        if len(node.children) < 2 or not any(c.kind == "list" for c in node.children):
            continue
        kept: list[Node] = []
        for child in node.children:
            prev = kept[-1] if kept else None
            if (child.kind == "list" and prev is not None and prev.kind == "list" and prev.children
                    and child.ordered != prev.ordered and child.text[:1] in (" ", "\t")):
                item = prev.children[-1]
                item.add(child)
                item.text = f"{item.text}\n{child.text}"
                prev.text = f"{prev.text}\n{child.text}"
                continue
            if (child.kind == "list" and prev is not None and prev.kind == "list" and prev.ordered and child.ordered
                    and prev.children and any(c.kind == "list" for c in prev.children[-1].children)):
                prev.children.extend(child.children)  # "2." after the adopted sub-list continues the run
                prev.text = f"{prev.text}\n{child.text}"
                continue
            kept.append(child)
        node.children = kept


def _raw(lines: list[str], span: list[int] | None) -> str:
    if not span:
        return ""
    return "\n".join(lines[span[0]:span[1]])


def _close_index(tokens: list[Token], pos: int) -> int:
    """Index of the token closing the one opened at `pos`."""
    depth = 0
    for i in range(pos, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i
    return len(tokens) - 1


_BLOCK_PROPERTY = re.compile(r"^\s*[\w-]+::\s")
# The list marker; a task box (`[ ]`, `[x]`) stays in the head: it is evidence (a reading list's to-do).
_MARKER = re.compile(r"^[ \t>]*(?:[-*+]|\d{1,4}[.)])[ \t]?")


def _block(tokens: list[Token], pos: int, lines: list[str]) -> tuple[Node | None, int]:
    """One block-level node starting at tokens[pos], and the index after it."""
    tok = tokens[pos]
    start = (tok.map[0] + 1) if tok.map else 1
    if tok.type in ("bullet_list_open", "ordered_list_open"):
        end = _close_index(tokens, pos)
        node = Node("list", text=_raw(lines, tok.map), line=start, ordered=tok.type == "ordered_list_open")
        i = pos + 1
        while i < end:
            if tokens[i].type == "list_item_open":
                item_end = _close_index(tokens, i)
                node.add(_item(tokens, i, item_end, lines))
                i = item_end + 1
            else:
                i += 1
        return node, end + 1
    if tok.type == "table_open":
        end = _close_index(tokens, pos)
        node = Node("table", text=_raw(lines, tok.map), line=start)
        header: list[str] = []
        i = pos + 1
        while i < end:
            if tokens[i].type == "tr_open":
                tr_end = _close_index(tokens, i)
                cells = [_cell_raw(tokens[j + 1], lines) for j in range(i, tr_end)
                         if tokens[j].type in ("th_open", "td_open")]
                is_head = any(tokens[j].type == "th_open" for j in range(i, tr_end))
                if is_head and not header:
                    header = cells
                else:
                    row_line = (tokens[i].map[0] + 1) if tokens[i].map else start
                    row = Node("row", head=" | ".join(c for c in cells if c), text=_raw(lines, tokens[i].map),
                               line=row_line, cells=cells, header=header)
                    node.add(row)
                i = tr_end + 1
            else:
                i += 1
        return node, end + 1
    if tok.type == "paragraph_open":
        raw = _raw(lines, tok.map)
        return Node("paragraph", head=raw, text=raw, line=start), pos + 3
    if tok.type in ("fence", "code_block"):
        return Node("code", text=_raw(lines, tok.map), line=start), pos + 1
    if tok.type == "html_block":
        raw = _raw(lines, tok.map)
        return Node("html", head=raw, text=raw, line=start), pos + 1
    if tok.type == "blockquote_open":
        end = _close_index(tokens, pos)
        node = Node("quote", text=_raw(lines, tok.map), line=start)
        i = pos + 1
        while i < end:
            child, i = _block(tokens, i, lines)
            if child is not None:
                node.add(child)
        return node, end + 1
    if tok.type == "footnote_block_open":
        end = _close_index(tokens, pos)
        node = Node("list", text="", line=start)
        i = pos + 1
        while i < end:
            if tokens[i].type == "footnote_open":
                fn_end = _close_index(tokens, i)
                item = Node("item", line=(tokens[i].map[0] + 1) if tokens[i].map else start)
                for j in range(i, fn_end):
                    if tokens[j].type == "inline":
                        item.head = item.head or tokens[j].content
                item.text = item.head
                node.add(item)
                i = fn_end + 1
            else:
                i += 1
        return node, end + 1
    if tok.type == "heading_open":  # a heading inside a list item (Logseq `- # Title`)
        raw = _raw(lines, tok.map)
        return Node("paragraph", head=re.sub(r"^[ \t-]*#+\s*", "", raw), text=raw, line=start), pos + 3
    return None, pos + 1


def _cell_raw(inline: Token, lines: list[str]) -> str:
    return (inline.content or "").strip()


def _item(tokens: list[Token], start: int, end: int, lines: list[str]) -> Node:
    tok = tokens[start]
    raw = _raw(lines, tok.map)
    item = Node("item", text=raw, line=(tok.map[0] + 1) if tok.map else 1)
    i = start + 1
    head_set = False
    while i < end:
        child, i = _block(tokens, i, lines)
        if child is None:
            continue
        if not head_set and child.kind in ("paragraph", "html"):
            item.head = _MARKER.sub("", child.head.split("\n")[0], count=1) if child.line == item.line else child.head
            if child.line == item.line:
                rest = child.head.split("\n")[1:]
                item.head = "\n".join([item.head, *rest])
            head_set = True
            continue
        head_set = True
        item.add(child)
    if not item.head:
        first = raw.split("\n")[0] if raw else ""
        item.head = _MARKER.sub("", first, count=1).strip()
    # Logseq block properties (`collapsed:: true`, `id:: ...`) are not part of what the item says.
    if "::" in item.head:
        item.head = "\n".join(ln for ln in item.head.split("\n") if not _BLOCK_PROPERTY.match(ln))
    item.head = item.head.strip()
    return item


def _fill_section_text(node: Node, lines: list[str]) -> None:
    """A section's text runs from its heading to the next heading of the same or a higher level."""
    sections = [n for n in node.walk() if n.kind == "section"]
    for i, sec in enumerate(sections):
        end = len(lines)
        for later in sections[i + 1:]:
            if later.level <= sec.level:
                end = later.line - 1
                break
        sec.text = "\n".join(lines[sec.line - 1:end]).rstrip()


_PLAIN_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+•·▪◦●○■►▸‣⁃]|\d{1,3}[.)]|\[\d{1,3}\])(?:[ \t]+|$)")
_PLAIN_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")


def parse_plain(text: str) -> Node:
    """The tree of plain text: `#` headings, bullet and numbered lines as list items, other lines as paragraphs.

    Unlike Markdown, a line that follows a bullet without indentation starts a new paragraph: in plain-text
    notes ("Title\\n- arxiv: ...\\nNext title") it is the next entry, not a lazy continuation.
    """
    lines = text.split("\n")
    root = Node("root", text=text, line=1)
    stack: list[Node] = [root]
    para: Node | None = None
    lists: list[tuple[int, Node]] = []  # (indent, list node) of the open list nesting

    def close_para() -> None:
        nonlocal para
        para = None

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            close_para()
            continue
        h = _PLAIN_HEADING.match(line)
        if h:
            close_para()
            lists.clear()
            level = len(h.group(1))
            while stack[-1].kind == "section" and stack[-1].level >= level:
                stack.pop()
            stack.append(stack[-1].add(Node("section", head=h.group(2), text=line, level=level, line=number)))
            continue
        b = _PLAIN_BULLET.match(line)
        indent = len(line) - len(line.lstrip(" \t").expandtabs(4)) if b is None else len(
            b.group("indent").expandtabs(4))
        if b:
            close_para()
            while lists and lists[-1][0] > indent:
                lists.pop()
            if not lists or indent >= lists[-1][0] + 2:
                parent = lists[-1][1].children[-1] if lists and lists[-1][1].children else stack[-1]
                lst = parent.add(Node("list", line=number, ordered=b.group("marker")[0].isdigit()))
                lists.append((indent, lst))
            lst = lists[-1][1]
            head = line[b.end():].strip()
            lst.add(Node("item", head=head, text=line, line=number))
            continue
        if lists and indent > lists[-1][0] and lists[-1][1].children:
            item = lists[-1][1].children[-1]  # an indented continuation of the last item
            item.text += "\n" + line
            if not item.children:
                item.head = (item.head + "\n" + line.strip()).strip()
            continue
        lists.clear()
        if para is None:
            para = stack[-1].add(Node("paragraph", head=line, text=line, line=number))
        else:
            para.head += "\n" + line
            para.text += "\n" + line
    _fill_text(root, lines)
    return root


def _fill_text(root: Node, lines: list[str]) -> None:
    """Item and list texts cover their nested lines; sections run to the next heading of their level."""
    def item_text(node: Node) -> None:
        for child in node.children:
            item_text(child)
        if node.kind == "item" and node.children:
            node.text = "\n".join([node.text, *(c.text for c in node.children)])
        if node.kind == "list":
            node.text = "\n".join(c.text for c in node.children)
    item_text(root)
    _fill_section_text(root, lines)
