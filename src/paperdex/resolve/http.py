"""The one HTTP seam for every provider: timeouts, user agent, rate limits, retries, response cache.

Tests point `ResolveSettings.base_urls` at a local replay server (or pass an
httpx transport) instead of monkeypatching. A cached response costs no request,
so a re-run of `resolve` is free; only definitive answers (2xx, 400, 404) are cached.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx

from paperdex import __version__
from paperdex.errors import ResolveError

PROVIDERS = ("arxiv", "semanticscholar", "openalex", "crossref")

DEFAULT_BASE_URLS = {
    "arxiv": "https://export.arxiv.org",
    "semanticscholar": "https://api.semanticscholar.org",
    "openalex": "https://api.openalex.org",
    "crossref": "https://api.crossref.org",
}
# Seconds between two requests to one provider: arXiv asks for 3 s; S2 allows ~1/s without a key.
DEFAULT_INTERVALS = {"arxiv": 3.0, "semanticscholar": 1.0, "openalex": 0.1, "crossref": 0.05}
CACHEABLE = frozenset({200, 400, 404})


def _env_flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass
class ResolveSettings:
    """Everything the resolver's network side can be told; `from_env` reads the environment."""

    base_urls: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_BASE_URLS))
    intervals: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_INTERVALS))
    timeout: float = 20.0
    max_retries: int = 3
    backoff: float = 2.0  # first wait after a 429/5xx without Retry-After; doubles each time
    max_wait: float = 120.0  # never honour a Retry-After longer than this
    mailto: str | None = None
    openalex_key: str | None = None
    s2_key: str | None = None
    offline: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> ResolveSettings:
        """Settings from paperdex.settings (env > config file > default), or from a given mapping."""
        if env is None:
            from paperdex import settings as config

            settings = cls(mailto=config.get("mailto"), openalex_key=config.get("openalex_api_key"),
                           s2_key=config.get("semantic_scholar_api_key"), offline=config.is_offline())
        else:
            settings = cls(
                mailto=env.get("PAPERDEX_MAILTO") or None,
                openalex_key=env.get("OPENALEX_API_KEY") or None,
                s2_key=env.get("SEMANTIC_SCHOLAR_API_KEY") or None,
                offline=_env_flag(env.get("PAPERDEX_OFFLINE")),
            )
        if settings.s2_key:
            settings.intervals["semanticscholar"] = 0.1
        for name, value in overrides.items():
            setattr(settings, name, value)
        return settings

    def user_agent(self) -> str:
        contact = f"; mailto:{self.mailto}" if self.mailto else ""
        return f"paperdex/{__version__} (https://github.com/paperdex/paperdex{contact})"


class ProviderFailure(ResolveError):
    """A provider did not answer usefully (timeout, unreachable, rate limited, 5xx): retry later."""

    def __init__(self, provider: str, reason: str) -> None:
        self.provider = provider
        self.reason = reason
        super().__init__(f"{provider}: {reason} (recorded; run `paperdex resolve --retry-failed` later)")


class ResponseCache(Protocol):
    def get(self, provider: str, key: str) -> tuple[int, str] | None: ...

    def put(self, provider: str, key: str, status: int, body: str) -> None: ...


@dataclass
class Response:
    status: int
    text: str
    from_cache: bool = False

    def json(self) -> Any:
        return json.loads(self.text)


def cache_key(method: str, path: str, params: Mapping[str, Any] | None, body: Any = None) -> str:
    """Method, path and sorted query; bodies by hash. Base URL and API keys stay out of it."""
    query = urlencode(sorted((k, str(v)) for k, v in (params or {}).items()))
    key = f"{method} {path}?{query}"
    if body is not None:
        digest = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()
        key += f" #{digest}"
    return key


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class HttpClient:
    """Rate-limited, retrying, caching GET/POST per provider."""

    def __init__(self, settings: ResolveSettings, cache: ResponseCache | None = None, *,
                 transport: httpx.BaseTransport | None = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.cache = cache
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}
        self.requests = 0  # network requests actually sent (cache hits excluded)
        self._client = httpx.Client(timeout=settings.timeout, transport=transport, follow_redirects=True,
                                    headers={"User-Agent": settings.user_agent()})

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, provider: str, path: str, params: Mapping[str, Any] | None = None) -> Response:
        return self.request(provider, "GET", path, params)

    def post(self, provider: str, path: str, params: Mapping[str, Any] | None, body: Any) -> Response:
        return self.request(provider, "POST", path, params, body)

    def _auth(self, provider: str, params: dict[str, Any], headers: dict[str, str]) -> None:
        s = self.settings
        if provider == "semanticscholar" and s.s2_key:
            headers["x-api-key"] = s.s2_key
        elif provider == "openalex" and s.openalex_key:
            params["api_key"] = s.openalex_key
        if provider in ("openalex", "crossref") and s.mailto:
            params.setdefault("mailto", s.mailto)

    def _wait_turn(self, provider: str) -> None:
        interval = self.settings.intervals.get(provider, 0.0)
        last = self._last.get(provider)
        if last is not None and interval > 0:
            delay = last + interval - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._last[provider] = self._clock()

    def request(self, provider: str, method: str, path: str, params: Mapping[str, Any] | None = None,
                body: Any = None) -> Response:
        key = cache_key(method, path, params, body)
        if self.cache is not None:
            hit = self.cache.get(provider, key)
            if hit is not None:
                return Response(hit[0], hit[1], from_cache=True)
        if self.settings.offline:
            raise ProviderFailure(provider, "offline (PAPERDEX_OFFLINE=1)")
        url = self.settings.base_urls[provider].rstrip("/") + path
        send_params, headers = dict(params or {}), {}
        self._auth(provider, send_params, headers)
        for attempt in range(self.settings.max_retries + 1):
            self._wait_turn(provider)
            self.requests += 1
            try:
                resp = self._client.request(method, url, params=send_params, headers=headers,
                                            json=body if body is not None else None)
            except httpx.TimeoutException as exc:
                raise ProviderFailure(provider, f"timed out after {self.settings.timeout:g} s") from exc
            except httpx.TransportError as exc:
                raise ProviderFailure(provider, f"unreachable ({type(exc).__name__})") from exc
            if resp.status_code == 429 or resp.status_code >= 500:
                if attempt == self.settings.max_retries:
                    raise ProviderFailure(provider, f"HTTP {resp.status_code} after {attempt + 1} attempts")
                wait = _retry_after(resp.headers.get("Retry-After"))
                if wait is None:
                    wait = self.settings.backoff * (2**attempt)
                self._sleep(min(wait, self.settings.max_wait))
                continue
            if resp.status_code in CACHEABLE and self.cache is not None:
                self.cache.put(provider, key, resp.status_code, resp.text)
            return Response(resp.status_code, resp.text)
        raise ProviderFailure(provider, "no answer")  # pragma: no cover - loop always returns or raises
