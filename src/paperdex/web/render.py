"""Turn untrusted note text into safe HTML: Markdown without raw HTML, sanitised, math kept for KaTeX.

Notes come from anyone's files, so nothing in them may run: markdown-it renders
with HTML disabled, nh3 then keeps only a small set of tags and http/https/mailto
links. Math spans are cut out before Markdown (so `_` inside `$a_b$` is not
emphasis) and put back only after sanitising: into text nodes HTML-escaped for
KaTeX's auto-render, into an attribute (a link title, an image's alt) only as
that attribute's value, which nh3 itself quotes. The result is sanitised once
more, so no attribute a note did not earn survives whatever the math held.

Remote images are never loaded by the page (a note could plant a tracking
pixel): each becomes a link saying what and where it is, opened on click.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False}).enable(
    ["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code",
    "em", "strong", "del", "s", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub", "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
# The only class a note's HTML may carry: the placeholder of a remote image.
ALLOWED_CLASSES = {"a": {"remote-image"}, "span": {"remote-image"}}
URL_SCHEMES = {"http", "https", "mailto"}

# $$…$$ (may span lines) first, then $…$ on one line, not touching spaces: "$5 and $10" stays text.
_MATH = re.compile(r"\$\$(?P<block>.+?)\$\$|(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s\\$])?)\$(?!\w)",
                   re.DOTALL)
# Private-use characters: Markdown leaves them alone and real notes never hold them.
_HOLE = "\ue000{}\ue001"
_HOLE_RE = re.compile("\ue000(\\d+)\ue001")


def _image_placeholder(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """`![alt](url)` -> a link to the image (or, inside a link, its alt text): nothing loads by itself."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env) or "image"
    src = str(token.attrGet("src") or "")
    host = urlsplit(src).hostname or "" if src.lower().startswith(("http:", "https:")) else ""
    label = html.escape(f"🖼 {alt}" + (f" ({host})" if host else ""))
    depth = 0
    for previous in tokens[:idx]:
        depth += 1 if previous.type == "link_open" else -1 if previous.type == "link_close" else 0
    if depth > 0 or not host:  # no <a> inside <a>; no link to a place we would not link to anyway
        return f'<span class="remote-image">{label}</span>'
    title = f"image at {src} (click to open)"
    return f'<a class="remote-image" href="{html.escape(src)}" title="{html.escape(title)}">{label}</a>'


_md.add_render_rule("image", _image_placeholder)


def sanitize(fragment: str, attribute_filter=None) -> str:
    """The one gate every HTML fragment from a note passes through."""
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     allowed_classes=ALLOWED_CLASSES, attribute_filter=attribute_filter,
                     link_rel="noopener noreferrer", url_relative="deny", strip_comments=True)


def markdown(text: str | None) -> Markup:
    """Note Markdown -> safe HTML, with `$…$`/`$$…$$` left (escaped, in text nodes) for KaTeX."""
    if not text:
        return Markup("")
    maths: list[str] = []

    def cut(m: re.Match) -> str:
        maths.append(m.group(0))
        return _HOLE.format(len(maths) - 1)

    def source_of(m: re.Match) -> str:
        index = int(m.group(1))
        return maths[index] if index < len(maths) else ""

    def in_attribute(_tag: str, _attr: str, value: str) -> str:
        # nh3 quotes what this returns, so a `"` from the math stays inside the value.
        return _HOLE_RE.sub(source_of, value)

    def in_text(m: re.Match) -> str:
        return html.escape(source_of(m))

    text = text.replace("\ue000", "").replace("\ue001", "")
    body = sanitize(_md.render(_MATH.sub(cut, text)), attribute_filter=in_attribute)
    # Only text nodes hold holes now; the last pass proves the math added no markup.
    return Markup(sanitize(_HOLE_RE.sub(in_text, body)))


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


def marked(text: str | None, spans: Iterable[tuple[int, int]], tag: str = "mark") -> Markup:
    """Escape plain text and wrap the given (start, end) spans in <mark> (or <em>, for the sentence that
    explains a semantic hit): search snippets."""
    if tag not in ("mark", "em"):
        raise ValueError(f"unexpected tag {tag!r}")
    text = text or ""
    out, last = [], 0
    for a, b in sorted(spans):
        if a < last or a < 0 or b > len(text):
            continue
        out += [html.escape(text[last:a], quote=False), f"<{tag}>", html.escape(text[a:b], quote=False), f"</{tag}>"]
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
