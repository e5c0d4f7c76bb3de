"""The `paperdex` command: thin commands over the library API.

Output for people goes through rich (tables, progress bars) on stderr/stdout;
`--json` gives programs a stable shape.
"""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from paperdex import __version__, settings
from paperdex.errors import NotFound, PaperdexError, UsageError
from paperdex.library.db import Library
from paperdex.library.store import PaperFilter

err = Console(stderr=True, soft_wrap=True)
out = Console()

# Command modules that add themselves to the main group (one concept each).
COMMAND_MODULES: tuple[str, ...] = (
    "paperdex.cli_resolve",
    "paperdex.cli_search",
    "paperdex.cli_web",
    "paperdex.cli_maintenance",
    "paperdex.cli_sync",
    "paperdex.cli_stats",
    "paperdex.cli_migrate",
    "paperdex.cli_team",
)


class Context:
    """What every command needs: where the library is, opened on first use."""

    def __init__(self, db: str | None) -> None:
        target = db or settings.get("db")
        # A database URL stays a string (Path would fold "postgresql://" into a folder "postgresql:").
        self.db_path: Path | str = target if "://" in str(target) else Path(target).expanduser()
        self._lib: Library | None = None

    @property
    def lib(self) -> Library:
        if self._lib is None:
            self._lib = Library(self.db_path)
        return self._lib


pass_ctx = click.make_pass_decorator(Context)


# Exit statuses, the same for every command (docs/cli.md): scripts branch on them.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class PaperdexGroup(click.Group):
    """Turns paperdex's own errors into one clear line and an exit status, never a traceback.

    A bad command-line value exits 2 like click's own usage errors; anything else
    that failed exits 1.
    """

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            _load_command_modules(cmd_name)
        else:
            from paperdex.cli_examples import add_examples

            add_examples(self)  # the commands defined here get their examples too
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        _load_command_modules()
        return super().list_commands(ctx)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
            sys.exit(EXIT_USAGE)
        except PaperdexError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
            sys.exit(EXIT_FAILED)
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):
                # A PostgreSQL failure outside a write (the server went away mid-read): one line, not a traceback.
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                err.print(f"[red]error:[/red] the library's PostgreSQL server failed: {escape(first)}",
                          soft_wrap=True)
                sys.exit(EXIT_FAILED)
            if not isinstance(exc, sqlite3.DatabaseError):
                raise
            # Read-only, disk full or damaged: each has its own fix, and only damage wants a backup.
            from paperdex.library.diagnosis import diagnose

            db = getattr(ctx.obj, "db_path", None) or settings.get("db")
            err.print(f"[red]error:[/red] {escape(str(diagnose(db, exc)))}", soft_wrap=True)
            sys.exit(EXIT_FAILED)


@click.group(cls=PaperdexGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--db", metavar="PATH|URL", help="Library file, or a postgresql:// URL. Default: $PAPERDEX_DB, "
              "else the per-user data dir.")
@click.version_option(__version__, prog_name="paperdex")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """Turn scattered paper-reading notes into one searchable library of papers.

    \b
    Start here:
      paperdex add notes/ README.md export.json   read notes (folders, files, globs)
      paperdex list                               the papers, newest first
      paperdex show 2206.11871                    one paper and every note on it
      paperdex export --format jsonl > lib.jsonl  hand the library to other tools

    The library is one SQLite file (see `paperdex info`); nothing to start or configure.
    Exit status: 0 all good, 1 something failed (e.g. an input could not be read; the
    rest was done), 2 a usage error. `--json` on most commands prints for programs.
    """
    ctx.obj = Context(db)
    ctx.call_on_close(lambda: ctx.obj._lib.close() if ctx.obj._lib else None)


def _year_range(value: str | None) -> tuple[int | None, int | None]:
    if not value:
        return None, None
    try:
        if ".." in value:
            lo, hi = value.split("..", 1)
            return (int(lo) if lo else None), (int(hi) if hi else None)
        year = int(value)
        return year, year
    except ValueError:
        raise UsageError(f"bad year range {value!r}: use 2023, 2022..2024, 2022.. or ..2020") from None


def filter_options(func):
    """The filters shared by list, search and export."""
    for option in reversed([
        click.option("--section", help="Only notes under this section heading (e.g. LLM)."),
        click.option("--year", "year_range", metavar="RANGE", help="Year or range: 2023, 2022..2024, 2022.."),
        click.option("--reader", help="Only notes by this reader."),
        click.option("--source", help="Only notes from this file (path as added, or part of it)."),
        click.option("--has-thoughts", is_flag=True, help="Only notes with the reader's own thoughts."),
    ]):
        func = option(func)
    return func


def make_filter(section=None, year_range=None, reader=None, source=None, has_thoughts=False) -> PaperFilter:
    lo, hi = _year_range(year_range)
    return PaperFilter(section=section, reader=reader, source=source, year_from=lo, year_to=hi,
                       has_thoughts=has_thoughts)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "format_", metavar="NAME", help="Force an input format (default: detected from content).")
@click.option("--shape", metavar="NAME", help="Force a reader: structure (the default extractor), document (no papers), lark, telegram, title_fields.")
@click.option("--encoding", help="Force a text encoding (e.g. gbk, cp1251) instead of detecting it.")
@click.option("--reader", help="Whose notes these are (default: from the file, e.g. front matter or channel).")
@click.option("--max-size", "max_size_mb", type=int, help="Refuse files larger than this many MB (default 64).")
@click.option("--force", is_flag=True, help="Re-import files even when unchanged.")
@click.option("--no-embed", is_flag=True, help="Skip computing semantic embeddings now (search does it later).")
@click.option("--no-resolve", is_flag=True, help="Do not look papers up online after importing.")
@click.option("--json", "as_json", is_flag=True, help="Print what happened as one JSON object (docs/cli.md).")
@click.option("--jobs", type=click.IntRange(min=0), default=0, show_default=False,
              help="Processes that read and segment files (default 0: automatic, one per core for 16 files "
                   "or more, or PAPERDEX_JOBS; 1 reads in this process).")
@pass_ctx
def add(ctx: Context, inputs, format_, shape, encoding, reader, max_size_mb, force, no_embed, no_resolve,
        as_json, jobs) -> None:
    """Read note files, folders, globs or URLs (or `-` for stdin) into the library.

    Each file is cut into one note per paper; the same paper noted twice (or by
    two readers) becomes one paper with both notes. Adding a folder again
    syncs it: unchanged files are not read, edited files update their notes,
    renamed files keep theirs, deleted files' notes go to `paperdex trash`.

    Exits 1 when any input could not be read (the others are imported; the
    reasons go to stderr), 2 on a bad option.

    \b
    Examples:
      paperdex add examples/                          every note file in a folder
      paperdex add examples/reading-list.md --reader alice   attribute the notes to alice
      cat examples/telegram-channel.json | paperdex add - --json   notes piped in; a JSON summary
    """

    if format_:
        from paperdex.formats import get

        get(format_)  # unknown names fail before any work
    max_bytes = (max_size_mb or settings.get("max_size_mb")) * 1024 * 1024
    from paperdex.cli_sync import print_summary
    from paperdex.sync import SyncOptions, SyncSummary, sync_paths

    lib = ctx.lib
    urls = [i for i in inputs if i.startswith(("http://", "https://"))]
    stdin = [i for i in inputs if i == "-"]
    if len(stdin) > 1:
        raise UsageError("`-` (stdin) can be named only once")
    paths = [i for i in inputs if i not in urls and i != "-"]
    summary = SyncSummary()
    with _progress() as progress:
        # A folder added before is synced: unchanged files are not read, renames keep their notes.
        task = progress.add_task("importing", total=None)
        if stdin:
            progress.update(task, description="stdin")
            _add_stdin(lib, format_, encoding, reader, shape, max_bytes, force, summary)
            progress.advance(task)
        options = SyncOptions(format=format_, encoding=encoding, reader=reader, shape=shape, max_bytes=max_bytes,
                              force=force, jobs=jobs)
        sync_paths(lib, paths, options, summary=summary,
                   progress=lambda source: progress.update(task, description=_short(source), advance=1))
        for url in urls:
            progress.update(task, description=_short(url))
            _add_url(lib, url, format_, reader, shape, max_bytes, force, summary)
            progress.advance(task)
    # The summary first: the notes are stored and keyword-searchable from here on; embedding may take a while.
    if not as_json:
        print_summary(summary)
    resolved = _after_add(ctx, summary, embed=not no_embed, resolve=not no_resolve, quiet=as_json,
                          offline_line=False)
    if as_json:
        click.echo(json.dumps(_add_dict(summary, resolved), ensure_ascii=False, sort_keys=True))
    elif resolved and resolved["offline"]:
        print_offline(resolved)  # the offline line comes last
    if summary.failed:
        if not as_json:
            rest = "the others were imported" if summary.imported else "nothing was imported"
            n = len(summary.failed)
            err.print(f"{n} input{'' if n == 1 else 's'} failed (listed above); {rest}", soft_wrap=True)
        sys.exit(EXIT_FAILED)


def print_offline(resolved: dict) -> None:
    """Offline is a state the user chose: one line on what waits for the network, no failure counts."""
    waiting = resolved["left_for_later"] + resolved["failed"]
    found = f"{resolved['resolved']} resolved from the local snapshot; " if resolved["resolved"] else ""
    err.print(f"offline: {found}{waiting} paper{'' if waiting == 1 else 's'} not yet resolved; "
              "run `paperdex resolve` when online", soft_wrap=True)


def _add_dict(summary, resolved: dict | None) -> dict:
    """`add --json`: the import counts, every failure with its reason, and what resolve did (docs/cli.md)."""
    return {"files": summary.files, "added": summary.added, "updated": summary.updated,
            "unchanged": summary.unchanged, "papers": len(summary.papers), "new_papers": summary.new_papers,
            "notes": summary.notes, "merged": summary.merged, "documents_without_papers": summary.paperless_documents,
            "not_tried": summary.not_tried,
            "failures": [{"source": f.source, "reason": f.reason} for f in summary.failed],
            "empty": [f.source for f in summary.failures if f.empty],
            "resolve": resolved}


def _add_stdin(lib, format_, encoding, reader, shape, max_bytes, force, summary) -> None:
    """`paperdex add -`: notes piped in. The source is named after its content (stdin:<hash>), so piping
    other notes later adds a new source instead of replacing the first one, and the same notes twice
    change nothing."""
    from paperdex import importer
    from paperdex.errors import InputError
    from paperdex.formats.load import EmptyInput, load_bytes, too_large

    summary.files += 1
    data = sys.stdin.buffer.read(max_bytes + 1)
    try:
        if len(data) > max_bytes:
            raise too_large("stdin", len(data), max_bytes)
        loaded = load_bytes(data, "stdin", format=format_, encoding=encoding)
        key = f"stdin:{loaded.content_hash[:12]}"
        importer.store_loaded(lib, loaded, key=key, path=key, reader=reader, shape=shape, force=force,
                              summary=summary)
    except InputError as exc:
        summary.failures.append(importer.Failure("stdin", importer.describe(exc), empty=isinstance(exc, EmptyInput)))
    except PaperdexError as exc:
        summary.failures.append(importer.Failure("stdin", str(exc)))


def _add_url(lib, url, format_, reader, shape, max_bytes, force, summary) -> None:
    from paperdex import importer

    summary.files += 1
    try:
        from paperdex.formats.fetch import fetch_url
    except ModuleNotFoundError:
        summary.failures.append(importer.Failure(url, "URL import is not available in this build"))
        return
    try:
        loaded = fetch_url(url, max_bytes=max_bytes, format=format_)
        importer.store_loaded(lib, loaded, key=url, path=url, reader=reader, shape=shape, force=force,
                              summary=summary)
    except PaperdexError as exc:
        summary.failures.append(importer.Failure(url, str(exc)))


def _after_add(ctx: Context, summary, *, embed: bool, resolve: bool, quiet: bool = False,
               offline_line: bool = True) -> dict | None:
    """Optional follow-ups of an import: embeddings for search, online resolution.

    Offline is a state the user chose, not a failure: resolution then runs silently
    and one line says how many papers wait for the network (`offline_line=False`:
    the caller prints it later). `quiet` (for --json) prints nothing. Returns what
    resolve did.
    """
    if embed and (summary.added or summary.updated):
        try:
            from paperdex.search.jobs import embed_pending
        except ModuleNotFoundError:
            pass
        else:
            try:
                embed_pending(ctx.lib, progress_console=err)
            except KeyboardInterrupt:  # finished batches are kept; the notes were stored before
                err.print("embedding stopped: the notes are stored and keyword search works; "
                          "run `paperdex embed` to finish the vectors")
                resolve = False
    if not (resolve and (summary.added or summary.updated)):
        return None
    try:
        from paperdex.cli_resolve import resolve_after_add
    except ModuleNotFoundError:
        return None
    offline = settings.is_offline()
    muted = Console(file=io.StringIO(), stderr=False)
    result = resolve_after_add(ctx.lib, console=muted if (offline or quiet) else err)
    if result is None:
        return None
    resolved = {"offline": offline, "resolved": result.resolved, "ambiguous": result.ambiguous,
                "not_found": result.not_found, "failed": result.failed, "left_for_later": result.untouched}
    if offline and offline_line and not quiet:
        print_offline(resolved)
    return resolved


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1):]


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True,
                            disable=not err.is_terminal)


@main.command("list")
@filter_options
@click.option("--sort", type=click.Choice(["year", "added", "title"]), default="year", show_default=True)
@click.option("--limit", type=int, default=50, show_default=True, help="How many papers (0 = all).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@pass_ctx
def list_(ctx: Context, section, year_range, reader, source, has_thoughts, sort, limit, as_json) -> None:
    """The papers in the library, newest first.

    \b
    Examples:
      paperdex list --has-thoughts               papers with the reader's own thoughts
      paperdex list --year 2022.. --sort title   recent papers, by title
      paperdex list --reader Анна --json         one reader's papers, for scripts
    """
    from paperdex.library.store import count_papers, list_papers

    flt = make_filter(section, year_range, reader, source, has_thoughts)
    papers = list_papers(ctx.lib, flt, order=sort, limit=limit or None)
    if as_json:
        click.echo(json.dumps([{"id": p.id, "title": p.title, "year": p.year, "arxiv_id": p.arxiv_id,
                                "doi": p.doi, "notes": len(p.notes),
                                "readers": sorted({n.reader for n in p.notes if n.reader})}
                               for p in papers], ensure_ascii=False, indent=2))
        return
    total = count_papers(ctx.lib, flt)
    if not total:
        out.print("No papers yet. Add notes with [bold]paperdex add PATH[/bold] (try the bundled examples/).")
        return
    table = Table(show_lines=False, pad_edge=False, box=None)
    table.add_column("id", style="dim", no_wrap=True)
    table.add_column("year", justify="right")
    table.add_column("title", overflow="fold")
    table.add_column("arXiv", no_wrap=True)
    table.add_column("notes", justify="right")
    table.add_column("section")
    for p in papers:
        marks = "🌟 " if any("recommended" in n.marks for n in p.notes) else ""
        sections = sorted({n.section for n in p.notes if n.section})
        table.add_row(p.id, str(p.year or ""), escape(marks + (p.title or "(untitled)")), p.arxiv_id or "",
                      str(len(p.notes)), escape(", ".join(sections)))
    out.print(table)
    if total > len(papers):
        out.print(f"[dim]{len(papers)} of {total} papers; use --limit 0 for all[/dim]")


@main.command()
@click.argument("ref", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the paper as JSON (the export contract's shape).")
@pass_ctx
def show(ctx: Context, ref, as_json) -> None:
    """One paper and every note on it: by id, arXiv id, DOI, URL or title words.

    Exits 1 when nothing matches.

    \b
    Examples:
      paperdex show 2206.11871                   by arXiv id
      paperdex show intermediate flow            by words of the title
      paperdex show 2011.06294 --json            the export contract's shape
    """
    from paperdex.export.jsonl import paper_dict
    from paperdex.library.store import find_papers

    query = " ".join(ref)
    papers = find_papers(ctx.lib, query)
    if not papers:
        raise NotFound(f"no paper matches {query!r}; try `paperdex search {query}`")
    if len(papers) > 1 and not as_json:
        out.print(f"{len(papers)} papers match {escape(repr(query))}; be more specific or use an id:")
        for p in papers:
            out.print(f"  {p.id}  {p.year or '    '}  {escape(p.title or '')}")
        return
    if as_json:
        click.echo(json.dumps([paper_dict(p) for p in papers] if len(papers) > 1 else paper_dict(papers[0]),
                              ensure_ascii=False, indent=2, sort_keys=True))
        return
    _print_paper(papers[0])


def _print_paper(paper) -> None:
    out.print(f"[bold]{escape(paper.title or '(untitled)')}[/bold]")
    facts = [str(paper.year) if paper.year else None, paper.venue, ", ".join(paper.authors[:6]) or None]
    out.print("  " + " · ".join(escape(f) for f in facts if f))
    out.print(f"  id {paper.id}" + "".join(f"  {i.scheme}:{i.value}" for i in paper.identifiers))
    for url in paper.urls:
        out.print(f"  {escape(url)}")
    if paper.abstract:
        out.print(f"\n[dim]{escape(paper.abstract)}[/dim]")
    for note in paper.notes:
        who = note.reader or "unknown reader"
        where = f"{note.source}:{note.line}"
        head = " · ".join(x for x in [who, note.section, note.date, where] if x)
        out.print(f"\n[cyan]── {escape(head)}[/cyan]")
        if note.marks:
            out.print("  [yellow]" + escape(", ".join(note.marks)) + "[/yellow]")
        if note.text:
            out.print(escape(note.text))
        for thought in note.thoughts:
            out.print(f"  [green]💭 {escape(thought)}[/green]")


@main.command()
@click.option("--format", "format_", default="jsonl", show_default=True, metavar="NAME",
              help="jsonl, bibtex, biblatex, ris, csv, csl-json, markdown, obsidian or site.")
@click.option("--no-notes", is_flag=True, help="bibtex, biblatex, ris, csl-json: the references without the notes.")
@click.option("--out", "out_path", type=click.Path(), help="Write here (a folder for obsidian/site) instead of stdout.")
@click.option("--per-reader", is_flag=True,
              help="markdown: one digest per reader in the --out folder, so re-adding keeps who wrote what.")
@filter_options
@pass_ctx
def export(ctx: Context, format_, out_path, no_notes, per_reader, section, year_range, reader, source,
           has_thoughts) -> None:
    """Write the library (or a filtered part of it) in another format.

    \b
    Examples:
      paperdex export --format bibtex --out refs.bib
      paperdex export --format ris --out zotero.ris    for Zotero, EndNote, Mendeley
      paperdex export --format site --out public/      a static site with search
    """
    from paperdex import export as exporters
    from paperdex.export.options import ExportOptions

    module = exporters.get(format_)
    options = ExportOptions(filter=make_filter(section, year_range, reader, source, has_thoughts),
                            notes=not no_notes)
    if per_reader:
        if format_ != "markdown" or not out_path:
            raise UsageError("--per-reader goes with --format markdown --out FOLDER")
        module.export_per_reader(ctx.lib, Path(out_path), options)
        err.print(f"wrote {out_path}")
        return
    if getattr(module, "MULTI_FILE", False):
        if not out_path:
            raise UsageError(f"--format {format_} writes a folder: give --out FOLDER")
        module.export(ctx.lib, Path(out_path), options)
        err.print(f"wrote {out_path}")
        return
    if out_path:
        with open(out_path, "w", encoding="utf-8", newline="\n") as fh:
            module.export(ctx.lib, fh, options)
        err.print(f"wrote {out_path}")
    else:
        module.export(ctx.lib, sys.stdout, options)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (docs/cli.md).")
@pass_ctx
def info(ctx: Context, as_json: bool) -> None:
    """Where the library is and what it holds.

    \b
    Examples:
      paperdex info
      paperdex info --json
    """
    from paperdex.library.store import counts

    c = counts(ctx.lib)
    if as_json:
        click.echo(json.dumps({"library": ctx.lib.location, "schema": ctx.lib.schema_version, **c}, sort_keys=True))
        return
    rows = [("library", ctx.lib.location), ("schema", f"v{ctx.lib.schema_version}"),
            ("papers", c["papers"]), ("notes", c["notes"]), ("sources", c["sources"]), ("readers", c["readers"]),
            ("notes without a paper", c["paperless_notes"])]
    for key, value in rows:
        click.echo(f"{key:<23}{value}")


@main.command()
@click.argument("path")
@pass_ctx
def remove(ctx: Context, path: str) -> None:
    """Forget a source file and its notes (papers other notes speak of stay).

    Exits 1 when PATH is not in the library (see `paperdex sources`).

    \b
    Examples:
      paperdex remove examples/blog-post.txt
    """
    from paperdex.library.ingest import remove_source

    key = path if path.startswith(("http://", "https://", "stdin:")) else str(Path(path).resolve())
    if not remove_source(ctx.lib, key):
        raise NotFound(f"{path} is not in the library; see `paperdex sources`")
    out.print(f"removed {path}")


_LOADED: set[str] = set()


def _load_command_modules(name: str | None = None) -> None:
    """Add the commands of COMMAND_MODULES to `main`, importing modules only when asked.

    A command is looked for first in paperdex.cli_<name>, then in every module:
    `paperdex search` imports cli_search alone, never the resolver and httpx
    (0.2 s of a cold start).
    """
    from paperdex.plugins import load_modules

    home = f"paperdex.cli_{name}" if name else None
    order = ([home] if home in COMMAND_MODULES else []) + list(COMMAND_MODULES)
    for module_name in order:
        if module_name in _LOADED:
            continue
        _LOADED.add(module_name)
        for module in load_modules((module_name,)):
            for command in getattr(module, "COMMANDS", ()):
                main.add_command(command)
        if name is not None and name in main.commands:
            break
    from paperdex.cli_examples import add_examples

    add_examples(main)  # examples for the commands loaded so far (it skips those that have theirs)


if __name__ == "__main__":  # pragma: no cover
    main()
