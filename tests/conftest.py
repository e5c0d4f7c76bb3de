"""Shared test fixtures: where the real notes and API responses live."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("PAPERDEX_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"
FIXTURES = SHARED / "fixtures"
CORPORA = SHARED / "corpora"
EXAMPLES = ROOT / "examples"

SEED_FILES = {
    "readme": SEEDS / "000_04df80b7aa9f2e32.txt",
    "blog": SEEDS / "001_19133c82d939d12d.txt",
    "lecture": SEEDS / "002_ba159acd3bfe3958.txt",
    "lark": SEEDS / "003_943458fafa9f0a25.txt",
    "telegram": SEEDS / "004_10e839f3a84c61aa.txt",
}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No test touches the user's library or the network by accident."""
    monkeypatch.setenv("PAPERDEX_DB", str(tmp_path / "library.db"))
    monkeypatch.setenv("PAPERDEX_OFFLINE", "1")
    monkeypatch.setenv("PAPERDEX_CONFIG", str(tmp_path / "config.toml"))
    # Embedding every test library would make the suite slow; tests that need
    # semantic search set PAPERDEX_EMBEDDER themselves.
    monkeypatch.setenv("PAPERDEX_EMBEDDER", "none")
    # The user cache (a PostgreSQL library's arXiv snapshot file, vector caches) stays in the test's folder.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


# A PostgreSQL server the suite may create schemas in (`.ci/run` starts one and sets this), e.g.
# postgresql://paperdex:paperdex@127.0.0.1/paperdex_test. Unset: the PostgreSQL params skip, except
# under CI=true, where a missing server fails the run.
TEST_PG = os.environ.get("PAPERDEX_TEST_PG", "")
BACKENDS = ("sqlite", "postgres")


def _pg_unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL is required under CI: {reason}")
    pytest.skip(f"PostgreSQL backend not tested: {reason}")


def _with_schema(url: str, schema: str) -> str:
    """The URL with every connection's search_path set to `schema` (libpq's `options` parameter)."""
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """"sqlite" or "postgres": a test asking for it (or for `library_url`) runs once on each backend."""
    return request.param


# For a test of what only an SQLite file has (its pages, PRAGMAs, a file copy as backup): it runs on SQLite only.
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])


@pytest.fixture
def make_library_url(backend, tmp_path):
    """Make fresh library locations on this test's backend: `make("other.db")` for a second library.

    SQLite: files in tmp_path; PostgreSQL: a schema each, dropped after the test.
    """
    with contextlib.ExitStack() as stack:
        yield lambda name="library.db": stack.enter_context(library_at(backend, tmp_path, name))


@pytest.fixture
def library_url(make_library_url, monkeypatch) -> str:
    """A fresh library's location on each backend: an SQLite file, or a PostgreSQL schema of its own.

    It is also PAPERDEX_DB, so CLI commands run in the test use it.
    """
    target = make_library_url()
    monkeypatch.setenv("PAPERDEX_DB", target)
    return target


@contextlib.contextmanager
def library_at(backend: str, folder: Path, name: str = "library.db"):
    """A fresh library location on `backend`: `folder/name`, or a new PostgreSQL schema (dropped on leaving).

    For fixtures wider than one test (a session's shared library), where `library_url` can't be used.
    """
    if backend == "sqlite":
        yield str(folder / name)
        return
    with pg_schema() as target:
        yield target


@contextlib.contextmanager
def pg_schema():
    """The URL of a new, empty schema in PAPERDEX_TEST_PG (skips, or fails under CI, without one);
    the schema is dropped on leaving."""
    if not TEST_PG:
        _pg_unavailable("set PAPERDEX_TEST_PG=postgresql://USER:PASSWORD@HOST/DATABASE to run it")
    try:
        import psycopg
    except ImportError:
        _pg_unavailable("psycopg is not installed (pip install -e '.[test]')")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(TEST_PG, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f"CREATE SCHEMA {schema}")
    except psycopg.OperationalError as exc:
        _pg_unavailable(f"cannot connect to PAPERDEX_TEST_PG: {str(exc).splitlines()[0]}")
    try:
        yield _with_schema(TEST_PG, schema)
    finally:
        with psycopg.connect(TEST_PG, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def seeds() -> dict[str, Path]:
    missing = [p for p in SEED_FILES.values() if not p.exists()]
    if missing:
        pytest.fail(f"seed files missing: {missing}; set PAPERDEX_SHARED to the shared/ folder")
    return SEED_FILES


def read_seed(name: str) -> str:
    return SEED_FILES[name].read_text(encoding="utf-8")
