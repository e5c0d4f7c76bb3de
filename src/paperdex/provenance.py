"""Who wrote a folder of notes, when the notes themselves don't say.

In order: `--reader`; `reader = "..."` in a `paperdex.toml` in the folder or a
parent; the note's own front matter or Telegram channel (read by formats/);
the owner of the git remote when the folder is a clone; else the folder's name.
I/O at the edge: this reads small files beside the notes, nothing else.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

CONFIG_NAME = "paperdex.toml"
_REMOTE = re.compile(r"^\s*url\s*=\s*(?P<url>\S+)", re.M)
_OWNER = re.compile(r"(?:[:/])(?P<owner>[^/:]+)/[^/]+?(?:\.git)?/?$")


@lru_cache(maxsize=256)
def configured_reader(folder: Path) -> str | None:
    """`reader` from the nearest paperdex.toml at or above `folder`."""
    for directory in (folder, *folder.parents):
        config = directory / CONFIG_NAME
        if config.is_file():
            try:
                data = tomllib.loads(config.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                return None
            value = data.get("reader")
            return str(value).strip() or None if value else None
    return None


def remote_owner(config_text: str) -> str | None:
    """The owner in a git config's first remote URL (`git@github.com:owner/repo.git`, `https://host/owner/repo`)."""
    m = _REMOTE.search(config_text)
    if not m:
        return None
    owner = _OWNER.search(m.group("url"))
    return owner.group("owner") if owner else None


@lru_cache(maxsize=256)
def git_owner(folder: Path) -> str | None:
    for directory in (folder, *folder.parents):
        config = directory / ".git" / "config"
        if config.is_file():
            try:
                return remote_owner(config.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                return None
    return None


def default_reader(path: Path, root: Path | None) -> tuple[str | None, str | None]:
    """(configured reader, fallback reader) for a note file: the first beats the note's own metadata,
    the second (git owner, else the added folder's name) only fills in when nothing says who read it."""
    folder = path.parent.resolve()
    configured = configured_reader(folder)
    fallback = git_owner(folder) or (root.name if root is not None else folder.name) or None
    return configured, fallback
