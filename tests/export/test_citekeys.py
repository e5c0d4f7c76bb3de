"""Citekeys: author-year-word, ASCII only, deduplicated the same way every run."""

from __future__ import annotations

import re

import pytest

from paperdex.export import citekeys
from paperdex.library.store import iter_papers
from paperdex.model import Paper


@pytest.mark.parametrize(("authors", "year", "title", "key"), [
    (["Fu, Z.", "Zhao, Q."], 2024, "HumanPlus: Humanoid Shadowing and Imitation from Humans", "fu2024humanplus"),
    (["Zipeng Fu"], 2024, "HumanPlus: Humanoid Shadowing", "fu2024humanplus"),
    (["Müller, Thomas"], 2022, "Instant Neural Graphics Primitives", "muller2022instant"),
    (["Fu Z."], 2024, "The Power of Scale", "fu2024power"),
    ([], 2024, "ToolChain*: Efficient Action Space Navigation", "toolchain2024"),
    ([], None, "On the Opportunities and Risks of Foundation Models", "opportunities"),
    (["张三"], 2023, "基于大模型的推理", "zhang2023jiyu"),
    (["Иван Петров"], 2021, "Обучение с подкреплением", "petrov2021obuchenie"),
    (["Wang Wei"], 2021, "强化学习综述", "wei2021qianghua"),
    ([], 2021, "注意力", "zhuyi2021"),
    ([], None, "", "paperp0000000001"),
    (["Kingma, D. P."], 2014, "3D Gaussian splatting", "kingma20143d"),
])
def test_base_key(authors, year, title, key):
    assert citekeys.base_key(Paper(id="p0000000001", title=title, authors=authors, year=year)) == key


def test_duplicates_get_suffixes_in_order_of_arrival():
    papers = [
        Paper(id="pb", title="Deep Learning", authors=["LeCun, Y."], year=2015, added_at="2024-01-02"),
        Paper(id="pa", title="Deep learning scaling", authors=["LeCun, Y."], year=2015, added_at="2024-01-03"),
        Paper(id="pc", title="Deep nets", authors=["LeCun, Y."], year=2015, added_at="2024-01-01"),
        Paper(id="pd", title="Other", authors=["Bengio, Y."], year=2015, added_at="2024-01-01"),
    ]
    keys = citekeys.assign(papers)
    assert keys == {"pc": "lecun2015deep", "pb": "lecun2015deepa", "pa": "lecun2015deepb", "pd": "bengio2015other"}
    assert citekeys.assign(list(reversed(papers))) == keys


def test_seed_keys_are_unique_and_safe(seed_lib):
    papers = list(iter_papers(seed_lib))
    keys = citekeys.assign(papers)
    assert len(keys) == len(papers) == len(set(keys.values()))
    # JabRef's illegal key characters and biber's % and = never appear: only [a-z0-9].
    assert all(re.fullmatch(r"[a-z][a-z0-9]*", k) for k in keys.values()), keys
    by_title = {p.title: keys[p.id] for p in papers}
    assert by_title["Training Compute-Optimal Large Language Models"] == "training2022"
    assert any(k.startswith("fu2024humanplus") for k in keys.values())


def test_user_key_wins_and_is_kept_unique():
    from paperdex.model import Note

    def paper(pid, title, added, key=None):
        fields = {"citation_key": key} if key else {}
        return Paper(id=pid, title=title, authors=["Vaswani, A."], year=2017, added_at=added,
                     notes=[Note(id="n" + pid, kind="paper", source="x", text="", fields=fields)])

    papers = [
        paper("p1", "Attention Is All You Need", "2024-01-02", key="vaswani2017attention"),
        paper("p2", "Attention Is Not Enough", "2024-01-01"),  # base key vaswani2017attention, taken
        paper("p3", "Attention again", "2024-01-03", key="Vaswani2017Attention"),  # clashes (case)
        paper("p4", "Bad key", "2024-01-04", key="has space, comma"),  # not a usable key
    ]
    keys = citekeys.assign(papers)
    assert keys["p1"] == "vaswani2017attention"
    assert keys["p2"] == "vaswani2017attentiona"
    assert keys["p3"] == "vaswani2017attentionb"
    assert keys["p4"] == "vaswani2017bad"


def test_keys_stable_across_readds_and_new_papers(tmp_path):
    """Adding papers never renames a key; re-adding an exported .bib elsewhere gives the same keys."""
    import io

    from paperdex.export import bibtex
    from tests.export.helpers import build_library

    first = tmp_path / "first.csl.json"
    first.write_text('[{"type": "article", "title": "Deep Learning", "author": [{"family": "LeCun", '
                     '"given": "Yann"}], "issued": {"date-parts": [[2015]]}, "note": "Review."}]', encoding="utf-8")
    lib = build_library(tmp_path / "lib.db", [first.name], cwd=tmp_path)
    before = citekeys.assign(iter_papers(lib))
    later = tmp_path / "later.csl.json"
    later.write_text('[{"type": "article", "title": "Deep learning scaling", "author": [{"family": "LeCun", '
                     '"given": "Yann"}], "issued": {"date-parts": [[2015]]}, "note": "Later."}]',
                     encoding="utf-8")
    from paperdex import importer

    importer.add(lib, [str(later)], max_bytes=10**6)
    after = citekeys.assign(iter_papers(lib))
    assert {pid: after[pid] for pid in before} == before == {next(iter(before)): "lecun2015deep"}
    assert sorted(after.values()) == ["lecun2015deep", "lecun2015deepa"]
    out = io.StringIO()
    bibtex.export(lib, out)
    (tmp_path / "lib.bib").write_text(out.getvalue(), encoding="utf-8")
    # A fresh library that meets the later paper first still cites both papers by the same keys.
    other = build_library(tmp_path / "other.db", [later.name, "lib.bib"], cwd=tmp_path)
    titles = {p.id: p.title for p in iter_papers(other)}
    assert {titles[pid]: k for pid, k in citekeys.assign(iter_papers(other)).items()} == {
        "Deep Learning": "lecun2015deep", "Deep learning scaling": "lecun2015deepa"}
