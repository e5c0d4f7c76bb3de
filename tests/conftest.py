"""Shared test fixtures: where the real notes and API responses live."""

from __future__ import annotations

import os
from pathlib import Path

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


@pytest.fixture
def seeds() -> dict[str, Path]:
    missing = [p for p in SEED_FILES.values() if not p.exists()]
    if missing:
        pytest.fail(f"seed files missing: {missing}; set PAPERDEX_SHARED to the shared/ folder")
    return SEED_FILES


def read_seed(name: str) -> str:
    return SEED_FILES[name].read_text(encoding="utf-8")
