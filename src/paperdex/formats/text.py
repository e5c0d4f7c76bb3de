"""Plain text notes: the fallback reader; the segmenter finds the structure."""

from __future__ import annotations

from paperdex.model import Document

NAME = "text"
EXTENSIONS = (".txt", ".text", ".rst", "")


def detect(path: str, head: str) -> float:
    # Anything decodable is at least plain text; other formats outbid this.
    return 0.1


def read(text: str, source: str) -> list[Document]:
    return [Document(source=source, format=NAME, text=text)]
