"""Each bibliography export opened by the tool a researcher would open it with: pybtex, pandoc, rispy.

The library is the seeds plus tests/export/data/awkward.csl.json: titles and
notes with `% & $ # _ ^ ~ { } \\`, math, Chinese, Russian and an organisation
as author, which used to make pybtex refuse the whole file and pandoc cut
fields at the first `%`.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pybtex.database
import pybtex.errors
import pytest
import rispy

from paperdex.export import biblatex, bibtex, ris
from paperdex.export.bibtex import annote
from paperdex.export.tex import escape, unescape
from paperdex.library.store import iter_papers
from tests.export.helpers import assert_round_trip, build_library, papers_by_id

AWKWARD_KEYS = {"zhou2024", "li2023", "petrov2021", "openai2023", "nomath"}


def _export(module, lib, **kw) -> str:
    out = io.StringIO()
    module.export(lib, out)
    return out.getvalue()


def _papers(lib) -> dict:
    from paperdex.export import citekeys

    papers = list(iter_papers(lib))
    keys = citekeys.assign(papers)
    return {keys[p.id]: p for p in papers}


def as_rendered(text: str, math: bool = True) -> str:
    """What a TeX-reading tool shows for a library string: math (titles only) without its dollars."""
    return typographic(unescape(re.sub(r"(?<!\\)\$", "", escape(text, math))))


def typographic(text: str) -> str:
    """Quotes folded to ASCII: pandoc, like TeX, prints ' as a curly quote and `` '' as curly doubles."""
    text = text.replace("``", '"').replace("''", '"')
    return re.sub("[\u2018\u2019`]", "'", re.sub("[\u201c\u201d\u201e]", '"', text))


def in_order(wanted: str, text: str) -> bool:
    """Every character of `wanted` appears in `text`, in order."""
    chars = iter(text)
    return all(ch in chars for ch in wanted)


def nospace(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("module", [bibtex, biblatex], ids=["bibtex", "biblatex"])
def test_pybtex_reads_every_entry_strictly(mixed_lib, module, tmp_path):
    path = tmp_path / "library.bib"
    path.write_text(_export(module, mixed_lib), encoding="utf-8")
    pybtex.errors.set_strict_mode(True)  # any syntax error raises instead of being skipped
    data = pybtex.database.parse_file(str(path), bib_format="bibtex")
    papers = _papers(mixed_lib)
    assert set(data.entries.keys()) == set(papers)
    assert AWKWARD_KEYS <= set(papers)
    zhou = data.entries["zhou2024"]
    assert [p.last_names for p in zhou.persons["author"]] == [["Zhou"], ["Müller"]]
    knuth = data.entries["nomath"].persons["author"]
    assert len(knuth) == 2 and knuth[1].last_names == ["{Research and Development Group}"]
    for key, entry in data.entries.items():
        paper = papers[key]
        title = entry.fields["title"]
        assert title.startswith("{") and title.endswith("}"), key  # case-protected
        assert unescape(title[1:-1]) == (paper.title or "Untitled"), key


@pytest.mark.parametrize("module", [bibtex, biblatex], ids=["bibtex", "biblatex"])
def test_pandoc_keeps_every_title_and_link(mixed_lib, module, pandoc, tmp_path):
    path = tmp_path / "library.bib"
    path.write_text(_export(module, mixed_lib), encoding="utf-8")
    run = subprocess.run([pandoc, "-f", module.NAME, "-t", "csljson", str(path)],
                         capture_output=True, text=True, timeout=120, check=True)
    assert not run.stderr.strip(), run.stderr
    items = {i["id"]: i for i in json.loads(run.stdout)}
    papers = _papers(mixed_lib)
    assert set(items) == set(papers)
    checked_notes = 0
    for key, paper in papers.items():
        item = items[key]
        assert typographic(item["title"]) == as_rendered(paper.title or "Untitled"), key
        assert len(item.get("author", [])) == len(paper.authors), key
        if paper.doi:
            assert item["DOI"] == paper.doi
        text = annote(paper)
        if text and not re.search(r"[{}<>]", text):  # pandoc 2.17 drops \textbraceleft and raw HTML
            # Nothing cut or lost. Compared without whitespace, and as a subsequence: pandoc 2.17 glues
            # paragraphs together and repeats a quoted phrase after a paragraph break.
            assert in_order(nospace(as_rendered(text, math=False)), nospace(typographic(item["annote"]))), key
            checked_notes += 1
    assert checked_notes > 50
    assert items["zhou2024"]["title"] == "100% Accurate & Fast: x^2 Scaling for #1 Models_v2 ~ {Braces}"
    assert items["petrov2021"]["URL"] == "https://example.org/papers/rl-robots?id=7&lang=ru#top"
    assert "50%" in items["li2023"]["annote"] and "\\cite{x}" in items["openai2023"]["annote"]
    if module is biblatex:
        assert items["petrov2021"]["language"] == "ru-RU"


def test_biblatex_fields(mixed_lib):
    text = _export(biblatex, mixed_lib)
    entry = text[text.index("@online{openai2023,"):].split("\n}\n", 1)[0]
    assert "eprint = {2303.08774}" in entry and "eprinttype = {arxiv}" in entry
    assert "date = {2023}" in entry and "langid = {english}" in entry
    assert "@inproceedings{nomath," in text and "booktitle = {TUGboat \\& Friends}" in text
    assert "langid = {chinese}" in text[text.index("{li2023,"):].split("\n}\n", 1)[0]


def test_rispy_reads_the_same_papers(mixed_lib):
    records = rispy.loads(_export(ris, mixed_lib))
    papers = _papers(mixed_lib)
    assert len(records) == len(papers)
    by_key = {r["id"]: r for r in records}
    assert set(by_key) == set(papers)
    for key, paper in papers.items():
        record = by_key[key]
        assert record["title"] == (paper.title or "Untitled")
        assert record.get("doi") == paper.doi
        assert record.get("accession_number") == (f"arXiv:{paper.arxiv_id}" if paper.arxiv_id else None)
        assert len(record.get("notes", [])) == len(paper.notes), key  # one N1 per note, never split
        assert len(record.get("authors", [])) == len(paper.authors)
    assert by_key["zhou2024"]["authors"] == ["Zhou, Wei", "Müller, Thomas"]
    assert by_key["li2023"]["language"] == "zh"


@pytest.mark.parametrize("module", [bibtex, biblatex, ris], ids=["bibtex", "biblatex", "ris"])
def test_round_trip_keeps_papers_notes_and_keys(mixed_lib, module, tmp_path):
    """library -> file -> new library -> file: the same papers, notes, entries and keys."""
    first = tmp_path / f"first{module.SUFFIX}"
    first.write_text(_export(module, mixed_lib), encoding="utf-8")
    again = build_library(tmp_path / "again.db", [first.name], cwd=tmp_path)
    assert_round_trip(papers_by_id(mixed_lib), papers_by_id(again))
    second = _export(module, again)
    # Only the notes' `source:` changes: they now come from the exported file.
    normalise = re.compile(r"source: [^\]\n]*\]")
    assert normalise.sub("source: ]", second) == normalise.sub("source: ]", first.read_text(encoding="utf-8"))


def test_no_notes_leaves_only_references(mixed_lib):
    from paperdex.export.options import ExportOptions

    for module, field in ((bibtex, "annote"), (biblatex, "annotation"), (ris, "N1  - ")):
        out = io.StringIO()
        module.export(mixed_lib, out, ExportOptions(notes=False))
        assert field not in out.getvalue() and "zhou2024" in out.getvalue()


def test_ris_from_zotero_and_endnote_brings_notes_in(tmp_path: Path):
    """A Zotero-style record (HTML child notes) and an EndNote one (multi-line note, research notes)."""
    text = (
        "TY  - JOUR\nTI  - Attention Is All You Need\nAU  - Vaswani, Ashish\nAU  - Shazeer, Noam\n"
        "PY  - 2017\nDO  - 10.48550/arXiv.1706.03762\nUR  - http://arxiv.org/abs/1706.03762\n"
        "KW  - Computer Science - Computation and Language\nID  - vaswaniAttentionAllYou2017\n"
        "N1  - <p>Transformer: <b>no recurrence</b>, multi-head attention &amp; positional encodings.</p>\n"
        "N1  - <p>Second child note</p>\nER  - \n\n"
        "TY  - CONF\nT1  - Deep Residual Learning for Image Recognition\nA1  - He, Kaiming\n"
        "Y1  - 2016\nT2  - CVPR\nN1  - Residual connections let 152 layers train.\n"
        "Identity shortcuts add no parameters.\nRN  - Read for the reading group.\nER  - \n"
    )
    path = tmp_path / "zotero.ris"
    path.write_text(text, encoding="utf-8")
    lib = build_library(tmp_path / "lib.db", [path.name], cwd=tmp_path)
    from paperdex import importer

    papers = {p["title"]: p for p in papers_by_id(lib).values()}
    attention = papers["Attention Is All You Need"]
    assert attention["arxiv_id"] == "1706.03762" and attention["year"] == 2017
    assert [n["text"] for n in attention["notes"]] == [
        "Transformer: no recurrence, multi-head attention & positional encodings.", "Second child note"]
    resnet = papers["Deep Residual Learning for Image Recognition"]
    assert sorted(n["text"] for n in resnet["notes"]) == [
        "Read for the reading group.",
        "Residual connections let 152 layers train.\nIdentity shortcuts add no parameters."]
    # The reader is the one named on import (RIS does not say), and the user's key wins on export.
    summary = importer.add(lib, [str(path)], reader="alice", max_bytes=10**6, force=True)
    assert not summary.failures
    assert {n["reader"] for p in papers_by_id(lib).values() for n in p["notes"]} == {"alice"}
    assert "@misc{vaswaniAttentionAllYou2017," in _export(bibtex, lib)


def test_ris_without_records_is_a_clear_error(tmp_path: Path):
    from paperdex.errors import MalformedInput
    from paperdex.formats import ris as ris_reader

    with pytest.raises(MalformedInput, match="no RIS records"):
        ris_reader.read("TY  - JOUR\nAB  - only an abstract\nER  - \n", "bad.ris")


def test_ris_note_encoding_is_exact_and_one_line():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from paperdex.export.ris import encode_note
    from paperdex.formats.ris import decode_note

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list("<>&;br/ \n\tab中Д#amplt")), max_size=40))
    def check(text):
        line = encode_note(text)
        assert "\n" not in line and decode_note(line) == text

    check()


def test_ris_record_without_title_is_reported_and_the_rest_imported(tmp_path: Path):
    from paperdex import importer
    from paperdex.library.db import Library

    path = tmp_path / "mixed.ris"
    path.write_text("TY  - JOUR\nTI  - Deep Residual Learning for Image Recognition\nPY  - 2016\nER  - \n\n"
                    "TY  - JOUR\nAB  - an abstract and nothing else\nER  - \n", encoding="utf-8")
    lib = Library(tmp_path / "lib.db")
    summary = importer.add(lib, [str(path)], max_bytes=10**6)
    assert [f.reason for f in summary.failures] == ["record 2 (line 6): no title and no identifier"]
    assert [p["title"] for p in papers_by_id(lib).values()] == ["Deep Residual Learning for Image Recognition"]
