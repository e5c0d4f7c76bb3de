"""Format registry: which reader turns an input into Documents.

Each format module exposes NAME, EXTENSIONS, `detect(path, head) -> float` (0 =
not mine, 1 = certainly mine; cheap: extension, first bytes, structure) and
`read(text, source) -> list[Document]`. Detection order is explicit below; a new
format is one module plus one line in FORMAT_MODULES.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from paperdex.errors import UsageError

# Most specific first: a Telegram result.json is also JSON, an Obsidian note is also Markdown.
FORMAT_MODULES: tuple[str, ...] = (
    "paperdex.formats.telegram_json",
    "paperdex.formats.telegram_html",
    "paperdex.formats.csl_json",
    "paperdex.formats.bibtex",
    "paperdex.formats.html",
    "paperdex.formats.markdown",
    "paperdex.formats.text",
)


def _load() -> list[ModuleType]:
    modules = []
    for name in FORMAT_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            # A format whose module is not written yet (or whose optional
            # dependency is missing) is simply not offered.
            if exc.name and (exc.name == name or not exc.name.startswith("paperdex")):
                continue
            raise
    return modules


def formats() -> list[ModuleType]:
    """All registered format modules, in detection order."""
    return _load()


def names() -> list[str]:
    return [m.NAME for m in formats()]


def get(name: str) -> ModuleType:
    """The format called `name`; an unknown name errors with the known ones."""
    for module in formats():
        if module.NAME == name:
            return module
    raise UsageError(f"unknown format {name!r}; known formats: {', '.join(names())}")


def detect(path: str, head: str) -> ModuleType:
    """The best format for a file, judged from its name and its first characters."""
    best, best_score = None, 0.0
    for module in formats():
        score = module.detect(path, head)
        if score > best_score:
            best, best_score = module, score
    return best if best is not None else get("text")
