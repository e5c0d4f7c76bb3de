-- Typo-tolerant blocking for the offline snapshot, and every candidate kept for review.

-- The snapshot's title vocabulary with its document frequency, keyed by the word itself and by each
-- one-letter deletion of it (words of 4+ letters): a query word with a typo (a letter dropped, added,
-- changed or two swapped) shares a key with the word it was meant to be. Rebuilt from the FTS5 vocabulary
-- at the end of each `paperdex snapshot import` (or `paperdex snapshot reindex` for a snapshot imported
-- before this migration).
CREATE TABLE snapshot_keys (
    key   TEXT NOT NULL,
    term  TEXT NOT NULL,
    df    INTEGER NOT NULL,                 -- titles holding the term
    PRIMARY KEY (key, term)
) WITHOUT ROWID;

-- The best few candidates of an ambiguous paper, so a person can pick another one than the top.
-- Position 1 is the top candidate (the one in resolutions.candidate).
CREATE TABLE review_candidates (
    paper_id   TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    provider   TEXT NOT NULL,
    raw_id     TEXT NOT NULL,
    score      REAL NOT NULL,
    evidence   TEXT NOT NULL DEFAULT '{}',
    candidate  TEXT NOT NULL,              -- the Record (JSON)
    PRIMARY KEY (paper_id, position)
);
