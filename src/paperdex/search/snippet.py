"""Snippets: the short window of a matched note shown under a result, with its matches marked.

Everything here is linear in the note's length, and the Python-level work is
bounded by SCAN_CHARS whatever the note's size: a 60 MB lecture note that
repeats the query word a million times costs one C-speed scan to find where
the matches start, then tokenises at most SCAN_CHARS around that place.
(Counting matches per candidate window made this quadratic: issue #11.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from paperdex.search.analyze import match_spans

SNIPPET_CHARS = 220
# How much text around the first match is tokenised to find the spans to show.
SCAN_CHARS = 20_000
# A window holds at most SNIPPET_CHARS / 2 matches; more spans than this change nothing.
MAX_SPANS = 2_000
MARK_OPEN, MARK_CLOSE = "«", "»"
_SPACE = re.compile(r"\s+")


def collapse(text: str) -> str:
    """Whitespace runs as one space (snippets are one line)."""
    return _SPACE.sub(" ", text).strip()


def locate(text: str, wanted: Iterable[str]) -> int:
    """Roughly where the first query term occurs in `text` (0 when none is seen).

    Terms are stems ("diffus"); a case-folded substring search finds them in
    one pass at C speed. It may point at a word piece ("for" in "Transformer"),
    which only moves the window: the spans shown come from real tokens.
    """
    lowered = text.lower()
    found = [i for i in (lowered.find(term) for term in wanted if term) if i >= 0]
    return min(found) if found else 0


def window(text: str, wanted: set[str], scan: int = SCAN_CHARS) -> str:
    """The part of `text` a snippet is looked for in: all of it when short, else SCAN_CHARS around
    the first match, cut at spaces so no word is split, marked "…" where text was left out."""
    if len(text) <= scan:
        return collapse(text)
    first = locate(text, wanted)
    start = max(0, first - scan // 4)
    end = min(len(text), start + scan)
    if start > 0:
        space = text.find(" ", start, start + 200)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", end - 200, end)
        end = space if space > start else end
    return ("… " if start > 0 else "") + collapse(text[start:end]) + (" …" if end < len(text) else "")


def spans_in(text: str, wanted: set[str]) -> list[tuple[int, int]]:
    """Match spans of whole tokens in `text` (already a window), at most MAX_SPANS of them."""
    return match_spans(text, wanted, limit=MAX_SPANS)


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS
                 ) -> tuple[str, list[tuple[int, int]]]:
    """A window of `text` around the densest run of matches, and the match spans inside it.

    Two pointers over the sorted spans: each span enters and leaves the
    window once, so this is linear in the number of spans.
    """
    if len(text) <= width:
        return text, spans
    spans = sorted(spans)
    start = _densest(spans, width)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    if start > 0:
        space = text.find(" ", start, start + 20)
        start = space + 1 if space != -1 else start
    piece = text[start:end]
    shown = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + piece + suffix, [(a + len(prefix), b + len(prefix)) for a, b in shown]


def _densest(spans: list[tuple[int, int]], width: int) -> int:
    """Start of the window (beginning width/5 before some match) that holds the most whole matches.

    Spans are sorted, non-overlapping tokens, so both their starts and ends
    ascend and the first/last span inside a window only move forward.
    """
    best, start = -1, 0
    left = right = 0
    for a, _b in spans:
        begin = max(0, a - width // 5)
        while spans[left][0] < begin:
            left += 1
        while right < len(spans) and spans[right][1] <= begin + width:
            right += 1
        if right - left > best:
            best, start = right - left, begin
    return start


def mark(text: str, spans: list[tuple[int, int]], open_: str = MARK_OPEN, close: str = MARK_CLOSE) -> str:
    """`text` with each span wrapped in open_/close (overlapping spans after the first are skipped)."""
    out, last = [], 0
    for a, b in sorted(spans):
        if a < last:
            continue
        out += [text[last:a], open_, text[a:b], close]
        last = b
    out.append(text[last:])
    return "".join(out)
