"""Semantic Scholar Graph API: `/paper/batch` for ids (500 a request), `/paper/search/match` for titles.

An API key (env SEMANTIC_SCHOLAR_API_KEY) is optional; without one the shared
rate limit is low, so the client waits between requests.
"""

from __future__ import annotations

from typing import Any

from paperdex.model import Identifier
from paperdex.resolve.http import HttpClient
from paperdex.resolve.records import Record, clean_text, json_payload

NAME = "semanticscholar"
BATCH = 500
FIELDS = "title,authors,year,venue,externalIds,abstract,journal,url,publicationDate"
_EXTERNAL = {"ArXiv": "arxiv", "DOI": "doi", "DBLP": "dblp", "CorpusId": "s2corpus", "PubMed": "pubmed"}


def parse_paper(obj: dict[str, Any] | None) -> Record | None:
    """One Graph API paper object; None for the nulls a batch returns for unknown ids."""
    if not obj or not obj.get("paperId"):
        return None
    journal = obj.get("journal") or {}
    venue = clean_text(obj.get("venue")) or clean_text(journal.get("name"))
    record = Record(
        provider=NAME,
        raw_id=obj["paperId"],
        title=clean_text(obj.get("title")),
        authors=[a["name"] for a in obj.get("authors") or [] if a.get("name")],
        year=obj.get("year"),
        venue=venue,
        abstract=clean_text(obj.get("abstract")),
        urls=[obj["url"]] if obj.get("url") else [],
    )
    record.add_ident("s2", obj["paperId"])
    for key, scheme in _EXTERNAL.items():
        value = (obj.get("externalIds") or {}).get(key)
        if value is not None:
            record.add_ident(scheme, str(value))
    return record


def parse_payload(payload: str | bytes | Any) -> list[Record]:
    """Records from any Graph API paper response: batch list, `{"data": [...]}`, a bare paper, or an error."""
    data = json_payload(payload)
    if isinstance(data, list):
        items = data
    elif isinstance(data, dict) and isinstance(data.get("data"), list):
        items = data["data"]
    elif isinstance(data, dict) and "paperId" in data:
        items = [data]
    else:
        items = []  # {"error": "Title match not found"} and other error bodies
    return [r for r in (parse_paper(i) for i in items) if r is not None]


def _graph_id(ident: Identifier) -> str | None:
    if ident.scheme == "arxiv":
        return f"ARXIV:{ident.value}"
    if ident.scheme == "doi":
        return f"DOI:{ident.value}"
    if ident.scheme == "s2":
        return ident.value
    return None


def fetch_ids(client: HttpClient, idents: list[Identifier]) -> dict[Identifier, Record]:
    """Records by the identifier asked for; a batch answers in request order, null when unknown."""
    asked = sorted({i for i in idents if _graph_id(i)})
    found: dict[Identifier, Record] = {}
    for start in range(0, len(asked), BATCH):
        batch = asked[start : start + BATCH]
        resp = client.post(NAME, "/graph/v1/paper/batch", {"fields": FIELDS},
                           {"ids": [_graph_id(i) for i in batch]})
        if resp.status != 200:
            continue
        data = resp.json()
        if not isinstance(data, list):
            continue
        for ident, obj in zip(batch, data, strict=False):
            record = parse_paper(obj)
            if record is not None:
                found[ident] = record
    return found


def match_title(client: HttpClient, title: str) -> list[Record]:
    """The best title match S2 knows (at most one); 404 means no match."""
    resp = client.get(NAME, "/graph/v1/paper/search/match", {"query": title, "fields": FIELDS})
    if resp.status != 200:
        return []
    return parse_payload(resp.text)
