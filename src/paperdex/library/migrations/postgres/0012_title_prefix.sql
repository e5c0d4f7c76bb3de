-- PostgreSQL twin of ../0012_title_prefix.sql: LIKE 'prefix%' uses an index only under the C
-- collation or with text_pattern_ops, and a library's database may have any collation.
CREATE INDEX IF NOT EXISTS paper_titles_prefix ON paper_titles (title_norm text_pattern_ops);
