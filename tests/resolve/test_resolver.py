"""Resolution end to end: seed notes in a library, providers on the replay server, the snapshot offline."""

from __future__ import annotations

import re

import pytest

from paperdex.library import resolution as store
from paperdex.library.store import get_paper
from paperdex.model import Identifier, NoteBlock
from paperdex.resolve import snapshot
from paperdex.resolve.resolver import resolve_library
from paperdex.segment.citation import parse_apa
from tests.conftest import read_seed
from tests.resolve.conftest import SEED_SNAPSHOT, SNAPSHOT_SAMPLE, add_blocks, paper_ids_with


def _apa_blocks() -> list[NoteBlock]:
    """The Lark seed's APA reference lines for HumanPlus and MimicGen, parsed by the segmenter's parser."""
    blocks = []
    for line in read_seed("lark").splitlines():
        cit = parse_apa(line)
        if cit and any(i.value in ("2406.10454", "2310.17596") for i in cit.identifiers):
            blocks.append(NoteBlock(title=cit.title, authors=cit.authors, year=cit.year,
                                    identifiers=cit.identifiers, text=line))
    assert len(blocks) == 2
    return blocks


def _maml_block() -> NoteBlock:
    """Seed 001's first entry: title line, arxiv link, authors."""
    text = read_seed("blog")
    title = re.search(r"^(Model-Agnostic Meta-Learning[^\n(]*)\((\d{4})\)", text, re.M)
    authors = re.search(r"作者:(Chelsea Finn[^\n]*)", text).group(1)
    return NoteBlock(title=title.group(1).strip(), year=int(title.group(2)),
                     authors=[a.strip() for a in authors.split(",")],
                     identifiers=[Identifier("arxiv", "1703.03400")])


def _title_block(title: str, **kw) -> NoteBlock:
    return NoteBlock(title=title, **kw)


def _status(lib, paper_id):
    return (store.get_resolution(lib, paper_id) or {}).get("status")


def test_seed_notes_resolve_online(lib, replay, settings):
    add_blocks(lib, "seeds.md", [_maml_block(), *_apa_blocks(),
                                 _title_block("Attention is All you Need", year=2017),
                                 _title_block("PaperQA: Retrieval-Augmented Generative Agent for Scientific Research")])
    summary = resolve_library(lib, settings=settings)
    assert (summary.resolved, summary.ambiguous, summary.not_found, summary.failed) == (5, 0, 0, 0)
    assert "resolved 5" in summary.line()
    # arXiv answered the three ids in one batched request.
    assert replay.hits["/arxiv/api/query"] == 1
    [mimic] = paper_ids_with(lib, "arxiv", "2310.17596")
    paper = get_paper(lib, mimic)
    assert paper.title == "MimicGen: A Data Generation System for Scalable Robot Learning using Human Demonstrations"
    assert paper.authors[0] == "Ajay Mandlekar" and paper.year == 2023
    [attention] = paper_ids_with(lib, "arxiv", "1706.03762")  # the title alone found its id
    assert paper_ids_with(lib, "s2", "204e3073870fae3d05bcbc2f6a8e263d9b72e776") == [attention]
    res = store.get_resolution(lib, attention)
    assert res["provider"] == "semanticscholar" and res["score"] == 1.0 and res["evidence"]["title"] == 1.0
    [paperqa] = paper_ids_with(lib, "arxiv", "2312.07559")
    assert paper_ids_with(lib, "doi", "10.48550/arxiv.2312.07559") == [paperqa]


def test_crossref_mismatch_is_not_merged(lib, replay, settings):
    add_blocks(lib, "a.md", [_title_block("Attention is All you Need", year=2017)])
    summary = resolve_library(lib, providers=["crossref"], settings=settings)
    assert summary.resolved == 0 and summary.not_found == 1
    [pid] = [r[0] for r in lib.conn.execute("SELECT id FROM papers")]
    paper = get_paper(lib, pid)
    assert paper.title == "Attention is All you Need"
    assert paper.identifiers == []  # 10.18653/v1/n18-2074 belongs to another paper
    res = store.get_resolution(lib, pid)
    assert res["status"] == "not_found"
    assert res["evidence"]["best"]["candidate"] == "10.18653/v1/n18-2074"
    assert replay.hits["/crossref/works"] == 1


def test_429_then_success_resolves(lib, replay, settings):
    add_blocks(lib, "a.md", [_title_block("Attention is All you Need")])
    replay.fail_next("/semanticscholar/graph/v1/paper/search/match", [429])
    summary = resolve_library(lib, providers=["semanticscholar"], settings=settings)
    assert summary.resolved == 1
    assert replay.hits["/semanticscholar/graph/v1/paper/search/match"] == 2
    assert paper_ids_with(lib, "arxiv", "1706.03762")


def test_timeout_leaves_paper_failed_and_retry_completes_it(lib, replay, settings):
    add_blocks(lib, "maml.md", [_maml_block()])
    [pid] = [r[0] for r in lib.conn.execute("SELECT id FROM papers")]
    replay.fail_next("/arxiv/api/query", ["timeout"])
    first = resolve_library(lib, providers=["arxiv"], settings=settings)
    assert first.failed == 1 and _status(lib, pid) == "failed"
    assert any("arXiv unavailable (timed out" in m for m in first.messages)
    assert get_paper(lib, pid).notes  # the note is still there
    again = resolve_library(lib, providers=["arxiv"], settings=settings)
    assert again.failed == 0 and again.resolved == 0  # failed papers wait for --retry-failed
    retry = resolve_library(lib, providers=["arxiv"], settings=settings, retry_failed=True)
    assert retry.resolved == 1 and _status(lib, pid) == "resolved"
    assert get_paper(lib, pid).authors == ["Chelsea Finn", "Pieter Abbeel", "Sergey Levine"]
    assert store.get_resolution(lib, pid)["attempts"] == 2


def test_rerun_of_unresolved_papers_costs_no_requests(lib, replay, settings):
    add_blocks(lib, "a.md", [_title_block("Attention is All you Need", year=2017),
                             _title_block("askldjrq3rjaw938h")])
    first = resolve_library(lib, providers=["semanticscholar", "crossref"], settings=settings)
    assert first.requests > 0 and first.resolved == 1 and first.not_found == 1
    hits = replay.total
    again = resolve_library(lib, providers=["semanticscholar", "crossref"], settings=settings, force=True)
    assert again.not_found == 1 and again.requests == 0 and replay.total == hits


def test_offline_skips_network_with_one_line_and_keeps_notes(lib, replay, settings):
    add_blocks(lib, "maml.md", [_maml_block()])
    summary = resolve_library(lib, settings=settings, offline=True)
    assert replay.total == 0 and summary.untouched == 1 and summary.resolved == 0
    assert [m for m in summary.messages if m.startswith("offline")] == [
        "offline (PAPERDEX_OFFLINE=1): skipping arXiv, Semantic Scholar, OpenAlex, Crossref; resolving with nothing; "
        "notes are kept and resolved when online"]
    [pid] = [r[0] for r in lib.conn.execute("SELECT id FROM papers")]
    assert _status(lib, pid) is None and len(get_paper(lib, pid).notes) == 1
    assert resolve_library(lib, settings=settings).resolved == 1  # online later: done


def test_offline_with_snapshot_resolves_seed_titles(lib, replay, settings):
    snapshot.import_file(lib, SNAPSHOT_SAMPLE)
    snapshot.import_file(lib, SEED_SNAPSHOT)
    text = read_seed("readme")
    titles = [t.strip() for t in re.findall(r"^\* \d{4} - \[([^\]]+)\]", text, re.M)]
    repvgg = next(t for t in titles if t.startswith("RepVGG"))
    ilql = next(t for t in titles if t.startswith("Offline RL for Natural Language"))
    add_blocks(lib, "readme.md", [_title_block(repvgg, year=2021), _title_block(ilql, year=2023),
                                  _title_block("Mastering Diverse Domains through World Models", year=2023)])
    summary = resolve_library(lib, settings=settings, offline=True)
    assert summary.resolved == 2 and summary.untouched == 1 and replay.total == 0
    assert paper_ids_with(lib, "arxiv", "2101.03697") and paper_ids_with(lib, "arxiv", "2206.11871")


def test_openalex_without_key_is_skipped_with_a_line(lib, replay, settings):
    settings.openalex_key = None
    add_blocks(lib, "a.md", [_title_block("PaperQA: Retrieval-Augmented Generative Agent for Scientific Research")])
    summary = resolve_library(lib, providers=["openalex"], settings=settings)
    assert replay.total == 0
    assert any(m.startswith("OpenAlex skipped: it requires an API key") for m in summary.messages)


def test_openalex_title_search_with_key(lib, replay, settings):
    add_blocks(lib, "a.md", [_title_block("PaperQA: Retrieval-Augmented Generative Agent for Scientific Research")])
    summary = resolve_library(lib, providers=["openalex"], settings=settings)
    assert summary.resolved == 1 and paper_ids_with(lib, "openalex", "W4389761608")
    assert paper_ids_with(lib, "arxiv", "2312.07559")


def test_preprint_and_title_note_become_one_paper(lib, replay, settings):
    add_blocks(lib, "a.md", [NoteBlock(title="PaperQA", identifiers=[Identifier("arxiv", "2312.07559")])])
    add_blocks(lib, "b.md", [_title_block("PaperQA: Retrieval-Augmented Generative Agent for Scientific Research")])
    assert lib.conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 2
    older = lib.conn.execute("SELECT id FROM papers ORDER BY created_at, id").fetchone()[0]
    summary = resolve_library(lib, providers=["semanticscholar"], settings=settings)
    assert summary.merged == 1
    [pid] = [r[0] for r in lib.conn.execute("SELECT id FROM papers")]
    assert pid == older
    paper = get_paper(lib, pid)
    assert len(paper.notes) == 2
    assert {i.key for i in paper.identifiers} >= {"arxiv:2312.07559", "doi:10.48550/arxiv.2312.07559",
                                                  "s2:7e55d8701785818776323b4147cb13354c820469"}
    assert _status(lib, pid) == "resolved"


def test_review_accept_and_reject(lib, settings):
    snapshot.import_file(lib, SEED_SNAPSHOT)
    add_blocks(lib, "a.md", [_title_block("Neural MP: A Generalist Neural Motion Planner", year=2019),
                             _title_block("RoboCook: Long-Horizon Elasto-Plastic Object Manipulation", year=2023)])
    summary = resolve_library(lib, providers=["snapshot"], settings=settings)
    assert summary.ambiguous == 2 and summary.resolved == 0
    items = {i["candidate"]["raw_id"]: i for i in store.review_items(lib)}
    assert set(items) == {"2409.05864", "2306.14447"}
    assert items["2409.05864"]["evidence"]["year"] == "off by 5 (note before record)"
    assert items["2409.05864"]["evidence"]["reason"] == "below the accept score"
    assert not paper_ids_with(lib, "arxiv", "2409.05864")  # nothing merged before a person says so
    new_id = store.accept(lib, items["2409.05864"]["paper_id"])
    assert paper_ids_with(lib, "arxiv", "2409.05864") == [new_id] and _status(lib, new_id) == "resolved"
    store.reject(lib, items["2306.14447"]["paper_id"])
    assert store.review_items(lib) == []
    again = resolve_library(lib, providers=["snapshot"], settings=settings, force=True)
    # The rejected candidate is not proposed again; with no network provider the paper waits for one.
    assert again.ambiguous == 0 and again.untouched == 1
    with pytest.raises(LookupError):
        store.accept(lib, items["2306.14447"]["paper_id"])


def test_untitled_note_identified_from_snapshot(lib, settings):
    snapshot.import_file(lib, SEED_SNAPSHOT)
    lark = read_seed("lark")
    start = lark.index("Mandlekar, A.")
    body = lark[lark.index("\n", start) + 1:lark.index("Weng, Lilian")]  # MimicGen's block without its title
    add_blocks(lib, "lark.md", [NoteBlock(kind="note", text=body),
                                NoteBlock(kind="note", text="- Fixed mapping between different DoF parametrization")])
    summary = resolve_library(lib, providers=["snapshot"], settings=settings)
    assert summary.notes_identified == 1
    [pid] = paper_ids_with(lib, "arxiv", "2310.17596")
    assert [n.kind for n in get_paper(lib, pid).notes] == ["paper"]
    statuses = [r[0] for r in lib.conn.execute("SELECT status FROM note_resolutions ORDER BY status")]
    assert statuses == ["not_found", "resolved"]
