"""Identifier finding and normalisation, table-driven on links and phrases seen in real notes."""

from __future__ import annotations

import pytest

from paperdex.ids import (
    arxiv_version,
    find_identifiers,
    find_urls,
    identifier_from_url,
    normalize_arxiv,
    normalize_doi,
    normalize_openreview,
    primary_identifier,
)
from paperdex.model import Identifier
from tests.conftest import CORPORA, read_seed

URL_CASES = [
    ("https://arxiv.org/abs/2406.10454v2", "arxiv", "2406.10454"),
    ("http://arxiv.org/abs/1512.03385", "arxiv", "1512.03385"),
    ("http://export.arxiv.org/pdf/1703.03400.pdf", "arxiv", "1703.03400"),
    ("https://arxiv.org/pdf/2305.18290v3.pdf", "arxiv", "2305.18290"),
    ("https://arxiv.org/pdf/2305.18290v3", "arxiv", "2305.18290"),
    ("https://arxiv.org/html/2406.10454v1", "arxiv", "2406.10454"),
    ("https://arxiv.org/abd/2412.04463", "arxiv", "2412.04463"),  # typo from patrick-llgc README
    ("https://arxiv.org/abs/2205.01068?source=techstories.org", "arxiv", "2205.01068"),
    ("https://www.arxiv.org/abs/1409.0473", "arxiv", "1409.0473"),
    ("https://arxiv.org/abs/astro-ph/0601001v1", "arxiv", "astro-ph/0601001"),
    ("https://arxiv.org/abs/math.GT/0309136", "arxiv", "math/0309136"),
    ("https://huggingface.co/papers/2310.06825", "arxiv", "2310.06825"),
    ("https://doi.org/10.1007/978-3-030-04212-7_44", "doi", "10.1007/978-3-030-04212-7_44"),
    ("https://doi.org/10.1109/TITS.2019.2890870", "doi", "10.1109/tits.2019.2890870"),
    ("http://dx.doi.org/10.1038/nature14236", "doi", "10.1038/nature14236"),
    ("https://www.nature.com/articles/nature16961", "doi", "10.1038/nature16961"),
    ("https://www.nature.com/articles/nature20101.epdf?author_access_token=x", "doi", "10.1038/nature20101"),
    ("https://dl.acm.org/doi/abs/10.1145/3503161.3547915", "doi", "10.1145/3503161.3547915"),
    ("https://dl.acm.org/doi/10.1145/3503161.3547915", "doi", "10.1145/3503161.3547915"),
    ("https://openreview.net/pdf?id=aBH_DydEvoH", "openreview", "aBH_DydEvoH"),
    ("http://openreview.net/forum?id=B16dGcqlx", "openreview", "B16dGcqlx"),
    ("https://openreview.net/forum?id=B16dGcqlx&noteId=xyz12", "openreview", "B16dGcqlx"),
    (
        "https://openaccess.thecvf.com/content/CVPR2021/html/"
        "Ding_RepVGG_Making_VGG-Style_ConvNets_Great_Again_CVPR_2021_paper.html",
        "cvf",
        "CVPR2021/Ding_RepVGG_Making_VGG-Style_ConvNets_Great_Again",
    ),
    (
        "https://openaccess.thecvf.com/content/CVPR2021/papers/"
        "Ding_RepVGG_Making_VGG-Style_ConvNets_Great_Again_CVPR_2021_paper.pdf",
        "cvf",
        "CVPR2021/Ding_RepVGG_Making_VGG-Style_ConvNets_Great_Again",
    ),
    (
        "http://openaccess.thecvf.com/content_cvpr_2018/papers/Luo_Fast_and_Furious_CVPR_2018_paper.pdf",
        "cvf",
        "CVPR2018/Luo_Fast_and_Furious",
    ),
    (
        "http://openaccess.thecvf.com/content_CVPRW_2019/papers/Precognition/"
        "Hudnell_Robust_Aleatoric_Modeling_for_Future_Vehicle_Localization_CVPRW_2019_paper.pdf",
        "cvf",
        "CVPRW2019/Hudnell_Robust_Aleatoric_Modeling_for_Future_Vehicle_Localization",
    ),
    (
        "http://openaccess.thecvf.com/content_ICCV_2017_workshops/papers/w3/"
        "Rasouli_Are_They_Going_ICCV_2017_paper.pdf",
        "cvf",
        "ICCVW2017/Rasouli_Are_They_Going",
    ),
    ("https://aclanthology.org/2023.acl-long.1/", "acl", "2023.acl-long.1"),
    ("https://aclanthology.org/2023.acl-long.1.pdf", "acl", "2023.acl-long.1"),
    ("https://aclanthology.org/P18-1001.pdf", "acl", "P18-1001"),
    ("https://www.aclweb.org/anthology/P18-1001", "acl", "P18-1001"),
    ("http://proceedings.mlr.press/v78/bajcsy17a/bajcsy17a.pdf", "pmlr", "v78/bajcsy17a"),
    ("https://proceedings.mlr.press/v139/sun21b.html", "pmlr", "v139/sun21b"),
    (
        "https://papers.nips.cc/paper/2020/file/aab085461de182608ee9f607f3f7d18f-Paper.pdf",
        "neurips",
        "aab085461de182608ee9f607f3f7d18f",
    ),
    (
        "https://proceedings.neurips.cc/paper_files/paper/2020/hash/"
        "aab085461de182608ee9f607f3f7d18f-Abstract.html",
        "neurips",
        "aab085461de182608ee9f607f3f7d18f",
    ),
    ("https://papers.nips.cc/paper/5656-hidden-technical-debt-in-machine-learning-systems.pdf", "neurips", "5656"),
]

NOT_PAPERS = [
    "https://github.com/openai/baselines",
    "https://zhuanlan.zhihu.com/p/667166489",
    "https://medium.com/@patrickllgc/review-of-mono3d",
    "http://openaccess.thecvf.com/",
    "https://openreview.net/group?id=ICLR.cc/2024/Conference",
    "https://arxiv.org/list/cs.LG/recent",
    "https://www.bilibili.com/video/BV1pu411o7BE",
]


@pytest.mark.parametrize(("url", "scheme", "value"), URL_CASES)
def test_identifier_from_url(url: str, scheme: str, value: str) -> None:
    assert identifier_from_url(url) == Identifier(scheme, value)


@pytest.mark.parametrize("url", NOT_PAPERS)
def test_links_that_are_not_papers(url: str) -> None:
    assert identifier_from_url(url) is None


TEXT_CASES = [
    ("论文见arXiv:2406.10454。", ["arxiv:2406.10454"]),
    ("arXiv preprint arXiv:2310.17596, 2023.", ["arxiv:2310.17596"]),
    ("- arxiv:https://arxiv.org/abs/1703.03400", ["arxiv:1703.03400"]),
    ("see astro-ph/0601001 and hep-th/9901001v2", ["arxiv:astro-ph/0601001", "arxiv:hep-th/9901001"]),
    ("In ACM MM 2022. 10.1145/3503161.3547915.", ["doi:10.1145/3503161.3547915"]),
    ("https://doi.org/10.48550/arXiv.2312.07559", ["doi:10.48550/arxiv.2312.07559", "arxiv:2312.07559"]),
    ("doi: 10.48550/arXiv.2312.07559", ["doi:10.48550/arxiv.2312.07559", "arxiv:2312.07559"]),
    ("GPT-3.5 gets 0.15 second per step, 2.5 and 1706.03762 without prefix", []),
    ("arxiv.org/abd/2412.04463 typo", ["arxiv:2412.04463"]),
    (
        "[RepVGG](https://arxiv.org/abs/2101.03697) [[code](https://github.com/DingXiaoH/RepVGG)]"
        " [[cvpr](https://openaccess.thecvf.com/content/CVPR2021/html/"
        "Ding_RepVGG_Making_VGG-Style_ConvNets_Great_Again_CVPR_2021_paper.html)]",
        ["arxiv:2101.03697", "cvf:CVPR2021/Ding_RepVGG_Making_VGG-Style_ConvNets_Great_Again"],
    ),
    ("(https://doi.org/10.1016/S0140-6736(20)30183-5).", ["doi:10.1016/s0140-6736(20)30183-5"]),
    ("arXiv:2406.10454 and again https://arxiv.org/pdf/2406.10454v3", ["arxiv:2406.10454"]),
]


@pytest.mark.parametrize(("text", "keys"), TEXT_CASES)
def test_find_identifiers(text: str, keys: list[str]) -> None:
    assert [i.key for i in find_identifiers(text)] == keys


def test_find_urls_strips_markdown_and_punctuation() -> None:
    text = (
        "* 2024 - [Title](https://arxiv.org/abs/2401.00001), see https://github.com/a/b. "
        "<https://example.org/x> 见https://zhuanlan.zhihu.com/p/1。[w](https://en.wikipedia.org/wiki/A_(b)) "
        "again https://arxiv.org/abs/2401.00001"
    )
    assert find_urls(text) == [
        "https://arxiv.org/abs/2401.00001",
        "https://github.com/a/b",
        "https://example.org/x",
        "https://zhuanlan.zhihu.com/p/1",
        "https://en.wikipedia.org/wiki/A_(b)",
    ]


@pytest.mark.parametrize(
    ("raw", "value", "version"),
    [
        ("2406.10454", "2406.10454", None),
        ("arXiv:2406.10454v2", "2406.10454", 2),
        ("https://arxiv.org/pdf/1706.03762v7.pdf", "1706.03762", 7),
        ("1409.0473", "1409.0473", None),
        ("astro-ph/0601001", "astro-ph/0601001", None),
        ("hep-th/9901001v2", "hep-th/9901001", 2),
        ("math.GT/0309136", "math/0309136", None),
        ("10.48550/arXiv.2312.07559", "2312.07559", None),
        ("3.5", None, None),
        ("2413.00001", None, None),  # no 13th month
        ("", None, None),
    ],
)
def test_normalize_arxiv(raw: str, value: str | None, version: int | None) -> None:
    assert normalize_arxiv(raw) == value
    assert arxiv_version(raw) == version
    if value is not None:
        assert normalize_arxiv(value) == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("10.1145/3503161.3547915", "10.1145/3503161.3547915"),
        ("https://doi.org/10.1109/TITS.2020.3016304", "10.1109/tits.2020.3016304"),
        ("doi:10.1109/TITS.2020.3016304.", "10.1109/tits.2020.3016304"),
        ("DOI: 10.1038/nature14236;", "10.1038/nature14236"),
        ("10.1016/S0140-6736(20)30183-5)", "10.1016/s0140-6736(20)30183-5"),
        ("https://doi.org/10.1007%2F978-3-030-04212-7_44", "10.1007/978-3-030-04212-7_44"),
        ("not a doi", None),
        ("11.1234/abc", None),
    ],
)
def test_normalize_doi(raw: str, value: str | None) -> None:
    assert normalize_doi(raw) == value
    if value is not None:
        assert normalize_doi(value) == value


def test_normalize_openreview_keeps_case() -> None:
    assert normalize_openreview("https://openreview.net/forum?id=aBH_DydEvoH") == "aBH_DydEvoH"
    assert normalize_openreview("aBH_DydEvoH") == "aBH_DydEvoH"
    assert normalize_openreview("https://openreview.net/forum") is None
    assert normalize_openreview("a b") is None


def test_primary_identifier_follows_scheme_order() -> None:
    ids = [Identifier("cvf", "CVPR2021/X"), Identifier("doi", "10.1/x"), Identifier("arxiv", "2101.03697")]
    assert primary_identifier(ids) == Identifier("arxiv", "2101.03697")
    assert primary_identifier(ids[:2]) == Identifier("doi", "10.1/x")
    assert primary_identifier([]) is None


def test_every_identifier_value_is_a_fixed_point_on_real_notes() -> None:
    texts = [read_seed(name) for name in ("readme", "blog", "lark", "telegram")]
    texts.append((CORPORA / "patrick-llgc__Learning-Deep-Learning" / "README.md").read_text(encoding="utf-8"))
    texts.append((CORPORA / "dennybritz__deeplearning-papernotes" / "README.md").read_text(encoding="utf-8"))
    found = [ident for text in texts for ident in find_identifiers(text)]
    assert len({i for i in found if i.scheme == "arxiv"}) > 1000
    for ident in found:
        if ident.scheme == "arxiv":
            assert normalize_arxiv(ident.value) == ident.value
        elif ident.scheme == "doi":
            assert normalize_doi(ident.value) == ident.value
        elif ident.scheme == "openreview":
            assert normalize_openreview(ident.value) == ident.value


def test_no_arxiv_ids_from_the_lecture_notes() -> None:
    # Seed 002 is full of numbers ("0.5", "1.0", equations) but cites no paper by id.
    assert [i for i in find_identifiers(read_seed("lecture")) if i.scheme == "arxiv"] == []
