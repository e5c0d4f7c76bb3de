"""`paperdex backup`, `check` and `rebuild`: keep a library safe and repair what is derived."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.markup import escape

from paperdex.cli import Context, err, out, pass_ctx
from paperdex.library import maintenance


@click.command()
@click.argument("path", type=click.Path(dir_okay=True))
@click.option("--overwrite", is_flag=True, help="Replace PATH if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_ctx
def backup(ctx: Context, path: str, overwrite: bool, as_json: bool) -> None:
    """Copy the library to PATH while it stays in use (SQLite online backup).

    PATH may be a folder: the copy is named after the library and the time.
    The copy is checked before it takes its name, so a crash never leaves a
    half backup behind.

    \b
    Restore: stop paperdex, then copy the backup over the library file
    (`paperdex info` shows where it is).

    \b
    Examples:
      paperdex backup backups/                   a dated copy in backups/
      paperdex backup library-copy.db --json
    """
    if path.endswith(("/", "\\")):
        Path(path).mkdir(parents=True, exist_ok=True)  # "backups/" names a folder even before it exists
    result = maintenance.backup(ctx.lib, path, overwrite=overwrite)
    if as_json:
        click.echo(json.dumps({"path": str(result.path), "bytes": result.size, "counts": result.counts},
                              sort_keys=True))
        return
    counts = ", ".join(f"{v} {k}" for k, v in result.counts.items() if k in ("papers", "notes", "sources"))
    out.print(f"backed up {escape(str(ctx.db_path))} to {escape(str(result.path))} "
              f"({result.size / 1024:.0f} KB: {counts}); integrity ok")


@click.command()
@click.option("--fix", "do_fix", is_flag=True, help="Repair what is safe to repair (derived data only).")
@click.option("--quick", is_flag=True, help="PRAGMA quick_check instead of the full integrity_check.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_ctx
def check(ctx: Context, do_fix: bool, quick: bool, as_json: bool) -> None:
    """Check the library: SQLite integrity, foreign keys and orphaned rows.

    Exits 1 when something is wrong. `--fix` repairs only derived data (identifiers,
    title keys, the keyword index, empty papers); notes, sources, tags, reading
    status and review decisions are never deleted.

    \b
    Examples:
      paperdex check
      paperdex check --quick --json
      paperdex check --fix                       repair derived data, keep every note
    """
    report = maintenance.check(ctx.lib, quick=quick)
    repaired: dict[str, int] = {}
    if do_fix and any(p.fixable for p in report.problems) and report.integrity == ["ok"]:
        repaired = maintenance.fix(ctx.lib)
        report = maintenance.check(ctx.lib, quick=quick)
    if as_json:
        click.echo(json.dumps({**report.as_dict(), "repaired": repaired}, ensure_ascii=False, sort_keys=True))
    else:
        _print_report(ctx, report, repaired, do_fix)
    if not report.ok:
        sys.exit(1)


def _print_report(ctx: Context, report: maintenance.CheckReport, repaired: dict[str, int], did_fix: bool) -> None:
    out.print(f"library  {escape(ctx.lib.location)} (schema v{report.schema_version})")
    out.print("  " + ", ".join(f"{v} {k}" for k, v in report.counts.items()))
    if report.integrity == ["ok"]:
        out.print("  [green]integrity ok[/green]")
    else:
        out.print(f"  [red]integrity check failed[/red] ({len(report.integrity)} findings):")
        for line in report.integrity[:10]:
            out.print(f"    {escape(line)}")
        out.print("  fix: restore the last `paperdex backup`, or salvage with `sqlite3 LIB .recover | sqlite3 NEW`")
    for name, count in repaired.items():
        out.print(f"  [cyan]repaired[/cyan] {name}: {count}")
    for p in report.problems:
        colour = "red" if p.severity == "error" else "yellow"
        out.print(f"  [{colour}]{p.severity}[/{colour}] {escape(p.message)}")
        if p.examples:
            out.print(f"    e.g. {escape(', '.join(p.examples))}")
        out.print(f"    fix: {escape(p.fix)}")
    if report.ok:
        out.print("[green]no problems found[/green]" if not report.problems else "[green]ok[/green] (warnings only)")
    elif not did_fix and any(p.fixable for p in report.problems):
        out.print("run [bold]paperdex check --fix[/bold] to repair what is marked --fix")


@click.command()
@click.option("--no-embed", is_flag=True, help="Rebuild the keyword index only, not the embeddings.")
@click.option("--json", "as_json", is_flag=True, help="Print what was rebuilt as JSON.")
@pass_ctx
def rebuild(ctx: Context, no_embed: bool, as_json: bool) -> None:
    """Re-derive identifiers, title keys, the keyword index and embeddings from the stored notes.

    Notes, tags, reading status and review decisions are kept as they are; run
    this after a crash, a restore, or when search results look stale.

    \b
    Examples:
      paperdex rebuild --no-embed
      paperdex rebuild --json
    """
    lib = ctx.lib
    steps: dict[str, str] = {}
    keys = maintenance.rederive_keys(lib)
    steps["keys"] = f"restored {keys['identifiers']} identifiers, {keys['titles']} title keys; SQL indexes rebuilt"
    if maintenance.has_search_index(lib):
        rows = maintenance.rebuild_search(lib)
        steps["keyword index"] = f"rebuilt: {rows} rows from the stored notes and papers"
    else:
        steps["keyword index"] = "skipped: this library has no keyword index table"
    steps["embeddings"] = "skipped (--no-embed)" if no_embed else _embed(lib)
    if as_json:
        click.echo(json.dumps(steps, sort_keys=True))
        return
    for name, what in steps.items():
        out.print(f"{name:<14} {escape(what)}")
    err.print("user data (tags, status, review decisions) untouched")


def _embed(lib) -> str:
    """Compute the vectors the rebuilt index lacks (vectors are keyed by text, so kept ones are reused)."""
    try:
        from paperdex.search.embed import configured
        from paperdex.search.jobs import embed_pending
    except ModuleNotFoundError as exc:
        return f"skipped: semantic search is not in this build ({exc.name})"
    embedder = configured()
    if embedder is None:
        return "skipped: the embedder is 'none' (PAPERDEX_EMBEDDER)"
    done = embed_pending(lib, progress_console=err, embedder=embedder)
    return f"{done} texts embedded with {embedder.name}; the others kept their vectors"


COMMANDS = [backup, check, rebuild]
