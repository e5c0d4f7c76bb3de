"""Data files that list papers: CSV/TSV (a spreadsheet or Notion export), YAML and JSON lists of objects.

Rows or objects become entries (`paperdex.extract.records`); a data file that
holds no list of titled records is kept as a plain document.
"""

from __future__ import annotations

import csv
import io
import json
import re

from paperdex.extract.records import blocks_from_records, records_in
from paperdex.formats import yaml_text
from paperdex.model import Document

NAME = "data"
EXTENSIONS = (".csv", ".tsv", ".yml", ".yaml", ".json")


def detect(path: str, head: str) -> float:
    lower = path.lower()
    if lower.endswith((".csv", ".tsv", ".yml", ".yaml")):
        return 0.7
    if lower.endswith(".json") and head.lstrip()[:1] in "[{":
        return 0.2  # CSL-JSON and Telegram exports outbid this
    return 0.0


def _parse(text: str, source: str) -> object:
    lower = source.lower()
    if lower.endswith((".csv", ".tsv")):
        sample = text[:8192]
        delimiter = "\t" if lower.endswith(".tsv") or sample.count("\t") > sample.count(",") else ","
        return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))
    if lower.endswith(".json"):
        return json.loads(text)
    return yaml_text.safe_load(text)


def _record_lines(text: str, source: str, count: int) -> list[int] | None:
    """1-based line of each record, so a note points back into the file (YAML lists and CSV rows)."""
    lower = source.lower()
    if lower.endswith((".yml", ".yaml")):
        starts = [i for i, line in enumerate(text.split("\n"), start=1) if re.match(r"^-\s", line)]
        return starts if len(starts) == count else None
    if lower.endswith((".csv", ".tsv")):
        return list(range(2, 2 + count))
    starts = [i for i, line in enumerate(text.split("\n"), start=1) if re.match(r"^\s*\{\s*$|^\s*\{\s*\"", line)]
    return starts if len(starts) == count else None


def read(text: str, source: str) -> list[Document]:
    try:
        data = _parse(text, source)
    except (yaml_text.YAMLError, json.JSONDecodeError, csv.Error):
        data = None
    records = records_in(data)
    blocks = blocks_from_records(records, lines=_record_lines(text, source, len(records))) if records else []
    if not blocks:
        return [Document(source=source, format="text", text=text)]
    return [Document(source=source, format=NAME, text=text, blocks=blocks)]
