"""The batched paths of a resolve run give what the one-by-one paths give: snapshot search of a batch of
titles, and a batch of results written partly in bulk."""

from __future__ import annotations

import json

import pytest

from paperdex.library import fts, resolution, snapshot_store
from paperdex.library.db import Library
from paperdex.model import Identifier, NoteBlock
from paperdex.resolve import snapshot
from paperdex.resolve.records import Record
from paperdex.resolve.snapshot import SnapshotIndex
from tests.resolve.conftest import SEED_SNAPSHOT, SNAPSHOT_SAMPLE, add_blocks


def _keys(found: list[list[Record]]) -> list[list[str]]:
    return [[r.raw_id for r in records] for records in found]


def test_search_many_gives_what_search_gives_title_by_title(lib):
    snapshot.import_file(lib, SNAPSHOT_SAMPLE)
    snapshot.import_file(lib, SEED_SNAPSHOT)
    index = SnapshotIndex(lib)
    rows = list(snapshot.iter_rows(SEED_SNAPSHOT))[:12] + list(snapshot.iter_rows(SNAPSHOT_SAMPLE))[::25]
    titles = []
    for _, title, *_ in rows:
        titles += [title, title.upper(), title[:6] + title[7:]]  # as written, case changed, a letter dropped
    titles += ["Playing text-adventure games with graph-based deep reinforcement learning", "", "!!", titles[0]]
    many = index.search_many(titles)
    assert _keys(many) == _keys([index.search(t) for t in titles])
    assert sum(bool(found) for found in many) >= len(rows) * 3  # not vacuous: the titles are found
    assert many[-4:-1] == [many[-4], [], []] and _keys(many[-1:]) == _keys(many[:1])


def test_exact_titles_keeps_each_titles_rows_in_rowid_order(lib, tmp_path):
    lines = [json.loads(line) for line in SEED_SNAPSHOT.read_text().splitlines()[:3]]
    twin = dict(lines[0], id="2499.00001")  # the same title under another id, imported later
    path = tmp_path / "snap.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in [*lines, twin]) + "\n", encoding="utf-8")
    snapshot.import_file(lib, path)
    norms = [snapshot.normalize_title(x["title"]) for x in lines]
    found = snapshot_store.exact_titles(lib, [*norms, "no such title at all"])
    assert [r["id"] for r in found[norms[0]]] == [lines[0]["id"], "2499.00001"]
    assert [r["id"] for r in found[norms[1]]] == [lines[1]["id"]] and "no such title at all" not in found
    assert [r["id"] for r in found[norms[0]]] == [r["id"] for r in snapshot_store.exact_title(lib, norms[0])]


def test_snapshot_size_is_its_row_count_and_has_rows_says_whether_any(lib, tmp_path):
    assert not snapshot_store.has_rows(lib) and snapshot_store.size(lib) == 0
    snapshot.import_file(lib, SNAPSHOT_SAMPLE, batch=64)
    rec = json.loads(SNAPSHOT_SAMPLE.read_text().splitlines()[5])
    rec["title"], rec["update_date"] = "A Renamed Record", "2030-01-01"  # updated in place: no new row
    path = tmp_path / "update.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    snapshot.import_file(lib, path)
    assert snapshot_store.has_rows(lib) and snapshot_store.size(lib) == snapshot_store.count(lib) == 200


# --- results of a batch: the bulk path writes what the one-by-one path writes ---------------------


def _record(arxiv_id: str, title: str, doi: str | None = None, year: int = 2024) -> Record:
    record = Record(provider="snapshot", raw_id=arxiv_id, title=title, authors=["Ada Lovelace", "Alan Turing"],
                    year=year, venue="ICML 2024", abstract=f"About {title.lower()}.",
                    urls=[f"https://arxiv.org/abs/{arxiv_id}"])
    record.add_ident("arxiv", arxiv_id)
    record.add_ident("doi", doi)
    return record


def _library(path) -> tuple[Library, dict[str, str]]:
    """A library whose papers exercise every kind of result a batch can hold; returns it and title -> paper id."""
    lib = Library(path)
    add_blocks(lib, "n.md", [
        NoteBlock(title="Alpha: a paper found as written", year=2024),
        NoteBlock(title="Beta: a preprint", year=2023),
        NoteBlock(title="Beta: the published version", identifiers=[Identifier("doi", "10.1000/beta")]),
        NoteBlock(title="Delta: a note linking another arXiv id", identifiers=[Identifier("arxiv", "2401.00009")]),
        NoteBlock(title="Epsilon: one spelling"),
        NoteBlock(title="Epsilon - another spelling of it"),
        NoteBlock(title="Gamma: two close records"),
        NoteBlock(title="Eta: found nowhere"),
        NoteBlock(title="Theta: also written in bulk", year=2022),
    ])
    ids = {r["title"]: r["id"] for r in lib.conn.execute("SELECT id, title FROM papers")}
    return lib, ids


def _outcomes(ids: dict[str, str]) -> list[resolution.Outcome]:
    def resolved(title: str, record: Record) -> resolution.Outcome:
        return resolution.Outcome(ids[title], "resolved", record, 0.97, {"provider": "snapshot", "title": 0.97})

    epsilon = _record("2401.00005", "Epsilon: One Spelling")
    gamma = [(_record("2401.00006", "Gamma: Two Close Records"), 0.93, {"reason": "two close records"}),
             (_record("2401.00007", "Gamma: Two Closer Records"), 0.92, {"reason": "two close records"})]
    return [
        resolved("Alpha: a paper found as written", _record("2401.00001", "Alpha: A Paper Found As Written")),
        resolved("Beta: a preprint", _record("2401.00002", "Beta: A Preprint", doi="10.1000/beta")),  # merges
        resolved("Delta: a note linking another arXiv id", _record("2401.00004", "Delta")),  # refused: review
        resolved("Epsilon: one spelling", epsilon),
        resolved("Epsilon - another spelling of it", epsilon),  # the same record twice: the two merge
        resolution.Outcome(ids["Gamma: two close records"], "ambiguous", candidates=gamma),
        resolution.Outcome(ids["Eta: found nowhere"], "not_found", score=0.41, evidence={"best": {"score": 0.41}}),
        resolved("Theta: also written in bulk", _record("2401.00008", "Theta: Also Written In Bulk", year=2021)),
        resolution.Outcome("p-pruned-meanwhile", "resolved", _record("2401.00010", "Gone")),
    ]


def _state(lib: Library) -> dict[str, list]:
    """Every row a result writes, timestamps left out."""
    tables = {
        "papers": "SELECT id, title, title_norm, year, venue, authors, abstract FROM papers ORDER BY id",
        "identifiers": "SELECT scheme, value, paper_id FROM identifiers ORDER BY scheme, value",
        "paper_titles": "SELECT title_norm, paper_id FROM paper_titles ORDER BY title_norm, paper_id",
        "resolutions": "SELECT paper_id, status, provider, score, evidence, candidate, attempts FROM resolutions "
                       "ORDER BY paper_id",
        "review_candidates": "SELECT paper_id, position, provider, raw_id, score, evidence, candidate "
                             "FROM review_candidates ORDER BY paper_id, position",
        "notes": "SELECT id, paper_id FROM notes ORDER BY id",
        "search_stale": "SELECT paper_id FROM search_stale ORDER BY paper_id",
        "search_index": "SELECT d.paper_id, d.note_id, f.title, f.names, f.body FROM search_docs d "
                        "JOIN search_fts f ON f.rowid = d.id ORDER BY d.paper_id, d.note_id",
    }
    # A merge refreshes the search rows of every paper whose title changed so far; which papers are still
    # waiting (search_stale) depends on the order rows were written, what the index ends up holding not.
    with lib.transaction() as conn:
        fts.index_notes(conn, [])
    return {name: [tuple(r) for r in lib.conn.execute(sql)] for name, sql in tables.items()}


def test_a_batch_written_partly_in_bulk_leaves_what_one_by_one_leaves(make_library_url, monkeypatch):
    bulk, ids = _library(make_library_url("bulk.db"))
    outcomes = _outcomes(ids)
    with bulk.transaction() as conn:
        alone, missing = resolution._independent(conn, outcomes)
    # Alpha, Eta and Theta touch only their own paper; the merges, the conflict and the review do not.
    assert sorted(alone) == [0, 6, 7] and missing == {8}
    written = resolution.write_outcomes(bulk, outcomes)

    single, _ = _library(make_library_url("single.db"))
    monkeypatch.setattr(resolution, "_independent", lambda conn, outcomes: (set(), set()))
    expected = resolution.write_outcomes(single, _outcomes(ids))

    assert sorted((w.paper_id, w.status, tuple(w.merged)) for w in written) == sorted(
        (w.paper_id, w.status, tuple(w.merged)) for w in expected)
    assert _state(bulk) == _state(single)
    state = _state(bulk)
    statuses = {pid: status for pid, status, *_ in state["resolutions"]}
    assert statuses[ids["Alpha: a paper found as written"]] == "resolved"
    assert statuses[ids["Delta: a note linking another arXiv id"]] == "ambiguous"
    assert len(state["papers"]) == 7  # Beta's two papers are one, and so are Epsilon's
    arxiv_per_paper = [pid for scheme, _, pid in state["identifiers"] if scheme == "arxiv"]
    assert len(arxiv_per_paper) == len(set(arxiv_per_paper))  # no paper carries two arXiv ids
    bulk.close()
    single.close()


@pytest.mark.parametrize("again", [False, True])
def test_a_paper_resolved_in_bulk_twice_counts_its_attempts(library_url, again):
    lib, ids = _library(library_url)
    outcome = _outcomes(ids)[0]
    resolution.write_outcomes(lib, [outcome])
    if again:
        resolution.write_outcomes(lib, [resolution.Outcome(outcome.paper_id, "not_found", score=0.2)])
    row = lib.conn.execute("SELECT status, attempts FROM resolutions WHERE paper_id = ?", (outcome.paper_id,)).fetchone()
    assert tuple(row) == (("not_found", 2) if again else ("resolved", 1))
    lib.close()
