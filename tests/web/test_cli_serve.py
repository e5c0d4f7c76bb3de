"""`paperdex serve` refuses to expose the library without a token."""

from __future__ import annotations

from click.testing import CliRunner

from paperdex.cli import main
from paperdex.hosts import is_loopback


def test_loopback_names():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("example.org")


def test_public_host_without_token_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("PAPERDEX_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "l.db"), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2  # a usage error: the command line lacks --token
    assert "--token" in result.output


def test_public_host_with_token_starts_uvicorn(tmp_path, monkeypatch):
    started = {}

    def fake_run(app, host, port, log_level):
        started.update(app=app, host=host, port=port)

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setenv("PAPERDEX_TOKEN", "tok-from-env")
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "l.db"), "serve", "--host", "0.0.0.0",
                                       "--port", "9999"])
    assert result.exit_code == 0, result.output
    assert started["host"] == "0.0.0.0" and started["port"] == 9999
    from starlette.testclient import TestClient

    with TestClient(started["app"]) as c:
        assert c.get("/").status_code == 401
        assert c.get("/", headers={"authorization": "Bearer tok-from-env"}).status_code == 200
