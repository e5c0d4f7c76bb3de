"""Decoding and bad input at the edge: real Chinese/Russian text in legacy encodings, binaries, limits."""

from __future__ import annotations

import gzip
import io
import re
import time
import zipfile
from pathlib import Path

import pytest

from paperdex.errors import DecodeError, InputTooLarge, UnsupportedInput
from paperdex.formats.load import EmptyInput, decode, load_bytes, load_path
from paperdex.formats.markdown import split_front_matter
from tests.conftest import CORPORA, read_seed


def _chinese() -> dict[str, str]:
    lines = read_seed("readme").splitlines()
    return {"zh_12_lines": "\n".join(lines[:12]), "zh_line": lines[1], "zh_phrase": "论文速读记录",
            "zh_blog": read_seed("blog")}


def _russian_lines() -> list[str]:
    # Lines that cp1251/KOI8-R can hold at all (the seed's emoji cannot be encoded there).
    return [line for line in read_seed("telegram").splitlines()
            if re.search("[а-я]", line) and all(ord(ch) < 0x2000 for ch in line)]


def _russian() -> dict[str, str]:
    lines = _russian_lines()
    return {"ru_40_lines": "\n".join(lines[:40]), "ru_line": lines[3], "ru_phrase": "Кайфули на каждый день"}


CASES = [(name, text, enc) for name, text in _chinese().items()
         for enc in ("gbk", "gb18030", "utf-16", "utf-8-sig")]
CASES += [(name, text, enc) for name, text in _russian().items()
          for enc in ("cp1251", "koi8-r", "utf-16", "utf-16-le", "utf-8-sig")]


@pytest.mark.parametrize(("name", "text", "encoding"), CASES, ids=[f"{n}-{e}" for n, _, e in CASES])
def test_legacy_encodings_round_trip_through_a_file(tmp_path: Path, name: str, text: str,
                                                    encoding: str) -> None:
    if name == "zh_blog" and encoding == "gbk":
        pytest.skip("the blog seed holds characters outside GBK")
    path = tmp_path / f"{name}.txt"
    path.write_bytes(text.encode(encoding))
    loaded = load_path(path, str(path))
    assert loaded.documents[0].text == text


def test_short_russian_and_chinese_texts_decode_right_or_refuse(tmp_path: Path) -> None:
    """Never wrong text: a reading either equals the original or is refused with a DecodeError."""
    samples = [(line, enc) for line in _russian_lines() for enc in ("cp1251", "koi8-r")]
    samples += [(word, "gbk") for word in ("想法", "模型", "论文", "强化学习", "注意力机制", "主要内容")]
    right = refused = 0
    for text, enc in samples:
        try:
            out = decode(text.encode(enc), "note.txt")
        except DecodeError as exc:
            assert "--encoding" in str(exc)
            refused += 1
            continue
        assert out == text, (text, enc, out)
        right += 1
    assert right >= 0.9 * len(samples)


def test_forced_encoding_is_used_and_a_plainly_wrong_one_is_refused() -> None:
    data = _chinese()["zh_12_lines"].encode("gbk")
    assert decode(data, "a.txt", encoding="gbk") == _chinese()["zh_12_lines"]
    with pytest.raises(DecodeError, match="--encoding gbk"):
        decode(data, "a.txt", encoding="latin-1")
    with pytest.raises(DecodeError, match="unknown encoding"):
        decode(data, "a.txt", encoding="no-such-codec")


def test_undecidable_bytes_name_the_file_and_the_encodings_to_try() -> None:
    # One Chinese word in GBK is also two plausible Cyrillic letters in cp1251 or KOI8-R.
    with pytest.raises(DecodeError) as info:
        decode("论文".encode("gbk"), "notes/short.txt")
    assert "notes/short.txt" in str(info.value)
    assert "--encoding gbk" in str(info.value) and "--encoding cp1251" in str(info.value)


def test_latin_text_in_cp1252_is_not_taken_for_russian() -> None:
    text = "Notes de lecture : l'équipe de Müller a présenté un modèle élégant, très efficace."
    assert decode(text.encode("cp1252"), "fr.txt") == text


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_double_encoded_utf8_is_refused(codec: str) -> None:
    text = _chinese()["zh_line"]
    mangled = text.encode("utf-8").decode(codec, errors="ignore").encode("utf-8")
    with pytest.raises(DecodeError, match="double-encoded"):
        decode(mangled, "mangled.md")
    russian = _russian()["ru_line"].encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    with pytest.raises(DecodeError, match="double-encoded"):
        decode(russian, "mangled.md")


def test_replacement_characters_are_refused_unless_forced() -> None:
    damaged = ("Transformer 的 \ufffd\ufffd 机制 \ufffd\ufffd\ufffd 很重要\n" * 4).encode("utf-8")
    with pytest.raises(DecodeError, match="replacement characters"):
        decode(damaged, "damaged.md")
    assert "\ufffd" in decode(damaged, "damaged.md", encoding="utf-8")


def _zip_bytes(member: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(member, "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "reason", "fix"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF",
         "export the PDF's text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG image", "not images"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01", "JPEG image", "not images"),
        (gzip.compress(b"# notes\n" * 50), "gzip", "gunzip"),
        (_zip_bytes("notes/readme.md"), "zip archive", "unpack it"),
        (_zip_bytes("word/document.xml"), "Word", "save or export it"),
        (bytes(range(256)) * 20, "binary", "text, Markdown"),
    ],
    ids=["pdf", "png", "jpeg", "gzip", "zip", "docx", "binary"],
)
def test_binary_inputs_are_refused_with_reason_and_fix(tmp_path: Path, data: bytes, reason: str,
                                                       fix: str) -> None:
    path = tmp_path / "notes.md"  # a misleading name: the bytes decide
    path.write_bytes(data)
    with pytest.raises(UnsupportedInput) as info:
        load_path(path, str(path))
    assert reason in info.value.reason and fix in (info.value.fix or "")


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t\n"])
def test_empty_files_say_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(content)
    with pytest.raises(EmptyInput, match="empty"):
        load_path(path, str(path))


def test_too_large_is_refused_from_stat_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(20 * 1024**3)  # a 20 GB sparse file: reading it would not finish
    start = time.perf_counter()
    with pytest.raises(InputTooLarge) as info:
        load_path(path, "huge.txt", max_bytes=64 * 1024 * 1024)
    assert time.perf_counter() - start < 1
    message = str(info.value)
    assert "20480.0 MB" in message and "64.0 MB" in message and "--max-size" in message


def test_ten_megabyte_line_and_deep_nesting_load_in_linear_time(tmp_path: Path) -> None:
    line = tmp_path / "one_line.md"
    entry = "- 2024 - [ToolChain*](https://arxiv.org/abs/2310.13227) 注意力 "
    line.write_text(entry * 160_000, encoding="utf-8")
    nested = tmp_path / "nested.md"
    nested.write_text("".join("  " * i + f"- level {i}\n" for i in range(3000)), encoding="utf-8")
    start = time.perf_counter()
    assert load_path(line, "one_line.md").documents[0].text.startswith("- 2024")
    assert load_path(nested, "nested.md").format == "markdown"
    legacy = tmp_path / "one_line_gbk.txt"
    legacy.write_bytes(("模型 训练 " * 1_000_000).encode("gbk"))
    assert load_path(legacy, "gbk.txt").documents[0].text.startswith("模型 训练")
    assert time.perf_counter() - start < 8


def test_formats_are_detected_from_names_and_heads(tmp_path: Path) -> None:
    data = Path(__file__).parent / "data"
    assert load_path(data / "zotero_export.bib", "z.bib").format == "bibtex"
    assert load_path(data / "zotero_csl.json", "z.json").format == "csl-json"
    assert load_path(data / "cnblogs_paper_notes.html", "p.html").format == "html"
    page = (data / "cnblogs_paper_notes.html").read_bytes()
    assert load_bytes(page, "saved-page").format == "html"  # no suffix: the doctype decides
    assert load_bytes(b"# Notes\n\n- [BERT](https://arxiv.org/abs/1810.04805)\n", "n.md").format == "markdown"


def test_every_seed_and_corpus_file_loads_without_false_alarms() -> None:
    files = sorted(CORPORA.rglob("*.md"))
    assert len(files) > 250
    for path in files:
        if not path.read_bytes().strip():
            with pytest.raises(EmptyInput):  # an empty note file is reported as empty, not as damaged
                load_path(path, str(path))
            continue
        loaded = load_path(path, str(path))
        assert loaded.documents, path
        # Every character after the front matter is kept: decoding raised no false alarm and lost nothing.
        _, body, _ = split_front_matter(path.read_text(encoding="utf-8-sig"))
        assert loaded.documents[0].text.strip() == body.strip() or loaded.format != "markdown", path


def test_unknown_format_name_lists_known_ones(tmp_path: Path) -> None:
    from paperdex.errors import UsageError

    with pytest.raises(UsageError, match="bibtex"):
        load_bytes(b"hello", "x.txt", format="docx")
