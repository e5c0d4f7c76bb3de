-- Search: a keyword index over derived (segmented, stemmed) text and stored embeddings.
-- Everything here is derived from notes and papers; `paperdex reindex` rebuilds it.

-- One row per indexed thing: a note (note_id) or a paper's own metadata (paper_id).
CREATE TABLE search_docs (
    id          INTEGER PRIMARY KEY,
    note_id     TEXT UNIQUE,
    paper_id    TEXT UNIQUE,
    embed_hash  TEXT NOT NULL,              -- sha1 of the text given to the embedder
    CHECK ((note_id IS NULL) != (paper_id IS NULL))
);
CREATE INDEX search_docs_hash ON search_docs(embed_hash);

-- rowid = search_docs.id. Columns hold space-separated terms from paperdex.search.analyze.
CREATE VIRTUAL TABLE search_fts USING fts5(
    title, names, body,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '.'"
);
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, row);
-- Titles weigh most, then names (acronyms, URL words, ids, authors), then the note body.
INSERT INTO search_fts (search_fts, rank) VALUES ('rank', 'bm25(10.0, 6.0, 1.0)');

-- Vectors by content: the same text under the same model is embedded once, ever.
CREATE TABLE embeddings (
    model      TEXT NOT NULL,
    text_hash  TEXT NOT NULL,
    dim        INTEGER NOT NULL,
    vec        BLOB NOT NULL,                -- float16, little-endian, L2-normalised
    PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;

-- Papers whose title or abstract changed outside an import (resolution): re-analysed on next use.
CREATE TABLE search_stale (
    paper_id  TEXT PRIMARY KEY
) WITHOUT ROWID;

-- A counter bumped on every change, so a process knows its cached vector matrix is old.
CREATE TABLE search_meta (
    key    TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO search_meta (key, value) VALUES ('generation', 0);
-- 0 until notes stored before this migration have been indexed (done on first search).
INSERT INTO search_meta (key, value) VALUES ('backfilled', 0);

CREATE TRIGGER search_paper_changed AFTER UPDATE OF title, abstract ON papers
WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract
BEGIN
    INSERT OR IGNORE INTO search_stale (paper_id) VALUES (new.id);
END;

CREATE TRIGGER search_paper_deleted AFTER DELETE ON papers
BEGIN
    DELETE FROM search_fts WHERE rowid IN (SELECT id FROM search_docs WHERE paper_id = old.id);
    DELETE FROM search_docs WHERE paper_id = old.id;
    DELETE FROM search_stale WHERE paper_id = old.id;
    UPDATE search_meta SET value = value + 1 WHERE key = 'generation';
END;
