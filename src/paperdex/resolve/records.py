"""A provider-neutral paper record: what any provider says a paper is."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from paperdex.ids import normalize_arxiv, normalize_doi
from paperdex.model import Identifier


@dataclass
class Record:
    """One paper as one provider describes it; identifiers are normalised `Identifier`s."""

    provider: str
    raw_id: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    abstract: str | None = None
    identifiers: list[Identifier] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def ident(self, scheme: str) -> str | None:
        for ident in self.identifiers:
            if ident.scheme == scheme:
                return ident.value
        return None

    def add_ident(self, scheme: str, value: str | None) -> None:
        """Add a normalised identifier; DOIs and arXiv ids are normalised, the arXiv DOI adds its arXiv id."""
        if not value:
            return
        value = str(value).strip()
        if scheme == "doi":
            value = normalize_doi(value) or ""
            if value.startswith("10.48550/arxiv."):
                self.add_ident("arxiv", value)
        elif scheme == "arxiv":
            value = normalize_arxiv(value) or ""
        if value and Identifier(scheme, value) not in self.identifiers:
            self.identifiers.append(Identifier(scheme, value))

    def to_json(self) -> dict[str, Any]:
        # Spelled out: dataclasses.asdict deep-copies recursively and was a tenth of a resolve run's time.
        return {"provider": self.provider, "raw_id": self.raw_id, "title": self.title, "authors": list(self.authors),
                "year": self.year, "venue": self.venue, "abstract": self.abstract,
                "identifiers": [[i.scheme, i.value] for i in self.identifiers], "urls": list(self.urls)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Record:
        data = dict(data)
        data["identifiers"] = [Identifier(s, v) for s, v in data.get("identifiers", [])]
        return cls(**data)


def json_payload(payload: str | bytes | Any) -> Any:
    """A response body as JSON, or None when it is not JSON (HTML error pages, plain-text 404s)."""
    if not isinstance(payload, (str, bytes)):
        return payload
    try:
        return json.loads(payload)
    except ValueError:
        return None


def clean_text(text: str | None) -> str | None:
    """Collapse the line wraps and double spaces arXiv puts in titles and abstracts."""
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None
