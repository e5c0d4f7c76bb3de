"""Every page and API answer over a library of hostile notes, checked by parsing what the server sends."""

from __future__ import annotations

from starlette.testclient import TestClient

from paperdex.web.app import create_app
from tests.security import pages
from tests.security.conftest import user_rows


def test_every_page_and_api_answer_is_inert(hostile_library):
    path, facts = hostile_library
    before = user_rows(path)
    checked = 0
    with TestClient(create_app(path), base_url="http://127.0.0.1") as c:
        for url in pages.urls(facts):
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code, r.text[:300])
            assert "img-src 'self' data:;" in r.headers["content-security-policy"], url
            assert r.headers["x-content-type-options"] == "nosniff", url
            if url.startswith("/api/") and url != "/api/docs":
                assert r.headers["content-type"].startswith("application/json"), url
                assert pages.json_problems(r.text) == [], url
            else:
                assert pages.html_problems(r.text) == [], url
            checked += 1
        paper = c.get(f"/papers/{facts['papers'][0]}").text
        review = c.get("/review").text
    assert checked >= 30
    # The notes sit inside hx-disable containers; their images are click-to-open links.
    assert '<article class="note" hx-disable' in paper
    assert "🖼" in paper and 'class="remote-image"' in paper
    assert 'class="side note-side" hx-disable' in review and "&lt;script&gt;alert(10)" in review
    assert user_rows(path) == before


def test_the_payload_is_shown_as_text_not_markup(hostile_library):
    path, facts = hostile_library
    with TestClient(create_app(path), base_url="http://127.0.0.1") as c:
        page = c.get(f"/papers/{facts['papers'][0]}").text
    body = page.split('<article class="note"', 1)[1].split("</article>", 1)[0]
    # The image became a link to it (no request until clicked), labelled with its alt text, math included.
    assert 'href="https://example.com/a.png"' in body
    assert '$" hx-post="/papers/' in body.replace("&quot;", '"').replace("&#x27;", "'")
    assert "<img" not in body
