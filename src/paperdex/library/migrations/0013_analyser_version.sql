-- The version of the analyser (paperdex.search.analyze.VERSION) that wrote the keyword index's terms.
-- A library indexed before this migration was analysed by version 1; an empty one is stamped by the
-- first note indexed. A library behind the running analyser is re-analysed on its next search.
INSERT INTO search_meta (key, value) SELECT 'analyser', 1 WHERE EXISTS (SELECT 1 FROM search_docs)
    ON CONFLICT (key) DO NOTHING;
