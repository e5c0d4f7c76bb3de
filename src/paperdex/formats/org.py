"""Org-mode notes (`.org`): Emacs reading queues, org-roam pages. The extractor parses the structure."""

from __future__ import annotations

import re

from paperdex.model import Document

NAME = "org"
EXTENSIONS = (".org",)


def detect(path: str, head: str) -> float:
    if path.lower().endswith(EXTENSIONS):
        return 0.8
    return 0.4 if re.search(r"^#\+(?:TITLE|STARTUP|OPTIONS|TODO):", head[:2000], re.M | re.I) else 0.0


def read(text: str, source: str) -> list[Document]:
    title = re.search(r"^#\+TITLE:\s*(.+)$", text[:4000], re.M | re.I)
    author = re.search(r"^#\+AUTHOR:\s*(.+)$", text[:4000], re.M | re.I)
    return [Document(source=source, format=NAME, text=text, title=title.group(1).strip() if title else None,
                     reader=author.group(1).strip() if author else None)]
