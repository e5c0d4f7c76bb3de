"""Property tests: readers, the segmenter and the id parser raise nothing but paperdex's own errors.

Generated text is built from the seeds' lines and the pieces notes are made of
(bullets, links, brackets, emoji, Cyrillic/CJK, unbalanced links) plus arbitrary text.
"""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paperdex import formats, ids, segment
from paperdex.errors import PaperdexError
from paperdex.formats.load import load_bytes
from paperdex.model import Document, Identifier, Post
from tests.reliability.fuzzdata import any_json, notes_text, telegram_export

# PAPERDEX_FUZZ_EXAMPLES=5000 for a long run (see docs/reliability.md); the quick loop keeps it short
# (50) and .ci/run sets 200.
FUZZ = settings(max_examples=int(os.environ.get("PAPERDEX_FUZZ_EXAMPLES", "50")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
FORMAT_NAMES = [m.NAME for m in formats.formats()]
SHAPES = segment.shape_names()


def _read(name: str, text: str) -> None:
    try:
        docs = formats.get(name).read(text, f"fuzz.{name}")
    except PaperdexError:
        return
    assert isinstance(docs, list)
    assert all(isinstance(d, Document) for d in docs)


@pytest.mark.parametrize("name", FORMAT_NAMES)
@FUZZ
@given(text=notes_text)
def test_format_reader_raises_only_paperdex_errors(name, text):
    _read(name, text)


@pytest.mark.parametrize("name", [n for n in FORMAT_NAMES if "json" in n])
@FUZZ
@given(text=st.one_of(telegram_export, any_json))
def test_json_readers_take_any_json_and_odd_telegram_exports(name, text):
    _read(name, text)


@FUZZ
@given(data=st.one_of(notes_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                      notes_text.map(lambda t: t.encode("utf-16")), st.binary(max_size=300)))
def test_load_bytes_turns_any_bytes_into_documents_or_an_input_error(data):
    try:
        loaded = load_bytes(data, "fuzz.md")
    except PaperdexError:
        return
    assert loaded.documents is not None


@pytest.mark.parametrize("shape", SHAPES)
@FUZZ
@given(text=notes_text)
def test_segment_every_shape_raises_only_paperdex_errors(shape, text):
    doc = Document(source="fuzz.md", format="markdown", text=text)
    try:
        blocks = segment.segment(doc, shape=shape)
    except PaperdexError:
        return
    for block in blocks:
        assert block.kind in ("paper", "note", "document")
        assert isinstance(block.text, str)


@FUZZ
@given(posts=st.lists(notes_text, min_size=1, max_size=5))
def test_segment_telegram_posts_raises_only_paperdex_errors(posts):
    doc = Document(source="fuzz.json", format="telegram-json", posts=[Post(text=t, line=i + 1)
                                                                      for i, t in enumerate(posts)])
    try:
        segment.segment(doc)
    except PaperdexError:
        return


# --- identifiers ---------------------------------------------------------------------------------

NORMALIZERS = {"arxiv": ids.normalize_arxiv, "doi": ids.normalize_doi, "openreview": ids.normalize_openreview}


@FUZZ
@given(text=notes_text)
def test_every_identifier_found_is_already_normal(text):
    for ident in ids.find_identifiers(text):
        normalize = NORMALIZERS.get(ident.scheme)
        if normalize is not None:
            assert normalize(ident.value) == ident.value, ident


@FUZZ
@given(raw=st.one_of(notes_text, st.text(max_size=40)))
def test_normalisers_are_idempotent(raw):
    for normalize in (ids.normalize_arxiv, ids.normalize_doi, ids.normalize_openreview):
        once = normalize(raw)
        if once is not None:
            assert normalize(once) == once


new_arxiv = st.builds(lambda yy, mm, n, five: f"{yy:02d}{mm:02d}.{n:05d}" if five else f"{yy:02d}{mm:02d}.{n % 10000:04d}",
                      st.integers(7, 99), st.integers(1, 12), st.integers(0, 99999), st.booleans())
old_arxiv = st.builds(lambda archive, yy, mm, n: f"{archive}/{yy:02d}{mm:02d}{n:03d}",
                      st.sampled_from(["hep-th", "cond-mat", "math", "cs", "astro-ph", "quant-ph"]),
                      st.integers(91, 99), st.integers(1, 12), st.integers(0, 999))
doi = st.builds(lambda reg, suffix: f"10.{reg}/{suffix}", st.integers(1000, 999999),
                st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}[a-z0-9]", fullmatch=True))
# Free text around an id: anything, as long as it does not glue itself onto the id.
around = notes_text.map(lambda t: re.sub(r"\s+$", "", t))


@FUZZ
@given(before=around, after=around, arxiv=st.one_of(new_arxiv, old_arxiv),
       form=st.sampled_from(["arXiv:{}", "arxiv {}", "https://arxiv.org/abs/{}", "https://arxiv.org/pdf/{}v3.pdf",
                             "[paper](https://arxiv.org/abs/{})", "（arXiv:{}）"]))
def test_an_arxiv_id_written_in_notes_is_found_and_round_trips(before, after, arxiv, form):
    text = f"{before}\n{form.format(arxiv)}\n{after}"
    found = ids.find_identifiers(text)
    assert Identifier("arxiv", arxiv) in found
    if not form.startswith(("[", "（")):  # a bare reference, not a sentence around one
        assert ids.normalize_arxiv(form.format(arxiv)) == arxiv


@FUZZ
@given(before=around, after=around, value=doi, form=st.sampled_from(["doi:{}", "https://doi.org/{}", "DOI {}",
                                                                      "({})", "{}."]))
def test_a_doi_written_in_notes_is_found_and_round_trips(before, after, value, form):
    text = f"{before}\n{form.format(value)}\n{after}"
    assert Identifier("doi", value) in ids.find_identifiers(text)
    if not form.startswith("("):
        assert ids.normalize_doi(form.format(value)) == value
