"""What the `--help` examples of `user`, `push` and `pull` need to run as written (tests/test_cli_examples.py).

`user` examples name accounts that exist (ada, an admin, and bob, an editor); `push` and `pull` examples
talk to https://lab.example/, answered in-process by a team server app (a Starlette TestClient in place
of the HTTP client), with $PAPERDEX_TOKEN set to an editor's token.
"""

from __future__ import annotations

from pathlib import Path

from paperdex.library import accounts
from paperdex.library.db import Library


def plant_team(command: str, db: Path, workdir: Path, tmp_path: Path, monkeypatch) -> None:
    word = command.split()[0]
    if word == "user":
        with Library(db) as lib:
            accounts.add_account(lib, "ada", "admin", "ada-correct-horse-1")
            accounts.add_account(lib, "bob", "editor", "bob-battery-staple-2")
        (workdir / "password.txt").write_text("a-new-long-password\n", encoding="utf-8")
    elif word in ("push", "pull"):
        from starlette.testclient import TestClient

        from paperdex.team import client
        from paperdex.web.app import create_app

        server = tmp_path / "server.db"
        with Library(server) as lib:
            accounts.add_account(lib, "ada", "admin")
            _account, token = accounts.add_account(lib, "eve", "editor")
        monkeypatch.setenv("PAPERDEX_TOKEN", token)
        monkeypatch.setattr(client, "make_client", lambda url, token, transport=None: TestClient(
            create_app(server), base_url=url, headers={"authorization": f"Bearer {token}"}))
