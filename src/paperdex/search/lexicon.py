"""Translate the ML terms of a query between English, Chinese, Russian, Japanese and Korean.

Keyword search cannot cross scripts: "扩散模型" never matches a note that says
"diffusion model". A small terminology lexicon (data/ml_terms.tsv, one concept
a line with its forms in five languages) finds the terms a query contains and
gives their forms in the other languages, so the keyword half can search them
too, and an English gloss of a non-English query for the semantic half.

Matching: Latin and Cyrillic forms are compared as sequences of index terms
(stemmed, stopwords dropped, see analyze.terms), so "диффузионные модели"
meets "диффузионная модель"; Chinese, Japanese and Korean forms as substrings
of the query with spaces removed (Korean spacing varies: 강화학습 / 강화 학습),
longest form first, each character of the query used once.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from paperdex.search.analyze import fold, phrase_words, terms

LANGUAGES = ("en", "zh", "ru", "ja", "ko")
# Characters of the scripts matched as substrings: Han, kana, Hangul.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s+")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Longest Latin/Cyrillic form, in index terms (n-grams tried per position).
_MAX_TERMS = 6


@dataclass
class Concept:
    forms: dict[str, list[str]]  # language -> surface forms

    @property
    def english(self) -> str:
        return self.forms["en"][0] if self.forms.get("en") else ""


@dataclass
class Lexicon:
    concepts: list[Concept]
    by_terms: dict[tuple[str, ...], set[int]] = field(default_factory=dict)  # Latin/Cyrillic forms
    by_text: dict[str, set[int]] = field(default_factory=dict)  # CJK forms, spaces removed
    concept_terms: list[list[str]] = field(default_factory=list)  # per concept: its forms' index terms
    longest_text: int = 0

    def add(self, concept: Concept) -> None:
        number = len(self.concepts)
        self.concepts.append(concept)
        for forms in concept.forms.values():
            for form in forms:
                key = _SPACE.sub("", fold(form))
                if _CJK.search(key):
                    if len(key) >= 2:  # one character alone (图, 层) is too ambiguous to translate
                        self.by_text.setdefault(key, set()).add(number)
                        self.longest_text = max(self.longest_text, len(key))
                    continue
                words = tuple(phrase_words(form))
                if words:
                    self.by_terms.setdefault(words, set()).add(number)


@dataclass
class Expansion:
    """What the lexicon found in a query."""

    concepts: list[Concept]
    terms: list[str]  # index terms of the other languages' forms, not already in the query
    gloss: str  # the query's concepts in English, in query order ("" when none was found)
    # Per concept, its index terms (the query's own and the translations) by script: see score().
    groups: list[list[list[str]]] = field(default_factory=list)

    def score(self, term_scores: dict[str, float]) -> float:
        """A row's keyword score with each concept counted once: the bm25 of its terms in the script
        where the row matches them best, not summed over every script it happens to be written in.
        Summed, a survey that says "knowledge distillation（知识蒸馏）" outscored, for 知识蒸馏 学生,
        the paper whose Chinese note is about the student. Terms outside every concept add up."""
        places = self._places
        total = 0.0
        sums: dict[tuple[int, int], float] = {}
        for term, value in term_scores.items():  # a row holds a few of the terms: loop over those
            place = places.get(term)
            if place is None:
                total += value
            else:
                sums[place] = sums.get(place, 0.0) + value
        best: dict[int, float] = {}
        for (group, _script), value in sums.items():
            best[group] = max(best.get(group, 0.0), value)
        return total + sum(best.values())

    @cached_property
    def _places(self) -> dict[str, tuple[int, int]]:
        """term -> (its concept's group, its script's place in the group)."""
        return {term: (g, s) for g, group in enumerate(self.groups) for s, script in enumerate(group)
                for term in script}

    def weighs_apart(self) -> bool:
        """Whether score() differs from the plain sum for some row (a concept in two scripts)."""
        return any(len(group) > 1 for group in self.groups)


DATA = Path(__file__).parent / "data" / "ml_terms.tsv"
# The lexicon compiled: index terms of every form and both lookup tables. Segmenting the Chinese and
# Japanese forms would load jieba's dictionary (0.3-0.5 s) for every English query, and folding and
# stemming 3,500 forms costs tens of ms a process; one JSON read is ~5 ms.
# Rewrite with `python -m paperdex.search.lexicon` after editing the TSV or the analyser.
COMPILED = DATA.with_suffix(".compiled.json")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The shipped lexicon, loaded once per process (only when a query needs it)."""
    return from_compiled(json.loads(COMPILED.read_text(encoding="utf-8")))


def analysed_forms(lex: Lexicon) -> dict[str, list[str]]:
    """{form: index terms} for every form, freshly computed (a form in both the Chinese and the
    Japanese column gets the terms of both segmentations)."""
    analysed: dict[str, list[str]] = {}
    for concept in lex.concepts:
        for lang, forms in concept.forms.items():
            for form in forms:
                found = analysed.setdefault(form, [])
                found.extend(t for t in form_terms(form, lang) if t not in found)
    return analysed


def compiled(lex: Lexicon) -> dict:
    """What COMPILED holds: the concepts, every form's terms and both lookup tables (sorted, so it diffs)."""
    analysed = analysed_forms(lex)
    per_concept = [list(dict.fromkeys(t for forms in c.forms.values() for f in forms for t in analysed[f]))
                   for c in lex.concepts]
    return {"concepts": [c.forms for c in lex.concepts], "terms": per_concept,
            "by_terms": {" ".join(k): sorted(v) for k, v in sorted(lex.by_terms.items())},
            "by_text": {k: sorted(v) for k, v in sorted(lex.by_text.items())}}


def from_compiled(data: dict) -> Lexicon:
    lex = Lexicon([Concept(forms) for forms in data["concepts"]], concept_terms=data["terms"])
    lex.by_terms = {tuple(k.split(" ")): set(v) for k, v in data["by_terms"].items()}
    lex.by_text = {k: set(v) for k, v in data["by_text"].items()}
    lex.longest_text = max(map(len, lex.by_text), default=0)
    return lex


def form_terms(form: str, lang: str) -> list[str]:
    """The index terms of one lexicon form in language `lang`: a Japanese form is segmented as
    Japanese, though it be kanji alone, as the notes that use it are."""
    return terms(form, japanese=lang == "ja")


def parse(text: str) -> Lexicon:
    """A lexicon from TSV text: en, zh, ru, ja, ko columns, variants split by |, # comments."""
    lex = Lexicon([])
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != len(LANGUAGES):
            raise ValueError(f"ml_terms.tsv line {number}: {len(cells)} columns, expected {len(LANGUAGES)}")
        forms = {lang: [f.strip() for f in cell.split("|") if f.strip()]
                 for lang, cell in zip(LANGUAGES, cells, strict=True)}
        lex.add(Concept(forms))
    return lex


def _longest_first(items: Sequence, lookup: Callable[[Sequence], set[int] | None], longest: int,
                   shortest: int, skip: Callable[[object], bool] | None = None,
                   allowed: Callable[[int, int], bool] | None = None) -> list[tuple[int, set[int]]]:
    """(position, concepts) of the longest forms found left to right in `items`, non-overlapping
    (and, with `allowed`, only spans (start, size) it accepts)."""
    found = []
    i = 0
    while i < len(items):
        if skip is not None and skip(items[i]):
            i += 1
            continue
        for size in range(min(longest, len(items) - i), shortest - 1, -1):
            if allowed is not None and not allowed(i, size):
                continue
            hit = lookup(items[i:i + size])
            if hit:
                found.append((i, hit))
                i += size
                break
        else:
            i += 1
    return found


def _cjk_matches(lex: Lexicon, query: str) -> list[tuple[int, set[int]]]:
    """CJK forms are matched as substrings of the query with its spaces removed (two characters at
    least). A match that runs across a space must begin where a word does: 강화 학습 is 강화학습,
    but 빠르고 정확 ("fast, accurate") does not hold 고정 ("fixed")."""
    words = fold(query).split()
    starts, at = set(), 0
    for word in words:
        starts.add(at)
        at += len(word)
    boundaries = starts - {0}

    def allowed(i: int, size: int) -> bool:
        return i in starts or not any(i < b < i + size for b in boundaries)

    return _longest_first("".join(words), lex.by_text.get, lex.longest_text, 2,
                          skip=lambda ch: not _CJK.match(ch), allowed=allowed)


def _term_matches(lex: Lexicon, query: str) -> list[tuple[int, set[int]]]:
    """Latin/Cyrillic forms are matched as sequences of the query's analysed terms (single letters
    kept: Q-learning is not learning)."""
    words = [t for t in phrase_words(query) if not _CJK.search(t)]
    return _longest_first(words, lambda seq: lex.by_terms.get(tuple(seq)), _MAX_TERMS, 1)


def expand(query: str, lex: Lexicon | None = None) -> Expansion:
    """The lexicon concepts of `query`, their forms in every language as index terms, and an English gloss."""
    lex = lex or lexicon()
    own = set(terms(query))  # segments a Chinese query: jieba loads only for a query with Han
    matches = _term_matches(lex, query) + _cjk_matches(lex, query)
    numbers_in_order: list[int] = []
    named: list[int] = []  # one concept per match names it in the gloss (see below)
    for _position, numbers in matches:
        for number in sorted(numbers):
            if number not in numbers_in_order:
                numbers_in_order.append(number)
        if min(numbers) not in named:
            named.append(min(numbers))
    concepts = [lex.concepts[n] for n in numbers_in_order]
    extra: list[str] = []
    for number in numbers_in_order:
        for term in _terms_of(lex, number):
            if term not in own and term not in extra and not _fragment(term):
                extra.append(term)
    # A form that several lines share (予测: forecasting, prediction; 学習: training, learning) is searched
    # in all of them, but names one, the first line's, in the gloss: both would say one word of the query
    # twice in the text the embedder reads (docs/search.md, ninth pass).
    gloss = " ".join(dict.fromkeys(lex.concepts[n].english for n in named if lex.concepts[n].english))
    return Expansion(concepts, extra, gloss, _by_script(lex, numbers_in_order, own | set(extra)))


def _fragment(term: str) -> bool:
    """A one-character Chinese, Japanese or Korean term of a form is a piece that segmentation cut off
    (化 of 正则化, 度 of 解像度, 性 of 鲁棒性), found in countless unrelated words: no translation. A query
    that has it keeps it (docs/search.md, ninth pass)."""
    return len(term) == 1 and bool(_CJK.match(term))


def _terms_of(lex: Lexicon, number: int) -> list[str]:
    """The index terms of every form of concept `number`."""
    if lex.concept_terms:
        return lex.concept_terms[number]
    # A lexicon parsed from TSV text (tests, regeneration): analyse its forms now.
    return [t for lang, forms in lex.concepts[number].forms.items() for f in forms for t in form_terms(f, lang)]


def _script_of(term: str) -> str:
    """The script an index term is written in: Chinese and Japanese share Han ("han"), kana joins them."""
    if _HANGUL.search(term):
        return "ko"
    if _CJK.search(term):
        return "han"
    if _CYRILLIC.search(term):
        return "cyr"
    return "latin"


def _by_script(lex: Lexicon, numbers: list[int], searched: set[str]) -> list[list[list[str]]]:
    """Each concept's searched terms (the query's own and the translations) grouped by script; a term
    two concepts share counts for the first."""
    used: set[str] = set()
    groups = []
    for number in numbers:
        by_script: dict[str, list[str]] = {}
        for term in dict.fromkeys(_terms_of(lex, number)):
            if term in searched and term not in used:
                used.add(term)
                by_script.setdefault(_script_of(term), []).append(term)
        if by_script:
            groups.append(list(by_script.values()))
    return groups


if __name__ == "__main__":  # regenerate COMPILED after editing the TSV or the analyser
    table = compiled(parse(DATA.read_text(encoding="utf-8")))
    COMPILED.write_text(json.dumps(table, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(table['concepts'])} concepts -> {COMPILED}", file=sys.stderr)
