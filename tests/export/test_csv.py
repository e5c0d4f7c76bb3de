"""CSV export: read by the csv module and pandas without a warning, one row per paper, formulas defused."""

from __future__ import annotations

import csv
import io
import warnings

import pandas as pd

from paperdex.export import csv_table
from paperdex.library import user_data
from paperdex.library.store import iter_papers
from paperdex.model import Paper


def _export(lib) -> str:
    out = io.StringIO()
    csv_table.export(lib, out)
    return out.getvalue()


def test_csv_module_and_pandas_read_one_row_per_paper(mixed_lib, tmp_path):
    text = _export(mixed_lib)
    assert text.startswith("\ufeffkey,title,")  # the BOM tells LibreOffice and Excel it is UTF-8
    path = tmp_path / "papers.csv"
    path.write_bytes(text.encode("utf-8"))
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    papers = {p.id: p for p in iter_papers(mixed_lib)}
    assert len(rows) == len(papers)
    for row in rows:
        paper = papers[row["paperdex_id"]]
        assert row["title"] == (paper.title or "")
        assert row["notes"] == str(len(paper.notes))
        assert row["authors"].split("; ") == (paper.authors or [""])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "opens with no warning"
        frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    assert list(frame.columns) == list(csv_table.COLUMNS)
    assert len(frame) == len(papers)
    zhou = frame[frame["key"] == "zhou2024"].iloc[0]
    assert zhou["title"] == "100% Accurate & Fast: $x^2$ Scaling for #1 Models_v2 ~ {Braces}"
    assert zhou["arxiv"] == "2401.00001"
    assert frame[frame["key"] == "li2023"].iloc[0]["title"] == "基于大模型的推理：综述"


def test_user_tags_and_readers_are_columns(mixed_lib, tmp_path):
    from tests.export.helpers import build_library

    folder = tmp_path
    (folder / "a.csl.json").write_text(
        '[{"id": "k1", "type": "article", "title": "Deep Residual Learning", "issued": {"date-parts": [[2016]]},'
        ' "note": "Residual connections."}]', encoding="utf-8")
    lib = build_library(folder / "lib.db", ["a.csl.json"], cwd=folder)
    [paper] = list(iter_papers(lib))
    user_data.add_tag(lib, paper.id, "to cite")
    user_data.add_tag(lib, paper.id, "vision")
    [row] = list(csv.DictReader(io.StringIO(_export(lib).lstrip("\ufeff"))))
    assert row["tags"] == "to cite; vision" and row["notes"] == "1" and row["year"] == "2016"


def test_cells_that_look_like_formulas_are_text():
    paper = Paper(id="p1", title="=HYPERLINK(\"http://evil\")", authors=["@someone", "+1"], year=2020)
    row = csv_table.row_for(paper, "k", ["-tag"])
    values = dict(zip(csv_table.COLUMNS, row, strict=True))
    assert values["title"].startswith("'=")
    assert values["authors"] == "'@someone; +1"
    assert values["tags"] == "'-tag"
