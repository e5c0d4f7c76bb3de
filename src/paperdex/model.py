"""The data that flows through paperdex: plain dataclasses, no behaviour beyond small helpers.

The path is: a format reader turns bytes into a `Document`; the segmenter cuts a
Document into `NoteBlock`s (one per paper, or paper-less notes); the library
stores blocks as `Note`s attached to `Paper`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# Identifier schemes, in the order that makes one the "primary" key of a paper.
SCHEMES = ("arxiv", "doi", "openreview", "acl", "pmlr", "cvf", "neurips", "s2", "openalex")

BlockKind = Literal["paper", "note", "document"]


@dataclass(frozen=True, order=True)
class Identifier:
    """A normalised identifier of a paper, e.g. Identifier("arxiv", "2406.10454")."""

    scheme: str
    value: str

    @property
    def key(self) -> str:
        return f"{self.scheme}:{self.value}"

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.key


@dataclass
class Post:
    """One self-contained message (a Telegram post): it is about at most one paper."""

    text: str
    line: int = 1
    date: str | None = None
    author: str | None = None
    urls: list[str] = field(default_factory=list)
    # Any extra per-post facts a reader wants to keep (message id, reactions...).
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Document:
    """One input as read by a format: a file, a page or an export.

    Free text goes in `text` and is segmented by shape. Formats whose structure
    already says where one note ends (Telegram exports) give `posts`; formats
    whose records are papers already (BibTeX, CSL-JSON, one-note-per-file
    Markdown with front matter) give finished `blocks`.
    """

    source: str
    format: str
    text: str = ""
    title: str | None = None
    reader: str | None = None
    date: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    posts: list[Post] | None = None
    blocks: list[NoteBlock] | None = None
    # 1-based line of `text`'s first line within the source file (front matter shifts it).
    line_offset: int = 0


@dataclass
class NoteBlock:
    """What the segmenter finds: one note about one paper (kind "paper"),
    a note whose paper is unknown (kind "note": e.g. a Lark block that lost its
    title), or a paper-less document section (kind "document")."""

    kind: BlockKind = "paper"
    title: str | None = None
    text: str = ""
    identifiers: list[Identifier] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    thoughts: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)  # "recommended", "best-paper"...
    flags: list[str] = field(default_factory=list)  # "dataset", "model", "code"...
    references: list[str] = field(default_factory=list)  # papers mentioned, not noted
    line: int = 1
    date: str | None = None
    reader: str | None = None
    language: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # raw "- key: value" fields


@dataclass
class Note:
    """A stored note: a NoteBlock placed in the library, attributed to its source."""

    id: str
    kind: BlockKind
    source: str
    text: str
    paper_id: str | None = None
    title: str | None = None
    reader: str | None = None
    section: str | None = None
    thoughts: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    marks: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    authors: list[str] = field(default_factory=list)
    line: int = 1
    date: str | None = None
    language: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    source_title: str | None = None
    added_by: str | None = None  # the team account that pushed or added it (None: read from a file here)


@dataclass
class Paper:
    """One paper, however many notes and readers speak of it."""

    id: str
    title: str | None
    year: int | None = None
    venue: str | None = None
    authors: list[str] = field(default_factory=list)
    abstract: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    added_at: str | None = None
    resolution: dict[str, Any] | None = None  # status, score, evidence, provider

    def ident(self, scheme: str) -> str | None:
        for ident in self.identifiers:
            if ident.scheme == scheme:
                return ident.value
        return None

    @property
    def arxiv_id(self) -> str | None:
        return self.ident("arxiv")

    @property
    def doi(self) -> str | None:
        return self.ident("doi")


@dataclass
class DocumentRecord:
    """A stored source that holds notes but no paper (lecture notes), or any source."""

    id: int
    source: str
    format: str
    title: str | None
    reader: str | None
    notes: list[Note] = field(default_factory=list)
