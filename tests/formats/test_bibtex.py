"""BibTeX exports from Zotero and JabRef: each entry a paper block, notes kept, bad entries reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperdex.errors import MalformedInput
from paperdex.formats import bibtex
from paperdex.formats.load import load_path
from paperdex.model import Identifier

DATA = Path(__file__).parent / "data"


def _blocks(name: str):
    [doc] = load_path(DATA / name, name).documents
    return doc, {b.fields["citation_key"]: b for b in doc.blocks}


def test_zotero_export_imports_all_good_entries_and_reports_the_broken_one() -> None:
    doc, blocks = _blocks("zotero_export.bib")
    assert doc.format == "bibtex" and doc.title == "zotero_export.bib" and doc.reader is None
    assert sorted(blocks) == ["chen_simple_2020", "finn_model-agnostic_2017", "vaswani_attention_2023"]
    [error] = doc.metadata["errors"]
    assert error.startswith("line 39:") and "muller_when_2019" in error

    attention = blocks["vaswani_attention_2023"]
    assert attention.kind == "paper" and attention.title == "Attention Is All You Need"
    assert attention.identifiers == [Identifier("doi", "10.48550/arxiv.1706.03762"),
                                     Identifier("arxiv", "1706.03762")]
    assert attention.authors[:2] == ["Ashish Vaswani", "Noam Shazeer"] and len(attention.authors) == 8
    assert attention.year == 2023 and attention.line == 2 and attention.reader is None
    # Both child notes (two annote fields), HTML stripped, entities decoded; the id-only note is not text.
    assert attention.text.startswith("Comment: 15 pages, 5 figures")
    assert "- Self-attention 取代 RNN，训练可以完全并行，复杂度 O(n^2 d)" in attention.text.splitlines()
    assert "值得每年重读一次 & 对照代码看" in attention.text and "<p>" not in attention.text
    assert "arXiv:1706.03762" not in attention.text
    assert attention.fields["abstract"].startswith("The dominant sequence transduction models")
    assert attention.fields["keywords"].startswith("Computer Science - Computation and Language")

    maml = blocks["finn_model-agnostic_2017"]
    assert maml.venue == "Proceedings of the 34th International Conference on Machine Learning"
    assert maml.identifiers == [Identifier("pmlr", "v70/finn17a")]
    assert maml.text.startswith("MAML：先在支持集上走一步梯度")
    assert blocks["chen_simple_2020"].identifiers == [Identifier("arxiv", "2002.05709")]


def test_jabref_library_decodes_latex_and_reads_comments() -> None:
    doc, blocks = _blocks("jabref_library.bib")
    assert doc.metadata["errors"] == [] and len(blocks) == 4
    bert = blocks["Devlin2019"]
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
    assert bert.authors[1] == "Ming-Wei Chang"
    assert bert.identifiers == [Identifier("doi", "10.18653/v1/n19-1423")]
    assert "RoBERTa 证明 NSP 可以去掉" in bert.text
    resnet = blocks["He2016"]
    assert resnet.identifiers == [Identifier("arxiv", "1512.03385")] and resnet.year == 2015
    assert resnet.fields["keywords"] == "CNN, classic" and "152 层" in resnet.text
    assert blocks["Schmidhuber2019"].authors == ["Jürgen Schmidhuber"]
    assert blocks["Schmidhuber2019"].identifiers == [Identifier("arxiv", "1912.02875")]
    crf = blocks["Krahenbuhl2011"]
    assert crf.title == "Efficient Inference in Fully Connected CRFs with Gaussian Edge Potentials"
    assert crf.authors == ["Philipp Krähenbühl", "Vladlen Koltun"] and crf.text == ""
    assert [b.line for b in doc.blocks] == [3, 16, 29, 37]


def test_latex_and_names() -> None:
    assert bibtex.latex_to_text(r"{\"U}ber {BERT}: Caf\'{e} \& {\O}ystein") == "Über BERT: Café & Øystein"
    assert bibtex.latex_to_text(r"improves by ~10% \emph{and} 5\% more", keep_lines=True) == \
        "improves by ~10% and 5% more"
    names = r"de la Fontaine, Jean and {Google Brain Team} and Smith, Jr., John and others"
    assert bibtex.split_authors(names) == ["Jean de la Fontaine", "Google Brain Team", "John Smith Jr."]


def test_unparsable_file_is_malformed(tmp_path: Path) -> None:
    bad = tmp_path / "broken.bib"
    bad.write_text("@article{x, title = {never closed\n", encoding="utf-8")
    with pytest.raises(MalformedInput, match=r"broken\.bib"):
        load_path(bad, "broken.bib")
    only_comments = tmp_path / "c.bib"
    only_comments.write_text("@comment{jabref-meta: databaseType:bibtex;}\n", encoding="utf-8")
    with pytest.raises(MalformedInput, match="no BibTeX entries"):
        load_path(only_comments, "c.bib")


def test_an_annote_that_only_looks_like_paperdex_stays_one_note() -> None:
    """A user's annote opening with a bracket is their text, LaTeX-decoded as before."""
    text = ("@article{finn2017,\n  title = {Model-Agnostic Meta-Learning},\n  year = {2017},\n"
            "  annote = {[todo] re-read section 3 -- \\emph{second-order} terms\n\nThought: cheap?},\n}\n")
    [doc] = bibtex.read(text, "mine.bib")
    [block] = doc.blocks
    assert block.text == "[todo] re-read section 3 – second-order terms\n\nThought: cheap?"
    assert block.thoughts == [] and block.reader is None


def test_paperdex_annote_is_split_into_notes() -> None:
    text = ("@misc{kostrikov2021offline,\n"
            "  title = {Offline Reinforcement Learning with Implicit Q-Learning},\n"
            "  eprint = {2110.06169},\n  archivePrefix = {arXiv},\n"
            "  annote = {[reader: rizzearch; section: RL / Offline; source: seeds/004.txt]\n"
            "expectile regression -- no \\emph{TD}\n\nThought: neat\nQuote: from the paper\n\n"
            "[source: seeds/000.txt]\n2021 NeurIPS},\n}\n")
    [doc] = bibtex.read(text, "library.bib")
    assert [(b.reader, b.section, b.text, b.thoughts, b.quotes) for b in doc.blocks] == [
        ("rizzearch", "RL / Offline", "expectile regression -- no \\emph{TD}", ["neat"], ["from the paper"]),
        (None, None, "2021 NeurIPS", [], []),
    ]
    assert all([i.key for i in b.identifiers] == ["arxiv:2110.06169"] for b in doc.blocks)


def test_bibtex_entries_pasted_into_a_readme_are_papers_and_their_fields_are_not():
    from paperdex.formats import markdown
    from paperdex.segment import segment

    text = ("# Frameworks\n\n- [Green AI](https://arxiv.org/abs/1907.10597)\n- [Energy Usage Reports](https://arxiv.org/abs/2002.05651)\n\n"
            "# References\n"
            "[1] @article{SGM_2019,\n\ttitle = {Energy and {Policy} {Considerations} for {Deep} {Learning} in {NLP}},\n"
            "\turl = {http://arxiv.org/abs/1906.02243},\n\tyear = {2019},\n}\n"
            "[2] @inproceedings{abadi_tensorflow_2016,\n\ttitle = {{TensorFlow}: {A} {System} for {Large}-{Scale} "
            "{Machine} {Learning}},\n\turl = {},\n\tdoi = {10.5555/3026877.3026899},\n\tyear = {2016}\n}\n")
    docs = markdown.read(text, "README.md")
    titles = [b.title for doc in docs for b in segment(doc) if b.kind == "paper"]
    assert titles == ["Green AI", "Energy Usage Reports", "Energy and Policy Considerations for Deep Learning in NLP",
                      "TensorFlow: A System for Large-Scale Machine Learning"]
    bib = [b for doc in docs for b in segment(doc) if b.kind == "paper"][2]
    assert bib.line == 7 and "arxiv:1906.02243" in [i.key for i in bib.identifiers]
