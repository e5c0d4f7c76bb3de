"""Team accounts: roles, argon2 password hashes, hashed API tokens, sessions and login rate limits.

A library holding at least one account is a team library (`paperdex serve` then asks for a login or a
token on every request). Secrets are never stored: passwords as argon2id hashes, tokens and session ids
as SHA-256 digests, so a copied database file gives nobody a way in. The SQL runs on SQLite and
PostgreSQL alike (`?` placeholders, ON CONFLICT, generated TEXT keys, ISO-8601 UTC timestamps).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from paperdex.errors import NotFound, UsageError
from paperdex.library.db import Library

ROLES: tuple[str, ...] = ("admin", "editor", "reader")
TOKEN_PREFIX = "pdx_"
SESSION_DAYS = 14
# Failed logins in a row before a key (an account, a client address) is locked; each further failure
# doubles the lock, from LOCK_BASE_S up to LOCK_MAX_S.
MAX_FAILURES = 5
LOCK_BASE_S = 30
LOCK_MAX_S = 3600
MIN_PASSWORD = 10
# Failures older than this (and no lock running) are forgotten: a typo last week does not count today.
FORGET_FAILURES = timedelta(days=1)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_HASHER = PasswordHasher()  # argon2id with the library's current defaults (64 MiB, 3 passes)


@dataclass(frozen=True)
class Account:
    id: str
    name: str
    role: str
    created_at: str
    removed_at: str | None = None
    has_password: bool = False

    @property
    def can_write(self) -> bool:
        return self.role in ("admin", "editor")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def now() -> datetime:
    return datetime.now(UTC)


def stamp(when: datetime | None = None) -> str:
    return (when or now()).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def digest(secret: str) -> str:
    """What is stored for a token or session id: tokens are 256 random bits, so a fast hash suffices."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _account(row) -> Account:
    return Account(row["id"], row["name"], row["role"], row["created_at"], row["removed_at"],
                   bool(row["password_hash"]))


def has_accounts(lib: Library) -> bool:
    """A team library: one account (even a removed one) is enough, so removing everybody never opens it."""
    return lib.conn.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is not None


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise UsageError(f"bad account name {name!r}: use 1-64 letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"a password needs at least {MIN_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    return _HASHER.hash(check_password(password))


def add_account(lib: Library, name: str, role: str, password: str | None = None) -> tuple[Account, str]:
    """Create an account; returns it with its first API token (shown once, stored only hashed)."""
    check_name(name)
    check_role(role)
    hashed = hash_password(password) if password is not None else None
    account_id = secrets.token_hex(16)
    token = new_token()
    created = stamp()
    with lib.transaction() as conn:
        taken = conn.execute("SELECT removed_at FROM accounts WHERE name = ?", (name,)).fetchone()
        if taken:
            why = "was removed; its notes keep the name, so pick another" if taken["removed_at"] else "exists"
            raise UsageError(f"an account named {name!r} {why}")
        conn.execute("INSERT INTO accounts (id, name, role, password_hash, created_at) VALUES (?,?,?,?,?)",
                     (account_id, name, role, hashed, created))
        conn.execute("INSERT INTO api_tokens (hash, account_id, created_at) VALUES (?,?,?)",
                     (digest(token), account_id, created))
    return Account(account_id, name, role, created, None, hashed is not None), token


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def get_account(lib: Library, name: str, *, include_removed: bool = False) -> Account:
    row = lib.conn.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
    if row is None or (row["removed_at"] and not include_removed):
        raise NotFound(f"no account named {name!r}; see `paperdex user list`")
    return _account(row)


def list_accounts(lib: Library, *, include_removed: bool = False) -> list[dict]:
    """Each account with how many tokens and notes it has (never the hashes)."""
    sql = ("SELECT a.*, (SELECT count(*) FROM api_tokens t WHERE t.account_id = a.id) AS tokens, "
           "(SELECT count(*) FROM notes n WHERE n.added_by = a.name) AS notes FROM accounts a")
    if not include_removed:
        sql += " WHERE a.removed_at IS NULL"
    return [{"name": r["name"], "role": r["role"], "created_at": r["created_at"], "removed_at": r["removed_at"],
             "password": bool(r["password_hash"]), "tokens": r["tokens"], "notes": r["notes"]}
            for r in lib.conn.execute(sql + " ORDER BY a.name")]


def issue_token(lib: Library, name: str, *, revoke_others: bool = False) -> str:
    account = get_account(lib, name)
    token = new_token()
    with lib.transaction() as conn:
        if revoke_others:
            conn.execute("DELETE FROM api_tokens WHERE account_id = ?", (account.id,))
        conn.execute("INSERT INTO api_tokens (hash, account_id, created_at) VALUES (?,?,?)",
                     (digest(token), account.id, stamp()))
    return token


def set_password(lib: Library, name: str, password: str) -> None:
    """A new password also ends the account's sessions (a stolen cookie stops working)."""
    account = get_account(lib, name)
    hashed = hash_password(password)
    with lib.transaction() as conn:
        conn.execute("UPDATE accounts SET password_hash = ? WHERE id = ?", (hashed, account.id))
        conn.execute("DELETE FROM sessions WHERE account_id = ?", (account.id,))


def set_role(lib: Library, name: str, role: str) -> None:
    account = get_account(lib, check_name(name))
    with lib.transaction() as conn:
        conn.execute("UPDATE accounts SET role = ? WHERE id = ?", (check_role(role), account.id))


def remove_account(lib: Library, name: str) -> None:
    """Revoke every token and session; the row stays (its notes stay attributed, the name is not reused)."""
    account = get_account(lib, name)
    with lib.transaction() as conn:
        admins = conn.execute("SELECT count(*) FROM accounts WHERE role = 'admin' AND removed_at IS NULL "
                              "AND id != ?", (account.id,)).fetchone()[0]
        if account.is_admin and admins == 0:
            raise UsageError(f"{name} is the last admin; add another admin first")
        conn.execute("DELETE FROM api_tokens WHERE account_id = ?", (account.id,))
        conn.execute("DELETE FROM sessions WHERE account_id = ?", (account.id,))
        conn.execute("UPDATE accounts SET removed_at = ?, password_hash = NULL WHERE id = ?",
                     (stamp(), account.id))


# --- authentication -------------------------------------------------------------------------------


def account_for_token(lib: Library, token: str | None) -> Account | None:
    if not token:
        return None
    row = lib.conn.execute("SELECT a.* FROM api_tokens t JOIN accounts a ON a.id = t.account_id "
                           "WHERE t.hash = ? AND a.removed_at IS NULL", (digest(token),)).fetchone()
    return _account(row) if row else None


def verify_password(lib: Library, name: str, password: str) -> Account | None:
    """The account if the password is right; a wrong name costs as much time as a wrong password."""
    row = lib.conn.execute("SELECT * FROM accounts WHERE name = ? AND removed_at IS NULL", (name,)).fetchone()
    hashed = row["password_hash"] if row else None
    try:
        if hashed is None:
            _HASHER.verify(_DUMMY_HASH, password + "x")  # same work as a real check, always fails
            return None
        _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return None
    return _account(row)


_DUMMY_HASH = _HASHER.hash("paperdex-dummy-password")


def start_session(lib: Library, account: Account) -> str:
    """A new session id for the cookie; expired sessions are swept on the way."""
    session = secrets.token_urlsafe(32)
    created = now()
    with lib.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (stamp(created),))
        conn.execute("INSERT INTO sessions (hash, account_id, created_at, expires_at) VALUES (?,?,?,?)",
                     (digest(session), account.id, stamp(created), stamp(created + timedelta(days=SESSION_DAYS))))
    return session


def account_for_session(lib: Library, session: str | None) -> Account | None:
    if not session:
        return None
    row = lib.conn.execute("SELECT a.* FROM sessions s JOIN accounts a ON a.id = s.account_id "
                           "WHERE s.hash = ? AND s.expires_at > ? AND a.removed_at IS NULL",
                           (digest(session), stamp())).fetchone()
    return _account(row) if row else None


def end_session(lib: Library, session: str | None) -> None:
    if session:
        with lib.transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE hash = ?", (digest(session),))


# --- rate limiting ----------------------------------------------------------------------------------


def locked_for(lib: Library, keys: list[str]) -> int:
    """Seconds until every key may try again (0: free to try)."""
    current = now()
    wait = 0.0
    for key in keys:
        row = lib.conn.execute("SELECT locked_until FROM login_failures WHERE key = ?", (key,)).fetchone()
        if row and row["locked_until"]:
            wait = max(wait, (_parse(row["locked_until"]) - current).total_seconds())
    return int(wait) + 1 if wait > 0 else 0


def record_failure(lib: Library, keys: list[str], *, limit: int = MAX_FAILURES) -> int:
    """Count a failed attempt on each key; returns the lock in seconds it earned (0: none yet)."""
    current = now()
    longest = 0
    with lib.transaction() as conn:
        conn.execute("DELETE FROM login_failures WHERE updated_at < ? AND (locked_until IS NULL OR locked_until < ?)",
                     (stamp(current - FORGET_FAILURES), stamp(current)))
        for key in keys:
            row = conn.execute("SELECT failures FROM login_failures WHERE key = ?", (key,)).fetchone()
            failures = (row["failures"] if row else 0) + 1
            lock = 0
            if failures >= limit:
                lock = min(LOCK_BASE_S * 2 ** (failures - limit), LOCK_MAX_S)
            until = stamp(current + timedelta(seconds=lock)) if lock else None
            conn.execute("INSERT INTO login_failures (key, failures, locked_until, updated_at) VALUES (?,?,?,?) "
                         "ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, "
                         "locked_until = excluded.locked_until, updated_at = excluded.updated_at",
                         (key, failures, until, stamp(current)))
            longest = max(longest, lock)
    return longest


def clear_failures(lib: Library, keys: list[str]) -> None:
    with lib.transaction() as conn:
        for key in keys:
            conn.execute("DELETE FROM login_failures WHERE key = ?", (key,))
