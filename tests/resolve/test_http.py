"""The HTTP seam against the replay server: cache, 429 retry, timeouts, rate limiting."""

from __future__ import annotations

import pytest

from paperdex.library.resolution import HttpCacheStore
from paperdex.resolve import arxiv, crossref, openalex, semanticscholar
from paperdex.resolve.http import HttpClient, ProviderFailure, ResolveSettings


def test_each_provider_fetches_recorded_responses(replay, settings):
    with HttpClient(settings) as client:
        found = arxiv.fetch_ids(client, ["astro-ph/0601001v1"])
        assert found["astro-ph/0601001"].authors[0] == "Andrew Gould"
        assert arxiv.fetch_ids(client, ["0000.0000"]) == {}
        [match] = semanticscholar.match_title(client, "Attention is All you Need")
        assert match.ident("arxiv") == "1706.03762"
        assert semanticscholar.match_title(client, "askldjrq3rjaw938h") == []
        [work] = openalex.search_title(client, "PaperQA: Retrieval-Augmented Generative Agent for Scientific Research")
        assert work.ident("openalex") == "W4389761608"
        by_doi = openalex.fetch_dois(client, ["10.1016/j.xgen.2025.100814"])
        assert by_doi["10.1016/j.xgen.2025.100814"].venue == "Cell Genomics"
        assert openalex.fetch_dois(client, ["10.1046/j.1365-2699.2003.00795"]) == {}  # HTML 404
        assert crossref.fetch_doi(client, "10.1371/journal.pone.0033693").year == 2012
        assert crossref.fetch_doi(client, "10.1371/notarealdoi") is None
    assert replay.unmatched == []


def test_arxiv_error_feed_is_nothing(replay, settings):
    with HttpClient(settings) as client:
        assert arxiv.fetch_ids(client, ["abc"]) == {}  # not an id: never sent
    assert replay.total == 0


def test_cache_makes_repeat_requests_free(replay, settings, lib):
    cache = HttpCacheStore(lib)
    with HttpClient(settings, cache) as client:
        semanticscholar.match_title(client, "Attention is All you Need")
        semanticscholar.match_title(client, "askldjrq3rjaw938h")  # a 404 is an answer too
    assert replay.total == 2
    with HttpClient(settings, cache) as client:
        [match] = semanticscholar.match_title(client, "Attention is All you Need")
        assert semanticscholar.match_title(client, "askldjrq3rjaw938h") == []
        assert client.requests == 0
    assert match.ident("arxiv") == "1706.03762"
    assert replay.total == 2


def test_429_then_success_is_retried(replay, settings):
    replay.fail_next("/semanticscholar/graph/v1/paper/search/match", [429])
    waits: list[float] = []
    with HttpClient(settings, sleep=waits.append) as client:
        [match] = semanticscholar.match_title(client, "Attention is All you Need")
    assert match.ident("arxiv") == "1706.03762"
    assert replay.hits["/semanticscholar/graph/v1/paper/search/match"] == 2
    assert waits == [0.0]  # the server's Retry-After: 0 is honoured


def test_persistent_5xx_is_a_provider_failure(replay, settings):
    replay.fail_next("/crossref/works/10.1371/journal.pone.0033693", [503, 503, 503])
    with HttpClient(settings, sleep=lambda s: None) as client, pytest.raises(ProviderFailure, match="HTTP 503"):
        crossref.fetch_doi(client, "10.1371/journal.pone.0033693")
    assert replay.hits["/crossref/works/10.1371/journal.pone.0033693"] == settings.max_retries + 1


def test_timeout_is_a_provider_failure(replay, settings):
    replay.fail_next("/arxiv/api/query", ["timeout"])
    with HttpClient(settings) as client, pytest.raises(ProviderFailure, match="timed out"):
        arxiv.fetch_ids(client, ["1605.08386"])


def test_offline_client_sends_nothing(replay, settings):
    settings.offline = True
    with HttpClient(settings) as client, pytest.raises(ProviderFailure, match="offline"):
        semanticscholar.match_title(client, "Attention is All you Need")
    assert replay.total == 0


def test_rate_limit_spaces_requests_per_provider(replay, settings):
    settings.intervals["arxiv"] = 3.0
    now = [100.0]
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(round(s, 3))
        now[0] += s

    with HttpClient(settings, sleep=sleep, clock=lambda: now[0]) as client:
        arxiv.fetch_ids(client, ["1605.08386"])
        arxiv.fetch_ids(client, ["astro-ph/0601001"])
        semanticscholar.match_title(client, "Attention is All you Need")  # another provider: no wait
    assert waits == [3.0]


def test_settings_from_env():
    s = ResolveSettings.from_env({"PAPERDEX_OFFLINE": "1", "OPENALEX_API_KEY": "k", "PAPERDEX_MAILTO": "a@b.c"})
    assert s.offline and s.openalex_key == "k" and "mailto:a@b.c" in s.user_agent()
    assert s.intervals["arxiv"] == 3.0
