-- PostgreSQL twin of ../0003_resolve.sql. The offline arXiv snapshot (`snapshot`, its word index)
-- is not kept in PostgreSQL: a team library resolves through the providers (docs/storage.md).

CREATE TABLE http_cache (
    provider    TEXT NOT NULL,
    key         TEXT NOT NULL,
    status      INTEGER NOT NULL,
    body        TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    PRIMARY KEY (provider, key)
);

CREATE TABLE resolutions (
    paper_id    TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('resolved', 'ambiguous', 'not_found', 'failed')),
    provider    TEXT,
    score       DOUBLE PRECISION,
    evidence    TEXT NOT NULL DEFAULT '{}',
    candidate   TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL
);
CREATE INDEX resolutions_status ON resolutions(status);

CREATE TABLE review_decisions (
    paper_id       TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    candidate_key  TEXT NOT NULL,
    decision       TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    candidate      TEXT,
    decided_at     TEXT NOT NULL,
    PRIMARY KEY (paper_id, candidate_key)
);

CREATE TABLE note_resolutions (
    note_id     TEXT PRIMARY KEY REFERENCES notes(id) ON DELETE CASCADE,
    status      TEXT NOT NULL CHECK (status IN ('resolved', 'ambiguous', 'not_found', 'failed')),
    score       DOUBLE PRECISION,
    evidence    TEXT NOT NULL DEFAULT '{}',
    candidate   TEXT,
    updated_at  TEXT NOT NULL
);
