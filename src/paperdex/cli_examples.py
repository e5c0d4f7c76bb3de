"""Examples for the `--help` of commands whose docstrings have none yet.

Every command's help shows one to three examples that run as written from a
folder holding the bundled `examples/` (tests/test_cli_examples.py runs them).
Commands defined in their own modules usually carry examples in their
docstrings; this table fills in the ones that do not, so a command never shows
help without an example. A docstring that has its own `Examples:` wins.
"""

from __future__ import annotations

import click

# Command path (as typed after `paperdex`) -> example lines: command, two spaces, what it does.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "resolve": (
        "paperdex resolve                        look every new paper up (offline: the local snapshot only)",
        "paperdex resolve --provider arxiv --json   only arXiv; summary as JSON",
    ),
    "review": (
        "paperdex review                         candidates that need a person's judgement",
        "paperdex review --json",
    ),
    "review accept": (
        "paperdex review accept p691308660233    take the best candidate",
        "paperdex review accept p691308660233 --candidate 2",
    ),
    "review reject": (
        "paperdex review reject p691308660233    none is right; never proposed again",
    ),
    "snapshot": (
        "paperdex snapshot import arxiv-metadata-oai-snapshot.json   titles resolve offline",
    ),
    "snapshot import": (
        "paperdex snapshot import arxiv-metadata-oai-snapshot.json   the Kaggle file, or any part of it",
    ),
    "snapshot reindex": (
        "paperdex snapshot reindex",
    ),
    "reindex": (
        "paperdex reindex --no-embed              keyword index only (fast)",
        "paperdex reindex",
    ),
    "embed": (
        "paperdex embed                          vectors for notes added with --no-embed",
        "paperdex embed --batch-size 8           smaller batches on a small machine",
    ),
}


def _command(group: click.Group, path: str) -> click.Command | None:
    command: click.Command | None = group
    for name in path.split():
        if not isinstance(command, click.Group):
            return None
        command = command.commands.get(name)
    return command


def add_examples(group: click.Group) -> None:
    """Append the examples above to the help of commands that show none."""
    for path, lines in EXAMPLES.items():
        command = _command(group, path)
        if command is None or "Examples:" in (command.help or ""):
            continue
        block = "\n".join(f"  {line}" for line in lines)
        command.help = f"{(command.help or '').rstrip()}\n\n\b\nExamples:\n{block}"
