"""A library holding the seed notes plus every hostile note, imported the way `paperdex add` does."""

from __future__ import annotations

import pytest

from paperdex.library.db import Library
from tests.security import corpus
from tests.web.conftest import client, seed_library, seed_library_template  # noqa: F401  (fixtures)


def add_hostile_corpus(path, folder) -> dict:
    """Import tests/security/corpus.py's notes file and the older stored payload; one hostile paper goes to
    review with a hostile candidate. Returns what the pages are tested on."""
    from paperdex import importer
    from paperdex.library.resolution import record_status
    from paperdex.model import Identifier
    from paperdex.resolve.records import Record
    from tests.web.test_security import add_hostile_note

    notes, blog = corpus.write(folder)
    stored_payload_paper = add_hostile_note(path)
    with Library(path) as lib:
        for inputs, shape in (([str(notes)], None), ([str(blog)], "document")):
            summary = importer.add(lib, inputs, max_bytes=1 << 20, shape=shape)
            assert not summary.failures, summary.failures
        notes_id, = lib.conn.execute("SELECT id FROM sources WHERE path = ?", (str(notes),)).fetchone()
        source_id, = lib.conn.execute("SELECT id FROM sources WHERE path = ?", (str(blog),)).fetchone()
        papers = [r[0] for r in lib.conn.execute(
            "SELECT paper_id FROM notes WHERE source_id = ? AND paper_id IS NOT NULL GROUP BY paper_id "
            "ORDER BY min(ordinal)",
            (notes_id,))]
        assert len(papers) == len(corpus.ATTACKS), papers
        assert lib.conn.execute("SELECT 1 FROM papers WHERE id = ?", (corpus.TARGET,)).fetchone(), \
            "the payloads' target paper is not in the library"
        first = papers[0]
        candidate = Record(provider="snapshot", raw_id="2301.99999", authors=["<img src=x onerror=alert(9)>"],
                           title='$" hx-post="/papers/x/tags" hx-trigger="load" x="$ <script>alert(10)</script>',
                           year=2023, identifiers=[Identifier("arxiv", "2301.99999")])
        record_status(lib, first, "ambiguous", provider="snapshot", score=0.8,
                      evidence={"candidate": "2301.99999", "title": 0.8}, candidate=candidate)
    return {"source_id": source_id, "papers": [*papers, stored_payload_paper], "review_paper": first}


@pytest.fixture
def hostile_library(seed_library, tmp_path):  # noqa: F811  (the fixture imported above)
    facts = add_hostile_corpus(seed_library, tmp_path)
    return seed_library, facts


def user_rows(path) -> dict[str, list]:
    """Everything a hostile page could change on the reader's behalf."""
    with Library(path) as lib:
        return {t: [tuple(r) for r in lib.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2")]
                for t in ("paper_tags", "paper_status", "review_decisions")}
