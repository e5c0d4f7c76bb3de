"""Saved web pages (blog posts, Zhihu/cnblogs articles): the article's main text as Markdown.

trafilatura drops navigation, ads, sidebars, comments and footers and keeps
headings, list items and links; the page's title, date and author come from its
metadata. The segmenter then cuts the Markdown like any other notes text.
Telegram's own `messages.html` export is left to the `telegram-html` format.
"""

from __future__ import annotations

import re

from paperdex.errors import MalformedInput
from paperdex.model import Document

NAME = "html"
EXTENSIONS = (".html", ".htm", ".xhtml")

_HTML_START = re.compile(r"\A(?:\ufeff)?\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>])",
                         re.I | re.S)
# Telegram Desktop exports and t.me previews: another format's business.
_TELEGRAM = re.compile(r'class="(?:page_wrap|history|message default|tgme_)'
                       r"|tgme_widget_message|Telegram Desktop", re.I)
_META_AUTHOR = re.compile(r"""<meta\s+[^>]*name=["']author["'][^>]*content=["']([^"']+)["']""", re.I)
_META_AUTHOR_REV = re.compile(r"""<meta\s+[^>]*content=["']([^"']+)["'][^>]*name=["']author["']""", re.I)


# Characters that re.I matches to an ASCII letter but str.lower() does not turn into it (ſ, ı, İ).
_ODD_CASE = re.compile("[\u0130\u0131\u017f]")


def _telegram_marked(head: str) -> bool:
    """_TELEGRAM.search(head), after a substring test on the lowered head: a case-insensitive alternation
    over every file's first 16k characters was most of detection's time."""
    low = head.lower()
    if "class=" not in low and "tgme_widget" not in low and "telegram" not in low and not _ODD_CASE.search(head):
        return False
    return _TELEGRAM.search(head) is not None


def detect(path: str, head: str) -> float:
    if _telegram_marked(head):
        return 0.2
    if path.lower().endswith(EXTENSIONS):
        return 0.7
    if _HTML_START.match(head):
        return 0.65
    return 0.0


def read(text: str, source: str) -> list[Document]:
    """One Document: the page's main text as Markdown, with its title, date and author."""
    import trafilatura

    body = trafilatura.extract(text, output_format="markdown", include_links=True, include_comments=False,
                               include_tables=True, with_metadata=False)
    extracted_by = "trafilatura"
    if not body or not body.strip():
        # Pages too short or too plain for main-text detection: keep all their visible text.
        body = trafilatura.html2txt(text)
        extracted_by = "html2txt"
    if not body or not body.strip():
        raise MalformedInput(source, "holds no readable text (an empty page, or one built by JavaScript)",
                             "save the page after it has loaded, or copy its text into a .md file")
    meta = trafilatura.extract_metadata(text)
    info = meta.as_dict() if meta is not None else {}
    title = _clean(info.get("title"))
    author = _meta_author(text) or _clean(info.get("author"))
    metadata = {key: info[key] for key in ("url", "hostname", "sitename", "description", "language")
                if info.get(key)}
    for key in ("categories", "tags"):
        if info.get(key):
            metadata[key] = list(info[key])
    metadata["extracted_by"] = extracted_by
    return [
        Document(
            source=source,
            format=NAME,
            text=tidy_markdown(body, title),
            title=title,
            reader=author,
            date=_clean(info.get("date")),
            metadata=metadata,
        )
    ]


def _clean(value: object) -> str | None:
    if not value:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _meta_author(html: str) -> str | None:
    """`<meta name="author">`: the page's own word, better than a guess from the byline area."""
    head = html[:65536]
    match = _META_AUTHOR.search(head) or _META_AUTHOR_REV.search(head)
    return _clean(match.group(1)) if match else None


_SPLIT_HEADING = re.compile(r"^(#{1,6})[ \t]*\n[ \t]*(\S[^\n]*?)[ \t]*\n[ \t]*$", re.M)
_SELF_LINK = re.compile(r"\[(https?://[^\]\s]+)\]\((\1)\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def tidy_markdown(body: str, title: str | None = None) -> str:
    """trafilatura's Markdown made to read like hand-written notes.

    Headings split over lines are joined, `[url](url)` becomes the bare URL (as
    in "arxiv:https://arxiv.org/abs/..."), and a first heading that only repeats
    the page title is dropped, since the title is the Document's already.
    """
    body = _SPLIT_HEADING.sub(lambda m: f"{m.group(1)} {m.group(2)}", body)
    body = _SELF_LINK.sub(r"\1", body)
    lines = [line.rstrip() for line in body.splitlines()]
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and title:
        first = re.match(r"^#{1,6}\s+(.*)$", lines[0])
        if first and _LINK.sub(r"\1", first.group(1)).strip() == title:
            lines.pop(0)
            while lines and not lines[0].strip():
                lines.pop(0)
    return "\n".join(lines).strip() + "\n"
