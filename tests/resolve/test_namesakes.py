"""Near-namesakes compete, the same paper from two providers is one: the id a paper gets, the review reason,
and never two arXiv ids on one paper."""

from __future__ import annotations

import json

from paperdex.library import resolution
from paperdex.library.store import get_paper
from paperdex.model import Identifier, NoteBlock
from paperdex.resolve import semanticscholar, snapshot
from paperdex.resolve.decision import BELOW_ACCEPT, ID_CONFLICT, TWO_CLOSE, decide, group
from paperdex.resolve.matching import MARGIN, Query, score
from paperdex.resolve.resolver import _merge, resolve_library
from tests.conftest import FIXTURES
from tests.resolve.conftest import add_blocks
from tests.resolve.seed_cases import _line

EXTRACT = "EXTRACT: Efficient Policy Learning by Extracting Transferrable Robot Skills from Offline Data"
FLIP = "FLIP: Flow-Centric Generative Planning for General-Purpose Manipulation Tasks"


def _snapshot(lib, tmp_path, records: list[tuple[str, str, int]]) -> None:
    path = tmp_path / "snap.jsonl"
    path.write_text("\n".join(_line(i, t, y, 6, ["A. Author"]) for i, t, y in records) + "\n", encoding="utf-8")
    snapshot.import_file(lib, path)


def _arxiv_counts(lib) -> list[int]:
    return [r[0] for r in lib.conn.execute(
        "SELECT count(*) FROM identifiers WHERE scheme = 'arxiv' GROUP BY paper_id")]


def _only_paper(lib):
    [pid] = [r[0] for r in lib.conn.execute("SELECT id FROM papers")]
    return get_paper(lib, pid), resolution.get_resolution(lib, pid)


def test_one_word_changed_namesake_is_not_merged(lib, tmp_path):
    """Issue 14's case: the paper and a one-word variant both clear ACCEPT for a note with a typo."""
    variant = EXTRACT.replace("Efficient", "Effective")  # 0.962 against the note below; the paper 0.995
    _snapshot(lib, tmp_path, [("2409.17549", EXTRACT, 2024), ("2409.90001", variant, 2024)])
    add_blocks(lib, "n.md", [NoteBlock(title=EXTRACT.replace("Robot", "Robt"), year=2024)])
    resolve_library(lib, offline=True)
    paper, res = _only_paper(lib)
    assert paper.arxiv_id == "2409.17549" and [i.key for i in paper.identifiers if i.scheme == "arxiv"] == [
        "arxiv:2409.17549"]
    assert res["status"] == "resolved" and res["evidence"]["margin"] >= MARGIN
    assert res["evidence"]["sources"] == ["snapshot:2409.17549"]  # the namesake was not merged in
    assert paper.title == EXTRACT and paper.notes[0].title == EXTRACT.replace("Robot", "Robt")  # each keeps its own
    assert _arxiv_counts(lib) == [1]


def test_two_close_records_go_to_review_with_the_reason(lib, tmp_path):
    """The note's title sits between two records one word apart: neither is taken, both are offered."""
    a = "FLIP: Flow-Centric Video Planning for General-Purpose Manipulation Tasks"
    b = "FLIP: Flow-Centric Robot Planning for General-Purpose Manipulation Tasks"
    _snapshot(lib, tmp_path, [("2412.08261", a, 2024), ("2412.90002", b, 2024)])
    add_blocks(lib, "n.md", [NoteBlock(title="FLIP: Flow-Centric Planning for General-Purpose Manipulation Tasks",
                                       year=2024)])
    summary = resolve_library(lib, offline=True)
    assert summary.ambiguous == 1 and summary.resolved == 0
    paper, _res = _only_paper(lib)
    assert paper.identifiers == [] and paper.title == "FLIP: Flow-Centric Planning for General-Purpose Manipulation Tasks"
    [item] = resolution.review_items(lib)
    assert item["evidence"]["reason"] == TWO_CLOSE
    assert {c["key"] for c in item["candidates"]} == {"snapshot:2412.08261", "snapshot:2412.90002"}
    assert all("margin" in c["evidence"] for c in item["candidates"])


def test_extended_version_loses_to_the_paper(lib, tmp_path):
    _snapshot(lib, tmp_path, [("2410.24221", "EgoMimic: Scaling Imitation Learning via Egocentric Video", 2024),
                              ("2502.90003", "EgoMimic: Scaling Imitation Learning via Egocentric Video "
                                             "(Extended Version)", 2025)])
    add_blocks(lib, "n.md", [NoteBlock(title="EgoMimic: Scaling Imitation Learning via Egocentric Videos",
                                       year=2024)])
    resolve_library(lib, offline=True)
    paper, res = _only_paper(lib)
    assert paper.arxiv_id == "2410.24221" and res["status"] == "resolved"
    assert _arxiv_counts(lib) == [1]


def test_identical_titles_are_told_apart_by_the_year(lib, tmp_path):
    """Two records with one title: the note's year picks the one that existed then; without a year, review."""
    title = "Contrastive Representation Learning"
    undated_title = "Goal-Conditioned Reinforcement Learning: Problems and Solutions"
    _snapshot(lib, tmp_path, [("2010.05113", title, 2020), ("2403.90004", title, 2024),
                              ("2201.08299", undated_title, 2022), ("2501.90005", undated_title, 2025)])
    add_blocks(lib, "a.md", [NoteBlock(title=title, year=2021)])
    add_blocks(lib, "b.md", [NoteBlock(title=undated_title, year=None)])
    resolve_library(lib, offline=True)
    rows = {r["year"]: r["paper_id"] for r in lib.conn.execute("SELECT year, paper_id FROM notes")}
    assert get_paper(lib, rows[2021]).arxiv_id == "2010.05113"
    assert resolution.get_resolution(lib, rows[2021])["evidence"]["year"] == "ok (preprint 1 year before)"
    undated = resolution.get_resolution(lib, rows[None])
    assert undated["status"] == "ambiguous" and undated["evidence"]["reason"] == TWO_CLOSE
    assert get_paper(lib, rows[None]).identifiers == []
    assert _arxiv_counts(lib) == [1]


def test_preprint_year_does_not_send_an_exact_title_to_review(lib, tmp_path):
    """Seed 000 cites RIFE as 2022 (ECCV); its arXiv record is from 2020."""
    title = "Real-Time Intermediate Flow Estimation for Video Frame Interpolation"
    _snapshot(lib, tmp_path, [("2011.06294", title, 2020)])
    add_blocks(lib, "n.md", [NoteBlock(title=title, year=2022)])
    summary = resolve_library(lib, offline=True)
    assert summary.resolved == 1
    paper, res = _only_paper(lib)
    assert paper.arxiv_id == "2011.06294" and res["evidence"]["year"] == "ok (preprint 2 years before)"


def test_competing_providers_for_the_same_paper_are_one_paper():
    """The snapshot's and Semantic Scholar's records of one paper merge: one arXiv id, the S2 id joins."""
    [s2] = semanticscholar.parse_payload(
        (FIXTURES / "semanticscholar" / "graph_v1_paper_search_match__attention_is_all_you_need.json").read_text())
    snap = snapshot.parse_record(json.loads(_line("1706.03762", "Attention Is All You Need", 2017, 6, [])))
    namesake = snapshot.parse_record(json.loads(_line("2306.90005", "Attention Is All You Need", 2023, 6, [])))
    q = Query(title="Attention is all you need", year=2017)
    groups = group([score(q, r) for r in (s2, snap, namesake)])
    assert [sorted(m.record.provider for m in g.members) for g in groups] == [["semanticscholar", "snapshot"],
                                                                              ["snapshot"]]
    d = decide([score(q, r) for r in (s2, snap, namesake)])
    record, _value, evidence = _merge(d.accepted)
    assert [i.value for i in record.identifiers if i.scheme == "arxiv"] == ["1706.03762"]
    assert "s2:204e3073870fae3d05bcbc2f6a8e263d9b72e776" in {i.key for i in record.identifiers}
    assert evidence["margin"] > MARGIN
    # Same title and year, no shared id, two providers: one paper too.
    s2_bare = semanticscholar.parse_payload(
        (FIXTURES / "semanticscholar" / "graph_v1_paper_search_match__attention_is_all_you_need.json").read_text())[0]
    s2_bare.identifiers = [i for i in s2_bare.identifiers if i.scheme == "s2"]
    assert len(group([score(q, s2_bare), score(q, snap)])) == 1


def test_a_record_with_another_arxiv_id_than_the_note_goes_to_review(lib, tmp_path):
    """The note links 1703.03400 but titles another paper: the title's record is not added as a second id."""
    _snapshot(lib, tmp_path, [("1703.03400", "Model-Agnostic Meta-Learning for Fast Adaptation of Deep Networks", 2017),
                              ("1312.05602", "Playing Atari with Deep Reinforcement Learning", 2013)])
    add_blocks(lib, "n.md", [NoteBlock(title="Playing Atari with Deep Reinforcement Learning", year=2013,
                                       identifiers=[Identifier("arxiv", "1703.03400")])])
    resolve_library(lib, offline=True)
    paper, res = _only_paper(lib)
    assert [i.value for i in paper.identifiers if i.scheme == "arxiv"] == ["1703.03400"]
    assert res["status"] == "ambiguous" and res["evidence"]["reason"] == ID_CONFLICT
    [item] = resolution.review_items(lib)
    try:
        resolution.accept(lib, item["paper_id"])
    except resolution.IdConflict as exc:
        assert "would carry arXiv ids 1312.05602, 1703.03400" in str(exc)
    else:
        raise AssertionError("accepting a second arXiv id must be refused")
    assert _arxiv_counts(lib) == [1]


def test_below_accept_reason_and_floor():
    rec = snapshot.parse_record(json.loads(_line("2409.05864", "Neural MP: A Generalist Neural Motion Planner",
                                                 2024, 9, [])))
    far = score(Query(title="Neural MP: A Generalist Neural Motion Planner", year=2019), rec)
    d = decide([far])
    assert d.accepted is None and d.reason == BELOW_ACCEPT and d.review[0].evidence["reason"] == BELOW_ACCEPT
    junk = score(Query(title="Intricate Knots in Proteins"), rec)
    assert decide([junk]).review == []  # below the floor: not offered
