-- Word-pair blocking keys for the offline snapshot (follows 0005, which some libraries already have).

-- Adjacent word pairs of each normalised title ("deep_learning learning_for ..."), one token each. A
-- pair of common words is far rarer than either word, so a title of common words (or whose rare word
-- carries the typo) still has short posting lists to block on. Contentless: rows are only looked up.
CREATE VIRTUAL TABLE snapshot_pairs USING fts5(
    pairs, content='', detail=none, columnsize=0, tokenize="unicode61 remove_diacritics 0 tokenchars '_'"
);

-- Flags about the snapshot's derived indexes. A snapshot imported before this migration has no pairs
-- yet: `paperdex snapshot reindex` (or the next import) builds them.
CREATE TABLE snapshot_meta (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
INSERT INTO snapshot_meta (name, value) SELECT 'pairs_missing', '1' WHERE EXISTS (SELECT 1 FROM snapshot);
