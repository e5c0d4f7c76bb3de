-- Team mode: accounts with roles, hashed passwords, hashed API tokens, server-side sessions, failed
-- logins (rate limiting), and who added each source and note. A library with at least one account is a
-- team library: `paperdex serve` then asks for a login or a token on every page and API.
-- Written so that the same statements run on PostgreSQL (see postgres/0011_accounts.sql).

CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,                -- secrets.token_hex, never reused
    name           TEXT NOT NULL UNIQUE,            -- never reused either: notes keep it as added_by
    role           TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'reader')),
    password_hash  TEXT,                            -- argon2id; NULL: token only, no web login
    created_at     TEXT NOT NULL,
    removed_at     TEXT                             -- removed accounts keep their row (attribution)
);

-- Only a SHA-256 of each token is kept: the token itself is shown once, by `paperdex user add|token`.
CREATE TABLE api_tokens (
    hash        TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL
);
CREATE INDEX api_tokens_account ON api_tokens(account_id);

-- The session cookie holds a random value; the table holds its SHA-256.
CREATE TABLE sessions (
    hash        TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

-- Failed logins per account and per client address: 5 in a row lock the key, longer each time.
CREATE TABLE login_failures (
    key           TEXT PRIMARY KEY,                 -- 'account:NAME' or 'ip:ADDRESS'
    failures      INTEGER NOT NULL,
    locked_until  TEXT,
    updated_at    TEXT NOT NULL
);

-- Who added a source or note (an account name; NULL for notes added from files by the CLI), when, and
-- for pushed notes their id in the pusher's library, so that pushing again finds them.
ALTER TABLE sources ADD COLUMN added_by TEXT;
ALTER TABLE notes ADD COLUMN added_by TEXT;
ALTER TABLE notes ADD COLUMN added_at TEXT;
ALTER TABLE notes ADD COLUMN origin TEXT;
CREATE INDEX notes_added_by ON notes(added_by, origin);
CREATE INDEX notes_added_at ON notes(added_at);
