-- Library-page facets filter notes by section and reader; without these a 100k-note
-- library scans the notes table for every filtered page.
CREATE INDEX IF NOT EXISTS notes_section ON notes(section);
CREATE INDEX IF NOT EXISTS notes_reader ON notes(reader);
CREATE INDEX IF NOT EXISTS notes_language ON notes(language);
