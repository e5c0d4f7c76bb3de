"""BibTeX export: parses back whole, arXiv fields, notes in annote, golden file, round trip with notes."""

from __future__ import annotations

import io

import bibtexparser

from paperdex.export import bibtex
from paperdex.formats import bibtex as bib_reader
from paperdex.library.store import iter_papers
from paperdex.model import Note, Paper
from tests.export.helpers import assert_round_trip, build_library, check_golden, papers_by_id


def _export(lib) -> str:
    out = io.StringIO()
    bibtex.export(lib, out)
    return out.getvalue()


def test_golden_and_deterministic(seed_lib):
    text = _export(seed_lib)
    assert text == _export(seed_lib)
    check_golden("seeds.bib", text)


def test_parses_back_with_arxiv_fields(seed_lib):
    text = _export(seed_lib)
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks
    papers = {p.id: p for p in iter_papers(seed_lib)}
    assert len(parsed.entries) == len(papers)
    keys = [e.key for e in parsed.entries]
    assert len(set(keys)) == len(keys)
    with_arxiv = [e for e in parsed.entries if "eprint" in e.fields_dict]
    assert len(with_arxiv) == sum(1 for p in papers.values() if p.arxiv_id) > 20
    for entry in with_arxiv:
        assert entry.fields_dict["archivePrefix"].value == "arXiv"
        assert entry.entry_type in ("misc", "inproceedings")
    chinchilla = next(e for e in parsed.entries if "Training Compute-Optimal" in e.fields_dict["title"].value)
    assert chinchilla.fields_dict["eprint"].value == "2203.15556"
    assert "[想法]" not in chinchilla.fields_dict["annote"].value  # thoughts are labelled neutrally
    assert "Thought: 论文观感相当好" in chinchilla.fields_dict["annote"].value
    assert chinchilla.fields_dict["keywords"].value == "LLM"


def test_unbalanced_braces_in_a_note_still_parse():
    note = Note(id="n1", kind="paper", source="notes.md", text="set notation {a, b and a closing } } brace")
    paper = Paper(id="p1", title="A {Title}", year=2020, notes=[note])
    text = bibtex.render([paper], {"p1": "title2020"})
    parsed = bibtexparser.parse_string(text)
    assert not parsed.failed_blocks
    assert "closing" in parsed.entries[0].fields_dict["annote"].value
    [block] = bib_reader.read(text, "x.bib")[0].blocks
    assert (block.title, block.text) == ("A {Title}", note.text)


def test_double_hyphens_survive_latex_decoding():
    paper = Paper(id="p1", title="Upside Down: Don't Predict Rewards -- Just Map Them", year=2019)
    assert "-{}-" in bibtex.render([paper], {"p1": "k"})


def test_round_trip_gives_same_papers_and_notes(seed_lib, tmp_path):
    path = tmp_path / "library.bib"
    path.write_text(_export(seed_lib), encoding="utf-8")
    again = build_library(tmp_path / "again.db", [str(path)])
    before, after = papers_by_id(seed_lib), papers_by_id(again)
    assert_round_trip(before, after)  # the annote header gives back reader and section, not text
    assert not any(n["text"].startswith("[") and "source: " in n["text"]
                   for p in after.values() for n in p["notes"])


def test_round_trip_of_awkward_notes(tmp_path):
    """Unbalanced braces, an empty note, a multi-line thought, LaTeX-looking text: all verbatim."""
    notes = [
        Note(id="n1", kind="paper", source="a.md", reader="alice", section="RL / Offline",
             text="set {a, b} and a stray } brace\n\n  $x_1$ -- not TeX, 100% ~ \\alpha",
             thoughts=["two\nlines"], quotes=["quoted"]),
        Note(id="n2", kind="paper", source="b.md", text=""),
    ]
    paper = Paper(id="p1", title="Offline Reinforcement Learning with Implicit Q-Learning", year=2021,
                  notes=notes)
    text = bibtex.render([paper], {"p1": "kostrikov2021offline"})
    [doc] = bib_reader.read(text, "x.bib")
    got = [(b.reader, b.section, b.text, b.thoughts, b.quotes) for b in doc.blocks]
    assert got == [("alice", "RL / Offline", notes[0].text, ["two\nlines"], ["quoted"]),
                   (None, None, "", [], [])]
