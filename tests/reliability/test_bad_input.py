"""Bad input end to end through `paperdex add`: each refusal names the file, the reason and the fix; the rest imports."""

from __future__ import annotations

import os
import re

import pytest
from click.testing import CliRunner

from paperdex.cli import main
from paperdex.library.db import Library
from tests.conftest import SEED_FILES

# Lines of the seeds that every encoding below can represent.
ZH_LINE = "第一次梯度参数更新是为了第二次梯度参数更新"
RU_LINE = "статья по алайменту от рлщиков"


@pytest.fixture
def messy(tmp_path):
    """A notes folder as people really have them: good notes among every kind of bad input."""
    root = tmp_path / "notes"
    root.mkdir()
    readme = SEED_FILES["readme"].read_text(encoding="utf-8")
    blog = SEED_FILES["blog"].read_text(encoding="utf-8")
    channel = SEED_FILES["telegram"].read_text(encoding="utf-8")
    (root / "readme.md").write_text(readme, encoding="utf-8")
    (root / "bom.md").write_bytes("\ufeff".encode() + readme.replace("## LLM", "## BOM").encode("utf-8"))
    (root / "utf16.txt").write_bytes(channel.encode("utf-16"))
    (root / "gbk.txt").write_bytes(blog.encode("gbk", errors="replace"))
    (root / "cp1251.txt").write_bytes(channel.encode("cp1251", errors="replace"))
    (root / "koi8.txt").write_bytes(channel.replace("rizzearch", "rizz-koi8").encode("koi8-r", errors="replace"))
    bad = {
        "binary.md": bytes(range(256)) * 40,
        "paper.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 50,
        "empty.md": b"",
        "big.md": b"* 2024 - [A paper](https://arxiv.org/abs/2310.13227)\n  * note\n" * 25000,
        "result.json": b'{"name": "rizzearch", "type": "public_channel", "id": 1, "messages": [{"id": 1, '
                       b'"type": "message", "text": "Offline RL',
    }
    for name, data in bad.items():
        (root / name).write_bytes(data)
    (root / "loop").mkdir()
    os.symlink("..", root / "loop" / "up")  # a folder loop: must not be walked forever
    os.symlink("b.md", root / "a.md")  # a file loop: a -> b -> a
    os.symlink("a.md", root / "b.md")
    return root


def _add(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), "add", *args, "--no-resolve", "--no-embed"])


def _skipped(output: str) -> dict[str, str]:
    lines = {}
    for line in output.splitlines():
        m = re.match(r"\s*skipped (\S+): (.*)", line)
        if m:
            lines[os.path.basename(m.group(1))] = m.group(2)
    return lines


def _texts(db) -> str:
    with Library(db) as lib:
        return "\n".join(r[0] for r in lib.conn.execute("SELECT text FROM notes"))


def test_bad_files_are_reported_and_the_good_ones_imported(messy, library_url):
    db = library_url
    result = _add(db, str(messy), "--max-size", "1")
    assert result.exit_code == 1, result.output  # some inputs failed; the good ones are in (below)
    skipped = _skipped(result.output)
    expected = {"binary.md": "binary", "paper.pdf": "PDF", "empty.md": "empty", "big.md": "above the 1.0 MB limit",
                "result.json": "JSON", "a.md": "symbolic link", "b.md": "symbolic link"}
    for name, reason in expected.items():
        assert name in skipped, (name, result.output)
        assert reason in skipped[name], (name, skipped[name])
    assert set(skipped) == set(expected), result.output
    with Library(db) as lib:
        stored = {os.path.basename(r[0]) for r in lib.conn.execute("SELECT path FROM sources")}
    assert stored == {"readme.md", "bom.md", "utf16.txt", "gbk.txt", "cp1251.txt", "koi8.txt"}
    texts = _texts(db)
    assert ZH_LINE in texts and RU_LINE in texts
    assert "\ufffd" not in texts and "Ã" not in texts and "Ð" not in texts  # no mojibake stored


def test_every_refusal_says_how_to_fix_it(messy, library_url):
    result = _add(library_url, str(messy), "--max-size", "1")
    skipped = _skipped(result.output)
    no_fix = {name: reason for name, reason in skipped.items() if not re.search(r"\(.+\)\s*$", reason)}
    assert no_fix == {}, "refusals without a fix"


def test_add_exits_1_when_any_input_failed_and_still_imports_the_good_ones(messy, library_url):
    db = library_url
    bad = [str(messy / n) for n in ("binary.md", "paper.pdf", "empty.md", "result.json")]
    result = _add(db, *bad)
    assert result.exit_code == 1
    assert len(_skipped(result.output)) == 4
    mixed = _add(db, *bad, str(messy / "readme.md"))
    assert mixed.exit_code == 1
    assert len(_skipped(mixed.output)) == 4
    with Library(db) as lib:
        assert [os.path.basename(r[0]) for r in lib.conn.execute("SELECT path FROM sources")] == ["readme.md"]


def test_a_forced_encoding_reads_gbk_notes(tmp_path, library_url):
    path = tmp_path / "blog.txt"
    path.write_bytes(SEED_FILES["blog"].read_text(encoding="utf-8").encode("gbk", errors="replace"))
    db = library_url
    result = _add(db, str(path), "--encoding", "gbk")
    assert result.exit_code == 0, result.output
    assert ZH_LINE in _texts(db)
