"""An in-memory copy of the keyword index that ranks exactly as FTS5's bm25 does, in a millisecond.

FTS5 computes bm25 row by row (~2 µs each), so a term found in 10k of 200k
rows costs ~20 ms whatever the LIMIT. A long-running process (the web UI, the
benchmark) can instead keep the index as term -> (rows, weighted term
frequency) arrays and score a query with a few numpy additions. The formula,
column weights, IDF and tie order are FTS5's, so both paths return the same
rows in the same order (tests/search/test_bm25.py checks it on the seeds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paperdex.library.fts import COLUMN_WEIGHTS, K1, RESCORE_FACTOR, B, idf


@dataclass
class Bm25Index:
    generation: int
    rowids: np.ndarray  # int64, ascending
    lengths: np.ndarray  # float64: tokens per row, all columns
    avgdl: float
    vocab: dict[str, int]
    starts: np.ndarray  # CSR over terms: rows of term t are rows[starts[t]:starts[t + 1]]
    rows: np.ndarray  # int32 positions into rowids
    freqs: np.ndarray  # float64: column-weighted term frequency

    def doc_freq(self, term: str) -> int:
        t = self.vocab.get(term)
        return 0 if t is None else int(self.starts[t + 1] - self.starts[t])

    def top(self, terms: list[str], require_all: bool, k: int, common: list[str] = ()
            ) -> tuple[np.ndarray, np.ndarray]:
        """(rowids, bm25 scores) of the best `k` rows matching any (or all) terms; ties by rowid as in
        FTS5. `common` terms select no row but add their bm25 to the rows the others select."""
        n = len(self.rowids)
        scores = np.zeros(n)
        hits = np.zeros(n, dtype=np.int16)
        used = 0
        for term in dict.fromkeys(terms):
            t = self.vocab.get(term)
            if t is None:
                if require_all:
                    return np.zeros(0, dtype=np.int64), np.zeros(0)
                continue
            self._add(t, scores)
            hits[self.rows[self.starts[t]:self.starts[t + 1]]] += 1
            used += 1
        if not used:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        matched = np.flatnonzero(hits >= (used if require_all else 1))
        if common:
            # As the FTS5 path does: the best k x RESCORE_FACTOR rows by the selecting terms get the
            # common terms' bm25 added (rows outside them are not read again), and compete again.
            matched = matched[self._order(matched, scores[matched], k * RESCORE_FACTOR)]
            for term in dict.fromkeys(common):
                t = self.vocab.get(term)
                if t is not None:
                    self._add(t, scores)
        found = scores[matched]
        best = self._order(matched, found, k)
        return self.rowids[matched[best]], found[best]

    def term_scores(self, rowids: list[int], terms: list[str]) -> dict[int, dict[str, float]]:
        """Each term's bm25 in each of these rows (terms a row lacks are left out), as
        fts.term_scores computes it from the stored rows."""
        out: dict[int, dict[str, float]] = {int(r): {} for r in rowids}
        if not len(self.rowids) or not rowids:
            return out
        wanted = np.asarray(rowids, dtype=np.int64)
        at = np.minimum(np.searchsorted(self.rowids, wanted), len(self.rowids) - 1)
        known = self.rowids[at] == wanted
        positions, wanted = at[known], wanted[known]
        for term in dict.fromkeys(terms):
            t = self.vocab.get(term)
            if t is None:
                continue
            lo, hi = self.starts[t], self.starts[t + 1]
            rows = self.rows[lo:hi]  # ascending: look the few wanted rows up, never scan a common term
            found = np.minimum(np.searchsorted(rows, positions), hi - lo - 1)
            hit = rows[found] == positions
            if not hit.any():
                continue
            picked, tf = positions[hit], self.freqs[lo:hi][found[hit]]
            norm = K1 * (1 - B + B * self.lengths[picked] / self.avgdl)
            scores = idf(len(self.rowids), int(hi - lo)) * (tf * (K1 + 1)) / (tf + norm)
            for rowid, score in zip(wanted[hit].tolist(), scores.tolist(), strict=True):
                out[rowid][term] = score
        return out

    def _order(self, matched: np.ndarray, found: np.ndarray, k: int) -> np.ndarray:
        """Positions in `matched` of its `k` best rows, in FTS5's order (score, then rowid)."""
        keep = np.arange(len(matched))
        if k < len(matched):
            # Keep every row tied with the k-th score, so the rowid tie order is FTS5's.
            kth = np.partition(-found, k - 1)[k - 1]
            keep = np.flatnonzero(-found <= kth)
        return keep[np.lexsort((matched[keep], -found[keep]))[:k]]

    def _add(self, t: int, scores: np.ndarray) -> None:
        lo, hi = self.starts[t], self.starts[t + 1]
        rows, tf = self.rows[lo:hi], self.freqs[lo:hi]
        norm = K1 * (1 - B + B * self.lengths[rows] / self.avgdl)
        scores[rows] += idf(len(self.rowids), len(rows)) * (tf * (K1 + 1)) / (tf + norm)


def build(generation: int, rows: list[tuple[int, str, str, str]]) -> Bm25Index:
    """The index of (rowid, title, names, body) rows of analysed text (terms joined by spaces)."""
    rows = sorted(rows, key=lambda r: r[0])
    n = len(rows)
    rowids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    token_parts: list[list[str]] = []
    doc_parts, weight_parts = [], []
    lengths = np.zeros(n)
    for column, weight in enumerate(COLUMN_WEIGHTS):
        split = [(r[column + 1] or "").split() for r in rows]
        counts = np.fromiter(map(len, split), dtype=np.int64, count=n)
        lengths += counts
        token_parts.append([tok for words in split for tok in words])
        doc_parts.append(np.repeat(np.arange(n, dtype=np.int64), counts))
        weight_parts.append(np.full(int(counts.sum()), weight))
    vocab: dict[str, int] = dict.fromkeys(tok for tokens in token_parts for tok in tokens)  # type: ignore
    for number, tok in enumerate(vocab):
        vocab[tok] = number
    term_parts = [np.fromiter(map(vocab.__getitem__, tokens), dtype=np.int64, count=len(tokens))
                  for tokens in token_parts]
    terms = np.concatenate(term_parts)
    docs = np.concatenate(doc_parts)
    weights = np.concatenate(weight_parts)
    # One entry per (term, row): sum the column weights of every occurrence.
    keys = terms * max(n, 1) + docs
    order = np.argsort(keys, kind="stable")
    keys, weights = keys[order], weights[order]
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, np.int64)
    freqs = np.add.reduceat(weights, first) if len(keys) else np.zeros(0)
    unique = keys[first]
    term_of, row_of = unique // max(n, 1), unique % max(n, 1)
    starts = np.searchsorted(term_of, np.arange(len(vocab) + 1)).astype(np.int64)
    avgdl = float(lengths.sum() / n) if n else 1.0
    return Bm25Index(generation, rowids, lengths, avgdl or 1.0, vocab, starts, row_of.astype(np.int32), freqs)
