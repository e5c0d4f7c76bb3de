-- Every review decision with the rows it changed, so `paperdex review undo` can put them back.

-- One row per paper decided; a bulk decision (`review --reject-below`, the web's "selected") shares a batch,
-- and undo takes back the newest batch not yet undone. `before` is JSON: for each paper the decision
-- touched (the paper, and any it merged with), its row, identifiers, title keys, note ids, result,
-- review candidates and decisions, tags and status. No foreign key: a merged paper is gone until undone.
CREATE TABLE review_log (
    id          INTEGER PRIMARY KEY,
    batch       INTEGER NOT NULL,
    paper_id    TEXT NOT NULL,              -- the paper as it was before the decision
    result_id   TEXT NOT NULL,              -- the paper after it (another id when papers merged)
    action      TEXT NOT NULL CHECK (action IN ('accepted', 'rejected')),
    candidate   TEXT,                       -- provider:raw_id accepted, or NULL for a rejection
    before      TEXT NOT NULL,
    decided_at  TEXT NOT NULL,
    undone_at   TEXT
);
CREATE INDEX review_log_batch ON review_log(batch);
