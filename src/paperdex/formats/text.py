"""Plain text notes: the fallback reader; the segmenter finds the structure."""

from __future__ import annotations

import re

from paperdex.formats.bibtex import pasted_entries
from paperdex.model import Document

NAME = "text"
EXTENSIONS = (".txt", ".text", ".rst", "")

# reStructuredText's hyperlink reference, `Title <url>`_ (or __ for an anonymous one): written as the
# Markdown link it means, so the title is the link's text as in every other note (lines are unchanged).
_RST_LINK = re.compile(r"`(?P<text>[^`<>\n]+?)\s*<(?P<url>[^<>`\s]+)>`__?")


def detect(path: str, head: str) -> float:
    # Anything decodable is at least plain text; other formats outbid this.
    return 0.1


def rst_links_as_markdown(text: str) -> str:
    """A .rst file's hyperlink references as Markdown links, whichever reader then takes the file."""
    if ">`_" not in text:
        return text
    return _RST_LINK.sub(lambda m: f"[{m['text']}]({m['url']})", text)


def read(text: str, source: str) -> list[Document]:
    text, pasted = pasted_entries(text, source)
    bib = [Document(source=source, format="bibtex", text="", blocks=pasted)] if pasted else []
    return [Document(source=source, format=NAME, text=text), *bib]
