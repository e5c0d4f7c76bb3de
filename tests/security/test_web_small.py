"""The small holes: open redirect, huge numbers, errors without headers, control characters in tags."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from paperdex.errors import UsageError
from paperdex.library import user_data
from paperdex.library.db import Library
from paperdex.web import pages as web_pages
from paperdex.web.app import create_app
from paperdex.web.security import SECURITY_HEADERS


def _has_security_headers(response) -> bool:
    return all(response.headers.get(k.decode()) == v.decode() for k, v in SECURITY_HEADERS)


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x", "///evil.example", "//evil.example"])
def test_token_redirect_stays_on_this_server(seed_library, path):
    with TestClient(create_app(seed_library, token="s3cret-token"), base_url="http://127.0.0.1") as c:
        r = c.get(f"http://127.0.0.1{path}?token=s3cret-token&x=1", follow_redirects=False)
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert location.endswith("?x=1") and "token" not in location


@pytest.mark.parametrize("query", ["page=99999999999999999999", "page=1000000001", "per_page=99999999999999999999"])
def test_huge_page_numbers_clamp(client, query):
    r = client.get(f"/?{query}")
    assert r.status_code == 200 and _has_security_headers(r)
    assert client.get(f"/api/papers?{query}").status_code == 200


@pytest.mark.parametrize("query", ["year_from=99999999999999999999", "year=99999999999999999999",
                                   "year_to=-99999999999999999999"])
def test_out_of_range_numbers_are_a_clear_400(client, query):
    r = client.get(f"/?{query}")
    assert r.status_code == 400 and "out of range" in r.text and _has_security_headers(r)


def test_an_internal_error_still_carries_the_security_headers(seed_library, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(web_pages, "library_page", broken)
    with TestClient(create_app(seed_library), base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        r = c.get("/")
    assert r.status_code == 500 and _has_security_headers(r)
    assert "boom" not in r.text and "internal error" in r.text


@pytest.mark.parametrize("tag", ["a\x00b", "x\x07", "to\u202eread", "zero\u200bwidth", "\x1b[31mred"])
def test_tags_refuse_control_and_invisible_characters(client, seed_library, tag):
    import re

    paper_id = client.get("/api/papers?per_page=1").json()["papers"][0]["id"]
    token = re.search(r'name="csrf" value="([^"]+)"', client.get(f"/papers/{paper_id}").text).group(1)
    r = client.post(f"/papers/{paper_id}/tags", data={"csrf": token, "tag": tag},
                    headers={"origin": "http://127.0.0.1"}, follow_redirects=False)
    assert r.status_code == 400 and "U+" in r.text
    with Library(seed_library) as lib:
        assert lib.conn.execute("SELECT count(*) FROM paper_tags").fetchone()[0] == 0
        with pytest.raises(UsageError, match="control character"):
            user_data.add_tag(lib, paper_id, tag)
        assert user_data.add_tag(lib, paper_id, "to read  (ML) 深度学习") == "to read (ML) 深度学习"


def test_csp_loads_images_only_from_this_server(client):
    csp = client.get("/").headers["content-security-policy"]
    img = next(part for part in csp.split(";") if part.strip().startswith("img-src"))
    assert img.split()[1:] == ["'self'", "data:"]
