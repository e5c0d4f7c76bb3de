"""Exporter registry: each module has NAME, SUFFIX, HELP and `export(lib, out, options) -> None`.

`out` is a text stream for single-file formats, or a folder path for
multi-file ones (MULTI_FILE = True: Obsidian vault, static site).
"""

from __future__ import annotations

from types import ModuleType

from paperdex.errors import UsageError
from paperdex.plugins import load_modules

EXPORTER_MODULES: tuple[str, ...] = (
    "paperdex.export.jsonl",
    "paperdex.export.bibtex",
    "paperdex.export.biblatex",
    "paperdex.export.ris",
    "paperdex.export.csv_table",
    "paperdex.export.csl_json",
    "paperdex.export.markdown",
    "paperdex.export.obsidian",
    "paperdex.export.site",
)


def exporters() -> list[ModuleType]:
    return load_modules(EXPORTER_MODULES)


def names() -> list[str]:
    return [m.NAME for m in exporters()]


def get(name: str) -> ModuleType:
    for module in exporters():
        if module.NAME == name:
            return module
    raise UsageError(f"unknown export format {name!r}; known formats: {', '.join(names())}")
