"""Commands `resolve`, `review` and `snapshot import`: thin wrappers over resolve/ and library/resolution."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from paperdex.errors import NotFound, UsageError
from paperdex.library import resolution as store
from paperdex.library.db import Library
from paperdex.resolve.decision import explain
from paperdex.resolve.resolver import ORDER, ResolveSummary, resolve_library

err = Console(stderr=True, soft_wrap=True)
out = Console()


def _summary_dict(summary: ResolveSummary) -> dict:
    return {"resolved": summary.resolved, "ambiguous": summary.ambiguous, "not_found": summary.not_found,
            "failed": summary.failed, "left_for_later": summary.untouched, "merged": summary.merged,
            "notes_identified": summary.notes_identified, "requests": summary.requests,
            "messages": summary.messages}


def run_resolve(lib: Library, console: Console, **kwargs) -> ResolveSummary:
    """Resolve with a progress bar on `console`; print the skip lines and the summary line."""
    with Progress(TextColumn("resolving"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True,
                            disable=not console.is_terminal) as bar:
        task = bar.add_task("resolve", total=None)
        summary = resolve_library(lib, progress=lambda done, total: bar.update(task, completed=done, total=total),
                                  **kwargs)
    from paperdex import settings

    if settings.is_offline():
        # Offline is a state the user chose, not a failure: one line on what waits for the network.
        waiting = summary.untouched + summary.failed
        found = f"{summary.resolved} resolved from the local snapshot; " if summary.resolved else ""
        review = f"{summary.ambiguous} for review; " if summary.ambiguous else ""
        console.print(f"offline: {found}{review}{waiting} paper{'' if waiting == 1 else 's'} not yet resolved; "
                      "run `paperdex resolve` when online")
        return summary
    for message in summary.messages:
        console.print(escape(message))
    console.print(summary.line())
    return summary


def resolve_after_add(lib: Library, console: Console) -> ResolveSummary | None:
    """What `paperdex add` runs after an import; never fails the import."""
    return run_resolve(lib, console)


@click.command("resolve")
@click.option("--provider", "providers", multiple=True, type=click.Choice(ORDER),
              help="Use only this provider (repeatable). Default: all, in the order " + ", ".join(ORDER) + ".")
@click.option("--retry-failed", is_flag=True, help="Also retry papers a provider failed on earlier.")
@click.option("--force", is_flag=True, help="Retry every unresolved paper (ambiguous and not found too).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_obj
def resolve_cmd(ctx, providers: tuple[str, ...], retry_failed: bool, force: bool, as_json: bool) -> None:
    """Tie papers to their canonical record (arXiv, Semantic Scholar, OpenAlex, Crossref, local snapshot).

    Below the match threshold nothing is merged: candidates wait in `paperdex review`.
    """
    summary = run_resolve(ctx.lib, err, providers=list(providers) or None, retry_failed=retry_failed, force=force)
    if as_json:
        click.echo(json.dumps(_summary_dict(summary), sort_keys=True))


@click.group("review", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the candidates as JSON.")
@click.option("--accept-above", type=click.FloatRange(0, 1), metavar="SCORE",
              help="Accept the best candidate of every paper scoring at least SCORE (not when a runner-up is "
                   "too close to tell apart).")
@click.option("--reject-below", type=click.FloatRange(0, 1), metavar="SCORE",
              help="Reject every candidate of papers whose best candidate scores below SCORE.")
@click.pass_context
def review_cmd(click_ctx: click.Context, as_json: bool, accept_above: float | None,
               reject_below: float | None) -> None:
    """List papers whose best candidate was not clear-cut; accept or reject them, one by one or in bulk.

    \b
    Examples:
      paperdex review
      paperdex review --reject-below 0.8 --accept-above 0.95
      paperdex review undo
    """
    if click_ctx.invoked_subcommand is not None:
        return
    lib = click_ctx.obj.lib
    if accept_above is not None or reject_below is not None:
        if accept_above is not None and reject_below is not None and reject_below > accept_above:
            raise UsageError(f"--reject-below {reject_below} is above --accept-above {accept_above}")
        result = store.decide_many(lib, accept_above=accept_above, reject_below=reject_below)
        if as_json:
            click.echo(json.dumps({"accepted": result.accepted, "rejected": result.rejected,
                                   "skipped": [{"paper_id": p, "why": w} for p, w in result.skipped]},
                                  sort_keys=True))
            return
        out.print(f"accepted {len(result.accepted)} · rejected {len(result.rejected)} · "
                  f"left for you {len(result.skipped)}")
        for pid, why in result.skipped:
            out.print(escape(f"  {pid}: {why}"))
        if result.accepted or result.rejected:
            out.print("take it back with `paperdex review undo`")
        return
    items = store.review_items(lib)
    for item in items:
        for entry in item["candidates"]:
            entry["why"] = explain(entry["evidence"])
    if as_json:
        click.echo(json.dumps(items, sort_keys=True, ensure_ascii=False))
        return
    if not items:
        out.print("nothing to review")
        return
    table = Table("paper", "note title", "#", "candidate", "score", "why")
    for item in items:
        for n, entry in enumerate(item["candidates"]):
            cand = entry["candidate"]
            ids = ", ".join(f"{s}:{v}" for s, v in cand["identifiers"][:2])
            why = explain(entry["evidence"])
            if n == 0 and item["evidence"].get("reason"):
                why = f"{item['evidence']['reason']}: {why}"
            table.add_row(item["paper_id"] if n == 0 else "", escape(item["paper_title"] or "") if n == 0 else "",
                          str(entry["index"]),
                          escape(f"{cand['title']} ({cand.get('year') or '?'}) [{cand['provider']}] {ids}"),
                          f"{entry['score'] or 0:.2f}", escape(why))
    out.print(table)
    out.print("accept the best with `paperdex review accept PAPER_ID` (another: `--candidate N`), "
              "reject them all with `paperdex review reject PAPER_ID`; in bulk: `--accept-above`, "
              "`--reject-below`; take back the last decision with `paperdex review undo`")


@review_cmd.command("accept")
@click.argument("paper_id")
@click.option("--candidate", "candidate", default="1", show_default=True,
              help="Which candidate: its number in `paperdex review`, or its key (e.g. snapshot:2101.03697).")
@click.pass_obj
def review_accept(ctx, paper_id: str, candidate: str) -> None:
    """Apply a candidate kept for PAPER_ID (the best one unless --candidate says another)."""
    try:
        new_id = store.accept_candidate(ctx.lib, paper_id, int(candidate) if candidate.isdigit() else candidate)
    except LookupError as exc:
        raise NotFound(str(exc)) from None  # what was named is not waiting for review: exit 1
    out.print(f"accepted: {paper_id}" + (f" (candidate {candidate})" if candidate != "1" else "")
              + (f" (merged into {new_id})" if new_id != paper_id else ""))


@review_cmd.command("reject")
@click.argument("paper_id")
@click.pass_obj
def review_reject(ctx, paper_id: str) -> None:
    """None of PAPER_ID's candidates is right: reject them all; they are not proposed again."""
    try:
        store.reject(ctx.lib, paper_id)
    except LookupError as exc:
        raise NotFound(str(exc)) from None  # what was named is not waiting for review: exit 1
    out.print(f"rejected the candidates for {paper_id}")


@review_cmd.command("undo")
@click.pass_obj
def review_undo(ctx) -> None:
    """Take back the last review decision (a bulk one as a whole): the papers wait for review again.

    \b
    Example:
      paperdex review undo
    """
    undone = store.undo_last(ctx.lib)
    if not undone:
        out.print("nothing to undo")
        return
    accepted = sum(1 for u in undone if u["action"] == "accepted")
    out.print(f"undone: {accepted} accepted, {len(undone) - accepted} rejected; "
              f"{len(undone)} paper(s) wait for review again")


@click.group("snapshot")
def snapshot_cmd() -> None:
    """The offline arXiv metadata snapshot (titles resolve with no network)."""


@snapshot_cmd.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def snapshot_import(ctx, file: Path) -> None:
    """Load FILE (Kaggle arxiv-metadata-oai-snapshot.json, JSON lines), streamed in batches."""
    from paperdex.library import snapshot_store
    from paperdex.resolve.snapshot import import_file

    start = time.perf_counter()
    with Progress(TextColumn("importing snapshot"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True,
                            disable=not err.is_terminal) as bar:
        task = bar.add_task("import", total=None)
        stats = import_file(ctx.lib, file, progress=lambda n: bar.advance(task, n))
    err.print(f"snapshot: read {stats.read} records, wrote {stats.written} "
              f"({snapshot_store.count(ctx.lib)} in the library) in {time.perf_counter() - start:.1f} s; "
              "typo keys rebuilt")


@snapshot_cmd.command("reindex")
@click.pass_obj
def snapshot_reindex(ctx) -> None:
    """Rebuild the typo-tolerant title keys (needed once for a snapshot imported before they existed)."""
    from paperdex.resolve.snapshot import reindex

    start = time.perf_counter()
    rows = reindex(ctx.lib)
    err.print(f"snapshot: {rows} typo keys written in {time.perf_counter() - start:.1f} s")


COMMANDS = (resolve_cmd, review_cmd, snapshot_cmd)
