"""A body that is not JSON (an HTML error page from a proxy or the provider) is no record, never a crash."""

from __future__ import annotations

import pytest

from paperdex.resolve import crossref, openalex, semanticscholar
from tests.conftest import FIXTURES

HTML_404 = (FIXTURES / "openalex" / "works__doi_404_not_found.html").read_bytes()


@pytest.mark.parametrize("module", [crossref, openalex, semanticscholar], ids=lambda m: m.__name__.rsplit(".")[-1])
@pytest.mark.parametrize("body", [HTML_404, b"Resource not found.", "", b"\x00\xff"])
def test_non_json_bodies_give_no_records(module, body):
    assert module.parse_payload(body) == []
