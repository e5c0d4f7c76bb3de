"""Load the modules a registry names: formats, note shapes, exporters, command groups, hooks.

Each registry lists dotted module names in an explicit order; a module that is
absent (an optional part not installed) is skipped, while an error inside a
module that exists is raised, so a broken plugin is never silently ignored.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def load_modules(names: tuple[str, ...], *, skip_missing_dependencies: bool = False) -> list[ModuleType]:
    """The modules named, in order. With `skip_missing_dependencies`, a module whose third-party
    dependency is not installed is left out too (a format needing an optional extra)."""
    modules = []
    for name in names:
        loaded = sys.modules.get(name)
        if loaded is not None:  # registries are read once per file: an imported module needs no import machinery
            modules.append(loaded)
            continue
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if missing == name or (skip_missing_dependencies and not missing.startswith("paperdex")):
                continue
            raise
    return modules
