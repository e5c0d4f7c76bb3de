"""arXiv API: fetch Atom feeds by `id_list` in batches and parse entries into Records.

Terms of use ask for one request every 3 s (the interval lives in
`ResolveSettings.intervals["arxiv"]`). An unknown id gives an empty feed; a
malformed id gives HTTP 400 with an `Error` entry, which we turn into nothing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from paperdex.ids import normalize_arxiv
from paperdex.resolve.http import HttpClient
from paperdex.resolve.records import Record, clean_text

NAME = "arxiv"
BATCH = 50
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


class ArxivFeedError(ValueError):
    """The feed is an arXiv API error report (e.g. 'incorrect id format for abc')."""


def _text(node: ET.Element | None) -> str | None:
    return clean_text(node.text) if node is not None and node.text else None


def parse_entry(entry: ET.Element) -> Record | None:
    raw = _text(entry.find(f"{ATOM}id")) or ""
    if "/api/errors" in raw:
        return None
    arxiv_id = normalize_arxiv(raw)
    if not arxiv_id:
        return None
    version = re.search(r"v(\d+)$", raw)
    published = _text(entry.find(f"{ATOM}published")) or ""
    record = Record(
        provider=NAME,
        raw_id=arxiv_id + (f"v{version.group(1)}" if version else ""),
        title=_text(entry.find(f"{ATOM}title")),
        authors=[n for n in (_text(a.find(f"{ATOM}name")) for a in entry.findall(f"{ATOM}author")) if n],
        year=int(published[:4]) if published[:4].isdigit() else None,
        venue=_text(entry.find(f"{ARXIV}journal_ref")),
        abstract=_text(entry.find(f"{ATOM}summary")),
        urls=[f"https://arxiv.org/abs/{arxiv_id}"],
    )
    record.add_ident("arxiv", arxiv_id)
    record.add_ident("doi", _text(entry.find(f"{ARXIV}doi")))
    return record


def parse_feed(payload: str | bytes) -> list[Record]:
    """Records of an Atom feed; raises ArxivFeedError for the API's error feed."""
    root = ET.fromstring(payload)
    entries = root.findall(f"{ATOM}entry")
    records = []
    for entry in entries:
        raw = _text(entry.find(f"{ATOM}id")) or ""
        if "/api/errors" in raw:
            raise ArxivFeedError(_text(entry.find(f"{ATOM}summary")) or "arXiv API error")
        record = parse_entry(entry)
        if record is not None:
            records.append(record)
    return records


def fetch_ids(client: HttpClient, arxiv_ids: list[str]) -> dict[str, Record]:
    """Records by normalised arXiv id; ids the API rejects or does not know are absent."""
    wanted = sorted({i for i in (normalize_arxiv(x) for x in arxiv_ids) if i})
    found: dict[str, Record] = {}
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        resp = client.get(NAME, "/api/query", {"id_list": ",".join(batch), "max_results": len(batch)})
        if resp.status == 400 and len(batch) > 1:
            # One malformed id spoils the batch: ask for each alone.
            for single in batch:
                found.update(fetch_ids(client, [single]))
            continue
        try:
            records = parse_feed(resp.text)
        except (ArxivFeedError, ET.ParseError):
            continue
        for record in records:
            found[record.ident("arxiv") or record.raw_id] = record
    return found
