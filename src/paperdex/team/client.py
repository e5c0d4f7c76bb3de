"""`paperdex push` and `paperdex pull`: a personal library and a team server, over HTTP.

Every request is idempotent (notes are named by origin and compared by digest), so a failed request is
simply retried and an interrupted push resumes where it stopped: the next run asks the server what it
holds and sends only the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from paperdex import __version__
from paperdex.errors import PaperdexError, UsageError
from paperdex.hosts import is_loopback
from paperdex.library import exchange
from paperdex.library.db import Library

BATCH = 200
RETRIES = 3
# How long a push waits out a busy team library (503 + Retry-After) while other members write.
BUSY_WAIT_S = 600.0
TIMEOUT_S = 120.0
PULL_NAMESPACE = "team"

Progress = Callable[[int, int], None]


class SyncError(PaperdexError):
    """The team server refused or could not be reached (the message says which, and what to do)."""


@dataclass
class PushSummary:
    local: int = 0
    sent: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    kept_remote: int = 0  # on the server, gone here, kept because --delete was not given
    pulled: int = 0  # notes pulled from a team into this library: never pushed back
    papers: dict = field(default_factory=dict)

    def line(self) -> str:
        text = (f"{self.local} local notes: {self.added} added, {self.updated} updated, "
                f"{self.local - self.sent + self.unchanged} already on the server")
        if self.removed:
            text += f", {self.removed} removed from the server"
        if self.pulled:
            text += f"; {self.pulled} notes pulled from the team are not pushed back"
        if self.kept_remote:
            text += (f"; {self.kept_remote} notes deleted here are kept on the server "
                     "(push --delete removes them)")
        if self.papers:
            text += (f"; tags {self.papers.get('tags', 0)}, statuses {self.papers.get('statuses', 0)}, "
                     f"review decisions {self.papers.get('decisions', 0)} new on the server")
        return text


@dataclass
class PullSummary:
    remote: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    papers: dict = field(default_factory=dict)

    def line(self) -> str:
        return (f"{self.remote} team notes: {self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.removed} removed here; tags {self.papers.get('tags', 0)}, statuses "
                f"{self.papers.get('statuses', 0)}, review decisions {self.papers.get('decisions', 0)} new here")


def check_url(url: str, *, allow_http: bool = False) -> str:
    """The server's base URL; plain http only to this machine (a token must not cross a network in clear)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"{url!r} is not a server URL: give https://HOST/ (or http://127.0.0.1:PORT/)")
    if parts.scheme == "http" and not is_loopback(parts.hostname or "") and not allow_http:
        raise UsageError(f"{url} is plain http: the token would cross the network in clear. Use https "
                         "(docs/team.md shows a TLS proxy) or --allow-http on a network you trust")
    return url.rstrip("/") + "/"


def make_client(url: str, token: str | None, *, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The one place push/pull build their HTTP client (tests plug a transport in here)."""
    if not token:
        raise UsageError("give the token your team admin made for you: --token T or PAPERDEX_TOKEN")
    return httpx.Client(base_url=url, transport=transport, timeout=TIMEOUT_S, follow_redirects=False,
                        headers={"authorization": f"Bearer {token}", "user-agent": f"paperdex/{__version__}"})


def _call(client: httpx.Client, method: str, path: str, **kwargs) -> dict:
    """One request, retried on network errors and 5xx/429 (every sync request is idempotent)."""
    last = ""
    busy_until = time.monotonic() + BUSY_WAIT_S
    attempt = 0
    while attempt <= RETRIES:
        try:
            response = client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            last = f"cannot reach {client.base_url}: {exc}"
        else:
            if response.status_code < 400:
                return response.json()
            message = _error_of(response)
            if response.status_code == 401:
                raise SyncError(f"the server refused the token (401: {message}); ask your admin for a new one "
                                "(`paperdex user token NAME`)")
            if response.status_code not in (429, 500, 502, 503, 504):
                raise SyncError(f"the server answered {response.status_code} to {method} {path}: {message}")
            last = f"the server answered {response.status_code}: {message}"
            if response.status_code in (429, 503) and response.headers.get("retry-after", "").isdigit():
                time.sleep(min(int(response.headers["retry-after"]), 30))
                # A busy library (503) frees itself as other members' writes end: wait, up to BUSY_WAIT_S.
                if response.status_code == 503 and time.monotonic() < busy_until:
                    continue
                attempt += 1
                continue
        if attempt < RETRIES:
            time.sleep(0.5 * 2 ** attempt)
        attempt += 1
    raise SyncError(f"{last} (tried {RETRIES + 1} times; run the same command again to resume)")


def _error_of(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error") or response.text[:200])
    except ValueError:
        return response.text[:200]


def _pages(client: httpx.Client, path: str, key: str) -> list:
    out, after = [], ""
    while True:
        data = _call(client, "GET", path, params={"after": after} if after else None)
        out += data[key]
        after = data.get("next")
        if not after:
            return out


def push(lib: Library, client: httpx.Client, *, delete: bool = False, batch: int = BATCH,
         progress: Progress | None = None) -> PushSummary:
    """Send the notes the server lacks or holds in another version, then tags, statuses and decisions."""
    summary = PushSummary()
    held = {origin: digest for origin, digest in _pages(client, "api/sync/have", "notes")}
    local: set[str] = set()
    pending: list[dict] = []
    after = ""
    while True:
        page = exchange.note_records(lib, after=after, limit=1000)
        if not page:
            break
        after = page[-1]["origin"]
        for record in page:
            if record["source"]["uid"].startswith(PULL_NAMESPACE + ":"):
                summary.pulled += 1  # a copy pulled from the team: not this member's to push back
                continue
            local.add(record["origin"])
            if held.get(record["origin"]) != record["digest"]:
                pending.append(record)
    summary.local = len(local)
    summary.sent = len(pending)
    if progress:
        progress(0, len(pending))
    for start in range(0, len(pending), batch):
        chunk = pending[start:start + batch]
        result = _call(client, "POST", "api/sync/notes", json={"notes": chunk})
        summary.added += result["added"]
        summary.updated += result["updated"]
        summary.unchanged += result["unchanged"]
        if progress:
            progress(start + len(chunk), len(pending))
    gone = sorted(set(held) - local)
    if delete:
        for start in range(0, len(gone), 500):
            summary.removed += _call(client, "POST", "api/sync/delete",
                                     json={"origins": gone[start:start + 500]})["removed"]
    else:
        summary.kept_remote = len(gone)
    papers = exchange.paper_records(lib)
    totals: dict[str, int] = {}
    for start in range(0, len(papers), 500):
        counts = _call(client, "POST", "api/sync/papers", json={"papers": papers[start:start + 500]})
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
    summary.papers = totals
    return summary


def pull(lib: Library, client: httpx.Client, *, batch: int = 500, progress: Progress | None = None) -> PullSummary:
    """Make the local copy equal to the team library: its notes (with reader and added_by) and decisions."""
    summary = PullSummary()
    records = _pages(client, "api/sync/pull/notes", "notes")
    summary.remote = len(records)
    if progress:
        progress(0, len(records))
    for start in range(0, len(records), batch):
        applied = exchange.apply_notes(lib, records[start:start + batch], namespace=PULL_NAMESPACE)
        summary.added += applied.added
        summary.updated += applied.updated
        summary.unchanged += applied.unchanged
        if progress:
            progress(start + batch, len(records))
    remote = {r["origin"] for r in records}
    stale = [note_id for origin, note_id in exchange.notes_in_namespace(lib, PULL_NAMESPACE).items()
             if origin not in remote]
    if stale:
        summary.removed = exchange.remove_notes(lib, note_ids=stale)
    summary.papers = exchange.apply_papers(lib, _call(client, "GET", "api/sync/pull/papers")["papers"])
    return summary
