"""`paperdex export` for the new formats, through the real CLI: files written, --no-notes, RIS added back."""

from __future__ import annotations

import csv
import io

import rispy
from click.testing import CliRunner

from paperdex.cli import main
from tests.export.conftest import DATA


def run(db, *args: str):
    result = CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_export_ris_csv_biblatex_and_add_the_ris_back(tmp_path):
    db = tmp_path / "lib.db"
    run(db, "add", str(DATA / "awkward.csl.json"), "--no-resolve", "--no-embed")
    run(db, "export", "--format", "ris", "--out", str(tmp_path / "lib.ris"))
    records = rispy.loads((tmp_path / "lib.ris").read_text(encoding="utf-8"))
    assert len(records) == 5 and all(r.get("notes") for r in records)
    bare = run(db, "export", "--format", "ris", "--no-notes").stdout
    assert "N1  - " not in bare and len(rispy.loads(bare)) == 5
    biblatex = run(db, "export", "--format", "biblatex").stdout
    assert biblatex.count("\n@") + biblatex.startswith("@") == 5 and "eprinttype = {arxiv}" in biblatex
    run(db, "export", "--format", "csv", "--out", str(tmp_path / "lib.csv"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "lib.csv").read_text(encoding="utf-8-sig"))))
    assert {r["key"] for r in rows} == {"zhou2024", "li2023", "petrov2021", "openai2023", "nomath"}
    again = tmp_path / "again.db"
    run(again, "add", str(tmp_path / "lib.ris"), "--no-resolve", "--no-embed", "--reader", "bob")
    back = list(csv.DictReader(io.StringIO(run(again, "export", "--format", "csv").stdout.lstrip("\ufeff"))))
    # paperdex's own notes name their reader in their header line, so `--reader bob` does not replace it.
    assert all(r["readers"] for r in rows)
    assert sorted((r["key"], r["readers"], r["notes"]) for r in back) == sorted(
        (r["key"], r["readers"], r["notes"]) for r in rows)
