"""The store: merging by identity, one transaction per source, idempotent re-adds."""

from __future__ import annotations

import pytest

from paperdex.library.db import Library
from paperdex.library.ingest import SourceInput, import_source, remove_source
from paperdex.library.store import find_papers, get_paper, iter_paperless, list_papers
from paperdex.model import Identifier, NoteBlock

ILQL = "Offline RL for Natural Language Generation with Implicit Language Q Learning"


def src(key: str, content: str = "v1", reader: str | None = None) -> SourceInput:
    return SourceInput(key=key, path=key, format="markdown", content_hash=content, reader=reader)


def paper(title: str | None, *ids: Identifier, text: str = "note", **kw) -> NoteBlock:
    return NoteBlock(kind="paper", title=title, identifiers=list(ids), text=text, **kw)


@pytest.fixture
def lib(library_url):
    library = Library(library_url)
    yield library
    library.close()


def test_schema_is_migrated_with_wal_and_foreign_keys(lib, backend):
    assert lib.schema_version >= 1
    if backend == "postgres":
        return  # no journal mode or foreign-key switch there: both are always on
    assert lib.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert lib.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_same_arxiv_id_is_one_paper_even_with_different_titles(lib):
    import_source(lib, src("a.md"), [paper("ToolChain*: Efficient Action Space Navigation",
                                           Identifier("arxiv", "2310.13227"))])
    result = import_source(lib, src("b.md"), [paper("ToolChain", Identifier("arxiv", "2310.13227"))])
    assert result.merged == 1 and result.new_papers == 0
    papers = list_papers(lib, limit=None)
    assert len(papers) == 1 and len(papers[0].notes) == 2


def test_same_normalised_title_merges_across_readers(lib):
    import_source(lib, src("readme.md", reader="zh-reader"),
                  [paper(ILQL, Identifier("openreview", "aBH_DydEvoH"), text="中文笔记")])
    import_source(lib, src("channel.txt", reader="rizzearch"),
                  [paper("offline RL for natural-language generation with implicit language Q-learning",
                         text="русская заметка")])
    [p] = list_papers(lib, limit=None)
    assert {n.reader for n in p.notes} == {"zh-reader", "rizzearch"}
    assert {n.source for n in p.notes} == {"readme.md", "channel.txt"}
    assert p.ident("openreview") == "aBH_DydEvoH"


BERT = "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"


@pytest.mark.parametrize("order", ["title-only first", "title-only last"])
def test_the_same_notes_make_the_same_papers_in_any_order(library_url, order):
    """A title-only note and a later note with the id and that title end on one paper, as the
    other order does, even when a third note gave the id under another title in between."""
    sources = [
        ("list.md", [paper(BERT, text="only the title")]),
        ("short.md", [paper("BERT Pre-training of Bidirectional Transformers", Identifier("arxiv", "1810.04805"))]),
        ("full.md", [paper(BERT, Identifier("arxiv", "1810.04805"), text="title and id")]),
    ]
    if order == "title-only last":
        sources = sources[1:] + sources[:1]
    with Library(library_url) as lib:
        for key, blocks in sources:
            import_source(lib, src(key), blocks)
        [one] = list_papers(lib, limit=None)
        assert one.ident("arxiv") == "1810.04805" and len(one.notes) == 3


CUT = "Mastering Chess and Shogi By Self-Play With a General Reinforcement Learnin"
WHOLE = "Mastering Chess and Shogi by Self-Play with a General Reinforcement Learning Algorithm"


@pytest.mark.parametrize("order", ["cut first", "cut last"])
def test_a_title_cut_short_is_the_paper_it_was_cut_from_in_either_order(lib, order):
    """An org heading truncated at 75 characters and the whole title with its id are one paper, which
    keeps the whole title, whichever note came first."""
    sources = [("org.org", [paper(CUT, text="read it")]),
               ("list.md", [paper(WHOLE, Identifier("arxiv", "1712.01815"), text="AlphaZero")])]
    if order == "cut last":
        sources.reverse()
    for key, blocks in sources:
        import_source(lib, src(key), blocks)
    [one] = list_papers(lib, limit=None)
    assert one.title == WHOLE and one.ident("arxiv") == "1712.01815" and len(one.notes) == 2


@pytest.mark.parametrize("order", ["cut first", "cut last"])
def test_a_cut_title_two_papers_could_continue_stays_its_own_paper(lib, order):
    short = "Efficient Natural Language Response Suggestion for"
    sources = [("org.org", [paper(short)]),
               ("a.md", [paper(short + " Smart Reply", Identifier("arxiv", "1705.00652"))]),
               ("b.md", [paper(short + " Email Clients", Identifier("arxiv", "2999.00002"))])]
    if order == "cut last":
        sources = sources[1:] + sources[:1]
    for key, blocks in sources:
        import_source(lib, src(key), blocks)
    titles = sorted(p.title for p in list_papers(lib, limit=None))
    if order == "cut last":  # both were there: which one it meant is unknown
        assert short in titles and len(titles) == 3
    else:  # the first whole title took it, before the second existed
        assert short not in titles and len(titles) == 2


def test_a_whole_word_prefix_or_a_cut_with_its_own_id_is_another_paper(lib):
    import_source(lib, src("a.md"), [paper("Towards High Performance Video Object Detection")])
    import_source(lib, src("b.md"), [paper("Towards High Performance Video Object Detection for Mobiles")])
    import_source(lib, src("c.md"), [paper("Mastering Chess and Shogi By Self-Play With a General Reinforcement",
                                           Identifier("arxiv", "2999.00003"))])
    import_source(lib, src("d.md"), [paper(WHOLE, Identifier("arxiv", "1712.01815"))])
    assert len(list_papers(lib, limit=None)) == 4


def test_a_title_twin_with_an_id_of_its_own_is_not_folded_in(lib):
    """Two arXiv ids under one title are two papers (a v2 posted as a new id, a namesake): neither
    find_match nor the folding joins papers whose ids disagree."""
    import_source(lib, src("a.md"), [paper(BERT, Identifier("arxiv", "1810.04805"))])
    import_source(lib, src("b.md"), [paper(BERT, Identifier("arxiv", "2999.00001"))])
    import_source(lib, src("c.md"), [paper(BERT, Identifier("arxiv", "1810.04805"), text="again")])
    assert sorted(len(p.notes) for p in list_papers(lib, limit=None)) == [1, 2]


def test_superscript_and_width_fold_into_one_title(lib):
    import_source(lib, src("a"), [paper("RL²: Fast Reinforcement Learning via Slow Reinforcement Learning")])
    import_source(lib, src("b"), [paper("RL2: Fast Reinforcement Learning via Slow Reinforcement Learning")])
    assert len(list_papers(lib, limit=None)) == 1


def test_conflicting_arxiv_ids_are_not_merged_on_title(lib):
    import_source(lib, src("a"), [paper("Introduction to Diffusion Models", Identifier("arxiv", "2301.00001"))])
    import_source(lib, src("b"), [paper("Introduction to Diffusion Models", Identifier("arxiv", "2401.00002"))])
    assert len(list_papers(lib, limit=None)) == 2


def test_paper_listed_twice_in_one_file_is_one_paper_with_two_notes(lib):
    title = "Reinforcement Learning Upside Down: Don't Predict Rewards -- Just Map Them to Actions"
    result = import_source(lib, src("blog.txt"), [paper(title, Identifier("arxiv", "1912.02875"), text="first"),
                                                  paper(title, text="")])
    assert result.merged == 1
    [p] = list_papers(lib, limit=None)
    assert [n.text for n in p.notes] == ["first", ""]


def test_unchanged_source_changes_nothing(lib):
    blocks = [paper("A Paper About Things", Identifier("arxiv", "2101.00001"))]
    import_source(lib, src("a.md"), blocks)
    before = lib.conn.execute("SELECT id, updated_at FROM sources").fetchall()
    notes_before = lib.conn.execute("SELECT id FROM notes").fetchall()
    assert import_source(lib, src("a.md"), blocks).status == "unchanged"
    assert lib.conn.execute("SELECT id, updated_at FROM sources").fetchall() == before
    assert lib.conn.execute("SELECT id FROM notes").fetchall() == notes_before


def test_edited_source_updates_notes_without_duplicates_and_prunes_orphans(lib):
    import_source(lib, src("a.md", "v1"), [paper("First Paper Title", text="old"),
                                           paper("Second Paper Title", text="gone soon")])
    import_source(lib, src("a.md", "v2"), [paper("First Paper Title", text="new")])
    papers = list_papers(lib, limit=None)
    assert [p.title for p in papers] == ["First Paper Title"]
    assert [n.text for n in papers[0].notes] == ["new"]
    assert lib.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 1


def test_paper_ids_are_stable_across_libraries(tmp_path):
    ids = []
    for name in ("one.db", "two.db"):
        with Library(tmp_path / name) as library:
            import_source(library, src("x"), [paper("Some Title Here", Identifier("arxiv", "2206.11871"))])
            ids.append(list_papers(library, limit=None)[0].id)
    assert ids[0] == ids[1]


def test_user_data_keeps_a_paper_whose_notes_vanish(lib):
    import_source(lib, src("a.md", "v1"), [paper("Tagged Paper Title")])
    pid = list_papers(lib, limit=None)[0].id
    with lib.transaction() as conn:
        conn.execute("INSERT INTO paper_tags VALUES (?, 'favourite', '2024-01-01')", (pid,))
    import_source(lib, src("a.md", "v2"), [])
    assert get_paper(lib, pid) is not None


def test_failed_import_rolls_back_whole_source(lib):
    class Boom(NoteBlock):
        @property
        def thoughts(self):  # raises while the note row is written
            raise RuntimeError("boom")

        @thoughts.setter
        def thoughts(self, value):
            pass

    with pytest.raises(RuntimeError):
        import_source(lib, src("a.md"), [paper("Good Paper Title"), Boom(kind="paper", title="Bad Paper Title")])
    assert lib.conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 0
    assert lib.conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 0


def test_paperless_blocks_are_a_document(lib):
    import_source(lib, src("lecture.md"), [NoteBlock(kind="document", title="cs231n", section="GAN", text="生成模型")])
    docs = list(iter_paperless(lib))
    assert len(docs) == 1 and docs[0].notes[0].section == "GAN"
    assert list_papers(lib, limit=None) == []


def test_find_by_id_arxiv_and_title_words(lib):
    import_source(lib, src("a"), [paper(ILQL, Identifier("arxiv", "2206.11871"))])
    pid = list_papers(lib, limit=None)[0].id
    assert [p.id for p in find_papers(lib, pid)] == [pid]
    assert [p.id for p in find_papers(lib, "2206.11871v2")] == [pid]
    assert [p.id for p in find_papers(lib, "https://arxiv.org/pdf/2206.11871.pdf")] == [pid]
    assert [p.id for p in find_papers(lib, "implicit language q")] == [pid]
    assert find_papers(lib, "nothing like this") == []


def test_remove_source_forgets_its_notes(lib):
    import_source(lib, src("a"), [paper("Shared Paper Title", text="a")])
    import_source(lib, src("b"), [paper("Shared Paper Title", text="b")])
    assert remove_source(lib, "a")
    [p] = list_papers(lib, limit=None)
    assert [n.text for n in p.notes] == ["b"]


def test_not_a_library_gives_a_clear_error(tmp_path):
    from paperdex.errors import LibraryError

    bad = tmp_path / "notes.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(LibraryError, match="not a paperdex library"):
        Library(bad)
    assert bad.read_bytes() == b"this is not sqlite" * 100  # the file is left as it was
