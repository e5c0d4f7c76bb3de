"""The keyword index stays in step with notes and papers: edits, removals, resolution, rebuilds."""

from __future__ import annotations

from paperdex.library import fts
from paperdex.library.db import Library
from paperdex.library.ingest import remove_source
from paperdex.search.engine import search
from tests.search.conftest import import_into, write_notes


def titles(lib, query, mode="keyword"):
    return [r.title for r in search(lib, query, mode=mode, limit=20)]


def test_edited_note_is_reindexed_in_the_same_import(own_lib, tmp_path):
    assert "RepVGG: Making VGG-Style ConvNets Great Again" in titles(own_lib, "inference")
    edited = (tmp_path / "notes" / "en.md").read_text(encoding="utf-8").replace("inference", "deployment")
    (tmp_path / "notes" / "en.md").write_text(edited, encoding="utf-8")
    import_into(own_lib, [tmp_path / "notes"])
    assert titles(own_lib, "inference") == []
    assert titles(own_lib, "deployment") == ["RepVGG: Making VGG-Style ConvNets Great Again"]
    rows = own_lib.conn.execute("SELECT count(*) FROM search_docs").fetchone()[0]
    notes = own_lib.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    papers = own_lib.conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    assert rows == notes + papers


def test_removed_source_leaves_no_rows(own_lib, tmp_path):
    assert titles(own_lib, "插帧")
    assert remove_source(own_lib, str((tmp_path / "notes" / "zh.md").resolve()))
    assert titles(own_lib, "插帧") == []
    assert titles(own_lib, "RIFE") == []  # the paper went too, and its metadata row with it
    orphans = own_lib.conn.execute(
        "SELECT count(*) FROM search_docs d"
        " WHERE (d.note_id IS NOT NULL AND d.note_id NOT IN (SELECT id FROM notes))"
        " OR (d.paper_id IS NOT NULL AND d.paper_id NOT IN (SELECT id FROM papers))").fetchone()[0]
    assert orphans == 0


def test_abstract_from_resolution_becomes_searchable(own_lib):
    assert titles(own_lib, "amortized") == []
    pid = own_lib.conn.execute("SELECT paper_id FROM identifiers WHERE value = '2011.06294'").fetchone()[0]
    with own_lib.transaction() as conn:  # what `resolve` does when a provider answers
        conn.execute("UPDATE papers SET abstract = ? WHERE id = ?",
                     ("RIFE estimates intermediate flows end to end with amortized cost.", pid))
    results = search(own_lib, "amortized", mode="keyword")
    assert [r.id for r in results] == [pid]
    assert "«amortized»" in results[0].snippet  # no note says it: the abstract is the snippet


def test_rebuild_gives_the_same_answers(own_lib):
    before = {q: titles(own_lib, q) for q in ("光流", "обучения", "inference", "MimicGen")}
    counts = fts.rebuild(own_lib)
    assert counts["notes"] == own_lib.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    assert {q: titles(own_lib, q) for q in before} == before


def test_notes_stored_before_the_index_existed_are_indexed_on_first_search(tmp_path, library_url):
    lib = Library(library_url)
    import_into(lib, [write_notes(tmp_path / "notes")])
    with lib.transaction() as conn:  # a library whose notes predate migration 0002
        conn.execute("DELETE FROM search_docs")
        conn.execute("DELETE FROM search_fts")
        conn.execute("UPDATE search_meta SET value = 0 WHERE key = 'backfilled'")
    assert titles(lib, "光流") == ["Real-Time Intermediate Flow Estimation for Video Frame Interpolation"]
    lib.close()


def test_an_index_written_by_an_older_analyser_is_reanalysed_on_the_next_search(own_lib, monkeypatch):
    assert fts.analysed_by(own_lib) == fts.ANALYSER_VERSION  # stamped by the first notes indexed
    with own_lib.transaction() as conn:  # as migration 0013 marks a library indexed before versions
        conn.execute("UPDATE search_meta SET value = 1 WHERE key = 'analyser'")
        conn.execute("UPDATE search_fts SET body = 'stale'")  # terms no query of today's analyser meets
    assert fts.needs_reanalysis(own_lib)
    assert titles(own_lib, "光流") == ["Real-Time Intermediate Flow Estimation for Video Frame Interpolation"]
    assert fts.analysed_by(own_lib) == fts.ANALYSER_VERSION
    assert not fts.needs_reanalysis(own_lib)


def test_a_library_indexed_before_analyser_versions_is_marked_old_by_its_migration(tmp_path):
    path = tmp_path / "old.db"
    lib = Library(path)
    import_into(lib, [write_notes(tmp_path / "notes")])
    with lib.transaction() as conn:  # as a library last opened by paperdex before migration 0013
        conn.execute("DELETE FROM search_meta WHERE key = 'analyser'")
    lib.conn.execute("PRAGMA user_version = 12")
    lib.close()
    with Library(path) as lib:
        assert fts.analysed_by(lib) == 1 and fts.needs_reanalysis(lib)
        assert titles(lib, "光流") == ["Real-Time Intermediate Flow Estimation for Video Frame Interpolation"]
        assert fts.analysed_by(lib) == fts.ANALYSER_VERSION
    empty = Library(tmp_path / "new.db")
    assert fts.analysed_by(empty) is None  # nothing indexed: stamped by the first notes
    import_into(empty, [write_notes(tmp_path / "notes")])
    assert fts.analysed_by(empty) == fts.ANALYSER_VERSION
    empty.close()
