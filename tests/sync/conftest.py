"""A small notes folder as a reader keeps one (one file per paper plus a reading list), and ways to
compare a synced library with a fresh import of the same folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from paperdex.library.db import Library
from paperdex.library.store import iter_paperless, iter_papers
from paperdex.sync import SyncOptions, SyncSummary, sync_paths


def per_paper(title: str, arxiv: str, year: int, body: str, tags: str = "llm", reader: str = "alice") -> str:
    return (f'---\ntitle: "{title}"\narxiv: "{arxiv}"\nyear: {year}\nreader: {reader}\ntags: [{tags}]\n---\n\n'
            f"# {title}\n\n{body}\n")


NOTES = {
    "attention.md": per_paper("Attention Is All You Need", "1706.03762", 2017,
                              "Self-attention only, no recurrence. Multi-head attention attends to several "
                              "subspaces at once.\n\n## My thoughts\n\nPositional encodings are the weak part."),
    "lora.md": per_paper("LoRA: Low-Rank Adaptation of Large Language Models", "2106.09685", 2021,
                         "Freeze the weights and learn a low-rank update BA; rank 8 is usually enough."),
    "ddpm.md": per_paper("Denoising Diffusion Probabilistic Models", "2006.11239", 2020,
                         "Predict the noise added at step t; the unweighted MSE gives better samples.",
                         tags="diffusion"),
    "dreamer.md": per_paper("Mastering Diverse Domains through World Models", "2301.04104", 2023,
                            "DreamerV3: one set of hyperparameters across 150+ tasks, diamonds in Minecraft.",
                            tags="rl"),
    "ppo.md": per_paper("Proximal Policy Optimization Algorithms", "1707.06347", 2017,
                        "Clipped surrogate objective; several epochs of minibatch updates per batch.", tags="rl"),
    "reading-list.md": """# Reading list

## LLM
* 2022 - [Training Compute-Optimal Large Language Models](https://arxiv.org/abs/2203.15556)
  * Chinchilla: parameters and tokens should grow together, about 20 tokens per parameter
  * [thought] later open models over-train small models because inference costs more
* 2017 - [Attention Is All You Need](https://arxiv.org/abs/1706.03762)
  * the transformer paper; read again for the scaled dot-product details

## Vision
* 2021 - [RepVGG: Making VGG-Style ConvNets Great Again](https://arxiv.org/abs/2101.03697)
  * a multi-branch block at training time becomes one 3x3 conv at inference
""",
}


def write(path: Path, text: str) -> None:
    """Write a file and move its mtime on, as an editor saving a second later would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    existed = path.exists()
    path.write_text(text, encoding="utf-8")
    if existed:
        later = time.time_ns() + 1_000_000_000
        os.utime(path, ns=(later, later))


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "notes"
    for name, text in NOTES.items():
        write(root / name, text)
    return root


@pytest.fixture
def lib(library_url):
    """The synced library on each backend (fresh_view's library to compare with stays an SQLite file)."""
    library = Library(library_url)
    yield library
    library.close()


def sync(lib: Library, folder: Path, **options) -> SyncSummary:
    summary = sync_paths(lib, [str(folder)], SyncOptions(**options))
    assert not summary.failures, summary.failures
    return summary


def view(lib: Library) -> dict:
    """Everything notes give a library, without ids of notes or times: what a fresh import must equal."""
    papers = []
    for p in iter_papers(lib):
        notes = sorted(((n.source, n.kind, n.title, n.text, n.section, n.reader, n.year, tuple(n.thoughts),
                        tuple(i.key for i in n.identifiers)) for n in p.notes), key=repr)
        papers.append((p.id, p.title, p.year, p.venue, tuple(p.authors), tuple(sorted(i.key for i in p.identifiers)),
                       tuple(notes)))
    paperless = sorted(((d.source, n.kind, n.title, n.text) for d in iter_paperless(lib) for n in d.notes), key=repr)
    titles = sorted(tuple(r) for r in lib.conn.execute("SELECT title_norm, paper_id FROM paper_titles"))
    return {"papers": sorted(papers, key=repr), "paperless": paperless, "title_keys": titles}


def fresh_view(tmp_path: Path, folder: Path) -> dict:
    """The view of a new library that imported the folder as it is now."""
    path = tmp_path / f"fresh-{time.monotonic_ns()}.db"
    with Library(path) as fresh:
        sync(fresh, folder)
        return view(fresh)
