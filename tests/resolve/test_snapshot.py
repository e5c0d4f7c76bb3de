"""The offline snapshot: streamed import, title index, seed titles resolved with no network."""

from __future__ import annotations

import json
import re

from paperdex.library import snapshot_store
from paperdex.library.snapshot_file import snapshot_library
from paperdex.resolve import snapshot
from paperdex.resolve.matching import Query, score
from paperdex.resolve.snapshot import SnapshotIndex
from tests.conftest import read_seed
from tests.resolve.conftest import SEED_SNAPSHOT, SNAPSHOT_SAMPLE


def _load(lib):
    snapshot.import_file(lib, SNAPSHOT_SAMPLE, batch=64)
    snapshot.import_file(lib, SEED_SNAPSHOT)
    return SnapshotIndex(lib)


def test_import_is_batched_and_idempotent(lib):
    calls: list[int] = []
    stats = snapshot.import_file(lib, SNAPSHOT_SAMPLE, batch=64, progress=calls.append)
    assert stats.read == 200 and stats.written == 200
    assert calls == [64, 64, 64, 8]
    again = snapshot.import_file(lib, SNAPSHOT_SAMPLE, batch=64)
    assert again.read == 200 and again.written == 0
    assert snapshot_store.count(lib) == 200
    fts = snapshot_library(lib).conn.execute("SELECT count(*) FROM snapshot_fts WHERE snapshot_fts MATCH 'diphoton'").fetchone()[0]
    assert fts == snapshot_store.doc_frequency(lib, "diphoton") >= 1


def test_changed_record_updates_the_index(lib, tmp_path):
    snapshot.import_file(lib, SEED_SNAPSHOT)
    lines = SEED_SNAPSHOT.read_text().splitlines()
    rec = json.loads(lines[0])
    rec["title"], rec["update_date"] = "A Renamed Meta-Learning Paper", "2024-01-01"
    path = tmp_path / "update.jsonl"
    path.write_text(json.dumps(rec) + "\n")
    assert snapshot.import_file(lib, path).written == 1
    index = SnapshotIndex(lib)
    assert index.search("renamed meta learning paper")[0].ident("arxiv") == "1703.03400"
    assert snapshot_store.doc_frequency(lib, "agnostic") == 0


def test_real_sample_titles_with_typos_and_case(lib):
    index = _load(lib)
    rows = list(snapshot.iter_rows(SNAPSHOT_SAMPLE))
    hits = 0
    for arxiv_id, title, *_ in rows[::10]:
        noisy = title.upper() if len(title) % 2 else title[:5] + title[6:]  # case change or a dropped letter
        found = index.search(noisy, limit=1)
        hits += bool(found) and found[0].ident("arxiv") == arxiv_id
    assert hits == 20


def test_seed_titles_without_ids_get_their_arxiv_ids(lib):
    """Seed 000 links RepVGG to CVF and ILQL to OpenReview: no arXiv id in the note."""
    index = _load(lib)
    text = read_seed("readme")
    want = {"RepVGG: Making VGG-Style ConvNets Great Again": "2101.03697",
            "Offline RL for Natural Language Generation with Implicit Language Q Learning": "2206.11871",
            "Diverse Branch Block: Building a Convolution as an Inception-like Unit": "2103.13425"}
    seen = {t.strip() for t in re.findall(r"^\* \d{4} - \[([^\]]+)\]", text, re.M)}
    for title, arxiv_id in want.items():
        assert title in seen  # the title really is in the seed, spelled as the reader spelled it
        [best] = index.search(title, limit=1)
        assert best.ident("arxiv") == arxiv_id


def test_title_not_in_snapshot_gets_no_accepted_candidate(lib):
    index = _load(lib)
    query = Query(title="Playing text-adventure games with graph-based deep reinforcement learning", year=2018)
    candidates = index.search(query.title)
    assert candidates  # blocking always proposes something...
    assert not any(score(query, c).accepted for c in candidates)  # ...validation rejects it


def test_untitled_note_identified_by_model_name(lib):
    index = _load(lib)
    text = ("General Idea\n- Data augmentation paper: generate more data from a few human demonstrations\n"
            "- Utility: related work & motivation for MimicGen over alternative methods; scalable robot "
            "learning data generation system")
    record, value, evidence = index.identify_text(text)
    assert record.ident("arxiv") == "2310.17596" and value >= 0.9 and evidence["name"] == "mimicgen"


def test_untitled_note_with_weak_evidence_stays_low(lib):
    index = _load(lib)
    lark = read_seed("lark")
    block = lark[lark.index("General Idea:\n- X-embodiment Shadow policy"):][:600]  # the HumanPlus block body
    found = index.identify_text(block)
    assert found is None or found[1] < 0.9


def test_typo_keys_are_the_one_letter_deletions():
    assert snapshot.typo_keys("gans") == {"ans", "gns", "gas", "gan"}
    assert snapshot.typo_keys("gan") == set() and snapshot.typo_keys("2023") == set()


def test_misspelt_rare_words_are_corrected_through_the_typo_keys(lib):
    """Both distinctive words misspelt (a swap, a dropped letter): they still block on the right paper."""
    index = _load(lib)
    assert snapshot_store.has_keys(lib)
    groups = dict((words, df) for df, words in index.groups(["langauge", "implict", "generation"]))
    assert ("language",) in groups and ("implicit",) in groups and ("generation",) in groups
    noisy = "Offline RL for Natural Langauge Generation with Implict Langauge Q Learning"
    [best] = index.search(noisy, limit=1)
    assert best.ident("arxiv") == "2206.11871"
    assert score(Query(title=noisy), best).accepted


def test_snapshot_imported_before_the_typo_keys_still_resolves_and_reindex_restores_them(lib):
    index = _load(lib)
    with snapshot_library(lib).transaction() as conn:
        conn.execute("DELETE FROM snapshot_keys")  # as a library migrated from schema 0004 has it
    old = SnapshotIndex(lib)
    assert not snapshot_store.has_keys(lib) and old.groups(["implict"]) == []
    assert old.search("Offline RL for Natural Language Generation with Implicit Language Q Learning",
                      limit=1)[0].ident("arxiv") == "2206.11871"
    assert snapshot.reindex(lib) > snapshot_store.count(lib)
    assert SnapshotIndex(lib).groups(["implict"]) == index.groups(["implict"]) != []


def test_a_typo_that_makes_another_real_word_is_left_out(lib):
    """'Branch' mistyped as 'Ranch', a word another title holds: no title holds all the rare words,
    so each is left out in turn, and the paper is found."""
    _load(lib)
    with snapshot_library(lib).transaction() as conn:  # make 'ranch' a real word of the snapshot
        conn.execute("INSERT INTO snapshot (id, title, title_norm) VALUES ('9999.00001', 'Ranch Life', 'ranch life')")
        conn.execute("INSERT INTO snapshot_fts (rowid, title_norm) SELECT rowid, title_norm FROM snapshot "
                     "WHERE id = '9999.00001'")
    snapshot.reindex(lib)
    index = SnapshotIndex(lib)
    assert (1, ("ranch",)) in index.groups(["ranch"])
    [best] = index.search("Diverse Ranch Block: Building a Convolution as an Inception-like Unit", limit=1)
    assert best.ident("arxiv") == "2103.13425"


def _write_snapshot(path, titles: list[str]) -> None:
    lines = [json.dumps({"id": f"2401.{n:05d}", "title": t, "authors": "A. Author", "abstract": "x",
                         "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 00:00:00 GMT"}],
                         "update_date": "2024-01-02"}) for n, t in enumerate(titles, 1)]
    path.write_text("\n".join(lines) + "\n")


def test_word_pairs_block_a_title_made_of_common_words(lib, tmp_path, monkeypatch):
    """Every word is common (no word is a blocking key on its own), and a typo hits one: the pairs of
    adjacent words still single out the paper."""
    words = ["deep", "learning", "graph", "neural", "networks", "data", "robust", "training"]
    titles = [" ".join(words[(i + k) % 8] for k in range(6)) for i in range(8)]
    titles += [" ".join(reversed(t.split())) for t in titles] + ["Robust Training Deep Graph Networks"]
    path = tmp_path / "common.jsonl"
    _write_snapshot(path, titles)
    snapshot.import_file(lib, path)
    assert snapshot_store.pairs_of("deep graph networks") == "deep_graph graph_networks"
    monkeypatch.setattr(snapshot, "RARE", 1)  # as if each word were in thousands of titles
    index = SnapshotIndex(lib)
    [best] = index.search("Robust Trainig Deep Graph Networks", limit=1)
    assert best.title == "Robust Training Deep Graph Networks"
    monkeypatch.setattr(snapshot, "PAIR_CAP", 0)  # without the pairs, nothing singles it out
    found = SnapshotIndex(lib).search("Robust Trainig Deep Graph Networks", limit=1)
    assert not found or found[0].title != "Robust Training Deep Graph Networks"


def test_reindex_builds_the_pairs_a_snapshot_imported_before_them_lacks(lib, tmp_path):
    path = tmp_path / "s.jsonl"
    _write_snapshot(path, ["Robust Training of Deep Graph Networks", "Deep Graph Networks Revisited"])
    snapshot.import_file(lib, path)
    with snapshot_library(lib).transaction() as conn:  # the state migration 0006 leaves a library with an older snapshot in
        conn.execute("INSERT INTO snapshot_pairs(snapshot_pairs) VALUES ('delete-all')")
        conn.execute("INSERT INTO snapshot_meta (name, value) VALUES ('pairs_missing', '1')")
    assert snapshot_store.rows_with_pair(lib, "graph_networks", 10) == []
    assert snapshot_store.pairs_missing(lib)
    snapshot.reindex(lib)
    assert not snapshot_store.pairs_missing(lib)
    assert len(snapshot_store.rows_with_pair(lib, "graph_networks", 10)) == 2
    assert len(snapshot_store.rows_with_pair(lib, "training_of", 10)) == 1
