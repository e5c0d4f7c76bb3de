"""Snippets stay linear (and bounded) on huge notes; highlights are whole tokens; a request has a time bound."""

from __future__ import annotations

import sqlite3
import time

import pytest

from paperdex.library import fts
from paperdex.search import engine
from paperdex.search.analyze import match_spans, query_terms
from paperdex.search.snippet import SCAN_CHARS, make_snippet, mark, window
from tests.search.conftest import import_into

LECTURE = ("Today we look at diffusion again: the forward diffusion process adds Gaussian noise, "
           "and the reverse process learns to remove it step by step. ")


def _lecture(folder, megabytes: float):
    """A lecture note as a student writes it, repeated to the size of a year's transcript."""
    folder.mkdir(parents=True, exist_ok=True)
    body = LECTURE * int(megabytes * 1_000_000 / len(LECTURE))
    path = folder / "lecture.md"
    path.write_text("# Lecture notes: generative models\n\n" + body + "\nThe end: Langevin dynamics.\n",
                    encoding="utf-8")
    return path


def test_snippet_of_a_one_megabyte_note_is_fast_and_marked(tmp_path):
    text = LECTURE * (1_000_000 // len(LECTURE))
    wanted = set(query_terms("diffusion"))
    start = time.perf_counter()
    piece = window(text, wanted)
    snippet, shown = make_snippet(piece, match_spans(piece, wanted))
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5, elapsed  # was 22 s: every window recounted every match
    assert len(piece) <= SCAN_CHARS + 4
    assert "«diffusion»" in mark(snippet, shown)
    assert all(snippet[a:b].lower() == "diffusion" for a, b in shown)


def test_make_snippet_picks_the_densest_window_in_linear_time():
    filler = "lorem ipsum " * 200
    text = filler + "flow " + filler + "optical flow and flow fields of flow " + filler
    spans = [(i, i + 4) for i in range(len(text)) if text.startswith("flow", i)]
    snippet, shown = make_snippet(text, spans, width=80)
    assert len(shown) == 3  # the dense run, not the lone first match
    assert "optical flow" in snippet
    many = [(i * 10, i * 10 + 4) for i in range(200_000)]
    start = time.perf_counter()
    make_snippet("x" * 2_000_010, many)
    assert time.perf_counter() - start < 1.0


def test_search_of_a_huge_note_answers_quickly(tmp_path, library_url, monkeypatch):
    from paperdex.library.db import Library

    monkeypatch.setenv("PAPERDEX_EMBEDDER", "none")
    lib = Library(library_url)
    import_into(lib, [_lecture(tmp_path / "notes", 1)])
    start = time.perf_counter()
    results = engine.search(lib, "diffusion", mode="keyword")
    assert time.perf_counter() - start < 2.0
    assert results and "«diffusion»" in results[0].snippet
    # A word found only at the very end of the note is still found and shown.
    tail = engine.search(lib, "Langevin", mode="keyword")
    assert tail and "«Langevin»" in tail[0].snippet
    lib.close()


def test_window_keeps_whole_words_and_says_what_was_cut():
    text = ("alpha " * 10_000) + "needle in the hay " + ("omega " * 10_000)
    piece = window(text, {"needl"})
    assert piece.startswith("… ") and piece.endswith(" …")
    assert "needle" in piece
    assert all(word in {"alpha", "omega", "needle", "in", "the", "hay", "…"} for word in piece.split())


@pytest.mark.parametrize(("text", "query", "expected"), [
    ("The Transformer for translation", "former", []),
    ("Transformers transform sequences", "transformer", ["Transformers", "transform"]),
    ("предметная область с примерами", "примеры", ["примерами"]),
    ("область и облака", "обл", []),
    ("直接估计中间帧的光流，不需要预训练", "光流", ["光流"]),
])
def test_highlights_are_whole_tokens_in_every_script(text, query, expected):
    spans = match_spans(text, set(query_terms(query)))
    assert [text[a:b] for a, b in spans] == expected


def test_a_request_past_its_time_bound_is_stopped(seed_lib, backend):
    if backend == "postgres":
        import psycopg

        stopped = pytest.raises(psycopg.errors.QueryCanceled, match="statement timeout")
    else:
        stopped = pytest.raises(sqlite3.OperationalError, match="interrupt")
    with stopped, fts.time_limit(seed_lib, time.monotonic() - 1):
        seed_lib.conn.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                              "WHERE x < 10000000) SELECT count(*) FROM c").fetchone()
    # The handler is removed afterwards: the same library answers normally.
    assert engine.search(seed_lib, "optical flow", mode="keyword")


def test_search_past_its_deadline_still_answers_without_marks(seed_lib, monkeypatch):
    monkeypatch.setattr(engine._Deadline, "passed", lambda self: True)
    results = engine.search(seed_lib, "optical flow", mode="keyword")
    assert results
    assert all(not r.highlights and "«" not in r.snippet for r in results)


def test_search_timeout_is_a_clear_error(seed_lib, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise sqlite3.OperationalError("interrupted")

    monkeypatch.setattr(engine, "keyword_hits", interrupted)
    with pytest.raises(engine.SearchTimeout, match="took longer than 5 s"):
        engine.search(seed_lib, "optical flow", mode="keyword")
