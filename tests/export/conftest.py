"""A library of the five seeds, built once for all export tests (read-only for them)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, SEEDS, library_at
from tests.export.helpers import build_library

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session", params=BACKENDS)
def seed_lib(request, tmp_path_factory):
    """On each backend: every export test that reads it compares with the same golden files."""
    if not SEEDS.exists():
        pytest.fail(f"seeds missing at {SEEDS}; set PAPERDEX_SHARED")
    folder = tmp_path_factory.mktemp("seedlib")
    with pytest.MonkeyPatch.context() as env, library_at(request.param, folder) as target:
        env.setenv("XDG_CACHE_HOME", str(folder / "cache"))
        lib = build_library(target, ["seeds"], cwd=SEEDS.parent)
        yield lib
        lib.close()


@pytest.fixture(scope="session", params=BACKENDS)
def mixed_lib(request, tmp_path_factory):
    """The seeds plus titles and notes that break naive exporters (`% & $ # _ ^ ~ { } \\`, Chinese,
    Russian, an organisation as author), read from a CSL-JSON file so the titles are exact."""
    folder = tmp_path_factory.mktemp("mixedlib")
    (folder / "seeds").symlink_to(SEEDS)
    (folder / "awkward.csl.json").write_bytes((DATA / "awkward.csl.json").read_bytes())
    with pytest.MonkeyPatch.context() as env, library_at(request.param, folder) as target:
        env.setenv("XDG_CACHE_HOME", str(folder / "cache"))
        lib = build_library(target, ["seeds", "awkward.csl.json"], cwd=folder)
        yield lib
        lib.close()


@pytest.fixture(scope="session")
def pandoc() -> str:
    """Debian's pandoc: .ci/run installs it, so in CI its absence is a failure, elsewhere a skip."""
    found = shutil.which("pandoc")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("pandoc is missing in CI: .ci/run installs it with apt-get install -y pandoc")
    pytest.skip("pandoc is not installed (apt-get install pandoc); the pandoc checks need it")
