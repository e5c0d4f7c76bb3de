"""OpenAlex `/works`: by DOI (OR filters of up to 50), by title (`filter=title.search:`).

Since 2026 OpenAlex requires an API key (env OPENALEX_API_KEY); the resolver
skips this provider with one line when there is none.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from paperdex.ids import identifier_from_url
from paperdex.resolve.http import HttpClient
from paperdex.resolve.records import Record, clean_text, json_payload

NAME = "openalex"
BATCH = 50


def abstract_from_index(index: dict[str, list[int]] | None) -> str | None:
    """Rebuild the abstract text from OpenAlex's inverted index {word: [positions]}."""
    if not index:
        return None
    slots: dict[int, str] = {}
    for word, positions in index.items():
        for pos in positions:
            slots[pos] = word
    return clean_text(" ".join(slots[i] for i in sorted(slots)))


def _short(openalex_url: str) -> str:
    return openalex_url.rstrip("/").rsplit("/", 1)[-1]


def parse_work(obj: dict[str, Any]) -> Record | None:
    """One Work object; None for projections without an id (e.g. `select=open_access,doi`)."""
    if not obj.get("id"):
        return None
    source = ((obj.get("primary_location") or {}).get("source")) or {}
    # A repository (arXiv, Zenodo) is where a preprint sits, not where it was published.
    venue = clean_text(source.get("display_name")) if source.get("type") != "repository" else None
    record = Record(
        provider=NAME,
        raw_id=_short(obj["id"]),
        title=clean_text(obj.get("title") or obj.get("display_name")),
        authors=[a["author"]["display_name"] for a in obj.get("authorships") or []
                 if (a.get("author") or {}).get("display_name")],
        year=obj.get("publication_year"),
        venue=venue,
        abstract=abstract_from_index(obj.get("abstract_inverted_index")),
    )
    record.add_ident("openalex", _short(obj["id"]))
    record.add_ident("doi", obj.get("doi") or (obj.get("ids") or {}).get("doi"))
    for loc in obj.get("locations") or [obj.get("primary_location") or {}]:
        url = (loc or {}).get("landing_page_url")
        if url:
            ident = identifier_from_url(url)
            if ident is not None and ident.scheme in ("arxiv", "doi", "openreview"):
                record.add_ident(ident.scheme, ident.value)
            if url not in record.urls:
                record.urls.append(url)
    return record


def parse_payload(payload: str | bytes | Any) -> list[Record]:
    """Records of a `/works` list envelope or a bare Work; [] for the HTML 404 page and errors."""
    data = json_payload(payload)
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        items = data["results"]
    elif isinstance(data, dict):
        items = [data]
    else:
        items = []
    return [r for r in (parse_work(i) for i in items if isinstance(i, dict)) if r is not None]


def fetch_dois(client: HttpClient, dois: list[str]) -> dict[str, Record]:
    """Records by DOI (arXiv preprints too, through their 10.48550 DOI)."""
    wanted = sorted(set(dois))
    found: dict[str, Record] = {}
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        if len(batch) == 1:
            resp = client.get(NAME, "/works/https://doi.org/" + quote(batch[0], safe=":"))
        else:
            resp = client.get(NAME, "/works", {"filter": "doi:" + "|".join(batch), "per-page": BATCH})
        if resp.status != 200:
            continue
        for record in parse_payload(resp.text):
            doi = record.ident("doi")
            for ident in record.identifiers:
                if ident.scheme == "doi" and ident.value in batch:
                    doi = ident.value
            if doi:
                found[doi] = record
    return found


def search_title(client: HttpClient, title: str, limit: int = 5) -> list[Record]:
    # Commas separate filters in OpenAlex's syntax, so they cannot appear inside a value.
    value = re.sub(r"\s+", " ", title.replace(",", " ")).strip()
    resp = client.get(NAME, "/works", {"filter": f"title.search:{value}", "per-page": limit})
    if resp.status != 200:
        return []
    return parse_payload(resp.text)
