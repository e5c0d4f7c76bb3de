"""A paper that is not resolved yet says so in neutral words: waiting for the network is a state, not a failure."""

from __future__ import annotations

import re

import pytest

from paperdex.library.db import Library


def _unresolved_paper(seed_library) -> str:
    with Library(seed_library) as lib:
        return lib.conn.execute("SELECT id FROM papers WHERE id NOT IN (SELECT paper_id FROM identifiers) "
                                "AND title IS NOT NULL ORDER BY id LIMIT 1").fetchone()[0]


def _badge(html: str) -> str:
    found = re.search(r'<(?:span|a) class="res [^"]*"[^>]*>([^<]*)<', html)
    assert found, "no resolution badge"
    return found.group(0)


@pytest.mark.parametrize("status,words", [("failed", "not resolved yet"), ("not_found", "not found online")])
def test_waiting_paper_has_a_neutral_badge(client, seed_library, status, words):
    from paperdex.library.resolution import record_status

    pid = _unresolved_paper(seed_library)
    with Library(seed_library) as lib:
        record_status(lib, pid, status, evidence={"failed": {"arxiv": "offline"}} if status == "failed" else None)
    badge = _badge(client.get(f"/papers/{pid}").text)
    assert words in badge and "res-pending" in badge
    assert "failed" not in badge.split(">", 1)[1]  # the words shown, not the title that explains them


def test_ambiguous_paper_links_to_its_review(client, seed_library):
    from paperdex.library.resolution import record_status
    from paperdex.model import Identifier
    from paperdex.resolve.records import Record

    pid = _unresolved_paper(seed_library)
    with Library(seed_library) as lib:
        title = lib.conn.execute("SELECT title FROM papers WHERE id = ?", (pid,)).fetchone()[0]
        record_status(lib, pid, "ambiguous", provider="openalex", score=0.7, evidence={"title": 0.7},
                      candidate=Record(provider="openalex", raw_id="W1", title=title, year=2021,
                                       identifiers=[Identifier("doi", "10.1234/x.1")]))
    badge = _badge(client.get(f"/papers/{pid}").text)
    assert f'href="/review#review-{pid}"' in badge and "needs review" in badge
