"""A library of the five seeds, built once for all export tests (read-only for them)."""

from __future__ import annotations

import pytest

from tests.conftest import SEEDS
from tests.export.helpers import build_library


@pytest.fixture(scope="session")
def seed_lib(tmp_path_factory):
    if not SEEDS.exists():
        pytest.fail(f"seeds missing at {SEEDS}; set PAPERDEX_SHARED")
    lib = build_library(tmp_path_factory.mktemp("seedlib") / "library.db", ["seeds"], cwd=SEEDS.parent)
    yield lib
    lib.close()
