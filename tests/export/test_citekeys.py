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
