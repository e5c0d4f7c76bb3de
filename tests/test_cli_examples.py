"""Every command's `--help` shows one to three examples, and each runs as written beside `examples/`.

The examples are read from the help text itself, so an example edited into a
docstring is run here without touching this file. They run in one folder that
holds a copy of the bundled examples/ (and the arXiv snapshot sample under the
name of the Kaggle file), each against its own copy of a library built from
examples/, the way a new user would type them.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from paperdex.cli import main
from tests.conftest import EXAMPLES, FIXTURES
from tests.team.examples import plant_team

REVIEWED = "p691308660233"  # "What Matters for On-Policy Deep Actor-Critic Methods?" in examples/, no id yet


def _commands(group: click.Group = main, prefix: tuple[str, ...] = ()):
    """Every command, the lazily loaded ones too (asked through the group as `--help` asks)."""
    ctx = click.Context(group)
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def examples_of(command: click.Command) -> list[str]:
    """The command lines under `Examples:` in a help text (the description after two spaces dropped)."""
    text = command.help or ""
    head = "Examples:" if "Examples:" in text else "Example:"
    if head not in text:
        return []
    lines = []
    for line in text.split(head, 1)[1].splitlines()[1:]:
        if not line.strip():
            break
        lines.append(re.split(r"\s{2,}", line.strip())[0])
    return [line for line in lines if line.startswith(("paperdex ", "cat "))]


COMMANDS = list(_commands())
EXAMPLE_LINES = [(" ".join(path), line) for path, command in COMMANDS for line in examples_of(command)]


@pytest.mark.parametrize("path,command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_one_to_three_examples(path, command):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`paperdex {' '.join(path)} --help` shows no example"
    assert 1 <= len(examples_of(command)) <= 3, examples_of(command)
    for line in examples_of(command):
        command_line = line.split("|", 1)[-1].split()  # `cat FILE | paperdex ...` pipes notes in
        assert command_line[0] == "paperdex", line
    # at least one example shows the command itself (sync's help may start with the `add` that sets it up)
    assert any(line.split("|", 1)[-1].split()[:1 + len(path)] == ["paperdex", *path]
               for line in examples_of(command)), examples_of(command)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder as a new user has it: examples/ beside them, the snapshot file downloaded, a library built."""
    root = tmp_path_factory.mktemp("user")
    shutil.copytree(EXAMPLES, root / "examples")
    shutil.copy(FIXTURES / "arxiv_snapshot" / "arxiv-metadata-oai-snapshot.first200.jsonl",
                root / "arxiv-metadata-oai-snapshot.json")
    mp = pytest.MonkeyPatch()
    mp.chdir(root)
    mp.setenv("PAPERDEX_DB", str(root / "base.db"))
    mp.setenv("PAPERDEX_OFFLINE", "1")
    mp.setenv("PAPERDEX_EMBEDDER", "none")
    result = CliRunner().invoke(main, ["add", "examples/", "--no-resolve"])
    mp.undo()
    assert result.exit_code == 0, result.output
    return root


def _plant_review(db: Path) -> None:
    """Leave REVIEWED waiting for review with two candidates (the right one, and a lookalike), as an unsure
    `resolve` does."""
    from paperdex.library.db import Library
    from paperdex.library.resolution import record_status
    from paperdex.model import Identifier
    from paperdex.resolve.records import Record

    with Library(db) as lib:
        title = lib.conn.execute("SELECT title FROM papers WHERE id = ?", (REVIEWED,)).fetchone()[0]
        found = [Record(provider="snapshot", raw_id="2006.05990", title=title, year=2020,
                        authors=["Marcin Andrychowicz", "Anton Raichuk", "Piotr Stańczyk"],
                        identifiers=[Identifier("arxiv", "2006.05990")]),
                 Record(provider="snapshot", raw_id="2005.12729", year=2020,
                        title="Implementation Matters in Deep Policy Gradients: A Case Study on PPO and TRPO",
                        authors=["Logan Engstrom", "Andrew Ilyas"], identifiers=[Identifier("arxiv", "2005.12729")])]
        record_status(lib, REVIEWED, "ambiguous", provider="snapshot", score=0.68,
                      evidence={"candidate": found[0].raw_id, "title": 0.68}, candidate=found[0],
                      alternatives=[(found[1], 0.41, {"candidate": found[1].raw_id, "title": 0.41})])


@pytest.mark.parametrize("command,line", EXAMPLE_LINES, ids=[line for _, line in EXAMPLE_LINES])
def test_help_example_runs_as_written(command, line, workdir, tmp_path, monkeypatch):
    db = tmp_path / "library.db"
    shutil.copy(workdir / "base.db", db)
    monkeypatch.setenv("PAPERDEX_DB", str(db))
    monkeypatch.setenv("HOME", str(workdir))
    monkeypatch.chdir(workdir)
    if command.startswith("review "):
        _plant_review(db)
    plant_team(command, db, workdir, tmp_path, monkeypatch)  # accounts, and a team server for push/pull
    served: list[dict] = []
    import webbrowser

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(kw))
    monkeypatch.setattr(webbrowser, "open", lambda url: True)
    import paperdex.watch  # `watch` runs until Ctrl+C: record what it would watch instead

    watched: list[list[str]] = []
    monkeypatch.setattr(paperdex.watch, "run", lambda lib, paths, options=None, **kw: watched.append(paths))

    stdin = None
    if line.startswith("cat "):
        piped, line = (part.strip() for part in line.split("|", 1))
        stdin = (workdir / piped.split()[1]).read_bytes()
    words = shlex.split(line)
    target = None
    if ">" in words:
        target = workdir / words[words.index(">") + 1]
        words = words[:words.index(">")]
    assert words[0] == "paperdex"
    result = CliRunner().invoke(main, [str(Path(w).expanduser()) if w.startswith("~") else w for w in words[1:]],
                                input=stdin)
    assert result.exit_code == 0, f"{line}\n{result.output}"
    if target is not None:
        target.write_text(result.stdout, encoding="utf-8")
        assert target.stat().st_size > 0
    if command == "serve":
        assert served and served[0]["port"] in (8765, 8080)
    if command == "watch":
        assert watched == [words[2:]]
    if command in ("review accept", "review reject"):  # decided: no longer waiting
        waiting = CliRunner().invoke(main, ["review", "--json"]).stdout
        assert REVIEWED not in waiting
