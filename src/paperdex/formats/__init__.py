"""Format registry: which reader turns an input into Documents.

Each format module exposes NAME, EXTENSIONS, `detect(path, head) -> float` (0 =
not mine, 1 = certainly mine; cheap: extension, first bytes, structure) and
`read(text, source) -> list[Document]`. Detection order is explicit below; a new
format is one module plus one line in FORMAT_MODULES.
"""

from __future__ import annotations

from types import ModuleType

from paperdex.errors import UsageError
from paperdex.plugins import load_modules

# Most specific first: a Telegram result.json is also JSON, an Obsidian note is also Markdown.
FORMAT_MODULES: tuple[str, ...] = (
    "paperdex.formats.telegram_json",
    "paperdex.formats.telegram_html",
    "paperdex.formats.csl_json",
    "paperdex.formats.bibtex",
    "paperdex.formats.ris",
    "paperdex.formats.html",
    "paperdex.formats.org",
    "paperdex.formats.datafile",
    "paperdex.formats.markdown",
    "paperdex.formats.text",
)


def formats() -> list[ModuleType]:
    """All registered format modules, in detection order."""
    return load_modules(FORMAT_MODULES, skip_missing_dependencies=True)


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
