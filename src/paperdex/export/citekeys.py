"""Citation keys `author-year-word` (fu2024humanplus), deduplicated with a/b/c suffixes, the same on every run.

Keys are ASCII letters and digits only: JabRef warns on `{}(),\\"#~^:'` and biber
on `%` and `=`, and LaTeX users type keys by hand. Non-Latin names and titles
are transliterated where Unicode can decompose them (Müller -> muller) and
skipped where it cannot (Chinese), falling back to the next part of the key.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from paperdex.model import Paper

# Words that make poor keys ("a2024the"): articles, prepositions, and generic lead words.
STOPWORDS = frozenset(
    ["a", "an", "the", "on", "of", "in", "for", "to", "and", "or", "with", "from", "by", "at", "as", "via", "is", "are", "be", "do", "does", "can", "we", "our", "its", "towards", "toward", "through", "using", "use", "beyond", "into", "over", "under", "about", "what", "when", "how", "why", "which"]
)

_ASCII_WORD = re.compile(r"[a-z0-9]+")


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits of a string, diacritics dropped (Müller -> muller)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii()).lower()


def family_name(author: str) -> str:
    """The family name of 'Fu, Z.' or 'Zipeng Fu' (or a single-word/organisation name)."""
    author = author.strip()
    if "," in author:
        return author.split(",", 1)[0].strip()
    parts = author.split()
    if not parts:
        return ""
    # "Fu Z." / "Fu Z": a trailing initial means the family name came first.
    if len(parts) >= 2 and re.fullmatch(r"(?:[A-Z]\.?-?)+", parts[-1]):
        return parts[0]
    return parts[-1]


def _author_part(paper: Paper) -> str:
    for author in paper.authors[:1]:
        words = _ASCII_WORD.findall(ascii_fold(family_name(author)))
        if words:
            return "".join(words)
    return ""


def _title_word(title: str | None) -> str:
    words = _ASCII_WORD.findall(ascii_fold(title or ""))
    for word in words:
        if word not in STOPWORDS and not word.isdigit():
            return word
    return words[0] if words else ""


def base_key(paper: Paper) -> str:
    """The undeduplicated key: author + year + first significant title word.

    A paper with no author gets word + year (toolchain2024) so that it still
    reads as a citation; with neither author nor a Latin title word it falls
    back to the paperdex id, which is stable and unique.
    """
    author = _author_part(paper)
    year = str(paper.year) if paper.year else ""
    word = _title_word(paper.title)
    if author:
        key = author + year + word
    elif word:
        key = word + year
    else:
        key = ""
    if not key or not key[0].isalpha():
        key = "paper" + (year or "") + (word or paper.id)
    return key[:60]


def _suffix(n: int) -> str:
    """a, b, ..., z, aa, ab, ... for the n-th (0-based) duplicate."""
    out = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(ord("a") + rem) + out
    return out


def assign(papers: Iterable[Paper]) -> dict[str, str]:
    """paper id -> citekey. Among papers sharing a base key the earliest added keeps it and later
    ones get a, b, c... (ties by paper id), so adding papers never renames an existing key."""
    by_base: dict[str, list[Paper]] = {}
    for paper in papers:
        by_base.setdefault(base_key(paper), []).append(paper)
    keys: dict[str, str] = {}
    taken = set(by_base)
    for base, group in sorted(by_base.items()):
        group.sort(key=lambda p: (p.added_at or "", p.id))
        keys[group[0].id] = base
        n = 0
        for paper in group[1:]:
            while (candidate := base + _suffix(n)) in taken:
                n += 1
            taken.add(candidate)
            keys[paper.id] = candidate
    return keys
