"""Every page and API route, in process, over a library imported from the five real seed files."""

from __future__ import annotations

import re

import pytest

from paperdex.library.db import Library

ILQL = "Offline RL for Natural Language Generation with Implicit Language Q Learning"


def _ilql_id(client) -> str:
    papers = client.get("/api/papers?per_page=200").json()["papers"]
    return next(p["id"] for p in papers if p["title"] == ILQL)


def _csrf(client, url: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(url).text).group(1)


def test_library_lists_papers_with_marks_and_pages(client):
    r = client.get("/")
    assert r.status_code == 200
    total = client.get("/api/papers").json()["total"]
    assert total > 60
    assert f"{total} papers" in r.text
    assert r.text.count('class="paper-row"') == 40  # first page
    assert "🌟" in r.text or "🌟" in client.get("/?page=2").text  # Lark's recommended papers
    assert 'rel="next"' in r.text
    last = -(-total // 40)
    tail = client.get(f"/?page={last}").text
    assert tail.count('class="paper-row"') == total - 40 * (last - 1)
    assert 'rel="next"' not in tail


def test_library_facets_filter(client):
    everything = client.get("/api/papers?per_page=200").json()
    llm = client.get("/api/papers?section=LLM&per_page=200").json()
    assert 0 < llm["total"] < everything["total"]
    assert all("LLM" in p["sections"] for p in llm["papers"])
    page = client.get("/?section=LLM")
    assert page.text.count('class="paper-row"') == min(llm["total"], 40)
    ru = client.get("/api/papers?language=ru&per_page=200").json()
    assert ru["total"] >= 3 and all("ru" in p["languages"] for p in ru["papers"])
    telegram = client.get("/api/papers?reader=rizzearch&per_page=200").json()
    assert telegram["total"] == ru["total"]
    years = client.get("/api/papers?year=2022..2023&per_page=200").json()
    assert years["total"] > 0 and all(2022 <= p["year"] <= 2023 for p in years["papers"])
    assert client.get("/api/papers?year_from=2024&per_page=200").json()["total"] == sum(
        1 for p in everything["papers"] if (p["year"] or 0) >= 2024)
    thoughts = client.get("/api/papers?has_thoughts=1&per_page=200").json()
    assert thoughts["total"] > 0 and all(p["has_thoughts"] for p in thoughts["papers"])
    src = client.get("/api/papers?source=004_10e839f3a84c61aa&per_page=200").json()
    assert src["total"] == telegram["total"]


def test_resolved_and_unresolved_partition_the_library(client):
    total = client.get("/api/papers").json()["total"]
    resolved = client.get("/api/papers?resolved=yes&per_page=200").json()
    unresolved = client.get("/api/papers?resolved=no&per_page=200").json()
    assert resolved["total"] + unresolved["total"] == total
    assert all(p["arxiv_id"] or p["doi"] for p in resolved["papers"])
    assert all(not (p["arxiv_id"] or p["doi"]) for p in unresolved["papers"])
    assert resolved["total"] > 20 and unresolved["total"] > 5


def test_sort_orders_and_paging_are_consistent(client):
    by_year = client.get("/api/papers?sort=year&per_page=200").json()["papers"]
    years = [p["year"] for p in by_year if p["year"] is not None]
    assert years == sorted(years, reverse=True)
    asc = [p["year"] for p in client.get("/api/papers?sort=year-asc&per_page=200").json()["papers"] if p["year"]]
    assert asc == sorted(asc)
    pages = [p["id"] for n in (1, 2, 3) for p in client.get(f"/api/papers?per_page=10&page={n}").json()["papers"]]
    assert pages == [p["id"] for p in by_year[:30]]
    added = client.get("/api/papers?sort=added&per_page=200").json()["papers"]
    stamps = [p["added_at"] for p in added]
    assert stamps == sorted(stamps, reverse=True)


def test_bad_parameters_are_400_not_500(client):
    assert client.get("/api/papers?sort=bogus").status_code == 400
    assert client.get("/api/papers?page=x").json()["error"] == "page must be a whole number, not 'x'"
    assert client.get("/?year=abc").status_code == 400
    assert client.get("/?status=loved").status_code == 400


def test_paper_page_shows_both_ilql_notes_side_by_side(client):
    paper_id = _ilql_id(client)
    r = client.get(f"/papers/{paper_id}")
    assert r.status_code == 200
    html = r.text
    assert f"<h1>{ILQL}</h1>" in html
    assert html.count('<article class="note"') == 2
    assert 'class="notes cols-2"' in html
    assert 'lang="zh"' in html and 'lang="ru"' in html
    assert "强化学习偏好对齐" in html and "статья по алайменту" in html
    assert "rizzearch" in html
    assert "000_04df80b7aa9f2e32.txt:19" in html and "004_10e839f3a84c61aa.txt:" in html
    # The Chinese reader's [想法] is set apart as thoughts.
    assert 'class="thoughts"' in html and "instructGPT" in html
    assert 'href="https://openreview.net/forum?id=aBH_DydEvoH"' in html


def test_paper_page_links_and_related(client):
    papers = client.get("/api/papers?per_page=200").json()["papers"]
    with_arxiv = next(p for p in papers if p["arxiv_id"] and "LLM" in p["sections"])
    html = client.get(f"/papers/{with_arxiv['id']}").text
    assert f'href="https://arxiv.org/abs/{with_arxiv["arxiv_id"]}"' in html
    assert f'href="https://arxiv.org/pdf/{with_arxiv["arxiv_id"]}"' in html
    assert "Related papers" in html and "Same section" in html
    assert client.get("/papers/p000000000000").status_code == 404


def test_api_paper_detail(client):
    paper_id = _ilql_id(client)
    data = client.get(f"/api/papers/{paper_id}").json()
    assert data["title"] == ILQL and data["note_count"] == 2
    assert sorted(n["language"] for n in data["notes"]) == ["ru", "zh"]
    assert {"label": "OpenReview", "url": "https://openreview.net/forum?id=aBH_DydEvoH"} in data["links"]
    assert client.get("/api/papers/nope").status_code == 404
    assert client.get("/api/papers/nope").json() == {"error": "no paper with id nope"}


def test_tags_and_status_round_trip_and_survive_reimport(client, seed_library):
    from paperdex import importer
    from tests.conftest import SEED_FILES

    paper_id = _ilql_id(client)
    url = f"/papers/{paper_id}"
    token = _csrf(client, url)
    client.post(url + "/tags", data={"csrf": token, "tag": "offline rl, to cite"})
    client.post(url + "/status", data={"csrf": token, "status": "starred"})
    html = client.get(url).text
    assert "#offline rl" in html and "#to cite" in html
    assert 'class="pill on" aria-pressed="true">⭐ starred' in html
    listed = client.get("/api/papers?tag=to+cite").json()
    assert [p["id"] for p in listed["papers"]] == [paper_id] and listed["papers"][0]["status"] == "starred"
    assert client.get("/api/papers?status=starred").json()["total"] == 1
    # Re-import every seed with --force: derived rows are rebuilt, the user's rows stay.
    with Library(seed_library) as lib:
        importer.add(lib, [str(p) for p in SEED_FILES.values()], max_bytes=64 << 20, force=True)
    again = client.get(f"/api/papers/{paper_id}").json()
    assert again["tags"] == ["offline rl", "to cite"] and again["status"] == "starred"
    client.post(url + "/tags/remove", data={"csrf": token, "tag": "to cite"})
    client.post(url + "/status", data={"csrf": token, "status": ""})
    again = client.get(f"/api/papers/{paper_id}").json()
    assert again["tags"] == ["offline rl"] and again["status"] is None
    bad = client.post(url + "/status", data={"csrf": token, "status": "loved"})
    assert bad.status_code == 400


def test_search_page_and_partial(client):
    full = client.get("/search?q=implicit+language+q+learning")
    assert full.status_code == 200 and "<html" in full.text and 'hx-get="/search"' in full.text
    assert ILQL in full.text
    assert re.search(r"<mark>[^<]+</mark>", full.text)
    partial = client.get("/search?q=implicit+language+q+learning", headers={"HX-Request": "true"})
    assert "<html" not in partial.text and ILQL in partial.text and "<mark>" in partial.text
    restore = client.get("/search?q=x", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text
    assert "Type to search" in client.get("/search").text
    filtered = client.get("/search?q=offline&reader=rizzearch", headers={"HX-Request": "true"}).text
    titles = re.findall(r'class="title" href="/papers/[^"]+">([^<]+)<', filtered)
    rizz = {p["title"] for p in client.get("/api/papers?reader=rizzearch&per_page=200").json()["papers"]}
    assert titles and set(titles) <= rizz


def test_search_snippets_are_escaped(client, seed_library):
    from tests.web.test_security import add_hostile_note

    add_hostile_note(seed_library)
    html = client.get("/search?q=alert+script", headers={"HX-Request": "true"}).text
    assert "Attention" in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_api_search(client):
    data = client.get("/api/search?q=implicit+language+q+learning&limit=5").json()
    assert data["mode"] == "hybrid" and 1 <= len(data["results"]) <= 5
    top = next(r for r in data["results"] if r["title"] == ILQL)
    assert top["url"].startswith(f"/papers/{top['id']}")
    assert client.get("/api/search").status_code == 400
    assert client.get("/api/search?q=x&mode=telepathy").status_code == 400


def test_documents_pages(client):
    r = client.get("/documents")
    assert r.status_code == 200
    ids = re.findall(r'href="/documents/(\d+)"', r.text)
    assert ids
    pages = [client.get(f"/documents/{i}").text for i in ids]
    lecture = next(p for p in pages if "002_ba159acd3bfe3958.txt" in p)
    assert 'class="part"' in lecture and "cs231n" in lecture
    assert "<script type=" not in lecture  # the post's MathJax loader is shown as text
    assert client.get("/documents/99999").status_code == 404


def test_stats_page_draws_charts(client):
    html = client.get("/stats").text
    assert html.count('<svg class="chart"') == 4
    assert "LLM" in html and "rizzearch" in html
    years = re.findall(r"<title>(\d{4}): (\d+)</title>", html)
    assert years and all(int(n) > 0 for _, n in years)


def test_api_docs_and_static_assets_are_local(client):
    docs = client.get("/api/docs").text
    for endpoint in ("/api/papers", "/api/papers/{id}", "/api/search"):
        assert endpoint in docs
    home = client.get("/").text
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', home)
    assert len(assets) >= 5
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    css = client.get("/static/vendor/katex/katex.min.css").text
    fonts = set(re.findall(r"url\((fonts/KaTeX_[\w-]+\.woff2)\)", css))
    assert len(fonts) >= 15
    for font in fonts:
        assert client.get("/static/vendor/katex/" + font).status_code == 200, font
    assert not re.search(r'(?:src|href)="https?://', home.split("<main")[0])  # no CDN in <head>


def test_favicon_and_unknown_routes(client):
    assert client.get("/favicon.ico").headers["content-type"].startswith("image/svg+xml")
    r = client.get("/no/such/page")
    assert r.status_code == 404 and "Back to the library" in r.text


@pytest.fixture
def ambiguous(seed_library):
    """Two papers waiting for review, as `paperdex resolve` leaves them."""
    from paperdex.library.resolution import record_status
    from paperdex.model import Identifier
    from paperdex.resolve.records import Record

    with Library(seed_library) as lib:
        rows = lib.conn.execute("SELECT id, title FROM papers WHERE id NOT IN (SELECT paper_id FROM identifiers) "
                                "AND title IS NOT NULL ORDER BY id LIMIT 2").fetchall()
        for n, row in enumerate(rows):
            record = Record(provider="openalex", raw_id=f"W99{n}", title=row["title"] + " (extended)",
                            authors=["A. Author", "B. Author"], year=2021, venue="ICLR",
                            identifiers=[Identifier("doi", f"10.5555/test.{n}")])
            record_status(lib, row["id"], "ambiguous", provider="openalex", score=0.81 - n / 10,
                          evidence={"title_ratio": 0.9}, candidate=record)
        return [r["id"] for r in rows]


def test_review_accept_and_reject(client, ambiguous, seed_library):
    first, second = ambiguous
    html = client.get("/review").text
    assert html.count('class="review-item"') == 2
    assert "10.5555/test.0" in html and "A. Author" in html and "score 0.81" in html
    token = _csrf(client, "/review")
    r = client.post(f"/review/{first}/accept", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    r = client.post(f"/review/{second}/reject", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    assert 'class="review-item"' not in client.get("/review").text
    accepted = client.get(f"/api/papers/{first}").json()
    assert accepted["doi"] == "10.5555/test.0" and accepted["venue"] == "ICLR"
    assert client.get(f"/api/papers/{second}").json()["doi"] is None
    # Deciding twice is a conflict, not a crash.
    assert client.post(f"/review/{first}/accept", data={"csrf": token}).status_code == 409
    assert client.post(f"/review/{first}/maybe", data={"csrf": token}).status_code == 404


def test_empty_library(tmp_path):
    from starlette.testclient import TestClient

    from paperdex.web.app import create_app

    with TestClient(create_app(tmp_path / "empty.db"), base_url="http://127.0.0.1") as c:
        for url in ("/", "/search?q=anything", "/documents", "/review", "/stats", "/api/papers"):
            assert c.get(url).status_code == 200, url
        assert "The library is empty" in c.get("/").text
        assert c.get("/api/papers").json() == {"page": 1, "papers": [], "per_page": 40, "total": 0}


def test_related_by_embedding_uses_stored_vectors(client, seed_library):
    """With vectors stored, the paper page lists the papers whose notes lie nearest in embedding space."""
    import numpy as np

    from paperdex.library import fts, vectors

    paper_id = _ilql_id(client)
    with Library(seed_library) as lib:
        fts.ensure_current(lib)
        rows = lib.conn.execute("SELECT d.embed_hash, COALESCE(d.paper_id, n.paper_id) AS pid FROM search_docs d "
                                "LEFT JOIN notes n ON n.id = d.note_id").fetchall()
        papers = sorted({r["pid"] for r in rows if r["pid"] and r["pid"] != paper_id})
        near = papers[5]  # one arbitrary other paper placed next to ILQL, all others far away
        rng = np.random.default_rng(0)
        hashes, vecs = [], []
        for r in rows:
            v = rng.normal(size=16)
            if r["pid"] in (paper_id, near):
                v = np.ones(16) + rng.normal(scale=0.01, size=16)
            hashes.append(r["embed_hash"])
            vecs.append(v / np.linalg.norm(v))
        vectors.store(lib, "test-model", hashes, np.array(vecs))
    html = client.get(f"/papers/{paper_id}").text
    assert "Similar (embeddings)" in html
    section = html.split("Similar (embeddings)")[1]
    assert re.findall(r'href="/papers/(p[0-9a-f]+)"', section)[0] == near
