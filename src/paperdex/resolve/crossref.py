"""Crossref REST `/works`: a DOI's record, or a bibliographic search for titles and citation strings.

Crossref always returns *something* for a search, so its hits are only
candidates: matching.py decides (its top hit for "Attention is all you need"
is another paper).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from paperdex.resolve.http import HttpClient
from paperdex.resolve.records import Record, clean_text, json_payload

NAME = "crossref"


def _first(values: list[str] | None) -> str | None:
    return clean_text(values[0]) if values else None


def _year(item: dict[str, Any]) -> int | None:
    for key in ("issued", "published", "published-print", "published-online", "created"):
        parts = (item.get(key) or {}).get("date-parts") or []
        if parts and parts[0] and parts[0][0]:
            return int(parts[0][0])
    return None


def parse_item(item: dict[str, Any]) -> Record | None:
    if not item.get("DOI"):
        return None
    title = _first(item.get("title"))
    subtitle = _first(item.get("subtitle"))
    if title and subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    authors = []
    for a in item.get("author") or []:
        name = " ".join(p for p in (a.get("given"), a.get("family")) if p) or a.get("name")
        if name:
            authors.append(clean_text(name) or name)
    abstract = item.get("abstract")
    if abstract:
        abstract = clean_text(re.sub(r"<[^>]+>", " ", abstract))
    record = Record(provider=NAME, raw_id=item["DOI"].lower(), title=title, authors=authors, year=_year(item),
                    venue=_first(item.get("container-title")), abstract=abstract,
                    urls=[item["URL"]] if item.get("URL") else [])
    record.add_ident("doi", item["DOI"])
    return record


def parse_payload(payload: str | bytes | Any) -> list[Record]:
    """Records of a `work` or `work-list` message; [] for the plain-text 404 'Resource not found.'"""
    data = json_payload(payload)
    if not isinstance(data, dict):
        return []
    message = data.get("message") or {}
    if data.get("message-type") == "work-list":
        items = message.get("items") or []
    elif data.get("message-type") == "work":
        items = [message]
    else:
        items = []
    return [r for r in (parse_item(i) for i in items) if r is not None]


def fetch_doi(client: HttpClient, doi: str) -> Record | None:
    resp = client.get(NAME, "/works/" + quote(doi, safe=""))
    if resp.status != 200:
        return None
    records = parse_payload(resp.text)
    return records[0] if records else None


def search_title(client: HttpClient, title: str, authors: list[str] | None = None, rows: int = 3) -> list[Record]:
    params: dict[str, Any] = {"query.title": title, "rows": rows}
    if authors:
        params["query.author"] = " ".join(authors)
    resp = client.get(NAME, "/works", params)
    return parse_payload(resp.text) if resp.status == 200 else []


def search_citation(client: HttpClient, citation: str, rows: int = 3) -> list[Record]:
    """A free citation string ('Fu, Z., ... (2024). HumanPlus: ...') through `query.bibliographic`."""
    resp = client.get(NAME, "/works", {"query.bibliographic": citation, "rows": rows})
    return parse_payload(resp.text) if resp.status == 200 else []
