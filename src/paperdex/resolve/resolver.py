"""Resolve the library's papers: candidates from each provider in a fixed order, validated, then stored.

Order: the offline snapshot, arXiv, Semantic Scholar, OpenAlex, Crossref.
Identifiers are looked up in batches first; papers still unresolved are
searched by title, stopping at the first provider giving a candidate at the
accept score. `decision.decide` then accepts one distinct paper (merging only
records of that same paper) or sends the close ones to review. Results are
written a batch of papers per transaction. A provider failure is a result:
the paper is marked failed (retried by `--retry-failed`) and the provider is
left alone for the rest of the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import httpx

from paperdex.errors import UsageError
from paperdex.library import resolution as store
from paperdex.library.db import Library
from paperdex.model import Identifier
from paperdex.resolve import arxiv, crossref, openalex, semanticscholar
from paperdex.resolve.decision import Decision, Group, decide
from paperdex.resolve.http import HttpClient, ProviderFailure, ResolveSettings
from paperdex.resolve.matching import Query, Scored, score
from paperdex.resolve.records import Record
from paperdex.resolve.snapshot import SnapshotIndex

ORDER = ("snapshot", "arxiv", "semanticscholar", "openalex", "crossref")
# Papers whose results share one write transaction (and whose snapshot titles are looked up together).
# Offline a batch takes well under a second: 1000 write a fifth fewer pages and CPU than 200 at 2.7M
# (each batch rewrites the pages its papers sit on). With network providers a batch can take minutes, and
# an interrupted run loses its unwritten batch: 200 then.
WRITE_BATCH = 1000
NETWORK_WRITE_BATCH = 200
NETWORK = ORDER[1:]
LABELS = {"snapshot": "snapshot", "arxiv": "arXiv", "semanticscholar": "Semantic Scholar",
          "openalex": "OpenAlex", "crossref": "Crossref"}
Progress = Callable[[int, int], None]


@dataclass
class ResolveSummary:
    resolved: int = 0
    ambiguous: int = 0
    not_found: int = 0
    failed: int = 0
    untouched: int = 0  # offline, no provider could try them: left for a later run
    merged: int = 0
    notes_identified: int = 0
    requests: int = 0
    messages: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = (f"resolved {self.resolved} · ambiguous {self.ambiguous} · not found {self.not_found} · "
                f"failed (will retry) {self.failed}")
        if self.untouched:
            text += f" · left for later {self.untouched}"
        if self.notes_identified:
            text += f" · untitled notes identified {self.notes_identified}"
        return text


@dataclass
class _Work:
    paper: store.PendingPaper
    query: Query
    rejected: set[str]
    candidates: list[Scored] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)

    def add(self, records: Iterable[Record]) -> None:
        for record in records:
            if f"{record.provider}:{record.raw_id}" in self.rejected:
                continue
            self.candidates.append(score(self.query, record))

    @property
    def accepted(self) -> list[Scored]:
        return [c for c in self.candidates if c.accepted]


def _merge(group: Group) -> tuple[Record, float, dict]:
    """One record from the records of one paper: the best first, gaps filled, identifiers united
    (one arXiv id only: the best record's)."""
    ranked = group.members
    top = ranked[0]
    # A lone record (most papers) is used as it is: only filling it from other records needs a copy.
    merged = top.record if len(ranked) == 1 else replace(
        top.record, identifiers=list(top.record.identifiers), urls=list(top.record.urls),
        authors=list(top.record.authors))
    for other in ranked[1:]:
        r = other.record
        merged.abstract = merged.abstract or r.abstract
        merged.authors = merged.authors or list(r.authors)
        merged.year = merged.year or r.year
        if r.provider != "arxiv" and r.venue and (merged.provider in ("arxiv", "snapshot") or not merged.venue):
            merged.venue = r.venue  # the published venue beats an arXiv journal-ref
        for ident in r.identifiers:
            if ident.scheme == "arxiv" and merged.ident("arxiv"):
                continue
            if ident not in merged.identifiers:
                merged.identifiers.append(ident)
        merged.urls += [u for u in r.urls if u not in merged.urls]
    evidence = dict(top.evidence)
    evidence["sources"] = [f"{s.record.provider}:{s.record.raw_id}" for s in ranked]
    return merged, top.score, evidence


class Resolver:
    """One run over the library: holds the HTTP client, the snapshot index and which providers are up."""

    def __init__(self, lib: Library, settings: ResolveSettings, providers: list[str],
                 transport: httpx.BaseTransport | None = None) -> None:
        self.lib = lib
        self.settings = settings
        self.providers = providers
        self.down: dict[str, str] = {}
        self.transport = transport
        self._client: HttpClient | None = None
        self.snapshot = SnapshotIndex(lib) if "snapshot" in providers else None

    @property
    def client(self) -> HttpClient:
        """Made on first use: an offline run never needs one (its TLS set-up alone took ~40 ms)."""
        if self._client is None:
            self._client = HttpClient(self.settings, store.HttpCacheStore(self.lib), transport=self.transport)
        return self._client

    @property
    def requests(self) -> int:
        return self._client.requests if self._client is not None else 0

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def _call(self, provider: str, works: list[_Work], fn: Callable[[], object]) -> object | None:
        """Run one provider call; a failure marks every paper that needed it and takes the provider down."""
        if provider not in self.providers:
            return None
        if provider in self.down:
            for w in works:
                w.failed.add(provider)
            return None
        try:
            return fn()
        except ProviderFailure as exc:
            self.down[provider] = exc.reason
            for w in works:
                w.failed.add(provider)
            return None

    def by_identifiers(self, works: list[_Work]) -> None:
        arxiv_ids: dict[str, list[_Work]] = {}
        for w in works:
            for ident in w.query.identifiers:
                if ident.scheme == "arxiv":
                    arxiv_ids.setdefault(ident.value, []).append(w)
        if self.snapshot is not None and arxiv_ids:
            for arxiv_id, record in self.snapshot.by_ids(sorted(arxiv_ids)).items():
                for w in arxiv_ids.pop(arxiv_id, []):
                    w.add([record])
        if arxiv_ids:
            need = [w for ws in arxiv_ids.values() for w in ws]
            found = self._call("arxiv", need, lambda: arxiv.fetch_ids(self.client, sorted(arxiv_ids))) or {}
            for arxiv_id, record in found.items():
                for w in arxiv_ids.get(arxiv_id, []):
                    w.add([record])
        lookup: dict[Identifier, list[_Work]] = {}
        for w in works:
            for ident in w.query.identifiers:
                if ident.scheme in ("arxiv", "doi", "s2"):
                    lookup.setdefault(ident, []).append(w)
        if lookup:
            found = self._call("semanticscholar", [w for ws in lookup.values() for w in ws],
                               lambda: semanticscholar.fetch_ids(self.client, sorted(lookup))) or {}
            for ident, record in found.items():
                for w in lookup.get(ident, []):
                    w.add([record])
        dois: dict[str, list[_Work]] = {}
        for w in works:
            for ident in w.query.identifiers:
                if ident.scheme == "doi":
                    dois.setdefault(ident.value, []).append(w)
                elif ident.scheme == "arxiv" and not w.accepted:
                    dois.setdefault(f"10.48550/arxiv.{ident.value}", []).append(w)
        if dois:
            found = self._call("openalex", [w for ws in dois.values() for w in ws],
                               lambda: openalex.fetch_dois(self.client, sorted(dois))) or {}
            for doi, record in found.items():
                for w in dois.get(doi, []):
                    w.add([record])
        for w in works:
            if w.accepted:
                continue
            for ident in w.query.identifiers:
                if ident.scheme == "doi" and not ident.value.startswith("10.48550/"):
                    rec = self._call("crossref", [w], lambda v=ident.value: crossref.fetch_doi(self.client, v))
                    if isinstance(rec, Record):
                        w.add([rec])

    def snapshot_titles(self, works: list[_Work]) -> None:
        """Search the snapshot for a batch of papers an identifier did not settle, its exact title look-ups
        in one query (by_title then asks the network providers, paper by paper)."""
        works = [w for w in works if w.query.title and not w.accepted]
        if self.snapshot is not None and works:
            for w, found in zip(works, self.snapshot.search_many([w.query.title or "" for w in works]), strict=True):
                w.add(found)

    def by_title(self, w: _Work, *, snapshot: bool = True) -> None:
        title = w.query.title
        if not title:
            return
        steps: list[tuple[str, Callable[[], object]]] = [
            ("semanticscholar", lambda: semanticscholar.match_title(self.client, title)),
            ("openalex", lambda: openalex.search_title(self.client, title)),
            ("crossref", lambda: crossref.search_title(self.client, title, w.query.authors[:3])),
        ]
        if snapshot and self.snapshot is not None:
            w.add(self.snapshot.search(title))
        for provider, fn in steps:
            if w.accepted:
                return
            found = self._call(provider, [w], fn)
            if isinstance(found, list):
                w.add(found)

    def finish(self, w: _Work, summary: ResolveSummary) -> store.Outcome | None:
        """The paper's outcome to write (None: left for a later run); counts it in the summary."""
        pid = w.paper.paper_id
        held = {i.value for i in w.query.identifiers if i.scheme == "arxiv"}
        decision: Decision = decide(w.candidates, held_arxiv=held)
        if decision.accepted is not None:
            record, value, evidence = _merge(decision.accepted)
            return store.Outcome(pid, "resolved", record, value, evidence)
        if decision.review:
            top = decision.review[0]
            return store.Outcome(pid, "ambiguous", top.record, top.score, top.evidence,
                                 candidates=[(c.record, c.score, c.evidence) for c in decision.review])
        if w.failed:
            summary.failed += 1
            return store.Outcome(pid, "failed", evidence={
                "failed": {p: self.down.get(p, "failed") for p in sorted(w.failed)}})
        if not any(p in self.providers for p in NETWORK):
            summary.untouched += 1  # offline: only the snapshot tried; the network may know it later
            return None
        best = max(w.candidates, key=lambda s: s.score, default=None)
        summary.not_found += 1
        return store.Outcome(pid, "not_found", score=best.score if best else None,
                             evidence={"best": best.evidence} if best is not None else {})

    def write(self, outcomes: list[store.Outcome], summary: ResolveSummary) -> None:
        for written in store.write_outcomes(self.lib, outcomes):
            if written.status == "resolved":
                summary.resolved += 1
                summary.merged += len(written.merged)
            elif written.status == "ambiguous":
                summary.ambiguous += 1

    def identify_notes(self, summary: ResolveSummary, retry_failed: bool) -> None:
        if self.snapshot is None:
            return
        from paperdex.resolve.matching import ACCEPT, REVIEW

        for note_id, text in store.pending_notes(self.lib, retry_failed=retry_failed):
            found = self.snapshot.identify_text(text)
            if found is not None and found[1] >= ACCEPT:
                try:
                    store.attach_note(self.lib, note_id, found[0], score=found[1], evidence=found[2])
                    summary.notes_identified += 1
                except store.IdConflict as exc:
                    store.record_note_status(self.lib, note_id, "ambiguous", score=found[1], candidate=found[0],
                                             evidence={**found[2], "conflict": str(exc)})
            elif found is not None and found[1] >= REVIEW:
                store.record_note_status(self.lib, note_id, "ambiguous", score=found[1], evidence=found[2],
                                         candidate=found[0])
            else:
                store.record_note_status(self.lib, note_id, "not_found",
                                         evidence=found[2] if found else {"reason": "no distinctive name"})


def _query(paper: store.PendingPaper) -> Query:
    return Query(title=paper.title, authors=paper.authors, year=paper.year, venue=paper.venue,
                 identifiers=paper.identifiers)


def choose_providers(providers: Iterable[str] | None, settings: ResolveSettings, snapshot_rows: int,
                     messages: list[str]) -> list[str]:
    """The providers this run uses, in the fixed order, with one line for each skipped for a reason."""
    wanted = list(ORDER) if not providers else list(providers)
    unknown = [p for p in wanted if p not in ORDER]
    if unknown:
        raise UsageError(f"unknown provider {', '.join(unknown)}; known providers: {', '.join(ORDER)}")
    chosen = [p for p in ORDER if p in wanted]
    if "snapshot" in chosen and snapshot_rows == 0:
        chosen.remove("snapshot")
        if providers:
            messages.append("snapshot skipped: none imported (run `paperdex snapshot import FILE`)")
    if settings.offline:
        skipped = [LABELS[p] for p in chosen if p in NETWORK]
        chosen = [p for p in chosen if p not in NETWORK]
        if skipped:
            rest = "the local snapshot only" if chosen else "nothing; notes are kept and resolved when online"
            messages.append(f"offline (PAPERDEX_OFFLINE=1): skipping {', '.join(skipped)}; resolving with {rest}")
    if "openalex" in chosen and not settings.openalex_key:
        chosen.remove("openalex")
        messages.append("OpenAlex skipped: it requires an API key since 2026 "
                        "(set OPENALEX_API_KEY or openalex_api_key in config.toml)")
    return chosen


def resolve_library(lib: Library, *, providers: Iterable[str] | None = None, retry_failed: bool = False,
                    offline: bool | None = None, progress: Progress | None = None,
                    settings: ResolveSettings | None = None, force: bool = False,
                    transport: httpx.BaseTransport | None = None) -> ResolveSummary:
    """Resolve every pending paper (and identify untitled notes); never raises for a provider failure."""
    settings = settings or ResolveSettings.from_env()
    if offline is not None:
        settings = replace(settings, offline=offline)
    summary = ResolveSummary()
    chosen = choose_providers(providers, settings, store_snapshot_rows(lib), summary.messages)
    if "snapshot" in chosen and snapshot_needs_reindex(lib):
        summary.messages.append("snapshot imported before its typo and word-pair keys existed: misspelt titles "
                                "match less often; run `paperdex snapshot reindex` once (or import it again)")
    if force:
        store.reset(lib)
    pending = store.pending_papers(lib, retry_failed=retry_failed)
    resolver = Resolver(lib, settings, chosen, transport)
    try:
        rejected = store.all_rejected_keys(lib)
        works = [_Work(p, _query(p), rejected.get(p.paper_id, set())) for p in pending]
        total = len(works)
        if chosen and works:
            resolver.by_identifiers(works)
        done = 0
        size = NETWORK_WRITE_BATCH if any(p in NETWORK for p in chosen) else WRITE_BATCH
        for start in range(0, total, size):
            batch = works[start : start + size]
            if chosen:
                resolver.snapshot_titles(batch)
            outcomes: list[store.Outcome] = []
            for w in batch:
                if chosen and not w.accepted:
                    resolver.by_title(w, snapshot=False)
                outcome = resolver.finish(w, summary) if chosen else None
                if not chosen:
                    summary.untouched += 1
                if outcome is not None:
                    outcomes.append(outcome)
                done += 1
                if progress:
                    progress(done, total)
            resolver.write(outcomes, summary)
        resolver.identify_notes(summary, retry_failed)
        for provider, reason in sorted(resolver.down.items()):
            summary.messages.append(f"{LABELS[provider]} unavailable ({reason}); "
                                    "its papers are marked failed: run `paperdex resolve --retry-failed` later")
    finally:
        summary.requests = resolver.requests
        resolver.close()
    return summary


def store_snapshot_rows(lib: Library) -> int:
    from paperdex.library import snapshot_store

    return 1 if snapshot_store.has_rows(lib) else 0  # only "any?" is asked: counting 2.7M rows takes 0.24 s


def snapshot_needs_reindex(lib: Library) -> bool:
    from paperdex.library import snapshot_store

    return not snapshot_store.has_keys(lib) or snapshot_store.pairs_missing(lib)
