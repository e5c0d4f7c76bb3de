"""Obsidian vault: safe names, front matter, wikilinks, golden files, and `add` of the vault."""

from __future__ import annotations

import re
from datetime import date

import yaml

from paperdex.export import obsidian
from paperdex.export.obsidian import safe_name, unique_names
from paperdex.formats.markdown import split_front_matter
from paperdex.library.store import iter_papers
from tests.export.helpers import assert_round_trip, build_library, check_golden, papers_by_id, tree_text


def test_safe_names():
    assert safe_name("ToolChain*: Efficient Action Space Navigation") == "ToolChain Efficient Action Space Navigation"
    assert safe_name('a/b\\c:d*e?f"g<h>i|j#k^l[m]n') == "a b c d e f g h i j k l m n"
    assert safe_name("CON") == "CON_" and safe_name("...") == "Untitled"
    long = safe_name("强化学习" * 100)
    assert len(long.encode("utf-8")) <= obsidian.MAX_NAME_BYTES and long.startswith("强化学习")
    names = unique_names([("p2", "Attention", "2024"), ("p1", "attention", "2023"), ("p3", "Attention", "2025")])
    assert names == {"p1": "attention", "p2": "Attention (2)", "p3": "Attention (3)"}


def test_golden_and_deterministic(seed_lib):
    papers = list(iter_papers(seed_lib))
    files = obsidian.build(papers, "Paper notes")
    assert files == obsidian.build(list(iter_papers(seed_lib)), "Paper notes")
    # The day the library was built is not part of the golden file.
    check_golden("seeds.obsidian.txt", re.sub(r"(?m)^added: \d{4}-\d{2}-\d{2}$", "added: DATE", tree_text(files)))


def test_front_matter_and_sections(seed_lib, tmp_path):
    obsidian.export(seed_lib, tmp_path / "vault")
    papers = list(iter_papers(seed_lib))
    notes = sorted((tmp_path / "vault" / "papers").glob("*.md"))
    assert len(notes) == len(papers)
    chinchilla = (tmp_path / "vault" / "papers" / "Training Compute-Optimal Large Language Models.md")
    meta, body, _ = split_front_matter(chinchilla.read_text(encoding="utf-8"))
    assert meta["arxiv"] == "2203.15556" and meta["year"] == 2022 and meta["tags"] == ["LLM"]
    assert meta["identifiers"] == {"arxiv": "2203.15556"} and meta["paperdex"].startswith("p")
    assert "[想法] 论文观感相当好" in body
    index = (tmp_path / "vault" / "sections" / "LLM.md").read_text(encoding="utf-8")
    assert "[[papers/Training Compute-Optimal Large Language Models|Training Compute-Optimal" in index
    # Every front matter block is YAML a vault tool can read.
    for path in notes:
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1]), dict)


def test_user_notes_in_the_vault_are_kept(seed_lib, tmp_path):
    vault = tmp_path / "vault"
    (vault / "papers").mkdir(parents=True)
    mine = vault / "papers" / "My own thoughts.md"
    mine.write_text("# My own thoughts\n", encoding="utf-8")
    obsidian.export(seed_lib, vault)
    assert mine.exists()


def test_wikilinks_between_papers_that_mention_each_other(tmp_path):
    notes = tmp_path / "notes.md"
    notes.write_text(
        "# Notes\n## RL\n"
        "* 2021 - [Decision Transformer: Reinforcement Learning via Sequence Modeling]"
        "(https://arxiv.org/abs/2106.01345)\n  * offline RL as sequence modeling\n"
        "* 2022 - [Online Decision Transformer](https://arxiv.org/abs/2202.05607)\n"
        "  * fine-tunes a pretrained Decision Transformer: Reinforcement Learning via Sequence Modeling online\n"
        "  * compare with arXiv:2110.06169\n"
        "* 2021 - [Offline Reinforcement Learning with Implicit Q-Learning](https://arxiv.org/abs/2110.06169)\n"
        "  * expectile regression\n", encoding="utf-8")
    lib = build_library(tmp_path / "lib.db", [str(notes)])
    files = obsidian.build(list(iter_papers(lib)), "Notes")
    meta, _, _ = split_front_matter(files["papers/Online Decision Transformer.md"])
    assert meta["related"] == [
        "[[papers/Decision Transformer Reinforcement Learning via Sequence Modeling|"
        "Decision Transformer: Reinforcement Learning via Sequence Modeling]]",
        "[[papers/Offline Reinforcement Learning with Implicit Q-Learning|"
        "Offline Reinforcement Learning with Implicit Q-Learning]]",
    ]
    dt, _, _ = split_front_matter(files["papers/Decision Transformer Reinforcement Learning via Sequence Modeling.md"])
    assert "related" not in dt  # it mentions no one


def test_round_trip_gives_same_papers_and_notes(seed_lib, tmp_path):
    vault = tmp_path / "vault"
    obsidian.export(seed_lib, vault)
    again = build_library(tmp_path / "again.db", [str(vault / "papers")])
    before, after = papers_by_id(seed_lib), papers_by_id(again)
    assert_round_trip(before, after)
    several = [p for p in after.values() if len(p["notes"]) > 1]
    assert len(several) == 3  # the papers noted twice come back as two notes, not one
    assert sum(len(n["thoughts"]) for p in after.values() for n in p["notes"]) >= 15


def test_part_headings_tell_reader_from_section(tmp_path):
    """A paper with notes by a reader and by nobody: `## alice · RL` and `## RL` parts, no `reader:` key."""
    notes = tmp_path / "notes"
    notes.mkdir()
    entry = ("* 2021 - [Offline Reinforcement Learning with Implicit Q-Learning]"
             "(https://arxiv.org/abs/2110.06169)\n"
             "  * expectile regression on the value function\n")
    (notes / "alice.md").write_text("---\nreader: alice\n---\n# Reading\n## RL\n" + entry
                                    + "  * [想法] never queries out-of-sample actions\n"
                                    "* 2022 - [Training Compute-Optimal Large Language Models]"
                                    "(https://arxiv.org/abs/2203.15556)\n  * 20 tokens per parameter\n",
                                    encoding="utf-8")
    (notes / "lab.md").write_text("# Lab list\n## RL\n" + entry.replace("value function", "value function\n\n"
                                  "  * AWR for the policy") + "## Old\n" + entry, encoding="utf-8")
    lib = build_library(tmp_path / "lib.db", [str(notes)])
    before = papers_by_id(lib)
    files = obsidian.build(list(iter_papers(lib)), "Notes")
    iql = files["papers/Offline Reinforcement Learning with Implicit Q-Learning.md"]
    meta, body, _ = split_front_matter(iql)
    assert "reader" not in meta and meta["readers"] == ["alice", "notes"] and meta["tags"] == ["Old", "RL"]
    # lab.md names no reader: its folder does ("notes"), so every part says whose it is.
    assert "## alice · RL" in body and "\n## notes · RL\n" in body and "## notes · Old" in body
    vault = tmp_path / "vault"
    obsidian.export(lib, vault)
    assert_round_trip(before, papers_by_id(build_library(tmp_path / "again.db", [str(vault / "papers")])))


def test_tags_obsidian_accepts_and_exact_sections():
    """Tags: letters, digits, `_ - /`, never digits only; `sections` keeps the names, as links."""
    assert obsidian.obsidian_tag("Base Model") == "Base-Model"
    assert obsidian.obsidian_tag("RL / Offline") == "RL/Offline"
    assert obsidian.obsidian_tag("2023") == "y2023"
    assert obsidian.obsidian_tag("2020-05") == "y2020-05"
    assert obsidian.obsidian_tag("Q&A, (VLM)!") == "Q-A-VLM"
    assert obsidian.obsidian_tag("强化学习 综述") == "强化学习-综述"
    assert obsidian.obsidian_tag("#!?") is None
    from paperdex.model import Note, Paper

    section = "Vision-Language (VLM) / 2023 picks"
    note = Note(id="n1", kind="paper", source="notes.md", text="LLaVA: GPT-4 made the data.", section=section)
    paper = Paper(id="p1", title="Visual Instruction Tuning", year=2023, notes=[note], added_at="2024-05-01T10:00:00Z")
    files = obsidian.build([paper], "Notes", {"p1": ["to cite"]})
    meta, _, _ = split_front_matter(files["papers/Visual Instruction Tuning.md"])
    valid = re.compile(r"[\w/-]*[^\W\d][\w/-]*")
    assert meta["tags"] == ["to-cite", "Vision-Language-VLM/2023-picks"]
    assert all(valid.fullmatch(t) for t in meta["tags"])
    assert meta["section"] == section
    assert meta["sections"] == [f"[[sections/{obsidian.safe_name(section)}|{section}]]"]
    assert meta["added"] == date(2024, 5, 1) and meta["year"] == 2023
    assert f"sections/{obsidian.safe_name(section)}.md" in files
