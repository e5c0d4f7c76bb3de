"""Team fixtures: a team library with one account per role, a personal library, and a real server.

The server is uvicorn on 127.0.0.1:<free port> in a thread (no network beyond loopback), with Python
logging left to pytest so tests can read everything the server logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from paperdex import importer
from paperdex.library import accounts, resolution, user_data
from paperdex.library.db import Library
from paperdex.resolve.records import Record
from tests.conftest import BACKENDS, EXAMPLES, SEED_FILES, pg_schema
from tests.servers import serve_in_thread

PASSWORDS = {"ada": "ada-correct-horse-1", "eve": "eve-battery-staple-2", "bob": "bob-plaintext-3",
             "rita": "rita-reads-only-4"}
ROLES = {"ada": "admin", "eve": "editor", "bob": "editor", "rita": "reader"}


@dataclass
class Team:
    db: Path | str  # an SQLite file, or a PostgreSQL URL
    tokens: dict[str, str] = field(default_factory=dict)
    url: str = ""

    def headers(self, name: str) -> dict[str, str]:
        return {"authorization": f"Bearer {self.tokens[name]}"}


def make_team(path: Path | str) -> Team:
    team = Team(path)
    with Library(path) as lib:
        for name in ("ada", "eve", "bob", "rita"):
            _account, token = accounts.add_account(lib, name, ROLES[name], PASSWORDS[name])
            team.tokens[name] = token
    return team


@pytest.fixture(scope="session")
def team_template(tmp_path_factory) -> Team:
    """Made once: four argon2 hashes take about a second."""
    return make_team(tmp_path_factory.mktemp("team") / "team.db")


@pytest.fixture(params=BACKENDS)
def team(request, team_template, tmp_path) -> Team:
    """A private copy of the team library per test (same accounts and tokens), on each backend."""
    import sqlite3

    if request.param == "postgres":
        with pg_schema() as url:
            yield make_team(url)
        return

    target = tmp_path / "team.db"
    src, dst = sqlite3.connect(str(team_template.db)), sqlite3.connect(str(target))
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    yield Team(target, dict(team_template.tokens))


def build_personal(path: Path, inputs: list[Path]) -> Path:
    """A personal library as `paperdex add` makes it, with a tag, a status and review decisions."""
    with Library(path) as lib:
        summary = importer.add(lib, [str(p) for p in inputs], max_bytes=64 << 20)
        assert not summary.failed, summary.failed
        papers = [r["id"] for r in lib.conn.execute("SELECT id FROM papers ORDER BY id LIMIT 3")]
        user_data.add_tag(lib, papers[0], "world-models")
        user_data.add_tag(lib, papers[1], "to-discuss")
        user_data.set_status(lib, papers[1], "read")
        # A namesake proposed for the third paper, rejected in review: a real decision row.
        decoy = Record(provider="openalex", raw_id="W4000000001", title="A Different Paper With A Close Title",
                       year=2021)
        resolution.record_status(lib, papers[2], "ambiguous", provider="openalex", score=0.71, evidence={},
                                 candidate=decoy)
        resolution.reject(lib, papers[2])
    return path


@pytest.fixture
def personal(tmp_path) -> Path:
    missing = [p for p in SEED_FILES.values() if not p.exists()]
    if missing:
        pytest.fail(f"seed files missing: {missing}; set PAPERDEX_SHARED to the shared/ folder")
    return build_personal(tmp_path / "personal.db", [EXAMPLES, *SEED_FILES.values()])


def start_server(db: Path | str, *, access_log: bool = False):
    """uvicorn serving `db` on loopback in a thread; returns (url, stop)."""
    from paperdex.web.app import create_app

    # log_config=None: uvicorn leaves logging alone, so its access and error logs reach pytest's caplog.
    url, stop = serve_in_thread(create_app(db), log_config=None, access_log=access_log,
                                log_level="debug" if access_log else "warning")
    return url + "/", stop


@pytest.fixture
def server(team):
    team.url, stop = start_server(team.db)
    yield team
    stop()


def count(db: Path, sql: str, *args) -> int:
    with Library(db) as lib:
        return lib.conn.execute(sql, args).fetchone()[0]
