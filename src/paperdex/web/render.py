"""Turn untrusted note text into safe HTML: Markdown without raw HTML, sanitised, math kept for KaTeX.

Notes come from anyone's files, so nothing in them may run: markdown-it renders
with HTML disabled, nh3 then keeps only a small set of tags and http/https/mailto
links, and math spans are cut out before Markdown (so `_` inside `$a_b$` is not
emphasis) and put back HTML-escaped for KaTeX's auto-render to typeset.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False}).enable(
    ["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code",
    "em", "strong", "del", "s", "a", "table", "thead", "tbody", "tr", "th", "td", "img", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"},
                      "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

# $$…$$ (may span lines) first, then $…$ on one line, not touching spaces: "$5 and $10" stays text.
_MATH = re.compile(r"\$\$(?P<block>.+?)\$\$|(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s\\$])?)\$(?!\w)",
                   re.DOTALL)
# Private-use characters: Markdown leaves them alone and real notes never hold them.
_HOLE = "\ue000{}\ue001"
_HOLE_RE = re.compile("\ue000(\\d+)\ue001")


def sanitize(fragment: str) -> str:
    """The one gate every HTML fragment from a note passes through."""
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", url_relative="deny", strip_comments=True)


def markdown(text: str | None) -> Markup:
    """Note Markdown -> safe HTML, with `$…$`/`$$…$$` left (escaped) for KaTeX."""
    if not text:
        return Markup("")
    maths: list[str] = []

    def cut(m: re.Match) -> str:
        maths.append(m.group(0))
        return _HOLE.format(len(maths) - 1)

    text = text.replace("\ue000", "").replace("\ue001", "")
    body = sanitize(_md.render(_MATH.sub(cut, text)))

    def put_back(m: re.Match) -> str:
        index = int(m.group(1))
        return html.escape(maths[index], quote=False) if index < len(maths) else ""

    return Markup(_HOLE_RE.sub(put_back, body))


def inline(text: str | None) -> Markup:
    """One line (a title, a thought) as inline Markdown: emphasis and links, no paragraphs."""
    if not text:
        return Markup("")
    rendered = str(markdown(text)).strip()
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return Markup(rendered)


def highlight(text: str | None, terms: Iterable[str], width: int | None = None) -> Markup:
    """Escape plain text and wrap each occurrence of the query terms in <mark> (case-insensitive)."""
    text = text or ""
    if width and len(text) > width:
        text = text[:width].rsplit(" ", 1)[0] + "…"
    words = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return Markup(html.escape(text, quote=False))
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[last:m.start()], quote=False))
        out.append("<mark>" + html.escape(m.group(0), quote=False) + "</mark>")
        last = m.end()
    out.append(html.escape(text[last:], quote=False))
    return Markup("".join(out))


def marked(text: str | None, spans: Iterable[tuple[int, int]]) -> Markup:
    """Escape plain text and wrap the given (start, end) spans in <mark>: search snippets."""
    text = text or ""
    out, last = [], 0
    for a, b in sorted(spans):
        if a < last or a < 0 or b > len(text):
            continue
        out += [html.escape(text[last:a], quote=False), "<mark>", html.escape(text[a:b], quote=False), "</mark>"]
        last = b
    out.append(html.escape(text[last:], quote=False))
    return Markup("".join(out))


def snippet_around(text: str, terms: Iterable[str], width: int = 240) -> str:
    """A window of the text around the first query term, so the match shows without the whole note."""
    text = " ".join((text or "").split())
    lowered = text.casefold()
    hits = [lowered.find(t.casefold()) for t in terms if t and t.strip()]
    hits = [h for h in hits if h >= 0]
    if not hits or len(text) <= width:
        return text[:width] + ("…" if len(text) > width else "")
    start = max(0, min(hits) - width // 3)
    piece = text[start:start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
