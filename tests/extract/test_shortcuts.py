"""The shortcuts taken for speed skip only work that could not have found anything.

Each test runs the full patterns behind a shortcut over real note lines (the seeds and
examples) and over short lines written like real notes, and checks that wherever the
shortcut skips, the full reading finds nothing either, and that what it keeps still reads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paperdex.extract import citation, links
from paperdex.extract.evidence import has_own_link, own_links_near_top, plain
from paperdex.formats.bibtex import latex_to_text
from paperdex.formats.decoding import _control_ratio
from paperdex.ids import (
    _ARXIV_LINK,
    _ARXIV_OLD_BARE,
    _ARXIV_PREFIXED,
    _DOI,
    _URL,
    find_identifiers,
    find_urls,
)
from paperdex.model import Identifier
from paperdex.segment.language import detect_language
from paperdex.titles import looks_like_title
from tests.conftest import EXAMPLES, SEED_FILES

WRITTEN = [
    "- [Attention Is All You Need](https://arxiv.org/abs/1706.03762) [[code](https://github.com/x/y)]",
    "Vaswani, A., Shazeer, N., & Polosukhin, I. (2017). Attention is all you need. NeurIPS.",
    "A. Author, B. Author and C. Author, Title of the Paper Here, EMNLP 2014. Notes follow",
    "张三, 李四. 基于深度学习的方法研究[J]. 计算机学报, 2020",
    'Smith, J. "A Quoted Title of a Paper." Journal of Things, 2019.',
    "**Bold Title of a Paper** (2021) by someone",
    "Grounding in Communication (Clark and Brennan, 1991)",
    "see arXiv:2106.01345 for details",
    "old style hep-th/9901001 and doi 10.1145/3366423.3380211",
    "Deep Residual Learning for Image Recognition",
    "Regularization to encourage the heatmap blobs to resemble a gaussian shape",
    "<https://openreview.net/forum?id=abc> and www.example.org",
    "Prices: 50% & more -- see § 2 #tag",
]


def _note_lines() -> list[str]:
    files = [p for p in SEED_FILES.values() if p.exists()]
    files += [p for p in sorted(Path(EXAMPLES).rglob("*")) if p.is_file() and p.suffix in (".md", ".txt", ".bib")]
    lines = [line for p in files for line in p.read_text(encoding="utf-8", errors="replace").split("\n")]
    if not lines:
        pytest.skip("no seeds or examples here")
    return lines + WRITTEN


LINES = _note_lines()


def test_lines_without_link_marks_hold_no_link() -> None:
    skipped = [line for line in LINES if "](" not in line and "://" not in line]
    assert skipped and len(skipped) < len(LINES)
    for line in skipped:
        assert links.find_links(line) == ()
        assert not links._MD_LINK.search(line) and not links._ANGLE.search(line) and not find_urls(line), line
    for line in LINES:
        if find_urls(line) or links._MD_LINK.search(line):
            assert links.find_links(line), line
    assert [link.url for link in links.find_links(WRITTEN[0])] == ["https://arxiv.org/abs/1706.03762",
                                                                   "https://github.com/x/y"]


def test_identifier_scans_skipped_only_where_they_find_nothing() -> None:
    for line in LINES:
        has_arxiv = "arxiv" in line.lower()
        if "://" not in line:
            assert not _URL.search(line), line
        if not has_arxiv:
            assert not _ARXIV_LINK.search(line) and not _ARXIV_PREFIXED.search(line), line
        if not re.search(r"/\d{7}", line):
            assert not _ARXIV_OLD_BARE.search(line), line
        if "10." not in line or "/" not in line:
            assert not _DOI.search(line), line
        if "/" not in line and not has_arxiv:
            assert find_identifiers(line) == []
    found = find_identifiers(" ".join(WRITTEN[7:9]))
    assert found == [Identifier("arxiv", "2106.01345"), Identifier("arxiv", "hep-th/9901001"),
                     Identifier("doi", "10.1145/3366423.3380211")]


def test_citation_grammars_skipped_only_where_none_matches() -> None:
    skipped = 0
    for line in LINES:
        raw = citation._NUMBER.sub("", citation._SPACES.sub(" ", plain(line, keep_emphasis=True)).strip())
        if len(raw) < 15 or citation._GRAMMAR_MARK.search(raw) or raw.count(", ") >= 2:
            continue
        skipped += 1
        assert not citation._BOLD.search(raw) and not citation._GBT.match(raw) and not citation._QUOTED.search(raw)
        assert not any(p.search(raw) for p in (citation._AUTHOR_YEAR_COLON, citation._TITLE_PAREN,
                                               citation._TITLE_BY, citation._PAREN_YEAR)), raw
        assert len(citation._sentences(raw)) < 2 and citation._comma_style(raw) is None, raw
        assert citation.parse_citation(raw) is None
    assert skipped > 0
    styles = [citation.parse_citation(plain(line, keep_emphasis=True)) for line in WRITTEN[1:7]]
    assert [c.style if c else None for c in styles] == ["apa", "comma", "gbt7714", "quoted", "bold", "title-cite"]
    assert styles[1].title == "Title of the Paper Here"


def test_section_body_link_test_agrees_with_the_link_list() -> None:
    text = "\n".join(LINES)
    chunks = [text[i:i + 2000] for i in range(0, len(text), 2000)]
    for chunk in chunks:
        assert has_own_link(chunk) == bool(own_links_near_top(chunk, lines=chunk.count("\n") + 1))
    assert has_own_link("Intro\n[Paper](https://arxiv.org/abs/1706.03762)")
    assert not has_own_link("Intro\nno links at all\n")


@pytest.mark.parametrize("value", ["Plain Title -- With Dashes", "50% & more #1", "line one\n  line   two",
                                   "Ünïcode Tïtle", "tab\tand\u00a0nbsp"])
def test_plain_bibtex_fields_read_as_before(value: str) -> None:
    # Without markup the escaped reading and the plain reading agree; the shortcut takes the plain one.
    for keep in (False, True):
        if keep:
            expected = "\n".join(re.sub(r"[ \t]+", " ", line).strip()
                                 for line in value.replace("\u00a0", " ").splitlines()).strip()
        else:
            expected = " ".join(value.replace("\u00a0", " ").split())
        assert latex_to_text(value, keep_lines=keep) == expected
    assert latex_to_text(r"Caf\'e {BERT}") == "Café BERT"


def test_language_of_ascii_text() -> None:
    assert detect_language("Regularization to encourage the heatmap blobs") == "en"
    assert detect_language("1234 -- 5678 (42)") is None
    assert detect_language("用 IQL 训练 NLP 模型") == "zh"
    assert detect_language("Обзор статей про IQL и SAC") == "ru"


def test_control_ratio_counts_control_bytes() -> None:
    data = b"text\twith\nnewlines\r\x1b[0m and \x00\x01\x7f" + bytes(range(32))
    bad = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13, 27))
    assert _control_ratio(data) == bad / len(data)
    assert _control_ratio(b"") == 0.0


def test_title_test_counts_letters_as_before() -> None:
    assert looks_like_title("Deep Residual Learning for Image Recognition")
    assert not looks_like_title("深度学习 Deep Residual Learning 图像")
    assert not looks_like_title("Обзор статей про Deep Learning и SAC сегодня")
    assert not looks_like_title("12345 67890 13579 24680")


MORE_WRITTEN = [
    "Costs $5 or \\alpha {x} at www.example.org and http://a.b",
    "A Title (Author et al., 2020).",
    "A Title (Author et al., 2020) ; ",
    "Title, Herb Clark and Susan Brennan. (Clark et al., 1991)",
    "texts.Political Analysis of things. e.g. Dr. Who? Yes! x).Yz",
    "see <kbd>Ctrl</kbd> | cell | https://x.org/a_(b)_c). and [y](https://arxiv.org/abs/2106.01345))",
    "Springer (Autonomous Robots)",
    "ref 10.1145/3366423.3380211 and arXiv 2106.01345 and 1234.56789",
]
ALL = LINES + MORE_WRITTEN


def test_markup_check_agrees_with_its_pattern() -> None:
    from paperdex.titles import _MARKUP, _has_markup

    for line in ALL:
        assert _has_markup(line) == bool(_MARKUP.search(line)), line


def test_title_part_split_skipped_only_where_nothing_splits() -> None:
    from paperdex.extract.evidence import _TITLE_END

    for line in ALL:
        if "[" not in line and "<kbd>" not in line and "|" not in line and "://" not in line:
            assert _TITLE_END.split(line, maxsplit=1)[0] == line, line


def test_citation_shortcuts_agree_with_the_full_patterns() -> None:
    old_end = re.compile(r"[.?!](?=\s+|$)|(?<=[a-z)])\.(?=[A-Z][a-z])")
    for line in ALL:
        text = plain(line, keep_emphasis=True)
        raw = " ".join(text.split())
        assert raw == citation._SPACES.sub(" ", text).strip()
        assert [m.span() for m in citation._SENTENCE_END.finditer(line)] == [m.span() for m in old_end.finditer(line)]
        if len(raw) < 15:
            continue
        closes = (raw[:-1] if raw[-1] in ".;," else raw).rstrip().endswith(")")
        if not closes:
            assert not citation._TITLE_PAREN.match(raw) and not citation._TITLE_BY.match(raw), raw
    assert citation.parse_citation(MORE_WRITTEN[1]).style == "title-cite"
    assert citation._sentences(MORE_WRITTEN[4])[0] == "texts."


def test_id_scan_skipped_only_where_it_finds_nothing() -> None:
    from paperdex.extract.evidence import _may_hold_id, _strip_images

    for line in ALL:
        if not _may_hold_id(line):
            assert not [i for i in find_identifiers(_strip_images(line)) if i.scheme in ("arxiv", "doi")], line
    assert _may_hold_id(MORE_WRITTEN[-1])


def test_label_paren_cut_skipped_only_without_a_closing_paren() -> None:
    from paperdex.extract.evidence import _TRAILING_PAREN, is_label

    for line in ALL:
        if ")" not in line and "）" not in line:
            assert not _TRAILING_PAREN.search(line), line
    assert is_label("Springer（Autonomous Robots）")


def test_link_masking_and_url_tails_as_by_characters() -> None:
    from paperdex.extract.links import _blanked
    from paperdex.ids import _CLOSERS, _TRAILING, _trim_url_tail

    def masked(text: str, spans: list[tuple[int, int]]) -> str:
        chars = list(text)
        for a, b in spans:
            chars[a:b] = " " * (b - a)
        return "".join(chars)

    def trimmed(url: str) -> str:
        depth: dict[str, int] = {}
        for i, ch in enumerate(url):
            if ch in "([{<":
                depth[ch] = depth.get(ch, 0) + 1
            elif ch in _CLOSERS:
                if depth.get(_CLOSERS[ch], 0) == 0:
                    url = url[:i]
                    break
                depth[_CLOSERS[ch]] -= 1
        return url.rstrip(_TRAILING)

    text = "[![b](i)](t) <https://x.org/[a](b)> and https://y.org/(c)"
    for spans in ([], [(0, 12), (1, 8)], [(13, 36), (25, 31)], [(5, 5), (0, 3), (2, 9)]):
        assert _blanked(text, spans) == masked(text, spans)
    for url in ("https://x.org/a_(b)_c).", "https://x.org/a)", "https://x.org/[a]]", "https://x.org/{a}>,",
                "https://x.org/plain", "https://x.org/<a>)("):
        assert _trim_url_tail(url) == trimmed(url), url
    for line in ALL:
        for url in _URL.findall(line):
            assert _trim_url_tail(url) == trimmed(url), url


def test_latex_values_read_as_with_a_fresh_macro_table() -> None:
    from pylatexenc.latex2text import LatexNodes2Text

    for value in (r"Caf\'e {BERT} \emph{x}", r"\textbf{A} $x^2$ -- 50\% ~", r"\o{} and \ss{}"):
        fresh = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True).latex_to_text(
            re.sub(r"(?<!\\)([%&])", r"\\\1", value))
        assert latex_to_text(value) == " ".join(fresh.replace("\u00a0", " ").split())
        assert latex_to_text(value) == latex_to_text(value)


def test_cached_readings_are_not_changed_by_their_users() -> None:
    # Evidence.copy() shares the link and identifier lists with the cached reading: extraction must only
    # ever replace them. Read every head once, extract, and check the cached readings still hold the same.
    from paperdex.extract import clear_caches, extract
    from paperdex.extract.evidence import _head_evidence
    from paperdex.model import Document

    text = "\n".join([
        "# Reading list", "",
        "- [Attention Is All You Need](https://arxiv.org/abs/1706.03762) [[code](https://github.com/x/y)]",
        "- Deep Residual Learning for Image Recognition (He et al., 2016)", "",
        "As in [A](https://arxiv.org/abs/2106.01345) and [B](https://arxiv.org/abs/2106.01346) we see.",
        "Second line of prose.", "",
        "| Paper | Code |", "|---|---|",
        "| Some Paper Title Here | [pdf](https://arxiv.org/abs/2001.00001) |",
        "| Another Paper Title | [pdf](https://arxiv.org/abs/2001.00002) |",
    ])
    clear_caches()
    blocks = extract(Document(source="list.md", format="markdown", text=text))
    assert blocks
    heads = [line.strip() for line in text.split("\n") if line.strip()]
    heads += ["Some Paper Title Here", "Another Paper Title", text.split("\n\n")[2]]
    before = {h: tuple(map(tuple, (e.links, e.paper_links, e.note_links, e.identifiers)))
              for h in heads for e in [_head_evidence(h)]}
    extract(Document(source="list.md", format="markdown", text=text))
    after = {h: tuple(map(tuple, (e.links, e.paper_links, e.note_links, e.identifiers)))
             for h in heads for e in [_head_evidence(h)]}
    assert before == after


def test_telegram_page_test_agrees_with_its_pattern() -> None:
    from paperdex.formats.html import _TELEGRAM, _telegram_marked

    pages = ['<div class="message default clearfix">', '<div CLASS="tgme_widget">', "tgme_widget_message_text",
             "Exported from TELEGRAM DESKTOP", '<div claſs="history">', "TGME_WİDGET_MESSAGE", "tgme_wıdget_message",
             "<html><body><p>Plain page</p></body></html>", 'class="other"', ""]
    for text in pages + LINES:
        assert _telegram_marked(text) == bool(_TELEGRAM.search(text)), text


def test_title_test_counts_as_by_characters() -> None:
    from paperdex.titles import _ascii_letters

    odd = ["a\u00a0b\u2003c\td", "Ωmega ж日本 é", "  ", "x\u2028y\x1cz", "\u017f\u212a\u0130 K", "\ud800ab"]
    for text in ALL + odd:
        assert sum(map(len, text.split())) == len(text) - sum(map(str.isspace, text)), text
        assert _ascii_letters(text) == len(re.findall(r"[A-Za-z]", text)), text
        assert _ascii_letters(text) == sum(map(str.isalpha, filter(str.isascii, text))), text


def test_plain_skips_the_mark_pattern_only_without_marks() -> None:
    from paperdex.extract.evidence import _CODE_MARKS, _MARKS, _TAG

    def full(text: str, keep: bool) -> str:
        out = text
        for link in reversed(links.find_links(text)):
            out = out[: link.start] + ("" if links.is_image(link) else link.text) + out[link.end:]
        out = _TAG.sub(" ", out) if "<" in out else out
        return " ".join((_CODE_MARKS if keep else _MARKS).sub("", out).split())

    for line in [*ALL, "**bold** and __under__ ~~gone~~ `code`", "*~~*", "a ** b"]:
        for keep in (False, True):
            assert plain(line, keep_emphasis=keep) == full(line, keep), line


def test_host_lists_are_matched_by_domain_level() -> None:
    """links._suffixes against the suffix test it replaced: a host is listed, or below a listed host."""
    hosts = ["arxiv.org", "export.arxiv.org", "xarxiv.org", "arxiv.org.evil.com", "a..arxiv.org", "arxiv.org.",
             "github.com", "gist.github.com", "notgithub.com", "org", "", "www.nature.com", "proceedings.mlr.press"]
    hosts += [links.host_of(link.url) for text in ALL for link in links.find_links(text)]
    for host in hosts:
        for listed, as_set in ((links.PAPER_HOSTS, links._PAPER_HOSTS), (links.NON_PAPER_HOSTS, links._NON_PAPER_HOSTS)):
            old = any(host == h or host.endswith("." + h) for h in listed)
            assert (not as_set.isdisjoint(links._suffixes(host))) == old, host


def test_dedent_returns_what_cutting_the_common_indent_gives() -> None:
    from paperdex.extract.blocks import _dedent

    def full(text: str) -> str:
        lines = text.split("\n")
        cut = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
        return "\n".join(ln[cut:] for ln in lines)

    for text in [*ALL, "", "\n\n", "  a\n    b\n\n  c", "\ta\n\t\tb", "  a\nb", "   \n  x\n", " \u3000a\n  b"]:
        assert _dedent(text) == full(text), text
