"""Web fixtures: a library built from the five seed files, and the app over it."""

from __future__ import annotations

import pytest

from paperdex.library.db import Library
from tests.conftest import SEED_FILES


def build_seed_library(path) -> None:
    """Import the five real seed documents, as `paperdex add` would (no network, no embeddings)."""
    from paperdex import importer

    with Library(path) as lib:
        summary = importer.add(lib, [str(p) for p in SEED_FILES.values()], max_bytes=64 << 20)
    assert not summary.failures, summary.failures


@pytest.fixture(scope="session")
def seed_library_template(tmp_path_factory):
    missing = [p for p in SEED_FILES.values() if not p.exists()]
    if missing:
        pytest.fail(f"seed files missing: {missing}; set PAPERDEX_SHARED to the shared/ folder")
    path = tmp_path_factory.mktemp("seedlib") / "library.db"
    build_seed_library(path)
    return path


@pytest.fixture
def seed_library(seed_library_template, library_url, backend, tmp_path):
    """A private copy per test, so writes (tags, status) never leak between tests; on PostgreSQL the
    seeds are imported into the test's own schema."""
    import sqlite3

    if backend == "postgres":
        build_seed_library(library_url)
        return library_url
    target = tmp_path / "seeds.db"
    src = sqlite3.connect(str(seed_library_template))
    dst = sqlite3.connect(str(target))
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


@pytest.fixture
def client(seed_library):
    from starlette.testclient import TestClient

    from paperdex.web.app import create_app

    with TestClient(create_app(seed_library), base_url="http://127.0.0.1") as c:
        yield c
