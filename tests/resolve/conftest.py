"""Resolve test fixtures: a replay server over the real API fixtures, a library, settings pointing at both."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from paperdex.library.db import Library
from paperdex.library.ingest import SourceInput, import_source
from paperdex.model import NoteBlock
from paperdex.resolve.http import ResolveSettings
from tests.conftest import FIXTURES
from tests.resolve.replay_server import ReplayServer, routes_from_readme

DATA = Path(__file__).parent / "data"
PROVIDER_DIRS = {
    "arxiv": [FIXTURES / "arxiv", DATA / "arxiv"],
    "semanticscholar": [FIXTURES / "semanticscholar"],
    "openalex": [FIXTURES / "openalex"],
    "crossref": [FIXTURES / "crossref"],
}
SNAPSHOT_SAMPLE = FIXTURES / "arxiv_snapshot" / "arxiv-metadata-oai-snapshot.first200.jsonl"
SEED_SNAPSHOT = DATA / "snapshot" / "seed_papers.jsonl"


@pytest.fixture
def replay():
    routes = []
    for provider, folders in PROVIDER_DIRS.items():
        for folder in folders:
            routes += routes_from_readme(folder, prefix=f"/{provider}")
    server = ReplayServer(routes).start()
    yield server
    server.stop()


@pytest.fixture
def settings(replay) -> ResolveSettings:
    """Every provider on the replay server; no waiting between requests; short timeouts."""
    return ResolveSettings(
        base_urls={p: f"{replay.url}/{p}" for p in PROVIDER_DIRS},
        intervals=dict.fromkeys(PROVIDER_DIRS, 0.0), timeout=0.5, max_retries=2, backoff=0.01,
        openalex_key="test-key", mailto="tests@example.org")


@pytest.fixture
def lib(library_url):
    """The library to resolve, on each backend (on PostgreSQL the arXiv snapshot is a local file)."""
    library = Library(library_url)
    yield library
    library.close()


def add_blocks(lib: Library, name: str, blocks: list[NoteBlock]) -> None:
    """Store blocks as one source through the lead's ingest API, as `paperdex add` would."""
    import_source(lib, SourceInput(key=f"/notes/{name}", path=name, format="text",
                                   content_hash=hashlib.sha1(name.encode()).hexdigest()), blocks)


def paper_ids_with(lib: Library, scheme: str, value: str) -> list[str]:
    return [r[0] for r in lib.conn.execute(
        "SELECT paper_id FROM identifiers WHERE scheme = ? AND value = ?", (scheme, value))]
