"""`paperdex user …`, and `serve` on a team library: the CLI side of accounts."""

from __future__ import annotations

import shlex

import pytest
from click.testing import CliRunner

from paperdex.cli import _load_command_modules, main
from paperdex.library import accounts
from paperdex.library.db import Library
from tests.team.examples import plant_team
from tests.test_cli_examples import examples_of


def run(db, *args, input=None):
    return CliRunner().invoke(main, ["--db", str(db), *args], input=input)


def test_first_account_must_be_an_admin_and_names_are_never_reused(tmp_path):
    db = tmp_path / "lab.db"
    refused = run(db, "user", "add", "eve", "--role", "editor")
    assert refused.exit_code == 2 and "--role admin" in refused.output
    assert run(db, "user", "add", "ada", "--role", "admin").exit_code == 0
    assert run(db, "user", "add", "eve", "--role", "editor", "--no-password").exit_code == 0
    assert run(db, "user", "add", "eve").exit_code == 2
    assert run(db, "user", "remove", "eve").exit_code == 0
    again = run(db, "user", "add", "eve")
    assert again.exit_code == 2 and "removed" in again.output
    last = run(db, "user", "remove", "ada")
    assert last.exit_code == 2 and "last admin" in last.output
    assert run(db, "user", "add", "bad name!", "--role", "reader").exit_code == 2


def test_token_revoke_others_and_passwd(tmp_path):
    db = tmp_path / "lab.db"
    first = run(db, "user", "add", "ada", "--role", "admin", "--no-password").stdout.strip()
    second = run(db, "user", "token", "ada").stdout.strip()
    with Library(db) as lib:
        assert accounts.account_for_token(lib, first) and accounts.account_for_token(lib, second)
    third = run(db, "user", "token", "ada", "--revoke-others").stdout.strip()
    with Library(db) as lib:
        assert accounts.account_for_token(lib, first) is None and accounts.account_for_token(lib, second) is None
        assert accounts.account_for_token(lib, third).name == "ada"
        assert accounts.verify_password(lib, "ada", "long-enough-password") is None
    short = run(db, "user", "passwd", "ada", "--password-stdin", input="short\n")
    assert short.exit_code == 2 and "at least" in short.output
    assert run(db, "user", "passwd", "ada", "--password-stdin", input="long-enough-password\n").exit_code == 0
    with Library(db) as lib:
        assert accounts.verify_password(lib, "ada", "long-enough-password").role == "admin"
    assert run(db, "user", "role", "ada", "reader").exit_code == 0
    assert "reader" in run(db, "user", "list").stdout


def test_serve_on_a_team_library_needs_no_shared_token(tmp_path, monkeypatch):
    started = {}
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    monkeypatch.delenv("PAPERDEX_TOKEN", raising=False)
    db = tmp_path / "lab.db"
    assert run(db, "serve", "--host", "0.0.0.0").exit_code == 2  # personal: a shared token is needed
    token = run(db, "user", "add", "ada", "--role", "admin", "--no-password").stdout.strip()
    result = run(db, "serve", "--host", "0.0.0.0", "--proxy-https")
    assert result.exit_code == 0, result.output
    from starlette.testclient import TestClient

    with TestClient(started["app"], base_url="http://lab.example") as client:
        assert client.get("/", follow_redirects=False).status_code == 303
        assert client.get("/api/papers", headers={"authorization": f"Bearer {token}"}).status_code == 200


def test_serve_refuses_a_postgresql_library_without_accounts(tmp_path, monkeypatch):
    """The check runs before anything is served (the library itself is part A's PostgreSQL backend)."""
    import paperdex.cli
    from paperdex.library import accounts as accounts_module

    monkeypatch.setattr(paperdex.cli.Context, "lib", property(lambda self: object()))
    monkeypatch.setattr(accounts_module, "has_accounts", lambda lib: False)
    result = CliRunner().invoke(main, ["--db", "postgresql:///lab", "serve"])
    assert result.exit_code == 2 and "paperdex user add NAME --role admin" in result.output


def _team_examples():
    _load_command_modules()
    out = []
    for name in ("user", "push", "pull"):
        command = main.commands[name]
        commands = [(name, command)] + [(f"{name} {sub}", c) for sub, c in getattr(command, "commands", {}).items()]
        out += [(path, line) for path, c in commands for line in examples_of(c)]
    return out


@pytest.mark.parametrize("command,line", _team_examples(), ids=[line for _, line in _team_examples()])
def test_help_example_runs_as_written(command, line, tmp_path, monkeypatch):
    from paperdex import importer
    from tests.conftest import EXAMPLES

    db = tmp_path / "library.db"
    with Library(db) as lib:
        importer.add(lib, [str(EXAMPLES)], max_bytes=1 << 20)
    monkeypatch.setenv("PAPERDEX_DB", str(db))
    monkeypatch.chdir(tmp_path)
    plant_team(command, db, tmp_path, tmp_path, monkeypatch)
    stdin = None
    if line.startswith("cat "):
        piped, line = (part.strip() for part in line.split("|", 1))
        stdin = (tmp_path / piped.split()[1]).read_bytes()
    result = CliRunner().invoke(main, shlex.split(line)[1:], input=stdin)
    assert result.exit_code == 0, f"{line}\n{result.output}"
