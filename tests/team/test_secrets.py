"""Tokens and passwords never appear in clear: not in the database file (WAL included), not in the logs."""

from __future__ import annotations

import logging
import re

import httpx
from click.testing import CliRunner

from paperdex.cli import main
from paperdex.importer import add
from paperdex.library.db import Library
from paperdex.team import client as team_client
from tests.conftest import EXAMPLES
from tests.team.conftest import PASSWORDS, make_team, start_server


def _file_bytes(db) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))  # the file, -wal and -shm


def test_no_secret_in_the_database_or_the_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    team = make_team(tmp_path / "team.db")
    url, stop = start_server(team.db, access_log=True)
    try:
        with httpx.Client(base_url=url) as web:
            csrf = re.search(r'name="csrf" value="([^"]+)"', web.get("login").text).group(1)
            assert web.post("login", data={"csrf": csrf, "name": "eve", "password": PASSWORDS["eve"]}).status_code == 303
            session = web.cookies["pdx_session"]
            web.post("login", data={"csrf": csrf, "name": "bob", "password": PASSWORDS["eve"]})  # a wrong one
            assert web.get("api/papers", headers={"authorization": "Bearer pdx_wrong-token"}).status_code == 401
        mine = tmp_path / "mine.db"
        with Library(mine) as lib:
            add(lib, [str(EXAMPLES / "reading-list.md")], max_bytes=1 << 20)
            with team_client.make_client(url, team.tokens["eve"]) as http:
                team_client.push(lib, http)
        with Library(team.db) as lib:
            new_token = __import__("paperdex.library.accounts", fromlist=["x"]).issue_token(lib, "bob")
    finally:
        stop()
    stored = _file_bytes(team.db)
    assert b"$argon2id$" in stored  # the hashes are there...
    secrets = [*team.tokens.values(), new_token, session, *PASSWORDS.values()]
    for secret in secrets:  # ...and never what they hash
        assert secret.encode() not in stored, secret
    # What the server wrote (the test's own httpx client logs the cookies it receives, at DEBUG).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("uvicorn", "paperdex",
                                                                                          "starlette"))
    assert "GET /api/sync/have" in logged and "POST /login" in logged  # the access log was captured
    for secret in secrets:
        assert secret not in logged, secret


def test_cli_prints_the_token_once_and_stores_only_its_hash(tmp_path):
    db = tmp_path / "lab.db"
    result = CliRunner().invoke(main, ["--db", str(db), "user", "add", "ada", "--role", "admin", "--password-stdin"],
                                input="ada-correct-horse-1\n")
    assert result.exit_code == 0, result.output
    token = re.search(r"pdx_[A-Za-z0-9_-]{40,}", result.output).group(0)
    listed = CliRunner().invoke(main, ["--db", str(db), "user", "list", "--json"])
    assert token not in listed.output and "ada-correct-horse-1" not in listed.output
    assert token.encode() not in _file_bytes(db) and b"ada-correct-horse-1" not in _file_bytes(db)
