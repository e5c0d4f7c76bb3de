"""Offline resolution against the arXiv metadata snapshot (Kaggle arxiv-metadata-oai-snapshot.json).

`iter_rows(path)` streams the JSON-lines file one record at a time (never
loading it whole) into rows for library.snapshot_store. `SnapshotIndex`
finds candidates by exact normalised title, else by the titles sharing the
rarest title words (FTS5 word index; a misspelt word stands for the
vocabulary words one edit away, found through their one-letter deletions)
or adjacent word pairs (FTS5 pair index), then rescores them with rapidfuzz.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from paperdex.errors import MalformedInput
from paperdex.library import snapshot_store
from paperdex.library.db import Library
from paperdex.model import Identifier
from paperdex.resolve.matching import normalize_title
from paperdex.resolve.records import Record, clean_text

NAME = "snapshot"
BLOCK_TERMS = 4  # rarest title words whose titles are counted
RARE = 1_000  # a word in at most this many titles is a blocking key on its own
ABSENT_RARE = 3  # rare words of which no title shares two: the paper is absent (see SnapshotIndex.block)
RESCORE = 60  # candidates rescored with rapidfuzz from the last-resort vote
PAIR_CAP = 3_000  # a word pair in more titles than this is not looked up
MAX_PAIRS = 5  # word pairs looked up at most
ADJACENT = 0.2  # of the titles holding two words, about this share hold them side by side (2 of ~10 words)
NAMESAKE_TERMS = BLOCK_TERMS  # rarest words of a found title; titles holding all but one are its near-namesakes
GOOD = 90.0  # a candidate this similar (fuzz.ratio) ends the search: matching.ACCEPT would take it
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it", "of", "on",
    "or", "the", "to", "via", "with", "without", "we", "our", "its",
})
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHtcdbk]\{?([A-Za-z])\}?")


def _delatex(text: str) -> str:
    return _LATEX_ACCENT.sub(r"\1", text).replace("{", "").replace("}", "")


def _year(obj: dict[str, Any]) -> int | None:
    versions = obj.get("versions") or []
    if versions and versions[0].get("created"):
        try:
            return parsedate_to_datetime(versions[0]["created"]).year
        except (TypeError, ValueError):
            pass
    m = re.match(r"(?:[a-z\-.]+/)?(\d{2})(\d{2})", obj.get("id") or "")
    if m:
        yy = int(m.group(1))
        return 1900 + yy if yy > 90 else 2000 + yy
    return None


def _authors(obj: dict[str, Any]) -> list[str]:
    parsed = obj.get("authors_parsed")
    if parsed:
        return [" ".join(p for p in (first, last, suffix) if p).strip()
                for last, first, suffix, *_ in ([*a, "", "", ""] for a in parsed)]
    raw = _delatex(obj.get("authors") or "")
    return [a.strip() for a in re.split(r",\s*|\s+and\s+", raw) if a.strip()]


def parse_record(obj: dict[str, Any]) -> Record:
    """One snapshot line (already JSON-decoded) as a Record; pure."""
    arxiv_id = str(obj["id"])
    record = Record(provider=NAME, raw_id=arxiv_id, title=clean_text(obj.get("title")),
                    authors=_authors(obj), year=_year(obj), venue=clean_text(obj.get("journal-ref")),
                    abstract=clean_text(obj.get("abstract")), urls=[f"https://arxiv.org/abs/{arxiv_id}"])
    record.add_ident("arxiv", arxiv_id)
    record.add_ident("doi", (obj.get("doi") or "").split()[0] if obj.get("doi") else None)
    return record


def row_from_json(obj: dict[str, Any]) -> snapshot_store.SnapshotRow:
    record = parse_record(obj)
    title = record.title or ""
    return (record.ident("arxiv") or record.raw_id, title, normalize_title(title),
            json.dumps(record.authors, ensure_ascii=False), record.year, record.ident("doi"),
            obj.get("categories"), record.venue, record.abstract, obj.get("update_date"))


def iter_rows(path: str | Path) -> Iterator[snapshot_store.SnapshotRow]:
    """Stream rows from a JSON-lines snapshot; a bad line is an error naming its line number."""
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                yield row_from_json(obj)
            except (ValueError, KeyError, TypeError) as exc:
                raise MalformedInput(f"{path}:{number}", f"not an arXiv snapshot record ({exc})",
                                     "expected Kaggle arxiv-metadata-oai-snapshot.json lines") from exc


_NEW_STYLE = re.compile(r"\d{4}\.\d{4,5}")


def record_from_row(row: Any) -> Record:
    arxiv_id = row["id"]
    record = Record(provider=NAME, raw_id=arxiv_id, title=row["title"], authors=json.loads(row["authors"]),
                    year=row["year"], venue=row["journal_ref"], abstract=row["abstract"],
                    urls=[f"https://arxiv.org/abs/{arxiv_id}"])
    if _NEW_STYLE.fullmatch(arxiv_id):  # stored normalised (row_from_json): no need to parse it again
        record.identifiers.append(Identifier("arxiv", arxiv_id))
    else:
        record.add_ident("arxiv", arxiv_id)
    record.add_ident("doi", row["doi"])
    return record


def typo_keys(term: str) -> set[str]:
    """The one-letter deletions of a word: two spellings one typo apart share one of them (or one is
    the other's key), so a misspelt query word finds the word it meant (SymSpell's idea, distance 1).
    Short words and numbers get none: their deletions would match half the vocabulary."""
    if len(term) < 4 or term.isdigit():
        return set()
    return {term[:i] + term[i + 1:] for i in range(len(term))}


class _Votes:
    """How many of the posting lists each title is in. Titles counted twice or more are kept apart as they
    appear, so asking for them does not sort thousands of single votes (Counter.most_common did, at every
    step of every vote: 1.4 ms for four lists of 700 titles in a micro-benchmark, 0.4-0.6 ms this way)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.multi: set[str] = set()

    def __len__(self) -> int:
        return len(self.counts)

    def add(self, rows: list[str]) -> None:
        if self.counts:
            self.multi.update(self.counts.keys() & rows)
        self.counts.update(rows)

    def top(self, need: int) -> list[tuple[str, int]]:
        """The (rowid, votes) of counts.most_common(RESCORE) with `need` votes or more. When no more than
        RESCORE titles have two or more, those are all of them, in no particular order: callers use the
        rows as a set (a rowid IN (...) look-up), so only which rows matters."""
        if need >= 2 and len(self.multi) <= RESCORE:
            return [(r, n) for r in self.multi if (n := self.counts[r]) >= need]
        return [(r, n) for r, n in self.counts.most_common(RESCORE) if n >= need]

    def most(self) -> int:
        """The most votes any title has."""
        if self.multi:
            return max(self.counts[r] for r in self.multi)
        return 1 if self.counts else 0


class _Found:
    """Candidate titles of one query with their similarity, and the two ways of finding more."""

    def __init__(self, lib: Library, norm: str) -> None:
        self.lib, self.norm = lib, norm
        self.seen: dict[int, float] = {}
        self.votes_seen = 0  # the most rare words any title shared with the query
        self.postings: dict[tuple[str, ...], list[str]] = {}  # rowids as strings: only counted

    @property
    def best(self) -> float:
        return max(self.seen.values(), default=0.0)

    def ranked(self) -> list[tuple[float, int]]:
        return sorted(((v, r) for r, v in self.seen.items()), reverse=True)

    def _add(self, rows: list[tuple[int, str]]) -> float:
        for rowid, title in rows:
            if rowid not in self.seen:
                self.seen[rowid] = fuzz.ratio(self.norm, title)
        return self.best

    def _postings(self, terms: tuple[str, ...]) -> list[str]:
        if terms not in self.postings:
            self.postings[terms] = snapshot_store.postings(self.lib, [list(terms)], RARE)
        return self.postings[terms]

    def vote(self, groups: list[tuple[int, tuple[str, ...]]], at_least: int = 2) -> float:
        """Rescore titles holding `at_least` of the rarest words (or all titles of a lone rare word, when
        few). Rarest first; stops once a title is similar enough."""
        rare = [terms for df, terms in groups if df <= RARE][:BLOCK_TERMS]
        votes = _Votes()
        for k, terms in enumerate(rare, 1):
            votes.add(self._postings(terms))
            if k < min(2, len(rare)):
                continue
            need = at_least if len(rare) > 1 or at_least == 1 else (1 if len(votes) <= RESCORE else 2)
            self.votes_seen = max(self.votes_seen, votes.most())
            top = [rowid for rowid in (int(r) for r, _ in votes.top(need)) if rowid not in self.seen]
            if top and self._add(snapshot_store.titles_for(self.lib, top)) >= GOOD:
                break
        return self.best

    def pairs(self, pairs: list[str]) -> float:
        """Rescore titles sharing two or more of the word pairs (tried rarest first, a few at most)."""
        votes = _Votes()
        used = 0
        for pair in pairs:
            rows = snapshot_store.pair_postings(self.lib, pair, PAIR_CAP + 1)
            if not rows or len(rows) > PAIR_CAP:
                continue  # misspelt, or too common to help
            votes.add(rows)
            used += 1
            top = [int(rowid) for rowid, _ in votes.top(2)]
            if top and self._add(snapshot_store.titles_for(self.lib, [r for r in top if r not in self.seen])) >= GOOD:
                break
            if used == MAX_PAIRS:
                break
        return self.best


class SnapshotIndex:
    """Title and id lookups over the library's snapshot table."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self._df: dict[str, int] = {}
        self._keyed = snapshot_store.has_keys(lib)
        self._rows = 0

    @property
    def rows(self) -> int:
        if not self._rows:
            self._rows = max(1, snapshot_store.size(self.lib))
        return self._rows

    def __len__(self) -> int:
        return snapshot_store.count(self.lib)

    def by_ids(self, arxiv_ids: list[str]) -> dict[str, Record]:
        return {r["id"]: record_from_row(r) for r in snapshot_store.by_ids(self.lib, arxiv_ids)}

    def df(self, term: str) -> int:
        if term not in self._df:
            self._df[term] = snapshot_store.doc_frequency(self.lib, term)
        return self._df[term]

    def groups(self, words: list[str], *, fix: bool = True,
               found: list[tuple[str, str, int]] | None = None) -> list[tuple[int, tuple[str, ...]]]:
        """(titles holding it, spellings) for each query word the vocabulary knows, rarest first.

        A word the snapshot never uses is a typo (or a word the paper lacks): it stands for the
        vocabulary words one edit away, any of which may match; with none (or `fix` off), it is left out.
        `found` is the words' own key lookup when the caller already made it.
        """
        if not self._keyed:
            return sorted((df, (w,)) for w in words if (df := self.df(w)) > 0)
        found = list(found) if found is not None else snapshot_store.terms_for_keys(self.lib, words)
        known = {t: df for k, t, df in found if k == t}
        unknown = [w for w in words if w not in known and len(w) >= 3 and not w.isdigit()] if fix else []
        fixes: dict[str, dict[str, int]] = {w: {} for w in unknown}
        if unknown:
            keys = {k: w for w in unknown for k in typo_keys(w)}
            found += snapshot_store.terms_for_keys(self.lib, keys)
            for key, term, df in found:
                for w in ([key] if key in fixes else []) + ([keys[key]] if key in keys else []):
                    if term != w and OSA.distance(w, term, score_cutoff=1) <= 1:
                        fixes[w][term] = df
        out = [(df, (w,)) for w, df in known.items() if w in words]
        out += [(sum(f.values()), tuple(sorted(f))) for f in fixes.values() if f]
        return sorted(out)

    def block(self, norm: str) -> list[tuple[float, int]]:
        """(similarity 0..100, rowid) of candidate titles, most similar first.

        Every word of the query that the snapshot knows is in the right title, unless a typo turned
        it into another real word. So: the titles sharing two or more of the query's rarest words
        (short posting lists); again with each misspelt word standing for its corrections; then the
        titles sharing two or more adjacent word pairs, rarest first (a pair of common words is
        still rare, and a typo spoils only the pairs it touches). A search ends as soon as a title
        is similar enough to be accepted; failing that, titles sharing one rare word are scored (a
        title of common words whose other rare words are misspelt). But a query with ABSENT_RARE (3)
        or more rare words of which no title shares two is absent, and stops after the word vote: a
        typo that made one word another real word still leaves two rare words the right title shares.
        That cut most of the cost of a title absent from the snapshot (0.80 -> 0.53 ms at 200k).
        """
        words = norm.split()
        unique = [t for t in dict.fromkeys(words) if len(t) > 1 and t.isalnum()]
        found = _Found(self.lib, norm)
        keys = snapshot_store.terms_for_keys(self.lib, unique) if self._keyed else None
        plain = self._sorted(self.groups(unique, fix=False, found=keys))
        if found.vote(plain) >= GOOD:
            return self._with_namesakes(found, plain)
        groups = self._sorted(self.groups(unique, found=keys))
        if groups != plain and found.vote(groups) >= GOOD:
            return self._with_namesakes(found, groups)
        rare = [g for g in groups if g[0] <= RARE]
        many_rare_none_shared = len(rare) >= ABSENT_RARE and found.votes_seen < 2  # the paper is not here
        if many_rare_none_shared:
            return found.ranked()
        if found.pairs(self._pairs(words, groups, self.rows)) >= GOOD:
            return self._with_namesakes(found, groups)
        if found.vote(groups, at_least=1) >= GOOD:  # last resort: titles sharing one rare word
            return self._with_namesakes(found, groups)
        return found.ranked()

    def _with_namesakes(self, found: _Found, groups: list[tuple[int, tuple[str, ...]]]) -> list[tuple[float, int]]:
        """The search stopped at a good title; add the titles holding all but one of its rarest words, so
        a near-namesake (one word changed) competes with it instead of going unseen. Counted from the
        words' posting lists, which the vote has mostly fetched already."""
        rare = [terms for df, terms in groups if df <= RARE and terms[0] not in STOPWORDS][:NAMESAKE_TERMS]
        if len(rare) >= 3:
            votes = _Votes()
            for terms in rare:
                votes.add(found._postings(terms))
            need = len(rare) - 1  # 2 or more
            # In first-counted order when more than RESCORE titles might qualify (the cut below keeps the
            # first); else only which titles qualify matters, and they are among the multi-counted ones.
            hits = ([r for r in votes.multi if votes.counts[r] >= need] if len(votes.multi) <= RESCORE
                    else [r for r, n in votes.counts.items() if n >= need])
            rows = [r for r in map(int, hits) if r not in found.seen]
            found._add(snapshot_store.titles_for(self.lib, rows[:RESCORE]))
        return found.ranked()

    @staticmethod
    def _pairs(words: list[str], groups: list[tuple[int, tuple[str, ...]]], rows: int) -> list[str]:
        """Adjacent word pairs of the query, a misspelt word spelt as each of its corrections, rarest first
        as if the words were independent (pairs expected in too many of the `rows` titles left out)."""
        spellings = {terms[0]: [(df, terms[0])] for df, terms in groups if terms == (terms[0],) and terms[0] in words}
        for df, terms in groups:  # the corrections of a misspelt word: find which word they correct
            for w in words:
                if w not in spellings and all(OSA.distance(w, t, score_cutoff=1) <= 1 for t in terms):
                    spellings[w] = [(df, t) for t in terms]
        found = {(da * db / rows * ADJACENT, f"{a}_{b}") for x, y in pairwise(words) if x != y
                 for da, a in spellings.get(x, [])[:3] for db, b in spellings.get(y, [])[:3]}
        return [pair for expected, pair in sorted(found) if expected <= PAIR_CAP]

    @staticmethod
    def _sorted(groups: list[tuple[int, tuple[str, ...]]]) -> list[tuple[int, tuple[str, ...]]]:
        """Rarest first, stopwords last whatever their counts: they only narrow a title of few other words."""
        return sorted(groups, key=lambda g: (g[1][0] in STOPWORDS, g[0]))

    def search(self, title: str, limit: int = 5) -> list[Record]:
        """Best candidates for a title, most similar first; exact normalised title first of all."""
        norm = normalize_title(title)
        if not norm:
            return []
        exact = snapshot_store.exact_title(self.lib, norm)
        if exact:
            return [record_from_row(r) for r in exact[:limit]]
        return self._fuzzy(norm, limit)

    def search_many(self, titles: list[str], limit: int = 5) -> list[list[Record]]:
        """`search` for each title, the exact look-ups made in one query per batch: most titles in a
        library are copied as written, and one round trip per title was the largest cost of those."""
        norms = [normalize_title(t) for t in titles]
        exact = snapshot_store.exact_titles(self.lib, [n for n in norms if n])
        out: list[list[Record]] = []
        for norm in norms:
            if not norm:
                out.append([])
            elif norm in exact:
                out.append([record_from_row(r) for r in exact[norm][:limit]])
            else:
                out.append(self._fuzzy(norm, limit))
        return out

    def _fuzzy(self, norm: str, limit: int) -> list[Record]:
        scored = self.block(norm)[:limit]
        rows = {r["rowid"]: r for r in snapshot_store.by_rowids(self.lib, [rowid for _, rowid in scored])}
        return [record_from_row(rows[rowid]) for _, rowid in scored if rowid in rows]

    def identify_text(self, text: str) -> tuple[Record, float, dict[str, Any]] | None:
        """Guess the paper an untitled note is about from the names it uses.

        Papers are named by the word before the colon of their title ('MimicGen: A Data
        Generation System...'). A rare word of the note that names exactly one snapshot
        title that way is strong evidence, more so when the note also uses the title's
        other words; a title merely opening with the word is weak. Returns the best
        guess with its score and evidence; the caller decides with matching's thresholds.
        """
        note_words = set(normalize_title(text).split())
        terms = [t for t in note_words if len(t) >= 4 and t not in STOPWORDS and not t.isdigit()]
        rare = sorted((df, t) for t in terms if 0 < (df := self.df(t)) <= 50)[:30]
        best: tuple[Record, float, dict[str, Any]] | None = None
        for _, term in rare:
            named, opening = [], []
            rowids = snapshot_store.rows_with_term(self.lib, term, 50)
            for row in snapshot_store.by_rowids(self.lib, rowids):
                if row["title_norm"].split()[:1] != [term]:
                    continue
                head = row["title"].split(":", 1)[0] if ":" in row["title"] else ""
                (named if normalize_title(head) == term else opening).append(row)
            rows, base = (named, 0.8) if len(named) == 1 else (named or opening, 0.5)
            if not rows:
                continue
            record = record_from_row(rows[0])
            title_words = [w for w in normalize_title(record.title or "").split() if w not in STOPWORDS]
            coverage = sum(w in note_words for w in title_words) / max(1, len(title_words))
            value = round(base + (0.2 if base == 0.8 else 0.3) * coverage, 3)
            evidence = {"provider": NAME, "candidate": record.raw_id, "name": term, "named_titles": len(named),
                        "title_word_coverage": round(coverage, 3), "score": value}
            if best is None or value > best[1]:
                best = (record, value, evidence)
        return best

def import_file(lib: Library, path: str | Path, *, progress: Any = None,
                batch: int = snapshot_store.BATCH) -> snapshot_store.ImportStats:
    """Stream a snapshot file into the library (progress(n) is called per batch with rows written)."""
    stats = snapshot_store.import_rows(lib, iter_rows(path), batch=batch, progress=progress)
    reindex(lib)
    return stats


def reindex(lib: Library) -> int:
    """Rebuild the typo keys from the title vocabulary, and the word pairs when rows lack them (after an
    import; or once for a snapshot imported before migration 0005). Returns the key rows written."""
    if snapshot_store.pairs_missing(lib):
        snapshot_store.rebuild_pairs(lib)
    return snapshot_store.rebuild_keys(lib, typo_keys)
