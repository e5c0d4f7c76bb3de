"""Each provider's pure parser on the real recorded responses."""

from __future__ import annotations

import pytest

from paperdex.model import Identifier
from paperdex.resolve import arxiv, crossref, openalex, semanticscholar
from paperdex.resolve.snapshot import iter_rows, parse_record
from tests.conftest import FIXTURES
from tests.resolve.conftest import SNAPSHOT_SAMPLE

AX = FIXTURES / "arxiv"
S2 = FIXTURES / "semanticscholar"
OA = FIXTURES / "openalex"
CR = FIXTURES / "crossref"


def test_arxiv_entry_fields():
    [rec] = arxiv.parse_feed((AX / "query_id_list_1605.08386.xml").read_bytes())
    assert rec.title == "Heat-bath random walks with Markov bases"
    assert rec.authors == ["Caprice Stanley", "Tobias Windisch"]
    assert rec.year == 2016
    assert rec.raw_id == "1605.08386v1"
    assert rec.identifiers == [Identifier("arxiv", "1605.08386")]


def test_arxiv_old_style_and_versioned_ids():
    [old] = arxiv.parse_feed((AX / "query_id_list_astro-ph_0601001_oldstyle_id.xml").read_bytes())
    assert old.ident("arxiv") == "astro-ph/0601001"
    assert old.venue == "ActaAstron.56:1-50,2006"
    assert old.abstract.startswith("We derive the frequencies")  # leading spaces and wraps cleaned
    [quant] = arxiv.parse_feed((AX / "query_id_list_quant-ph_0201082v1.xml").read_bytes())
    assert quant.ident("arxiv") == "quant-ph/0201082" and quant.raw_id.endswith("v1")
    [versioned] = arxiv.parse_feed((AX / "query_id_list_2104.12255v1_versioned.xml").read_bytes())
    assert versioned.ident("arxiv") == "2104.12255"


def test_arxiv_empty_and_error_feeds():
    assert arxiv.parse_feed((AX / "query_id_list_0000.0000_no_results.xml").read_bytes()) == []
    with pytest.raises(arxiv.ArxivFeedError, match="incorrect id format for abc"):
        arxiv.parse_feed((AX / "query_id_list_abc_error_HTTP400.xml").read_bytes())


def test_arxiv_search_feed_carries_published_doi():
    records = arxiv.parse_feed((AX / "query_search_testing_start0_max10.xml").read_bytes())
    assert len(records) == 10
    first = records[0]
    assert first.ident("doi") == "10.1109/icstw55395.2022.00035"
    assert "  " not in first.title and "\n" not in first.abstract


def test_s2_search_match_and_no_match():
    [rec] = semanticscholar.parse_payload((S2 / "graph_v1_paper_search_match__attention_is_all_you_need.json").read_text())
    assert rec.title == "Attention is All you Need" and rec.year == 2017
    assert rec.ident("arxiv") == "1706.03762"
    assert rec.ident("s2") == "204e3073870fae3d05bcbc2f6a8e263d9b72e776"
    assert rec.ident("dblp") == "journals/corr/VaswaniSPUJGKP17"
    assert rec.authors[0] == "Ashish Vaswani" and rec.venue == "Neural Information Processing Systems"
    assert semanticscholar.parse_payload((S2 / "graph_v1_paper_search_match__404_no_match.json").read_text()) == []


def test_s2_arxiv_doi_yields_arxiv_id():
    [rec] = semanticscholar.parse_payload((S2 / "graph_v1_paper_search_match__paperqa_arxiv.json").read_text())
    assert rec.ident("arxiv") == "2312.07559"
    assert Identifier("doi", "10.48550/arxiv.2312.07559") in rec.identifiers


def test_s2_batch_bare_paper_and_404():
    batch = semanticscholar.parse_payload((S2 / "graph_v1_paper_batch__POST_fields_authors.json").read_text())
    assert [len(r.authors) for r in batch] == [3, 4, 3]
    [paper] = semanticscholar.parse_payload((S2 / "graph_v1_paper_DOI__10.1016_j.xgen.2025.100814.json").read_text())
    assert paper.ident("doi") == "10.1016/j.xgen.2025.100814" and paper.venue == "bioRxiv"
    assert semanticscholar.parse_payload((S2 / "graph_v1_paper__404_not_found.json").read_text()) == []
    assert semanticscholar.parse_payload([None, {"paperId": "x", "title": "T"}])[0].title == "T"


def test_openalex_list_envelope_and_inverted_abstract():
    [rec] = openalex.parse_payload((OA / "works_filter_title.search__paperqa_arxiv.json").read_text())
    assert rec.raw_id == "W4389761608" and rec.ident("openalex") == "W4389761608"
    assert rec.ident("arxiv") == "2312.07559"
    assert rec.venue is None  # arXiv is a repository, not a venue
    assert rec.abstract.startswith("Large Language Models (LLMs) generalize well")
    assert rec.authors[0] == "Jakub Lála"


def test_openalex_bare_work_projection_and_html_404():
    [rec] = openalex.parse_payload((OA / "works__doi_10.1016_j.xgen.2025.100814.json").read_text())
    assert rec.venue == "Cell Genomics" and rec.year == 2025
    assert openalex.parse_payload((OA / "works__doi_select_open_access_doi.json").read_text()) == []
    assert openalex.parse_payload((OA / "works__doi_404_not_found.html").read_text()) == []


def test_openalex_abstract_from_index_orders_by_position():
    assert openalex.abstract_from_index({"world": [1], "hello": [0, 2]}) == "hello world hello"


def test_crossref_work_list_and_404():
    [rec] = crossref.parse_payload((CR / "works_query.title__attention_is_all_you_need_rows1.json").read_text())
    assert rec.title == "Self-Attention with Relative Position Representations"
    assert rec.ident("doi") == "10.18653/v1/n18-2074" and rec.year == 2018
    assert rec.authors == ["Peter Shaw", "Jakob Uszkoreit", "Ashish Vaswani"]
    assert crossref.parse_payload((CR / "works_DOI__404_notarealdoi.txt").read_text()) == []
    assert crossref.parse_payload((CR / "works_query.title__garbage_no_results.json").read_text()) == []


def test_crossref_single_work():
    [rec] = crossref.parse_payload((CR / "works_DOI__10.1371_journal.pone.0033693.json").read_text())
    assert rec.year == 2012 and rec.venue == "PLoS ONE"
    assert rec.ident("doi") == "10.1371/journal.pone.0033693"


def test_snapshot_lines_parse():
    rows = list(iter_rows(SNAPSHOT_SAMPLE))
    assert len(rows) == 200
    first = rows[0]
    assert first[0] == "0704.0001"
    assert first[1].startswith("Calculation of prompt diphoton production cross sections at Tevatron and LHC")
    assert first[4] == 2007 and first[5] == "10.1103/physrevd.76.013009"
    rec = parse_record({"id": "0704.0001", "title": "T", "authors": "C. Bal\\'azs and E. Berger",
                        "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"}]})
    assert rec.authors == ["C. Balazs", "E. Berger"] and rec.year == 2007
