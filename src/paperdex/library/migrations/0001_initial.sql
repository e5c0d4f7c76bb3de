-- The library: sources (files as added), papers, their identifiers and titles, and notes.
-- A note belongs to exactly one source; deleting a source deletes its notes.

CREATE TABLE sources (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,       -- absolute path or URL: what "the same file" means
    path          TEXT NOT NULL,              -- the path as the user added it (shown, exported)
    format        TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    size          INTEGER NOT NULL DEFAULT 0,
    reader        TEXT,
    title         TEXT,
    date          TEXT,
    metadata      TEXT NOT NULL DEFAULT '{}',
    added_at      TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE papers (
    id          TEXT PRIMARY KEY,
    title       TEXT,
    title_norm  TEXT,
    year        INTEGER,
    venue       TEXT,
    authors     TEXT NOT NULL DEFAULT '[]',
    abstract    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX papers_year ON papers(year);
CREATE INDEX papers_created ON papers(created_at);

CREATE TABLE identifiers (
    scheme    TEXT NOT NULL,
    value     TEXT NOT NULL,
    paper_id  TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    PRIMARY KEY (scheme, value)
);
CREATE INDEX identifiers_paper ON identifiers(paper_id);

-- Every normalised title a paper is known by (readers spell titles differently).
CREATE TABLE paper_titles (
    title_norm  TEXT NOT NULL,
    paper_id    TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    PRIMARY KEY (title_norm, paper_id)
);

CREATE TABLE notes (
    id          TEXT PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    paper_id    TEXT REFERENCES papers(id) ON DELETE SET NULL,
    ordinal     INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('paper', 'note', 'document')),
    title       TEXT,
    text        TEXT NOT NULL DEFAULT '',
    thoughts    TEXT NOT NULL DEFAULT '[]',
    quotes      TEXT NOT NULL DEFAULT '[]',
    marks       TEXT NOT NULL DEFAULT '[]',
    flags       TEXT NOT NULL DEFAULT '[]',
    refs        TEXT NOT NULL DEFAULT '[]',
    urls        TEXT NOT NULL DEFAULT '[]',
    idents      TEXT NOT NULL DEFAULT '[]',
    fields      TEXT NOT NULL DEFAULT '{}',
    authors     TEXT NOT NULL DEFAULT '[]',
    year        INTEGER,
    venue       TEXT,
    section     TEXT,
    line        INTEGER NOT NULL DEFAULT 1,
    date        TEXT,
    reader      TEXT,
    language    TEXT
);
CREATE INDEX notes_paper ON notes(paper_id);
CREATE INDEX notes_source ON notes(source_id);

-- What the user decides lives apart from what is derived from notes, so that
-- re-imports, rebuilds and migrations never touch it.
CREATE TABLE paper_tags (
    paper_id  TEXT NOT NULL,
    tag       TEXT NOT NULL,
    added_at  TEXT NOT NULL,
    PRIMARY KEY (paper_id, tag)
);

CREATE TABLE paper_status (
    paper_id    TEXT PRIMARY KEY,
    status      TEXT NOT NULL CHECK (status IN ('to-read', 'reading', 'read', 'starred')),
    updated_at  TEXT NOT NULL
);
