-- PostgreSQL twin of ../0004_filter_indexes.sql.
CREATE INDEX IF NOT EXISTS notes_section ON notes(section);
CREATE INDEX IF NOT EXISTS notes_reader ON notes(reader);
CREATE INDEX IF NOT EXISTS notes_language ON notes(language);
