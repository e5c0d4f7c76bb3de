"""Citation keys `author-year-word` (fu2024humanplus): ASCII, unique in the library, the same on every run.

Keys are ASCII letters and digits only: JabRef warns on `{}(),\\"#~^:'` and biber
on `%` and `=`, and LaTeX users type keys by hand. Names and titles in any
script are transliterated with anyascii (Müller -> muller, 张伟 -> zhang,
Обучение -> obuchenie); a Chinese title gives its first two characters
(强化学习 -> qianghua), about one word.

A key the user chose wins: a note imported from a bibliography (BibTeX,
biblatex, CSL-JSON, Better BibTeX JSON, RIS) carries its citation key, and the
paper keeps that key. So a .bib written by paperdex and re-added gives the
same keys, whatever was added in between, and so does a Zotero library.
Among papers sharing an automatic key the earliest added keeps it and later
ones get a, b, c..., so adding papers never renames a key already cited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from anyascii import anyascii

from paperdex.export.common import split_name
from paperdex.model import Paper

# Words that make poor keys ("a2024the"): articles, prepositions, and generic lead words.
STOPWORDS = frozenset(
    ["a", "an", "the", "on", "of", "in", "for", "to", "and", "or", "with", "from", "by", "at", "as", "via", "is", "are", "be", "do", "does", "can", "we", "our", "its", "towards", "toward", "through", "using", "use", "beyond", "into", "over", "under", "about", "what", "when", "how", "why", "which"]
)

_ASCII_WORD = re.compile(r"[a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\W_]+")
# What a citation key may be when the user chose it: no characters BibTeX, biber or LaTeX refuse.
_USER_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_:.+/-]{0,99}")


def ascii_fold(text: str) -> str:
    """Lower-case ASCII transliteration of a string (Müller -> muller, Обучение -> obuchenie)."""
    return anyascii(text).lower()


def family_name(author: str) -> str:
    """The family name of 'Fu, Z.', 'Zipeng Fu', 'Fu Z.' or '张伟' (a Chinese name starts with it)."""
    family, given = split_name(author)
    if family:
        return family
    name = given.strip()
    if _HAN.fullmatch(name):
        return name[0]
    parts = name.split()
    # "山田 太郎": CJK names with a space put the family name first.
    return parts[0] if parts and _HAN.match(parts[0]) else name


def _author_part(paper: Paper) -> str:
    for author in paper.authors[:1]:
        words = _ASCII_WORD.findall(ascii_fold(family_name(author)))
        if words:
            return "".join(words)
    return ""


def _title_words(title: str) -> list[str]:
    out = []
    for token in _WORD.findall(title):
        if _HAN.fullmatch(token):
            token = token[:2]
        out += _ASCII_WORD.findall(ascii_fold(token))
    return out


def _title_word(title: str | None) -> str:
    words = _title_words(title or "")
    for word in words:
        if word not in STOPWORDS and not word.isdigit():
            return word
    return words[0] if words else ""


def user_key(paper: Paper) -> str | None:
    """The citation key a bibliography the paper was imported from gave it, if it is a usable key."""
    for note in paper.notes:
        key = (note.fields or {}).get("citation_key", "").strip()
        if key and _USER_KEY.fullmatch(key):
            return key
    return None


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
    """paper id -> citekey. A user's key wins (the earliest added paper keeps a key two claim);
    among papers sharing a base key the earliest added keeps it and later ones get a, b, c...
    (ties by paper id), so adding papers never renames an existing key."""
    papers = sorted(papers, key=lambda p: (p.added_at or "", p.id))
    keys: dict[str, str] = {}
    users: set[str] = set()  # case-folded: BibTeX compares keys without case
    for paper in papers:
        chosen = user_key(paper)
        if chosen and chosen.casefold() not in users:
            keys[paper.id] = chosen
            users.add(chosen.casefold())
    by_base: dict[str, list[Paper]] = {}
    for paper in papers:
        if paper.id not in keys:
            by_base.setdefault(base_key(paper), []).append(paper)
    taken = users | set(by_base)
    for base, group in sorted(by_base.items()):
        rest = group
        if base not in users:
            keys[group[0].id] = base
            rest = group[1:]
        n = 0
        for paper in rest:
            while (candidate := base + _suffix(n)) in taken:
                n += 1
            taken.add(candidate)
            keys[paper.id] = candidate
    return keys
