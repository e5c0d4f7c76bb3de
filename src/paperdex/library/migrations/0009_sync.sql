-- Sources that stay in sync: what each file was when last read, the folders and files to keep in
-- sync, each note's identity inside its file, and a trash for the notes of deleted files.

-- What the file was when last read: a sync skips a file whose size and mtime did not change.
ALTER TABLE sources ADD COLUMN mtime_ns INTEGER;
-- The key the source was first added under: note ids derive from it, so a rename keeps them.
ALTER TABLE sources ADD COLUMN uid TEXT;
ALTER TABLE sources ADD COLUMN synced_at TEXT;
-- Why the last read failed (the notes from the read before are kept), NULL when it worked.
ALTER TABLE sources ADD COLUMN error TEXT;
-- 1 when restored from the trash though its file is gone: sync keeps it instead of trashing it again.
ALTER TABLE sources ADD COLUMN kept INTEGER NOT NULL DEFAULT 0;
UPDATE sources SET uid = key WHERE uid IS NULL;

-- A digest of everything a note holds (line numbers aside): an unchanged note is not re-indexed,
-- re-embedded or re-resolved.
ALTER TABLE notes ADD COLUMN digest TEXT;

-- What the user asked to keep in sync: folders and files given to `add` (`paperdex sync` re-reads them).
CREATE TABLE sync_roots (
    path        TEXT PRIMARY KEY,            -- absolute path of the folder or file
    shown       TEXT NOT NULL,               -- as the user gave it
    options     TEXT NOT NULL DEFAULT '{}',  -- format, encoding, reader, shape, max_bytes given to add
    added_at    TEXT NOT NULL,
    synced_at   TEXT
);

-- The notes of a source whose file was deleted, kept 30 days (`paperdex trash`, `--restore`).
CREATE TABLE trash (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL,
    path        TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    notes       INTEGER NOT NULL,
    papers      TEXT NOT NULL DEFAULT '[]',  -- ids of the papers its notes were on
    payload     TEXT NOT NULL,               -- the source row and its note rows, as JSON
    deleted_at  TEXT NOT NULL
);
CREATE INDEX trash_hash ON trash(content_hash);
CREATE INDEX sources_hash ON sources(content_hash);
