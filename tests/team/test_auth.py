"""Team mode at the door: login, sessions, tokens, roles, ownership of notes, and rate limits."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from paperdex.library import accounts
from paperdex.library.db import Library
from paperdex.web.app import create_app
from tests.conftest import EXAMPLES
from tests.team.conftest import PASSWORDS, count

NOTE = """## Reading group, week 12

- **Mastering Diverse Domains through World Models** https://arxiv.org/abs/2301.04104
  DreamerV3: one set of hyperparameters across 150 tasks; symlog predictions keep rewards of any scale stable.
"""


@pytest.fixture
def app(team):
    with TestClient(create_app(team.db), base_url="http://127.0.0.1") as client:
        client.team = team
        yield client


def _csrf(client: TestClient, path: str = "/login") -> str:
    html = client.get(path).text
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(client: TestClient, name: str, password: str | None = None):
    token = _csrf(client)
    return client.post("/login", data={"csrf": token, "name": name, "password": password or PASSWORDS[name],
                                       "next": "/"}, follow_redirects=False)


def test_personal_library_is_served_as_before(tmp_path):
    with TestClient(create_app(tmp_path / "personal.db"), base_url="http://127.0.0.1") as client:
        assert client.get("/").status_code == 200
        assert client.get("/api/papers").status_code == 200
        assert client.get("/api/me").json() == {"team": False}


def test_team_library_needs_a_login_or_a_token(app):
    page = app.get("/search?q=world", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fsearch%3Fq%3Dworld"
    api = app.get("/api/papers")
    assert api.status_code == 401 and api.headers["www-authenticate"].startswith("Bearer")
    assert app.get("/api/papers", headers={"authorization": "Bearer pdx_not-a-real-token"}).status_code == 401
    assert app.get("/api/papers", headers=app.team.headers("rita")).status_code == 200
    assert app.get("/api/me", headers=app.team.headers("eve")).json() == {"team": True, "name": "eve",
                                                                          "role": "editor"}
    assert app.get("/login").status_code == 200 and app.get("/static/paperdex.css").status_code == 200


def test_login_sets_a_safe_session_cookie_and_logout_ends_it(app):
    response = login(app, "eve")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "pdx_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on loopback; see the https test
    assert app.get("/", follow_redirects=False).status_code == 200
    assert "eve" in app.get("/").text
    csrf = _csrf(app, "/")
    assert app.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert app.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_is_secure_behind_https(team):
    with TestClient(create_app(team.db), base_url="https://127.0.0.1") as client:
        cookie = login(client, "eve").headers["set-cookie"]
    assert "Secure" in cookie
    with TestClient(create_app(team.db, secure_cookies=True), base_url="http://127.0.0.1") as client:
        assert "Secure" in login(client, "eve").headers["set-cookie"]


def test_login_refuses_a_wrong_password_and_an_outside_next(app):
    assert login(app, "eve", "not-her-password").status_code == 401
    assert login(app, "nobody", "whatever-password").status_code == 401
    csrf = _csrf(app)
    response = app.post("/login", data={"csrf": csrf, "name": "eve", "password": PASSWORDS["eve"],
                                        "next": "//evil.example/x"}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_login_needs_the_csrf_token(app):
    response = app.post("/login", data={"name": "eve", "password": PASSWORDS["eve"]}, follow_redirects=False)
    assert response.status_code == 403


def test_brute_force_login_is_locked_with_retry_after(app):
    for _ in range(accounts.MAX_FAILURES):
        assert login(app, "ada", "guess-guess-guess").status_code == 401
    locked = login(app, "ada")  # even the right password waits: the lock says nothing about it
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) >= accounts.LOCK_BASE_S - 1
    # Once the lock has passed, one more failure locks for twice as long.
    with Library(app.team.db) as lib:
        lib.conn.execute("UPDATE login_failures SET locked_until = '2000-01-01T00:00:00.000000Z'")
    assert login(app, "ada", "guess-guess-guess").status_code == 401
    assert int(login(app, "ada").headers["retry-after"]) >= 2 * accounts.LOCK_BASE_S - 1
    # The client address is locked too: another account from it waits as well.
    assert login(app, "eve").status_code == 429
    # Failures from days ago, with their lock over, are forgotten: the count starts again.
    with Library(app.team.db) as lib:
        lib.conn.execute("UPDATE login_failures SET locked_until = '2000-01-01T00:00:00.000000Z', "
                         "updated_at = '2000-01-01T00:00:00.000000Z'")
    assert login(app, "ada", "guess-guess-guess").status_code == 401
    with Library(app.team.db) as lib:
        assert lib.conn.execute("SELECT failures FROM login_failures WHERE key = 'account:ada'").fetchone()[0] == 1


def test_many_wrong_tokens_are_rate_limited(app):
    statuses = [app.get("/api/papers", headers={"authorization": f"Bearer pdx_guess{i}"}).status_code
                for i in range(25)]
    assert statuses[:20] == [401] * 20 and statuses[-1] == 429


def test_reader_cannot_write(app):
    rita = app.team.headers("rita")
    assert app.post("/api/notes", json={"text": NOTE}, headers=rita).status_code == 403
    assert app.post("/api/sync/notes", json={"notes": []}, headers=rita).status_code == 403
    login(app, "rita")
    csrf = _csrf(app, "/")
    paper = app.get("/api/papers").json()
    response = app.post("/review/undo", data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 403 and paper["total"] == 0
    assert count(app.team.db, "SELECT count(*) FROM notes") == 0


def test_editor_changes_only_own_notes_and_admin_any(app):
    eve, bob, ada = (app.team.headers(n) for n in ("eve", "bob", "ada"))
    added = app.post("/api/notes", json={"text": NOTE}, headers=eve)
    assert added.status_code == 201, added.text
    [note_id] = added.json()["notes"]
    paper = app.get(f"/api/papers/{added.json()['papers'][0]}", headers=bob).json()
    assert "DreamerV3: one set of hyperparameters" in paper["notes"][0]["text"]
    assert app.put(f"/api/notes/{note_id}", json={"text": "bob was here"}, headers=bob).status_code == 403
    assert app.delete(f"/api/notes/{note_id}", headers=bob).status_code == 403
    edited = app.put(f"/api/notes/{note_id}", json={"text": "DreamerV3, revised after the meeting"}, headers=eve)
    assert edited.status_code == 200
    hits = app.get("/api/search", params={"q": "revised meeting", "mode": "keyword"}, headers=bob).json()
    assert [h["id"] for h in hits["results"]][:1] == [paper["id"]]
    assert app.delete(f"/api/notes/{note_id}", headers=ada).status_code == 200
    assert count(app.team.db, "SELECT count(*) FROM notes") == 0
    # Review decisions merge papers: an editor may not make them.
    assert app.post("/review/undo", headers=eve).status_code == 403
    assert app.post("/review/undo", headers=ada, follow_redirects=False).status_code == 303


def test_editor_edits_own_note_from_the_paper_page(app):
    added = app.post("/api/notes", json={"text": NOTE}, headers=app.team.headers("bob")).json()
    login(app, "bob")
    page = app.get(f"/papers/{added['papers'][0]}").text
    assert f'action="/notes/{added["notes"][0]}/edit"' in page and "bob" in page
    csrf = _csrf(app, "/")
    response = app.post(f"/notes/{added['notes'][0]}/delete", data={"csrf": csrf},
                        headers={"referer": f"http://127.0.0.1/papers/{added['papers'][0]}"}, follow_redirects=False)
    assert response.status_code == 303
    assert count(app.team.db, "SELECT count(*) FROM notes") == 0


def test_removed_account_token_stops_working(app):
    assert app.get("/api/papers", headers=app.team.headers("bob")).status_code == 200
    with Library(app.team.db) as lib:
        accounts.remove_account(lib, "bob")
    assert app.get("/api/papers", headers=app.team.headers("bob")).status_code == 401


def test_pushed_examples_show_in_member_views(app, server, tmp_path):
    """Notes added by two members: the member filter, "read by 2 members", side-by-side notes, the feed."""
    from paperdex.importer import add
    from paperdex.team import client as team_client

    for name, file in (("eve", "reading-list.md"), ("bob", "telegram-channel.json")):
        db = tmp_path / f"{name}.db"
        with Library(db) as lib:
            add(lib, [str(EXAMPLES / file)], max_bytes=1 << 20)
        with Library(db) as lib, team_client.make_client(server.url, app.team.tokens[name]) as http:
            team_client.push(lib, http)
    rita = app.team.headers("rita")
    both = app.get("/api/papers", params={"min_members": 2}, headers=rita).json()
    assert both["total"] >= 1
    assert all(set(p["readers"]) >= {"Анна"} for p in both["papers"])
    only_bob = app.get("/api/papers", params={"member": "bob", "per_page": 200}, headers=rita).json()
    all_papers = app.get("/api/papers", params={"per_page": 200}, headers=rita).json()
    assert 0 < only_bob["total"] < all_papers["total"]
    # Search with the member filter: ILQL is noted by both, the Russian words only by bob (Telegram).
    for member, expected in (("bob", 1), ("eve", 0)):
        hits = app.get("/api/search", params={"q": "оффлайн рл", "mode": "keyword", "member": member},
                       headers=rita).json()["results"]
        assert len([h for h in hits if h["arxiv_id"] == "2206.11871"]) == expected, (member, hits)
    login(app, "rita")
    ilql = next(p for p in both["papers"] if p["arxiv_id"] == "2206.11871")
    page = app.get(f"/papers/{ilql['id']}").text
    assert page.index('class="member"') < page.index(">bob<") < page.index(">eve<")
    assert 'action="/notes/' not in page  # a reader gets no edit forms
    feed = app.get("/feed").text
    assert "bob</a> added" in feed and "eve</a> added" in feed
    assert 'name="member"' in app.get("/").text


def test_feed_shows_this_week_and_a_form_adds_a_note(app):
    login(app, "eve")
    csrf = _csrf(app, "/feed")
    response = app.post("/notes", data={"csrf": csrf, "text": NOTE}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/papers/p")
    assert "Mastering Diverse Domains" in app.get("/feed").text
    with Library(app.team.db) as lib:
        assert lib.conn.execute("SELECT added_by FROM notes").fetchone()[0] == "eve"
        lib.conn.execute("UPDATE notes SET added_at = '2020-01-06T10:00:00.000000Z'")
    week = app.get("/feed").text
    assert "Mastering Diverse Domains" not in week and "No member added notes" in week
    assert 'action="/notes"' in week
    login(app, "rita")
    assert 'action="/notes"' not in app.get("/feed").text
