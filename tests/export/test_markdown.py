"""Markdown digest: seed-000 shape, golden file, and `add` of the digest gives the library back."""

from __future__ import annotations

import io
import re

from paperdex.export import markdown
from paperdex.export.options import ExportOptions
from paperdex.library.ingest import paper_id_for
from paperdex.library.store import PaperFilter
from paperdex.model import NoteBlock
from tests.conftest import SEED_FILES
from tests.export.helpers import assert_round_trip, build_library, check_golden, note_keys, papers_by_id


def _export(lib, options: ExportOptions | None = None) -> str:
    out = io.StringIO()
    markdown.export(lib, out, options)
    return out.getvalue()


def test_golden_and_deterministic(seed_lib):
    text = _export(seed_lib)
    assert text == _export(seed_lib)
    check_golden("seeds.digest.md", text)


def test_shape_of_seed_000(seed_lib):
    text = _export(seed_lib)
    papers = papers_by_id(seed_lib)
    assert f"Total Count：{len(papers)}" in text
    seed = SEED_FILES["readme"].read_text(encoding="utf-8")
    for heading in re.findall(r"^## (.+)$", seed, re.M):
        assert f"\n## {heading.strip()}\n" in text
    assert "* 2022 - [Training Compute-Optimal Large Language Models](https://arxiv.org/abs/2203.15556)" in text
    assert "  * [想法] 论文观感相当好，efficient net 既视感" in text
    assert "  * [来自知乎] 自BERT和GPT之后" in text
    # Notes by a named reader (the Telegram channel) are labelled in a mixed digest.
    assert "<kbd>@rizzearch</kbd>" in text


def test_mixed_reader_digest_round_trips_exactly(seed_lib, tmp_path):
    """One digest of every reader's notes: `<kbd>@reader</kbd>` labels and paragraph breaks come back."""
    path = tmp_path / "digest.md"
    path.write_text(_export(seed_lib), encoding="utf-8")
    again = build_library(tmp_path / "again.db", [str(path)])
    before, after = papers_by_id(seed_lib), papers_by_id(again)
    assert_round_trip(before, after)
    notes = [n for p in after.values() for n in p["notes"]]
    assert sum(n["reader"] == "rizzearch" for n in notes) == 7
    assert sum("\n\n" in n["text"] for n in notes) >= 7  # the Telegram posts keep their paragraphs
    assert not any(f.startswith("@") for n in notes for f in n["flags"])


def test_per_reader_files_round_trip_readers(seed_lib, tmp_path):
    folder = tmp_path / "digests"
    written = markdown.export_per_reader(seed_lib, folder)
    assert [p.name for p in written] == ["rizzearch.md", "seeds.md"]  # a folder names its reader
    assert written[0].read_text(encoding="utf-8").startswith('---\nreader: "rizzearch"\n---\n# ')
    again = build_library(tmp_path / "again.db", [str(folder)])
    before, after = papers_by_id(seed_lib), papers_by_id(again)
    assert set(after) == set(before)
    for pid, paper in before.items():
        assert note_keys(after[pid]) == note_keys(paper), paper["title"]


def test_reader_filter_writes_that_readers_digest(seed_lib):
    text = _export(seed_lib, ExportOptions(filter=PaperFilter(reader="rizzearch")))
    assert text.startswith('---\nreader: "rizzearch"\n---\n')
    assert "<kbd>" not in text and "[想法]" not in text  # the seed-000 notes are not rizzearch's


def test_first_mention_keeps_a_title_derived_id(tmp_path):
    """A paper first noted without any id, later with an arXiv link, keeps its title-derived id."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a_blog.md").write_text(
        "# Reading\n## RL\n"
        "* 2023 - [Decision Transformer: Reinforcement Learning via Sequence Modeling]"
        "(https://sites.google.com/berkeley.edu/decision-transformer)\n  * return-conditioned policy, no TD learning\n"
        "* 2022 - [Training Compute-Optimal Large Language Models](https://arxiv.org/abs/2203.15556)\n"
        "  * 20 tokens per parameter\n"
        "* 2021 - [Offline Reinforcement Learning with Implicit Q-Learning](https://arxiv.org/abs/2110.06169)\n"
        "  * expectile regression\n", encoding="utf-8")
    (notes / "b_list.md").write_text(
        "# More\n## Sequence models\n"
        "* 2021 - [Decision Transformer: Reinforcement Learning via Sequence Modeling]"
        "(https://arxiv.org/abs/2106.01345)\n  * GPT on trajectories\n"
        "  * [想法] works with sparse rewards\n"
        "* 2022 - [Training Compute-Optimal Large Language Models](https://arxiv.org/abs/2203.15556)\n"
        "  * Chinchilla\n", encoding="utf-8")
    lib = build_library(tmp_path / "lib.db", [str(notes)])
    before = papers_by_id(lib)
    dt = next(p for p in before.values() if p["title"].startswith("Decision Transformer"))
    assert dt["arxiv_id"] == "2106.01345" and len(dt["notes"]) == 2
    assert dt["id"] == paper_id_for(NoteBlock(title=dt["title"]))  # created by the link-less note
    path = tmp_path / "digest.md"
    path.write_text(_export(lib), encoding="utf-8")
    after = papers_by_id(build_library(tmp_path / "again.db", [str(path)]))
    assert set(after) == set(before)
    assert after[dt["id"]]["arxiv_id"] == "2106.01345"
    for pid, paper in before.items():
        assert note_keys(after[pid]) == note_keys(paper)
