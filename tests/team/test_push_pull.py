"""Push and pull against a real team server on loopback: idempotent, updates edits, deletes only when asked,
resumes after a failure, and a library pushed then pulled back keeps its notes, tags and decisions."""

from __future__ import annotations

import shutil

import httpx
import pytest
from click.testing import CliRunner

from paperdex.cli import main
from paperdex.importer import add
from paperdex.library.db import Library
from paperdex.library.ingest import remove_source
from paperdex.team import client as team_client
from tests.conftest import EXAMPLES, SEED_FILES
from tests.team.conftest import build_personal, count


def _push(db, team, name="eve", **kwargs):
    with Library(db) as lib, team_client.make_client(team.url, team.tokens[name]) as http:
        return team_client.push(lib, http, **kwargs)


def _pull(db, team, name="rita"):
    with Library(db) as lib, team_client.make_client(team.url, team.tokens[name]) as http:
        return team_client.pull(lib, http)


def test_push_twice_adds_nothing(server, personal):
    first = _push(personal, server, batch=7)  # several batches
    local = count(personal, "SELECT count(*) FROM notes")
    assert first.added == local and first.sent == local and first.updated == 0
    assert count(server.db, "SELECT count(*) FROM notes WHERE added_by = 'eve'") == local
    papers = count(server.db, "SELECT count(*) FROM papers")
    second = _push(personal, server)
    assert (second.sent, second.added, second.updated) == (0, 0, 0)
    assert count(server.db, "SELECT count(*) FROM notes") == local
    assert count(server.db, "SELECT count(*) FROM papers") == papers
    # Every pushed note keeps its own reader beside the account that pushed it.
    assert count(server.db, "SELECT count(DISTINCT reader) FROM notes") == count(
        personal, "SELECT count(DISTINCT reader) FROM notes")


def test_edited_note_updates_its_copy(server, tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    shutil.copy(EXAMPLES / "reading-list.md", notes / "reading-list.md")
    db = tmp_path / "mine.db"
    with Library(db) as lib:
        add(lib, [str(notes)], max_bytes=1 << 20)
    _push(db, server)
    text = (notes / "reading-list.md").read_text(encoding="utf-8")
    assert "适合只有日志数据的场景" in text
    (notes / "reading-list.md").write_text(text.replace("适合只有日志数据的场景", "适合只有离线日志的团队"),
                                          encoding="utf-8")
    with Library(db) as lib:
        add(lib, [str(notes)], max_bytes=1 << 20)
    again = _push(db, server)
    assert (again.sent, again.added, again.updated) == (1, 0, 1)
    with Library(server.db) as lib:
        thoughts = " ".join(r[0] for r in lib.conn.execute("SELECT thoughts FROM notes"))
    assert "适合只有离线日志的团队" in thoughts and "适合只有日志数据的场景" not in thoughts
    assert count(server.db, "SELECT count(*) FROM notes") == count(db, "SELECT count(*) FROM notes")


def test_deleted_note_is_removed_only_with_delete(server, tmp_path):
    db = tmp_path / "mine.db"
    with Library(db) as lib:
        add(lib, [str(EXAMPLES / "reading-list.md"), str(EXAMPLES / "blog-post.txt")], max_bytes=1 << 20)
    _push(db, server)
    total = count(server.db, "SELECT count(*) FROM notes")
    with Library(db) as lib:
        gone = lib.conn.execute("SELECT count(*) FROM notes n JOIN sources s ON s.id = n.source_id "
                                "WHERE s.path LIKE '%blog-post.txt'").fetchone()[0]
        assert gone and remove_source(lib, str((EXAMPLES / "blog-post.txt").resolve()))
    kept = _push(db, server)
    assert kept.kept_remote == gone and kept.removed == 0
    assert count(server.db, "SELECT count(*) FROM notes") == total
    removed = _push(db, server, delete=True)
    assert removed.removed == gone
    assert count(server.db, "SELECT count(*) FROM notes") == total - gone


def test_push_then_pull_keeps_notes_tags_and_decisions(server, personal, tmp_path):
    pushed = _push(personal, server)
    assert pushed.papers == {"tags": 2, "statuses": 1, "decisions": 1, "unmatched": 0}
    pulled_db = tmp_path / "pulled.db"
    pulled = _pull(pulled_db, server)
    assert pulled.added == count(personal, "SELECT count(*) FROM notes")
    for sql in ("SELECT count(*) FROM notes", "SELECT count(*) FROM paper_tags", "SELECT count(*) FROM paper_status",
                "SELECT count(*) FROM review_decisions", "SELECT count(*) FROM papers",
                "SELECT count(*) FROM notes WHERE paper_id IS NULL", "SELECT count(DISTINCT reader) FROM notes"):
        assert count(pulled_db, sql) == count(personal, sql) == count(server.db, sql), sql
    with Library(personal) as a, Library(pulled_db) as b:
        texts = sorted(r[0] for r in a.conn.execute("SELECT text FROM notes"))
        assert texts == sorted(r[0] for r in b.conn.execute("SELECT text FROM notes"))
        tagged = {(r[0], r[1]) for r in a.conn.execute(
            "SELECT p.title, t.tag FROM paper_tags t JOIN papers p ON p.id = t.paper_id")}
        assert tagged == {(r[0], r[1]) for r in b.conn.execute(
            "SELECT p.title, t.tag FROM paper_tags t JOIN papers p ON p.id = t.paper_id")}
        assert {r[0] for r in b.conn.execute("SELECT DISTINCT added_by FROM notes")} == {"eve"}
    again = _pull(pulled_db, server)
    assert (again.added, again.updated, again.removed) == (0, 0, 0)


def test_two_members_noting_one_paper_share_it(server, tmp_path):
    """Bob notes ILQL in Russian (Telegram), Eve in Chinese (README): one paper on the server, two members."""
    eve_db, bob_db = tmp_path / "eve.db", tmp_path / "bob.db"
    with Library(eve_db) as lib:
        add(lib, [str(EXAMPLES / "reading-list.md")], max_bytes=1 << 20)
    with Library(bob_db) as lib:
        add(lib, [str(EXAMPLES / "telegram-channel.json")], max_bytes=1 << 20)
    _push(eve_db, server, "eve")
    _push(bob_db, server, "bob")
    with Library(server.db) as lib:
        shared = lib.conn.execute("SELECT p.id FROM papers p JOIN identifiers i ON i.paper_id = p.id "
                                  "WHERE i.scheme = 'arxiv' AND i.value = '2206.11871'").fetchall()
        assert len(shared) == 1
        members = {r[0] for r in lib.conn.execute("SELECT added_by FROM notes WHERE paper_id = ?",
                                                  (shared[0][0],))}
    assert members == {"eve", "bob"}


class _FailAfter(httpx.HTTPTransport):
    """A connection that drops after `n` note batches (a laptop closed mid-push)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.left = n

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/api/sync/notes"):
            if self.left == 0:
                raise httpx.ConnectError("connection lost", request=request)
            self.left -= 1
        return super().handle_request(request)


def test_interrupted_push_resumes(server, personal, monkeypatch):
    monkeypatch.setattr(team_client.time, "sleep", lambda s: None)  # retries without waiting
    local = count(personal, "SELECT count(*) FROM notes")
    flaky = team_client.make_client(server.url, server.tokens["eve"], transport=_FailAfter(2))
    with Library(personal) as lib, flaky, pytest.raises(team_client.SyncError, match="run the same command again"):
        team_client.push(lib, flaky, batch=10)
    assert count(server.db, "SELECT count(*) FROM notes") == 20
    resumed = _push(personal, server, batch=10)
    assert resumed.sent == local - 20 and resumed.added == local - 20
    assert count(server.db, "SELECT count(*) FROM notes") == local


def test_cli_push_and_pull(server, tmp_path, monkeypatch):
    db = tmp_path / "cli.db"
    with Library(db) as lib:
        add(lib, [str(SEED_FILES["lark"])], max_bytes=1 << 20)
    monkeypatch.setenv("PAPERDEX_TOKEN", server.tokens["bob"])
    result = CliRunner().invoke(main, ["push", server.url, "--db", str(db)])
    assert result.exit_code == 0, result.output
    notes = count(db, "SELECT count(*) FROM notes")
    assert f"{notes} local notes: {notes} added" in result.output
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "copy.db"), "pull", server.url, "--json"])
    assert result.exit_code == 0, result.output
    assert count(tmp_path / "copy.db", "SELECT count(*) FROM notes WHERE added_by = 'bob'") == notes
    # A reader may pull but not push; a wrong token is refused with what to do.
    monkeypatch.setenv("PAPERDEX_TOKEN", server.tokens["rita"])
    result = CliRunner().invoke(main, ["push", server.url, "--db", str(db)])
    assert result.exit_code == 1 and "403" in result.output and "reader" in result.output
    result = CliRunner().invoke(main, ["push", server.url, "--db", str(db), "--token", "pdx_wrong"])
    assert result.exit_code == 1 and "401" in result.output


def test_plain_http_to_another_host_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), "push", "http://lab.example/",
                                       "--token", "pdx_x"])
    assert result.exit_code == 2 and "https" in result.output


def test_personal_copy_pushes_fresh_library(tmp_path, server):
    """A member's second laptop: the same notes read there again push as the same notes (no duplicates)."""
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    build_personal(a, [EXAMPLES / "reading-list.md"])
    shutil.copy(a, b)
    _push(a, server)
    assert _push(b, server).sent == 0


def test_pulled_notes_are_not_pushed_back(server, tmp_path):
    """Bob pulls the team library into his own library, then pushes: only his own notes go."""
    eve_db, bob_db = tmp_path / "eve.db", tmp_path / "bob.db"
    with Library(eve_db) as lib:
        add(lib, [str(EXAMPLES / "reading-list.md")], max_bytes=1 << 20)
    with Library(bob_db) as lib:
        add(lib, [str(EXAMPLES / "blog-post.txt")], max_bytes=1 << 20)
    _push(eve_db, server, "eve")
    _pull(bob_db, server, "bob")
    mine = count(bob_db, "SELECT count(*) FROM notes WHERE added_by IS NULL")
    pushed = _push(bob_db, server, "bob")
    assert pushed.sent == pushed.added == pushed.local == mine
    assert pushed.pulled == count(eve_db, "SELECT count(*) FROM notes")
    assert count(server.db, "SELECT count(*) FROM notes WHERE added_by = 'bob'") == mine


def test_web_edit_of_a_pushed_note_yields_to_the_next_push(server, tmp_path):
    db = tmp_path / "mine.db"
    with Library(db) as lib:
        add(lib, [str(EXAMPLES / "reading-list.md")], max_bytes=1 << 20)
    _push(db, server)
    with Library(server.db) as lib:
        note_id, text = lib.conn.execute("SELECT id, text FROM notes ORDER BY id LIMIT 1").fetchone()
    edited = httpx.put(f"{server.url}api/notes/{note_id}", json={"text": "changed on the web"},
                       headers=server.headers("eve"))
    assert edited.status_code == 200
    again = _push(db, server)
    assert (again.sent, again.updated) == (1, 1)
    with Library(server.db) as lib:
        assert lib.conn.execute("SELECT text FROM notes WHERE id = ?", (note_id,)).fetchone()[0] == text


def test_push_waits_out_a_busy_team_library(server, tmp_path, monkeypatch):
    """Other members' writes holding the library past the lock wait: 503 + Retry-After, and push waits."""
    from paperdex.errors import LibraryBusy
    from paperdex.library import exchange

    monkeypatch.setattr(team_client.time, "sleep", lambda s: None)
    real, busy = exchange.apply_notes, []

    def sometimes_busy(*args, **kwargs):
        if len(busy) < team_client.RETRIES + 3:  # more busy answers than a failing request is retried
            busy.append(1)
            raise LibraryBusy("the library is busy (another paperdex is writing)")
        return real(*args, **kwargs)

    monkeypatch.setattr(exchange, "apply_notes", sometimes_busy)
    answer = httpx.post(server.url + "api/sync/notes", json={"notes": []}, headers=server.headers("eve"))
    assert answer.status_code == 503 and answer.headers["retry-after"].isdigit()
    db = build_personal(tmp_path / "mine.db", [EXAMPLES])
    pushed = _push(db, server)
    assert len(busy) == team_client.RETRIES + 3
    assert pushed.added == count(db, "SELECT count(*) FROM notes") == count(
        server.db, "SELECT count(*) FROM notes WHERE added_by = 'eve'")


def test_a_write_waiting_its_turn_holds_up_no_reader(server):
    """Library work runs on worker threads: while a form write waits behind another member's long
    transaction, searches, pages and token checks still answer at once (on the event loop it stopped all)."""
    import threading
    import time

    added = httpx.post(server.url + "api/notes", headers=server.headers("eve"),
                       json={"text": "- [World Models](https://arxiv.org/abs/1803.10122): an agent dreams"})
    assert added.status_code == 201, added.text
    paper = added.json()["papers"][0]
    outcome: dict[str, httpx.Response] = {}

    def tag() -> None:
        outcome["tag"] = httpx.post(f"{server.url}papers/{paper}/tags", data={"tag": "waited"},
                                    headers=server.headers("eve"), timeout=60)

    holder = Library(server.db)
    try:
        with holder.transaction():
            writer = threading.Thread(target=tag)
            writer.start()
            time.sleep(0.5)
            assert writer.is_alive()  # queued behind the open transaction
            started = time.monotonic()
            for path, params in (("api/search", {"q": "world models", "mode": "keyword"}), ("api/papers", {}),
                                 ("api/me", {})):
                answer = httpx.get(server.url + path, params=params, headers=server.headers("rita"), timeout=10)
                assert answer.status_code == 200, (path, answer.text)
            assert time.monotonic() - started < 5
        writer.join(30)
    finally:
        holder.close()
    assert outcome["tag"].status_code == 303
    with Library(server.db) as lib:
        assert lib.conn.execute("SELECT tag FROM paper_tags WHERE paper_id = ?", (paper,)).fetchone()[0] == "waited"
