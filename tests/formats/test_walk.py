"""Expanding files, folders and globs: hidden entries, attachments, loops and unreadable files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from paperdex.errors import InputError, UnsupportedInput
from paperdex.formats.walk import expand


def _vault(root: Path) -> Path:
    """An Obsidian-like vault: notes, attachments, a PDF, config and hidden folders."""
    (root / "papers" / "2024").mkdir(parents=True)
    (root / "attachments").mkdir()
    (root / ".obsidian").mkdir()
    note = root / "papers" / "2024" / "toolchain.md"
    note.write_text("# ToolChain*\narxiv: 2310.13227\n", encoding="utf-8")
    (root / "papers" / "reading-list.txt").write_text("Attention Is All You Need\n", encoding="utf-8")
    (root / "refs.bib").write_text("@misc{a, title={A}}\n", encoding="utf-8")
    (root / "attachments" / "figure1.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "attachments" / "paper.pdf").write_bytes(b"%PDF-1.5\n")
    (root / "attachments" / "data.xlsx").write_bytes(b"PK\x03\x04")
    (root / ".obsidian" / "workspace.json").write_text("{}", encoding="utf-8")
    (root / ".hidden-draft.md").write_text("# draft\n", encoding="utf-8")
    (root / "LICENSE").write_text("MIT\n", encoding="utf-8")
    return root


def _by_name(entries: list) -> dict[str, tuple]:
    return {Path(source).name: (path, error) for source, path, error in entries}


def test_folder_is_walked_with_hidden_and_attachments_skipped(tmp_path: Path) -> None:
    entries = list(expand([str(_vault(tmp_path / "vault"))]))
    found = _by_name(entries)
    notes = sorted(name for name, (path, error) in found.items() if error is None)
    assert notes == ["reading-list.txt", "refs.bib", "toolchain.md"]
    assert "figure1.png" not in found and "workspace.json" not in found and ".hidden-draft.md" not in found
    assert "LICENSE" not in found
    pdf_error = found["paper.pdf"][1]
    assert isinstance(pdf_error, UnsupportedInput) and "PDF" in pdf_error.reason
    assert isinstance(found["data.xlsx"][1], UnsupportedInput) and ".xlsx" in found["data.xlsx"][1].reason


def test_symlink_loop_is_not_followed_forever(tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault")
    os.symlink(root, root / "papers" / "loop")  # vault/papers/loop -> vault
    os.symlink(root / "papers", root / "papers" / "2024" / "up")  # a second, nested loop
    entries = list(expand([str(root)]))
    notes = [Path(p).name for _, p, e in entries if e is None]
    assert sorted(notes) == ["reading-list.txt", "refs.bib", "toolchain.md"]  # each file once


def test_globs_missing_paths_and_broken_links(tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault")
    os.symlink(tmp_path / "gone.md", root / "dangling.md")
    os.symlink("b.md", root / "a.md")  # a file loop: a -> b -> a
    os.symlink("a.md", root / "b.md")
    found = list(expand([str(root / "**" / "*.md"), str(tmp_path / "nope.md"), str(tmp_path / "*.zzz")]))
    names = _by_name(found)
    assert names["toolchain.md"][1] is None
    assert "no such file" in names["nope.md"][1].reason
    assert "no file matches" in names["*.zzz"][1].reason
    assert "broken symbolic link" in names["dangling.md"][1].reason
    assert names["a.md"][1].reason == "is a symbolic link loop" and names["a.md"][1].fix


def test_fifo_and_overlapping_inputs(tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault")
    os.mkfifo(root / "pipe.md")
    note = root / "papers" / "2024" / "toolchain.md"
    entries = list(expand([str(root), str(note)]))
    pipe = [e for s, _, e in entries if s.endswith("pipe.md")]
    assert isinstance(pipe[0], UnsupportedInput) and "not a regular file" in pipe[0].reason
    assert sum(1 for s, _, _ in entries if s.endswith("toolchain.md")) == 1


def test_named_file_with_any_suffix_is_tried(tmp_path: Path) -> None:
    odd = tmp_path / "notes.weird"
    odd.write_text("Attention Is All You Need\n", encoding="utf-8")
    assert list(expand([str(odd)])) == [(str(odd), odd, None)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_an_error_entry(tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault")
    secret = root / "secret.md"
    secret.write_text("x", encoding="utf-8")
    secret.chmod(0)
    found = _by_name(list(expand([str(root)])))
    assert isinstance(found["secret.md"][1], InputError) and "permission" in found["secret.md"][1].reason
