"""UTF-8 with a few bad bytes: recognised as UTF-8, never steered to an encoding that reads it as soup."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from paperdex.cli import main
from paperdex.errors import DecodeError
from paperdex.formats.decoding import decode, utf8_damage
from paperdex.library.db import Library
from tests.conftest import SEED_FILES


def _damaged(name: str = "telegram") -> tuple[bytes, str]:
    """A seed file with three invalid bytes dropped in, as a bad copy or a truncated download leaves."""
    text = SEED_FILES[name].read_text(encoding="utf-8")
    data = text.encode("utf-8")
    cut = data.index(b"\n", len(data) // 3) + 1
    late = data.rindex(b"\n", 0, len(data) - 2) + 1
    return data[:cut] + b"\xff\xfe" + data[cut:late] + b"\xc3" + data[late:], text


@pytest.mark.parametrize("name", ["readme", "blog", "telegram"])
def test_mostly_valid_utf8_is_recognised_and_the_replace_option_offered(name):
    data, _ = _damaged(name)
    with pytest.raises(DecodeError) as info:
        decode(data, "notes.md")
    message = str(info.value)
    assert "is UTF-8 except for 3 invalid byte sequences" in message and "--encoding utf-8:replace" in message
    assert "koi8" not in message and "cp1251" not in message and "gbk" not in message
    line = data[: data.index(b"\xff\xfe")].count(b"\n") + 1
    assert f"line {line}, column 1" in message


def test_utf8_replace_keeps_every_good_character():
    data, original = _damaged("telegram")
    text = decode(data, "notes.md", "utf-8:replace")
    assert text.count("\ufffd") == 3
    assert text.replace("\ufffd", "") == original


@pytest.mark.parametrize("forced", ["koi8-r", "cp1251", "cp1252", "latin-1"])
def test_a_one_byte_encoding_is_not_forced_onto_damaged_utf8(forced):
    data, _ = _damaged("telegram")
    with pytest.raises(DecodeError, match="UTF-8 except for 3 invalid") as info:
        decode(data, "notes.md", forced)
    assert "--encoding utf-8:replace" in str(info.value)


def test_strict_utf8_names_the_damage_and_the_fix():
    data, _ = _damaged("readme")
    with pytest.raises(DecodeError, match=r"not valid utf-8 .* it is UTF-8 except for 3 invalid") as info:
        decode(data, "notes.md", "utf-8")
    assert "utf-8:replace" in str(info.value)


def test_real_legacy_encodings_are_not_mistaken_for_damaged_utf8():
    ru = SEED_FILES["telegram"].read_text(encoding="utf-8")
    zh = SEED_FILES["blog"].read_text(encoding="utf-8")
    for data in (ru.encode("cp1251", errors="replace"), ru.encode("koi8-r", errors="replace"),
                 zh.encode("gbk", errors="replace")):
        assert utf8_damage(data) is None


def test_no_soup_encoding_is_suggested_for_bytes_nothing_reads():
    """Random high bytes: no reading scores as text, so none is offered as the fix."""
    import random

    rng = random.Random(11)
    data = b"notes " + bytes(rng.randrange(0x80, 0x100) for _ in range(3000))
    with pytest.raises(DecodeError) as info:
        decode(data, "x.md")
    message = str(info.value)
    assert "force it: --encoding" not in message


def test_paperdex_add_end_to_end(tmp_path):
    data, _ = _damaged("telegram")
    notes = tmp_path / "channel.txt"
    notes.write_bytes(data)
    db = tmp_path / "lib.db"
    refused = CliRunner().invoke(main, ["--db", str(db), "add", str(notes), "--no-resolve", "--no-embed"])
    assert "utf-8:replace" in refused.output and "koi8" not in refused.output
    done = CliRunner().invoke(main, ["--db", str(db), "add", str(notes), "--encoding", "utf-8:replace",
                                     "--no-resolve", "--no-embed"])
    assert done.exit_code == 0, done.output
    with Library(db) as lib:
        stored = "".join(r[0] for r in lib.conn.execute("SELECT text FROM notes"))
    assert "алаймент" in stored and stored.count("\ufffd") <= 3
