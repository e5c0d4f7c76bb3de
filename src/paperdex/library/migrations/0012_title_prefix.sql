-- Title keys are looked up by prefix too (a title cut short joins the paper it was cut from,
-- library/ingest.py): SQLite answers a byte range from the primary key's index already.
SELECT 1;
