"""`paperdex stats`: the stats page of the web UI in a terminal, or as JSON for scripts."""

from __future__ import annotations

import json

import click
from rich.markup import escape
from rich.table import Table

from paperdex.cli import Context, out, pass_ctx


def stats_dict(ctx: Context) -> dict:
    """One JSON object (docs/cli.md): the library's counts and the same breakdowns the /stats page draws."""
    from paperdex.library.browse import stats
    from paperdex.library.store import counts

    data = stats(ctx.lib)
    return {
        "counts": counts(ctx.lib),
        "per_year": [{"year": y, "papers": n} for y, n in data["per_year"]],
        "per_section": [{"section": s, "papers": n} for s, n in data["per_section"]],
        "readers": [{"reader": r["reader"], "notes": r["notes"], "papers": r["papers"],
                     "thoughts": r["thoughts"] or 0} for r in data["readers"]],
        "per_month": [{"month": m, "notes": n} for m, n in data["timeline"]],
        "papers_without_year": data["untitled_year"],
    }


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (docs/cli.md).")
@pass_ctx
def stats(ctx: Context, as_json: bool) -> None:
    """Papers per year and section, notes per reader and month.

    \b
    Examples:
      paperdex stats
      paperdex stats --json
    """
    data = stats_dict(ctx)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
        return
    c = data["counts"]
    out.print(f"{_n(c['papers'], 'paper')}, {_n(c['notes'], 'note')} from {_n(c['sources'], 'source')} "
              f"by {_n(c['readers'], 'named reader')}")
    if not c["papers"]:
        out.print("No papers yet. Add notes with [bold]paperdex add PATH[/bold] (try the bundled examples/).")
        return
    years = data["per_year"]
    if years:
        out.print("\n[bold]papers per year[/bold]")
        table = Table("year", "papers", box=None)
        for row in years:
            table.add_row(str(row["year"]), str(row["papers"]))
        out.print(table)
    for title, key, label, unit in (("papers per section", "per_section", "section", "papers"),
                                    ("notes per reader", "readers", "reader", "notes")):
        if data[key]:
            out.print(f"\n[bold]{title}[/bold]")
            table = Table(label, unit, box=None)
            for row in data[key][:15]:
                table.add_row(escape(str(row[label] or "")), str(row[unit]))
            out.print(table)
    if data["papers_without_year"]:
        out.print(f"[dim]{data['papers_without_year']} papers without a year[/dim]")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


COMMANDS = [stats]
