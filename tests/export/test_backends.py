"""An export of the same notes is the same file whether the library is SQLite or PostgreSQL."""

from __future__ import annotations

from click.testing import CliRunner

from paperdex.cli import main
from tests.conftest import EXAMPLES, SEEDS, pg_schema

FORMATS = ("jsonl", "bibtex", "biblatex", "csv", "csl-json", "ris", "markdown")


def test_exports_are_byte_identical_across_backends(tmp_path):
    runner = CliRunner()
    outputs: list[dict[str, str]] = []
    with pg_schema() as url:
        for db in (str(tmp_path / "lib.db"), url):
            added = runner.invoke(main, ["--db", db, "add", str(EXAMPLES), str(SEEDS), "--no-resolve"])
            assert added.exit_code == 0, added.output
            exports = {}
            for fmt in FORMATS:
                result = runner.invoke(main, ["--db", db, "export", "--format", fmt])
                assert result.exit_code == 0, (fmt, result.output)
                exports[fmt] = result.stdout
            outputs.append(exports)
    assert outputs[0]["jsonl"].count("\n") > 50
    for fmt in FORMATS:
        assert outputs[1][fmt] == outputs[0][fmt], fmt
