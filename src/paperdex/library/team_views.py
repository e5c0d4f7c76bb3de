"""Read-only queries for team views: the members who added notes, and what was added lately, by whom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from paperdex.library.db import Library

FEED_LIMIT = 500


def members(lib: Library) -> list[tuple[str, int]]:
    """(account name, notes added) for every account that added notes, most first."""
    return [(r[0], r[1]) for r in lib.conn.execute(
        "SELECT added_by, count(*) AS c FROM notes WHERE added_by IS NOT NULL GROUP BY added_by "
        "ORDER BY c DESC, added_by")]


def feed(lib: Library, *, days: int = 7, limit: int = FEED_LIMIT) -> list[dict]:
    """Notes added by members in the last `days` days, grouped by day (newest first), then member."""
    since = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    rows = lib.conn.execute(
        "SELECT n.id, n.paper_id, n.title, n.text, n.added_by, n.added_at, n.reader, p.title AS paper_title, "
        "p.year FROM notes n LEFT JOIN papers p ON p.id = n.paper_id "
        "WHERE n.added_by IS NOT NULL AND n.added_at >= ? ORDER BY n.added_at DESC, n.id LIMIT ?",
        (since, limit)).fetchall()
    days_out: list[dict] = []
    for row in rows:
        day = row["added_at"][:10]
        if not days_out or days_out[-1]["day"] != day:
            days_out.append({"day": day, "members": {}})
        entry = {"id": row["id"], "paper_id": row["paper_id"], "title": row["paper_title"] or row["title"],
                 "year": row["year"], "reader": row["reader"], "at": row["added_at"][11:16],
                 "excerpt": " ".join((row["text"] or "").split())[:200]}
        days_out[-1]["members"].setdefault(row["added_by"], []).append(entry)
    return [{"day": d["day"], "members": sorted(d["members"].items())} for d in days_out]
