"""The Review page lists every candidate kept for an ambiguous paper and accepts another than the best."""

from __future__ import annotations

import re

import pytest

from paperdex.library.db import Library


def _csrf(client, url: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(url).text).group(1)


@pytest.fixture
def three_candidates(seed_library):
    """One paper waiting for review with three candidates, as `paperdex resolve` leaves a vague title."""
    from paperdex.library.resolution import record_status
    from paperdex.model import Identifier
    from paperdex.resolve.records import Record

    with Library(seed_library) as lib:
        row = lib.conn.execute("SELECT id, title FROM papers WHERE id NOT IN (SELECT paper_id FROM identifiers) "
                               "AND title IS NOT NULL ORDER BY id LIMIT 1").fetchone()
        found = [Record(provider="snapshot", raw_id=f"2301.0000{n}", title=f"{row['title']} part {n}",
                        authors=[f"Author {n}"], year=2023, identifiers=[Identifier("arxiv", f"2301.0000{n}")])
                 for n in (1, 2, 3)]
        scores = [0.82, 0.74, 0.61]
        evidence = [{"candidate": r.raw_id, "title": s} for r, s in zip(found, scores, strict=True)]
        record_status(lib, row["id"], "ambiguous", provider="snapshot", score=scores[0], evidence=evidence[0],
                      candidate=found[0], alternatives=list(zip(found[1:], scores[1:], evidence[1:], strict=True)))
        return row["id"]


def test_review_page_offers_the_other_candidates(client, three_candidates):
    pid = three_candidates
    html = client.get("/review").text
    assert html.count('class="review-item"') == 1
    assert html.count('class="other-candidate"') == 2
    assert "arxiv:2301.00002" in html and "score 0.74" in html and "score 0.61" in html
    assert f'action="/review/{pid}/accept/2"' in html and f'action="/review/{pid}/accept/3"' in html


def test_accept_another_candidate_from_the_page(client, three_candidates):
    pid = three_candidates
    token = _csrf(client, "/review")
    # Without the CSRF token the form is refused, as every other POST.
    assert client.post(f"/review/{pid}/accept/2", data={}, follow_redirects=False).status_code == 403
    r = client.post(f"/review/{pid}/accept/2", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    assert 'class="review-item"' not in client.get("/review").text
    paper = client.get(f"/api/papers/{pid}").json()
    assert paper["arxiv_id"] == "2301.00002" and paper["year"] == 2023
    # Deciding twice, or a number that is not listed, is a conflict, not a crash.
    assert client.post(f"/review/{pid}/accept/3", data={"csrf": token}).status_code == 409


def test_unknown_candidate_number_is_a_conflict(client, three_candidates):
    token = _csrf(client, "/review")
    r = client.post(f"/review/{three_candidates}/accept/7", data={"csrf": token})
    assert r.status_code == 409 and "its candidates are 1" in r.text


def test_review_page_shows_reasons_and_bulk_controls(client, three_candidates):
    html = client.get("/review").text
    assert 'id="select-all"' in html and 'src="/static/review.js"' in html
    assert f'name="paper" value="{three_candidates}" form="bulk"' in html
    assert "title 0.82" in html and "title 0.74" in html  # each candidate's reasons
    assert client.get("/static/review.js").status_code == 200


def test_bulk_reject_selected_then_undo(client, three_candidates):
    pid = three_candidates
    token = _csrf(client, "/review")
    assert client.post("/review/bulk", data={"decision": "reject", "paper": [pid]},
                       follow_redirects=False).status_code == 403  # no CSRF token
    r = client.post("/review/bulk", data={"csrf": token, "decision": "reject", "paper": [pid]},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review?done=0-accepted-1-rejected-0-skipped"
    assert 'class="review-item"' not in client.get("/review").text
    r = client.post("/review/undo", data={"csrf": token}, follow_redirects=False)
    assert r.headers["location"] == "/review?done=undone-1"
    html = client.get("/review").text
    assert html.count('class="review-item"') == 1 and html.count('class="other-candidate"') == 2
    r = client.post("/review/bulk", data={"csrf": token, "decision": "accept", "paper": [pid]}, follow_redirects=False)
    assert r.headers["location"] == "/review?done=1-accepted-0-rejected-0-skipped"
    assert client.get(f"/api/papers/{pid}").json()["arxiv_id"] == "2301.00001"
    assert client.post("/review/bulk", data={"csrf": token, "decision": "maybe", "paper": [pid]}).status_code == 400


def test_review_page_escapes_candidate_text(client, seed_library):
    """A candidate's title and evidence come from a provider: untrusted, shown escaped."""
    from paperdex.library.resolution import record_status
    from paperdex.resolve.records import Record

    with Library(seed_library) as lib:
        pid = lib.conn.execute("SELECT id FROM papers WHERE id NOT IN (SELECT paper_id FROM identifiers) "
                               "ORDER BY id LIMIT 1").fetchone()[0]
        bad = Record(provider="snapshot", raw_id="2301.00009", title="<script>alert(1)</script>", year=2023)
        record_status(lib, pid, "ambiguous", provider="snapshot", score=0.8,
                      evidence={"title": 0.8, "year": "<b>x</b>", "reason": "<i>r</i>"}, candidate=bad)
    html = client.get("/review").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>x</b>" not in html and "<i>r</i>" not in html
