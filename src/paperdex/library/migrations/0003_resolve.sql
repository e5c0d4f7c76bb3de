-- Resolution: HTTP response cache, per-paper and per-note match results, review decisions,
-- and the offline arXiv metadata snapshot with its title index.

CREATE TABLE http_cache (
    provider    TEXT NOT NULL,
    key         TEXT NOT NULL,              -- method, path, sorted query, body hash
    status      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    PRIMARY KEY (provider, key)
);

CREATE TABLE resolutions (
    paper_id    TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('resolved', 'ambiguous', 'not_found', 'failed')),
    provider    TEXT,
    score       REAL,
    evidence    TEXT NOT NULL DEFAULT '{}',
    candidate   TEXT,                       -- the Record (JSON) kept for review, or the one applied
    attempts    INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
);
CREATE INDEX resolutions_status ON resolutions(status);

-- What a person decided about a candidate, so a later run never proposes a rejected one again.
CREATE TABLE review_decisions (
    paper_id       TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    candidate_key  TEXT NOT NULL,           -- provider:raw_id
    decision       TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    candidate      TEXT,
    decided_at     TEXT NOT NULL,
    PRIMARY KEY (paper_id, candidate_key)
);

-- Untitled notes (kind 'note', no paper) identified from their text.
CREATE TABLE note_resolutions (
    note_id     TEXT PRIMARY KEY REFERENCES notes(id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('resolved', 'ambiguous', 'not_found', 'failed')),
    score       REAL,
    evidence    TEXT NOT NULL DEFAULT '{}',
    candidate   TEXT,
    updated_at  TEXT NOT NULL
);

CREATE TABLE snapshot (
    rowid        INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,      -- arXiv id, normalised
    title        TEXT NOT NULL,
    title_norm   TEXT NOT NULL,
    authors      TEXT NOT NULL DEFAULT '[]',
    year         INTEGER,
    doi          TEXT,
    categories   TEXT,
    journal_ref  TEXT,
    abstract     TEXT,
    update_date  TEXT
);
CREATE INDEX snapshot_title_norm ON snapshot(title_norm);

-- Word index over normalised titles; only which rows hold a word matters (detail=none keeps it small).
-- Kept in step by library/snapshot_store.py (bulk imports index a batch at a time, faster than triggers).
CREATE VIRTUAL TABLE snapshot_fts USING fts5(
    title_norm, content='snapshot', content_rowid='rowid', detail=none, columnsize=0,
    tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE snapshot_vocab USING fts5vocab(snapshot_fts, 'row');
