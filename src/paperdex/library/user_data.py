"""What the user decides about papers (tags, reading status), kept apart from what notes derive.

These rows live in `paper_tags` and `paper_status`, which re-imports never
touch, so a tag survives a note file being edited and re-added.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime

from paperdex.errors import UsageError
from paperdex.library.db import Library

STATUSES: tuple[str, ...] = ("to-read", "reading", "read", "starred")
MAX_TAG = 64


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def clean_tag(tag: str) -> str:
    """One tag as stored: trimmed, inner whitespace collapsed; empty or overlong tags are refused."""
    tag = re.sub(r"\s+", " ", tag or "").strip()
    if not tag:
        raise UsageError("a tag cannot be empty")
    bad = next((ch for ch in tag if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")), None)
    if bad is not None:
        # NUL, control, bidi-override and unassigned characters make tags that look alike but differ.
        raise UsageError(f"a tag cannot hold the invisible or control character U+{ord(bad):04X}")
    if len(tag) > MAX_TAG:
        raise UsageError(f"a tag is at most {MAX_TAG} characters")
    return tag


def _require_paper(lib: Library, paper_id: str) -> None:
    if not lib.conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone():
        raise UsageError(f"no paper with id {paper_id!r}")


def add_tag(lib: Library, paper_id: str, tag: str) -> str:
    tag = clean_tag(tag)
    _require_paper(lib, paper_id)
    with lib.transaction() as conn:
        conn.execute("INSERT INTO paper_tags (paper_id, tag, added_at) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                     (paper_id, tag, now()))
    return tag


def remove_tag(lib: Library, paper_id: str, tag: str) -> bool:
    with lib.transaction() as conn:
        cur = conn.execute("DELETE FROM paper_tags WHERE paper_id = ? AND tag = ?", (paper_id, tag.strip()))
    return cur.rowcount > 0


def get_tags(lib: Library, paper_id: str) -> list[str]:
    return [r["tag"] for r in lib.conn.execute(
        "SELECT tag FROM paper_tags WHERE paper_id = ? ORDER BY lower(tag), tag", (paper_id,))]


def set_status(lib: Library, paper_id: str, status: str | None) -> None:
    """Set the reading status; None or "" clears it."""
    if status and status not in STATUSES:
        raise UsageError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    _require_paper(lib, paper_id)
    with lib.transaction() as conn:
        if not status:
            conn.execute("DELETE FROM paper_status WHERE paper_id = ?", (paper_id,))
        else:
            conn.execute("INSERT INTO paper_status (paper_id, status, updated_at) VALUES (?,?,?) "
                         "ON CONFLICT(paper_id) DO UPDATE SET status = excluded.status, "
                         "updated_at = excluded.updated_at", (paper_id, status, now()))


def get_status(lib: Library, paper_id: str) -> str | None:
    row = lib.conn.execute("SELECT status FROM paper_status WHERE paper_id = ?", (paper_id,)).fetchone()
    return row["status"] if row else None


def tags_for(lib: Library, paper_ids: Iterable[str]) -> dict[str, list[str]]:
    """Tags of many papers at once (one query per page of a listing, not one per paper)."""
    ids = list(paper_ids)
    out: dict[str, list[str]] = {pid: [] for pid in ids}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    for row in lib.conn.execute(f"SELECT paper_id, tag FROM paper_tags WHERE paper_id IN ({marks}) "
                                "ORDER BY lower(tag), tag", ids):
        out[row["paper_id"]].append(row["tag"])
    return out


def statuses_for(lib: Library, paper_ids: Iterable[str]) -> dict[str, str]:
    ids = list(paper_ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {r["paper_id"]: r["status"] for r in lib.conn.execute(
        f"SELECT paper_id, status FROM paper_status WHERE paper_id IN ({marks})", ids)}


def all_tags(lib: Library) -> list[tuple[str, int]]:
    """Every tag in use with how many papers carry it, most used first."""
    return [(r["tag"], r["n"]) for r in lib.conn.execute(
        "SELECT tag, count(*) AS n FROM paper_tags GROUP BY tag ORDER BY n DESC, lower(tag), tag")]


def papers_with_tag(lib: Library, tag: str, *, limit: int | None = None, offset: int = 0) -> list[str]:
    sql = "SELECT paper_id FROM paper_tags WHERE tag = ? ORDER BY added_at DESC, paper_id"
    args: list = [tag]
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        args += [limit, offset]
    return [r["paper_id"] for r in lib.conn.execute(sql, args)]


def papers_with_status(lib: Library, status: str, *, limit: int | None = None, offset: int = 0) -> list[str]:
    sql = "SELECT paper_id FROM paper_status WHERE status = ? ORDER BY updated_at DESC, paper_id"
    args: list = [status]
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        args += [limit, offset]
    return [r["paper_id"] for r in lib.conn.execute(sql, args)]
