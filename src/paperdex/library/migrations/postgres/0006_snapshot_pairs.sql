-- PostgreSQL twin of ../0006_snapshot_pairs.sql: the snapshot's pair index is not kept in
-- PostgreSQL (see 0003); the number is kept so both backends count migrations alike.
SELECT 1;
