"""CSL-JSON export: valid against the vendored CSL-JSON schema, golden file."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema

from paperdex.export import csl_json
from paperdex.export.csl_json import csl_name
from tests.export.helpers import check_golden

SCHEMA = json.loads((Path(__file__).parent / "csl-data.json").read_text(encoding="utf-8"))


def _export(lib) -> str:
    out = io.StringIO()
    csl_json.export(lib, out)
    return out.getvalue()


def test_valid_against_schema(seed_lib):
    data = json.loads(_export(seed_lib))
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft7Validator)
    assert len(data) > 50
    item = next(i for i in data if i["title"] == "Training Compute-Optimal Large Language Models")
    assert item["number"] == "arXiv:2203.15556" and item["publisher"] == "arXiv"
    assert item["issued"] == {"date-parts": [[2022]]}
    assert "论文观感相当好" in item["annote"]
    assert item["categories"] == ["LLM"]


def test_schema_rejects_what_it_should(seed_lib):
    """The check has teeth: an unknown field or type fails validation."""
    data = json.loads(_export(seed_lib))
    data[0]["paperdex_id"] = "p1"
    try:
        jsonschema.validate(data, SCHEMA)
    except jsonschema.ValidationError:
        pass
    else:  # pragma: no cover
        raise AssertionError("schema accepted an unknown property")


def test_names():
    assert csl_name("Fu, Z.") == {"family": "Fu", "given": "Z."}
    assert csl_name("Zipeng Fu") == {"family": "Fu", "given": "Zipeng"}
    assert csl_name("张三") == {"literal": "张三"}
    assert csl_name("OpenAI") == {"literal": "OpenAI"}


def test_golden_and_deterministic(seed_lib):
    text = _export(seed_lib)
    assert text == _export(seed_lib)
    check_golden("seeds.csl.json", text)


def test_language_id_note_and_links_validate(mixed_lib):
    data = json.loads(_export(mixed_lib))
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft7Validator)
    items = {i["id"]: i for i in data}
    assert items["li2023"]["language"] == "zh" and items["petrov2021"]["language"] == "ru"
    assert items["zhou2024"]["language"] == "en"
    assert items["zhou2024"]["note"] == "arXiv: 2401.00001"
    assert items["zhou2024"]["issued"] == {"date-parts": [[2024]]}
    assert items["li2023"]["DOI"] == "10.1000/xyz_123%4"
    assert items["petrov2021"]["URL"] == "https://example.org/papers/rl-robots?id=7&lang=ru#top"
    assert items["li2023"]["author"] == [{"literal": "李明"}, {"literal": "张伟"}]
