"""`paperdex migrate`: bring a library's schema up to date, or say whether it needs it."""

from __future__ import annotations

import json
import sys

import click
from rich.markup import escape

from paperdex.cli import Context, err, out, pass_ctx
from paperdex.library.db import Library


@click.command()
@click.option("--db", "db", metavar="PATH|URL", help="The library to migrate (as the global --db; default: $PAPERDEX_DB).")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if migrations are pending.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_ctx
def migrate(ctx: Context, db: str | None, check: bool, as_json: bool) -> None:
    """Migrate the library (an SQLite file or a PostgreSQL database) to this paperdex's schema.

    Every command migrates the library it opens; this one does only that, so a lab
    can upgrade its server once, at a time it chooses (`paperdex migrate --db
    postgresql://USER@HOST/DB`). A library whose schema is newer than this
    paperdex is refused.

    \b
    Examples:
      paperdex migrate                bring the library up to date (prints from -> to)
      paperdex migrate --check        exit 1 if the library needs migrating
    """
    with Library(db or ctx.db_path, migrate=False) as lib:
        pending = lib.pending_migrations()
        before = lib.schema_version
        if check:
            result = {"library": lib.location, "schema": before, "pending": [m[1] for m in pending]}
            if as_json:
                click.echo(json.dumps(result, sort_keys=True))
            elif pending:
                out.print(f"{escape(lib.location)}: schema v{before}, {len(pending)} migration(s) pending: "
                          + ", ".join(escape(m[1]) for m in pending))
            else:
                out.print(f"{escape(lib.location)}: schema v{before}, up to date")
            if pending:
                sys.exit(1)
            return
        start, end = lib.migrate()
    if as_json:
        click.echo(json.dumps({"library": lib.location, "from": start, "to": end}, sort_keys=True))
    elif start == end:
        err.print(f"{escape(lib.location)}: schema v{end}, up to date")
    else:
        out.print(f"{escape(lib.location)}: migrated schema v{start} -> v{end}")


COMMANDS = [migrate]
