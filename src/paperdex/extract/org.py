"""Org-mode to the same tree as Markdown: headings, lists, links, property drawers.

orgparse reads the file's settings (`#+TITLE`, custom TODO keywords) and each
heading's properties (`:ROAM_REFS:`, `:URL:`, `:Custom_ID:`); the text is then
rewritten line for line as Markdown (so line numbers still point into the org
file) and parsed by the Markdown tree builder.
"""

from __future__ import annotations

import re

import orgparse

from paperdex.extract.tree import Node, parse_markdown

_HEADING = re.compile(r"^(\*+)\s+(.*)$")
_LINK = re.compile(r"\[\[(?P<url>[^\]]+)\](?:\[(?P<desc>[^\]]*)\])?\]")
_DIRECTIVE = re.compile(r"^\s*#\+(\w+):\s*(.*)$")
_DRAWER_START = re.compile(r"^\s*:(PROPERTIES|LOGBOOK|RESULTS|NOTES?):\s*$", re.I)
_DRAWER_END = re.compile(r"^\s*:END:\s*$", re.I)
_PLANNING = re.compile(r"^\s*(?:CLOSED|SCHEDULED|DEADLINE):")
_PROPERTY = re.compile(r"^\s*:(?P<k>[\w-]+):\s*(?P<v>.*)$")
_TAGS = re.compile(r"\s+(:[\w@#%:]+:)\s*$")
DEFAULT_TODO = ("TODO", "NEXT", "DONE", "WAITING", "CANCELLED", "CANCELED", "HOLD", "READ", "READING", "SKIMMED",
                "TOREAD", "SKIM")


def settings(text: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """The file's `#+KEY: value` settings and its TODO keywords (orgparse knows the `#+TODO` syntax)."""
    keys: dict[str, str] = {}
    for line in text.split("\n")[:200]:
        m = _DIRECTIVE.match(line)
        if m:
            keys.setdefault(m.group(1).lower(), m.group(2).strip())
    try:
        env = orgparse.loads(text).env
        words = tuple(env.todo_keys) + tuple(env.done_keys)
    except Exception:  # orgparse is lenient, but a hostile file must not stop the import
        words = ()
    return keys, tuple(dict.fromkeys((*DEFAULT_TODO, *words)))


def _link(m: re.Match[str]) -> str:
    url, desc = m.group("url"), m.group("desc")
    if url.startswith("file:") or url.startswith("./") or url.startswith("/"):
        url = url.removeprefix("file:")
    return f"[{desc or url}]({url.replace(' ', '%20')})" if desc or "://" in url or url.startswith("cite:") \
        else f"<{url}>"


def to_markdown(text: str, todo: tuple[str, ...]) -> tuple[str, dict[int, dict[str, str]]]:
    """Markdown with the same lines, and the properties found under each heading (by heading line)."""
    out: list[str] = []
    props: dict[int, dict[str, str]] = {}
    drawer = None
    last_heading = 0
    todo_re = re.compile(rf"^(?:{'|'.join(map(re.escape, todo))})\s+") if todo else None
    lines = text.split("\n")
    wrapped, taken = _wrapped_headings(lines)
    for number, line in enumerate(lines, start=1):
        if number in taken:
            out.append("")  # a wrapped heading's continuation, joined to its heading
            continue
        line = wrapped.get(number, line)
        if drawer:
            if _DRAWER_END.match(line):
                drawer = None
            elif drawer == "PROPERTIES":
                m = _PROPERTY.match(line)
                if m and last_heading:
                    props.setdefault(last_heading, {})[m.group("k").lower()] = m.group("v").strip()
            out.append("")
            continue
        m = _DRAWER_START.match(line)
        if m:
            drawer = m.group(1).upper()
            out.append("")
            continue
        if _PLANNING.match(line) or _DIRECTIVE.match(line):
            out.append("")
            continue
        h = _HEADING.match(line)
        if h:
            level = min(len(h.group(1)), 6)
            head = h.group(2)
            head = _TAGS.sub("", head)
            if todo_re:
                head = todo_re.sub("", head)
            head = re.sub(r"^\[#[A-C]\]\s*", "", head)
            out.append("#" * level + " " + _LINK.sub(_link, head))
            last_heading = number
            continue
        line = _LINK.sub(_link, line)
        line = re.sub(r"^(\s*)\+\s", r"\1- ", line)
        out.append(line)
    return "\n".join(out), props


def _wrapped_headings(lines: list[str]) -> tuple[dict[int, str], set[int]]:
    """Headings a converter wrapped over several lines (pandoc: `** DONE Poon, L. C. (2014): First-trimester`
    / `maternal factors ...`): each joined, by its line number, and the numbers of the lines it took. Org
    puts a heading's property drawer right under it, so lines between the two can only be more heading."""
    joined: dict[int, str] = {}
    taken: set[int] = set()
    for i, line in enumerate(lines):
        if not _HEADING.match(line):
            continue
        j = i + 1
        while j < len(lines) and j - i <= 4 and lines[j].strip() and not _HEADING.match(lines[j]) \
                and not _DRAWER_START.match(lines[j]):
            j += 1
        if i + 1 < j < len(lines) and re.match(r"^\s*:PROPERTIES:\s*$", lines[j], re.I):
            joined[i + 1] = " ".join([line.rstrip(), *(x.strip() for x in lines[i + 1:j])])
            taken |= set(range(i + 2, j + 1))
    return joined, taken


def parse_org(text: str) -> tuple[Node, dict[str, str]]:
    """The tree of an org file and its `#+` settings; heading properties land in each section's fields."""
    keys, todo = settings(text)
    markdown, props = to_markdown(text, todo)
    root = parse_markdown(markdown)
    for node in root.walk():
        if node.kind == "section" and node.line in props:
            node.fields = props[node.line]
    return root, keys
