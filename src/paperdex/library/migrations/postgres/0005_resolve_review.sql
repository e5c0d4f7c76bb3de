-- PostgreSQL twin of ../0005_resolve_review.sql: review candidates (the snapshot's typo keys are
-- not kept in PostgreSQL, see 0003).
CREATE TABLE review_candidates (
    paper_id   TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    provider   TEXT NOT NULL,
    raw_id     TEXT NOT NULL,
    score      DOUBLE PRECISION NOT NULL,
    evidence   TEXT NOT NULL DEFAULT '{}',
    candidate  TEXT NOT NULL,
    PRIMARY KEY (paper_id, position)
);
