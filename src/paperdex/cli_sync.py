"""`paperdex sync`, `watch`, `sources` and `trash`: keep the library in step with the note files."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from paperdex import settings
from paperdex.cli import Context, err, out, pass_ctx
from paperdex.errors import NotFound, UsageError
from paperdex.library import sync_state


def _max_bytes(max_size_mb: int | None) -> int:
    return (max_size_mb or settings.get("max_size_mb")) * 1024 * 1024


def print_summary(summary, *, events: bool = True) -> None:
    """The summary line on stdout; renames, deletions and failures, one per line, on stderr."""
    if events:
        for event in summary.events:
            if event.startswith(("renamed", "deleted", "restored", "split")):
                err.print(f"  {escape(event)}", soft_wrap=True)
    click.echo(summary.line())
    for failure in summary.failures:
        err.print(f"  [yellow]skipped[/yellow] {escape(failure.source)}: {escape(failure.reason)}", soft_wrap=True)


@click.command()
@click.option("--force", is_flag=True, help="Read every file again, even those whose size and mtime are unchanged.")
@click.option("--max-size", "max_size_mb", type=int, help="Refuse files larger than this many MB (default 64).")
@click.option("--no-embed", is_flag=True, help="Skip computing semantic embeddings now (search does it later).")
@click.option("--no-resolve", is_flag=True, help="Do not look new papers up online.")
@click.option("--json", "as_json", is_flag=True, help="Print what changed as JSON.")
@pass_ctx
def sync(ctx: Context, force: bool, max_size_mb: int | None, no_embed: bool, no_resolve: bool, as_json: bool) -> None:
    """Re-read every folder, file and URL in the library.

    Unchanged files are not opened; edited files update only their changed
    notes; renamed or moved files keep their notes; deleted files' notes go to
    the trash for 30 days (`paperdex trash`). Folders are remembered when given
    to `paperdex add`.

    \b
    Examples:
      paperdex add examples/      remember a folder (and read it)
      paperdex sync               bring the library up to date with it
      paperdex sync --force       read every file again
    """
    from paperdex.cli import _after_add
    from paperdex.sync import sync_all

    summary = sync_all(ctx.lib, force=force, max_bytes=_max_bytes(max_size_mb))
    _after_add(ctx, summary, embed=not no_embed, resolve=not no_resolve)
    if as_json:
        click.echo(json.dumps({"files": summary.files, "read": summary.files - summary.skipped,
                               "added": summary.added, "updated": summary.updated, "unchanged": summary.unchanged,
                               "renamed": summary.renamed, "deleted": summary.trashed, "restored": summary.restored,
                               "changed_notes": summary.changed_notes, "removed_notes": summary.removed_notes,
                               "errors": [{"source": f.source, "reason": f.reason} for f in summary.failures]},
                              ensure_ascii=False, sort_keys=True))
    else:
        print_summary(summary)
    if summary.failures and not summary.imported:
        sys.exit(1)


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--reader", help="Whose notes these are (default: from the file).")
@click.option("--format", "format_", metavar="NAME", help="Force an input format.")
@click.option("--shape", metavar="NAME", help="Force a note shape.")
@click.option("--encoding", help="Force a text encoding.")
@click.option("--max-size", "max_size_mb", type=int, help="Refuse files larger than this many MB (default 64).")
@pass_ctx
def watch(ctx: Context, paths, reader, format_, shape, encoding, max_size_mb) -> None:
    """Keep the library current while note files change (Ctrl+C stops).

    Syncs once, then after every change: new files are read within about a
    second, edits update their notes, renames keep them, deletions go to the
    trash. One line per change. With no PATH, watches every folder added before.

    \b
    Examples:
      paperdex watch examples/          watch (and remember) a folder
      paperdex watch                    watch every folder in the library
    """
    from paperdex.sync import SyncOptions
    from paperdex.watch import run

    options = SyncOptions(format=format_, encoding=encoding, reader=reader, shape=shape,
                          max_bytes=_max_bytes(max_size_mb))

    def report(line: str) -> None:
        out.print(escape(line), soft_wrap=True, highlight=False)

    def ready(targets: list[str]) -> None:
        err.print(f"watching {escape(', '.join(targets))} (Ctrl+C stops)", soft_wrap=True)

    # Each file is its own transaction: whatever was under way at Ctrl+C rolled back whole.
    with contextlib.suppress(KeyboardInterrupt):
        run(ctx.lib, list(paths), options, report=report, ready=ready)
    err.print("stopped watching")


@click.command()
@click.option("--forget", metavar="PATH", help="Stop syncing a folder or file (its notes stay).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@pass_ctx
def sources(ctx: Context, forget: str | None, as_json: bool) -> None:
    """The files and URLs in the library: last sync, note and paper counts, errors.

    \b
    Examples:
      paperdex sources                  every source, and the folders kept in sync
      paperdex sources --json           the same for programs
      paperdex sources --forget examples/   stop syncing a folder
    """
    lib = ctx.lib
    if forget:
        absolute = str(Path(forget).resolve()) if os.path.exists(forget) else os.path.abspath(forget)
        if not sync_state.forget_root(lib, absolute):
            raise UsageError(f"{forget} is not a synced folder or file; see `paperdex sources`")
        out.print(f"no longer syncing {escape(forget)} (its notes stay; `paperdex remove` drops a file's notes)")
        return
    rows = sync_state.source_report(lib)
    roots = sync_state.roots(lib)
    if as_json:
        click.echo(json.dumps({"roots": [{"path": r["path"], "shown": r["shown"], "synced_at": r["synced_at"],
                                          "options": json.loads(r["options"])} for r in roots],
                               "sources": [{k: r[k] for k in ("path", "key", "format", "reader", "notes", "papers",
                                                             "size", "synced_at", "updated_at", "error")}
                                           | {"kept": bool(r["kept"])} for r in rows]},
                              ensure_ascii=False, indent=2, sort_keys=True))
        return
    if roots:
        out.print("kept in sync: " + ", ".join(
            f"{escape(r['shown'])} [dim](synced {(r['synced_at'] or 'never')[:19]})[/dim]" for r in roots))
    table = Table(box=None)
    for col in ("path", "format", "reader", "notes", "papers", "synced", "error"):
        table.add_column(col, overflow="fold" if col in ("path", "error") else None)
    for r in rows:
        error = r["error"] or ("file gone, restored from the trash" if r["kept"] else "")
        table.add_row(escape(r["path"]), r["format"], escape(r["reader"] or ""), str(r["notes"]), str(r["papers"]),
                      (r["synced_at"] or r["updated_at"])[:19], f"[yellow]{escape(error)}[/yellow]" if error else "")
    out.print(table)


@click.command()
@click.option("--restore", "restore_ref", metavar="ID|PATH", help="Put a deleted file's notes back.")
@click.option("--empty", is_flag=True, help="Delete everything in the trash now.")
@click.option("--json", "as_json", is_flag=True, help="Print the trash as JSON.")
@pass_ctx
def trash(ctx: Context, restore_ref: str | None, empty: bool, as_json: bool) -> None:
    """Notes of deleted files, kept 30 days; restore them or empty the trash.

    A file that comes back (same content, any name) is restored by the next sync.
    `--restore` brings the notes back even when the file is gone for good.

    \b
    Examples:
      paperdex trash                         what is in the trash (--restore ID or PATH puts notes back)
      paperdex trash --json
      paperdex trash --empty                 delete it all now
    """
    lib = ctx.lib
    if empty:
        out.print(f"emptied the trash ({sync_state.purge_trash(lib, everything=True)} files' notes deleted)")
        return
    if restore_ref:
        entries = sync_state.find_trash(lib, restore_ref)
        if not entries:
            raise NotFound(f"nothing in the trash matches {restore_ref!r}; see `paperdex trash`")  # exit 1
        if len(entries) > 1 and not restore_ref.isdigit():
            raise UsageError(f"{len(entries)} trash entries match {restore_ref!r}; give an id: "
                             + ", ".join(f"{e.id} ({e.path})" for e in entries[:5]))
        entry = entries[0]
        on_disk = os.path.exists(entry.key)
        try:
            sync_state.restore(lib, entry.id, kept=not on_disk)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        from paperdex.sync import notes

        note = "" if on_disk else " (its file is gone: kept until you `paperdex remove` it)"
        out.print(f"restored {escape(entry.path)}: {notes(entry.notes)}{escape(note)}")
        return
    entries = sync_state.trash_entries(lib)
    if as_json:
        click.echo(json.dumps([{"id": e.id, "path": e.path, "notes": e.notes, "papers": e.papers,
                                "deleted_at": e.deleted_at} for e in entries], ensure_ascii=False, indent=2))
        return
    if not entries:
        out.print("The trash is empty.")
        return
    table = Table(box=None)
    for col in ("id", "deleted", "path", "notes", "papers"):
        table.add_column(col)
    for e in entries:
        table.add_row(str(e.id), e.deleted_at[:19], escape(e.path), str(e.notes), str(len(e.papers)))
    out.print(table)
    out.print(f"[dim]kept {sync_state.TRASH_DAYS} days; `paperdex trash --restore ID` puts notes back[/dim]")


COMMANDS = [sync, watch, sources, trash]
