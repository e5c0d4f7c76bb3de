"""Edit, delete, rename, move and restore files, sync after each, and compare with a fresh import."""

from __future__ import annotations

import shutil

from paperdex.library import sync_state, user_data
from paperdex.library.resolution import get_resolution, record_status, reject
from paperdex.library.store import find_papers
from paperdex.resolve.records import Record
from paperdex.sync import SyncOptions, sync_all, sync_paths
from tests.sync.conftest import NOTES, fresh_view, per_paper, sync, view, write


def note_ids(lib, source_like: str) -> list[str]:
    return [r["id"] for r in lib.conn.execute(
        "SELECT n.id FROM notes n JOIN sources s ON s.id = n.source_id WHERE s.path LIKE ? ORDER BY n.ordinal",
        (f"%{source_like}",))]


def paper_of(lib, arxiv: str) -> str:
    [paper] = find_papers(lib, arxiv)
    return paper.id


def user_marks(lib, paper_id: str) -> tuple:
    decisions = [tuple(r) for r in lib.conn.execute(
        "SELECT candidate_key, decision FROM review_decisions WHERE paper_id = ?", (paper_id,))]
    return user_data.get_tags(lib, paper_id), user_data.get_status(lib, paper_id), decisions


def test_every_step_equals_a_fresh_import_and_user_data_survives(lib, folder, tmp_path):
    sync(lib, folder)
    assert view(lib) == fresh_view(tmp_path, folder)
    lora, ppo = paper_of(lib, "2106.09685"), paper_of(lib, "1707.06347")
    user_data.add_tag(lib, lora, "to-try")
    user_data.set_status(lib, lora, "read")
    user_data.add_tag(lib, ppo, "baseline")
    record_status(lib, ppo, "ambiguous", provider="openalex", score=0.55,
                  candidate=Record(provider="openalex", raw_id="W1", title="Proximal Policy Optimisation"))
    reject(lib, ppo)
    marks = {lora: user_marks(lib, lora), ppo: user_marks(lib, ppo)}
    lora_notes = note_ids(lib, "lora.md")

    # Edit: a new paper in the list, a changed year, a removed bullet.
    edited = NOTES["reading-list.md"].replace("2021 - [RepVGG", "2022 - [RepVGG").replace(
        "* 2017 - [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n"
        "  * the transformer paper; read again for the scaled dot-product details\n", "")
    edited += ("* 2015 - [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)\n"
               "  * identity shortcuts make 152 layers trainable\n")
    write(folder / "reading-list.md", edited)
    summary = sync(lib, folder)
    assert summary.updated == 1 and summary.skipped == 5
    assert view(lib) == fresh_view(tmp_path, folder)

    # Delete: the notes go to the trash, the paper with a tag stays, the one without is pruned.
    (folder / "lora.md").unlink()
    (folder / "dreamer.md").unlink()
    summary = sync(lib, folder)
    assert sorted(summary.trashed) == sorted([str(folder / "lora.md"), str(folder / "dreamer.md")])
    assert {e.path for e in sync_state.trash_entries(lib)} == set(summary.trashed)
    assert not find_papers(lib, "2301.04104")
    assert lib.conn.execute("SELECT 1 FROM papers WHERE id = ?", (lora,)).fetchone()  # held by its tag
    fresh = fresh_view(tmp_path, folder)
    assert [p for p in view(lib)["papers"] if p[0] != lora] == fresh["papers"]

    # Rename and move: same notes (same ids), nothing new, nothing in the trash.
    ppo_notes = note_ids(lib, "ppo.md")
    (folder / "ppo.md").rename(folder / "proximal-policy-optimization.md")
    (folder / "rl").mkdir()
    shutil.move(folder / "ddpm.md", folder / "rl" / "ddpm.md")
    summary = sync(lib, folder)
    assert len(summary.renamed) == 2 and not summary.added and not summary.trashed
    assert note_ids(lib, "proximal-policy-optimization.md") == ppo_notes
    assert [p for p in view(lib)["papers"] if p[0] != lora] == fresh_view(tmp_path, folder)["papers"]

    # Restore: the deleted file comes back (under a new name): its notes return with their old ids.
    write(folder / "lora-again.md", NOTES["lora.md"])
    summary = sync(lib, folder)
    assert summary.restored == [str(folder / "lora-again.md")]
    assert note_ids(lib, "lora-again.md") == lora_notes
    assert view(lib) == fresh_view(tmp_path, folder)
    assert {e.path for e in sync_state.trash_entries(lib)} == {str(folder / "dreamer.md")}

    # Through all of it, what the user decided stayed.
    assert {pid: user_marks(lib, pid) for pid in marks} == marks
    assert get_resolution(lib, ppo)["status"] == "not_found"


def test_paper_fields_follow_their_notes(lib, folder, tmp_path):
    """Year, title, section and reader follow the notes on every sync (issues 17 and 18)."""
    sync(lib, folder)
    ddpm = paper_of(lib, "2006.11239")
    record_status(lib, ddpm, "ambiguous", provider="openalex", score=0.52,
                  candidate=Record(provider="openalex", raw_id="W2", title="Denoising Diffusion"))
    write(folder / "ddpm.md", per_paper("Denoising Diffusion Probabilistic Model", "2006.11239", 2021,
                                         "Predict the noise added at step t.", tags="generative", reader="bob"))
    sync(lib, folder)
    [paper] = find_papers(lib, "2006.11239")
    assert paper.id == ddpm
    assert (paper.title, paper.year) == ("Denoising Diffusion Probabilistic Model", 2021)
    assert [n.reader for n in paper.notes] == ["bob"]
    # A paper moved under another heading of a list changes section.
    write(folder / "reading-list.md", NOTES["reading-list.md"].replace("## Vision", "## CNN"))
    sync(lib, folder)
    [repvgg] = find_papers(lib, "2101.03697")
    assert [n.section for n in repvgg.notes] == ["CNN"]
    # What a provider was asked no longer describes the paper: it is resolved again.
    assert get_resolution(lib, ddpm) is None
    assert view(lib) == fresh_view(tmp_path, folder)


def test_a_wrong_arxiv_id_corrected_in_the_note_leaves_the_paper(lib, folder, tmp_path):
    write(folder / "lora.md", per_paper("LoRA: Low-Rank Adaptation of Large Language Models", "2106.09658", 2021,
                                         "Freeze the weights and learn a low-rank update BA."))
    sync(lib, folder)
    assert find_papers(lib, "2106.09658")
    write(folder / "lora.md", NOTES["lora.md"])
    sync(lib, folder)
    assert not find_papers(lib, "2106.09658")
    assert view(lib) == fresh_view(tmp_path, folder)


def test_unchanged_folder_is_not_read_and_leaves_notes_and_index_alone(lib, folder):
    sync(lib, folder)
    before = lib.conn.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()[0]
    summary = sync(lib, folder)
    assert (summary.files, summary.skipped, summary.added, summary.updated) == (6, 6, 0, 0)
    assert lib.conn.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()[0] == before


def test_edit_above_a_note_keeps_the_notes_below(lib, folder):
    sync(lib, folder)
    ids = note_ids(lib, "reading-list.md")
    text = NOTES["reading-list.md"].replace(
        "## LLM\n", "## LLM\n* 2020 - [Language Models are Few-Shot Learners](https://arxiv.org/abs/2005.14165)\n"
                    "  * GPT-3: in-context learning appears with scale\n")
    write(folder / "reading-list.md", text)
    summary = sync(lib, folder)
    assert summary.changed_notes == 1 and summary.removed_notes == 0
    after = note_ids(lib, "reading-list.md")
    assert len(ids) == 3 and len(after) == 4 and after[1:] == ids


def test_a_file_that_cannot_be_read_now_keeps_its_notes(lib, folder):
    sync(lib, folder)
    ids = note_ids(lib, "lora.md")
    # A PDF saved over the note by mistake: refused, and the notes from the last read stay.
    (folder / "lora.md").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20)
    summary = sync_paths(lib, [str(folder)], SyncOptions())
    assert [f.source for f in summary.failures] == [str(folder / "lora.md")]
    assert "kept" in summary.failures[0].reason
    assert note_ids(lib, "lora.md") == ids
    [row] = [r for r in sync_state.source_report(lib) if r["path"].endswith("lora.md")]
    assert row["error"] and row["notes"] == 1
    write(folder / "lora.md", NOTES["lora.md"] + "\nMore later.\n")
    summary = sync(lib, folder)
    assert summary.updated == 1
    [row] = [r for r in sync_state.source_report(lib) if r["path"].endswith("lora.md")]
    assert row["error"] is None


def test_a_missing_folder_deletes_nothing(lib, folder, tmp_path):
    sync(lib, folder)
    count = lib.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
    folder.rename(tmp_path / "elsewhere")
    summary = sync_all(lib)
    assert summary.failures and "is gone" in summary.failures[0].reason
    assert lib.conn.execute("SELECT count(*) FROM notes").fetchone()[0] == count
    assert not sync_state.trash_entries(lib)


def test_trash_restore_without_the_file_and_expiry(lib, folder):
    sync(lib, folder)
    (folder / "dreamer.md").unlink()
    sync(lib, folder)
    [entry] = sync_state.trash_entries(lib)
    assert not find_papers(lib, "2301.04104")
    sync_state.restore(lib, entry.id, kept=True)
    assert find_papers(lib, "2301.04104")
    # The file is still gone, but a restored source is kept: the next sync does not trash it again.
    summary = sync(lib, folder)
    assert not summary.trashed and find_papers(lib, "2301.04104")
    # Entries older than 30 days are purged.
    sync_state.trash_source(lib, str((folder / "ppo.md").resolve()))
    lib.conn.execute("UPDATE trash SET deleted_at = '2000-01-01T00:00:00.000000Z'")
    assert sync_state.purge_trash(lib) == 1 and not sync_state.trash_entries(lib)


def test_a_folder_moved_whole_and_added_where_it_is_now_keeps_its_notes(lib, folder, tmp_path):
    sync(lib, folder)
    ids = sorted(r[0] for r in lib.conn.execute("SELECT id FROM notes"))
    moved = tmp_path / "papers" / "notes"
    moved.parent.mkdir()
    folder.rename(moved)
    summary = sync(lib, moved)
    assert len(summary.renamed) == 6 and not summary.added and not summary.trashed
    assert sorted(r[0] for r in lib.conn.execute("SELECT id FROM notes")) == ids
    assert view(lib) == fresh_view(tmp_path, moved)
    # The old place, now empty of sources, is forgotten by the next sync rather than reported.
    summary = sync_all(lib)
    assert not summary.failures and [r["path"] for r in sync_state.roots(lib)] == [str(moved.resolve())]


def test_changed_options_read_unchanged_files_again(lib, folder):
    sync(lib, folder)
    summary = sync_paths(lib, [str(folder)], SyncOptions(reader="carol"))
    assert summary.skipped == 0 and summary.updated == 6
    assert {n for (n,) in lib.conn.execute("SELECT DISTINCT reader FROM notes")} == {"carol"}


def test_a_file_renamed_and_edited_between_syncs_keeps_its_unchanged_notes(lib, folder, tmp_path):
    sync(lib, folder)
    ids = note_ids(lib, "reading-list.md")
    text = NOTES["reading-list.md"].replace("about 20 tokens per parameter", "roughly 20 tokens per parameter")
    (folder / "reading-list.md").unlink()
    write(folder / "papers-2024.md", text)
    summary = sync(lib, folder)
    assert summary.renamed == [(str(folder / "reading-list.md"), str(folder / "papers-2024.md"))]
    assert not summary.trashed and summary.changed_notes == 1
    after = note_ids(lib, "papers-2024.md")
    assert after[1:] == ids[1:] and after[0] == ids[0]  # the edited note is rewritten in place
    assert view(lib) == fresh_view(tmp_path, folder)


def test_a_new_file_sharing_few_notes_with_a_deleted_one_is_not_a_rename(lib, folder, tmp_path):
    sync(lib, folder)
    (folder / "reading-list.md").unlink()
    write(folder / "other-list.md", "# Other\n\n## LLM\n"
          "* 2017 - [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n  * again\n"
          "* 2020 - [Language Models are Few-Shot Learners](https://arxiv.org/abs/2005.14165)\n  * GPT-3\n"
          "* 2019 - [BERT: Pre-training of Deep Bidirectional Transformers](https://arxiv.org/abs/1810.04805)\n"
          "  * masked language modelling\n")
    summary = sync(lib, folder)
    assert not summary.renamed and summary.trashed == [str(folder / "reading-list.md")]
    assert view(lib) == fresh_view(tmp_path, folder)


def test_a_url_source_offline_keeps_its_notes_and_says_why(lib, monkeypatch):
    from paperdex import importer
    from paperdex.formats.load import load_bytes

    url = "https://example.org/reading-list.md"
    loaded = load_bytes(NOTES["reading-list.md"].encode(), url)
    importer.store_loaded(lib, loaded, key=url, path=url, reader=None, shape=None, force=False,
                          summary=importer.AddSummary())
    monkeypatch.setenv("PAPERDEX_OFFLINE", "1")
    summary = sync_all(lib)
    assert [f.source for f in summary.failures] == [url] and "offline" in summary.failures[0].reason
    [row] = sync_state.source_report(lib)
    assert row["notes"] == 3 and "offline" in row["error"]


def test_a_folder_that_cannot_be_listed_now_hides_its_files_and_deletes_nothing(lib, folder, monkeypatch):
    """As a folder with its permissions taken away looks (simulated: the tests may run as root)."""
    import errno
    import os

    write(folder / "locked" / "vit.md", per_paper("An Image is Worth 16x16 Words", "2010.11929", 2020,
                                                   "Patches as tokens; plain transformer encoder.", tags="vision"))
    sync(lib, folder)
    locked = str((folder / "locked").resolve())
    real_walk, real_stat = os.walk, os.stat

    def walk(top, *args, onerror=None, **kwargs):
        for dirpath, dirnames, filenames in real_walk(top, *args, onerror=onerror, **kwargs):
            if "locked" in dirnames:
                dirnames.remove("locked")
                onerror(PermissionError(errno.EACCES, "Permission denied", os.path.join(dirpath, "locked")))
            yield dirpath, dirnames, filenames

    def stat(path, *args, **kwargs):
        if str(path).startswith(locked + os.sep):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "walk", walk)
    monkeypatch.setattr(os, "stat", stat)
    summary = sync_paths(lib, [str(folder)], SyncOptions())
    assert [f.reason for f in summary.failures] == ["cannot be listed: Permission denied (check its permissions)"]
    assert not summary.trashed and find_papers(lib, "2010.11929")
