"""Notes are untrusted; the server binds safely; writes need CSRF; tokens gate everything when set."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from starlette.testclient import TestClient

from paperdex.library.db import Library
from paperdex.library.ingest import SourceInput, import_source
from paperdex.model import Identifier, NoteBlock
from paperdex.web.app import LOOPBACK_HOSTS, create_app

HOSTILE = (
    "Notes on this paper <script>alert(1)</script>\n\n"
    "See [x](javascript:alert(1)) and <img src=x onerror=alert(1)> and "
    '<a href="javascript:alert(2)" onclick="alert(3)">y</a>\n\n'
    "![pic](javascript:alert(4)) [ok](https://example.org/paper) $a_b<c$"
)


def add_hostile_note(path) -> str:
    """Store a note whose text, title, thoughts and section carry XSS payloads; returns its paper id."""
    block = NoteBlock(kind="paper", title="Attention <script>alert(5)</script> Is All You Need",
                      text=HOSTILE, thoughts=["<img src=x onerror=alert(6)> think"],
                      section='<svg onload=alert(7)>', identifiers=[Identifier("arxiv", "1706.03762")],
                      urls=["javascript:alert(8)", "https://github.com/tensorflow/tensor2tensor"], line=3,
                      reader="mallory<b>")
    with Library(path) as lib:
        import_source(lib, SourceInput(key="/evil/notes.md", path="evil/notes.md", format="markdown",
                                       content_hash="x1"), [block])
        return lib.conn.execute("SELECT paper_id FROM identifiers WHERE value = '1706.03762'").fetchone()[0]


class _Tags(HTMLParser):
    """Every real element a browser would build (text that merely looks like a tag is not one)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _executable_bits(page: str) -> list[str]:
    """Anything in the page that could run: script tags other than ours, handlers, javascript: URLs."""
    parser = _Tags()
    parser.feed(page)
    found = []
    for tag, attrs in parser.tags:
        if tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            found.append(f"<script {attrs}>")
        found += [f"<{tag} {k}=...>" for k in attrs if k.startswith("on")]
        for key in ("href", "src", "action", "formaction", "xlink:href"):
            if (attrs.get(key) or "").strip().lower().startswith(("javascript:", "data:text/html", "vbscript:")):
                found.append(f"<{tag} {key}={attrs[key]}>")
        if tag in ("iframe", "object", "embed", "base"):
            found.append(f"<{tag}>")
    return found


def test_hostile_note_renders_inert_everywhere(seed_library):
    paper_id = add_hostile_note(seed_library)
    with TestClient(create_app(seed_library), base_url="http://127.0.0.1") as c:
        for url in [f"/papers/{paper_id}", "/", "/?section=%3Csvg+onload%3Dalert(7)%3E", "/stats",
                    "/search?q=alert", "/search?q=%3Cscript%3Ealert(1)%3C/script%3E"]:
            r = c.get(url)
            assert r.status_code == 200, url
            assert _executable_bits(r.text) == [], (url, _executable_bits(r.text))
        page = c.get(f"/papers/{paper_id}").text
    # The payloads are shown as text, escaped, and the safe link survives with rel=noopener.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert '<a href="https://example.org/paper" rel="noopener noreferrer">ok</a>' in page
    assert "$a_b&lt;c$" in page  # math kept for KaTeX, escaped
    assert "mallory&lt;b&gt;" in page


def test_security_headers_and_csp_without_inline_script(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert script_src.strip() == "'self'" and "unsafe-inline" not in script_src
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    # Our own pages have no inline script either (or the CSP would break them).
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", r.text) == []


def _paper_id(client) -> str:
    return client.get("/api/papers?per_page=1").json()["papers"][0]["id"]


def test_post_with_csrf_token_is_accepted(client, seed_library):
    paper_id = _paper_id(client)
    page = client.get(f"/papers/{paper_id}").text
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert client.cookies.get("pdx_csrf") == token
    r = client.post(f"/papers/{paper_id}/tags", data={"csrf": token, "tag": "to-cite"},
                    headers={"origin": "http://127.0.0.1"}, follow_redirects=False)
    assert r.status_code == 303
    with Library(seed_library) as lib:
        assert lib.conn.execute("SELECT tag FROM paper_tags WHERE paper_id = ?", (paper_id,)).fetchone()[0] == "to-cite"


def test_post_without_or_with_wrong_csrf_token_is_refused(client, seed_library):
    paper_id = _paper_id(client)
    client.get("/")  # sets the cookie
    for data in ({"tag": "x"}, {"tag": "x", "csrf": "forged-token-forged-token-forged"}):
        r = client.post(f"/papers/{paper_id}/tags", data=data, follow_redirects=False)
        assert r.status_code == 403
        assert "CSRF" in r.text
    with Library(seed_library) as lib:
        assert lib.conn.execute("SELECT count(*) FROM paper_tags").fetchone()[0] == 0


def test_post_from_another_origin_is_refused_even_with_the_token(client, seed_library):
    paper_id = _paper_id(client)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/papers/{paper_id}").text).group(1)
    r = client.post(f"/papers/{paper_id}/status", data={"csrf": token, "status": "read"},
                    headers={"origin": "https://evil.example"}, follow_redirects=False)
    assert r.status_code == 403 and "cross-origin" in r.text
    r = client.post(f"/papers/{paper_id}/status", data={"csrf": token, "status": "read"},
                    headers={"referer": "https://evil.example/page"}, follow_redirects=False)
    assert r.status_code == 403
    with Library(seed_library) as lib:
        assert lib.conn.execute("SELECT count(*) FROM paper_status").fetchone()[0] == 0


def test_token_gates_every_request(seed_library):
    app = create_app(seed_library, token="s3cret-token")
    with TestClient(app, base_url="http://10.0.0.5:8765") as c:
        for url in ("/", "/api/papers", "/static/paperdex.css", "/stats"):
            assert c.get(url).status_code == 401, url
        assert c.get("/api/papers").json()["error"].startswith("this paperdex needs its access token")
        assert c.get("/?token=wrong").status_code == 401
        assert c.get("/api/papers", headers={"authorization": "Bearer s3cret-token"}).status_code == 200
        assert c.get("/api/papers", headers={"authorization": "Bearer nope"}).status_code == 401
        # ?token= once: a cookie is set and the token leaves the address bar.
        r = c.get("/stats?token=s3cret-token&x=1", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/stats?x=1"
        assert "HttpOnly" in r.headers["set-cookie"]
        assert c.get("/stats").status_code == 200


def test_bearer_clients_need_no_csrf_cookie(seed_library):
    app = create_app(seed_library, token="s3cret-token")
    with TestClient(app, base_url="http://10.0.0.5:8765") as c:
        paper_id = c.get("/api/papers?per_page=1", headers={"authorization": "Bearer s3cret-token"}
                         ).json()["papers"][0]["id"]
        r = c.post(f"/papers/{paper_id}/status", data={"status": "starred"},
                   headers={"authorization": "Bearer s3cret-token"}, follow_redirects=False)
        assert r.status_code == 303


def test_loopback_binding_refuses_foreign_host_headers(seed_library):
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not read the library."""
    app = create_app(seed_library, allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:
        assert c.get("/").status_code == 200
        assert c.get("/", headers={"host": "localhost:8765"}).status_code == 200
        assert c.get("/", headers={"host": "evil.example:8765"}).status_code == 400
