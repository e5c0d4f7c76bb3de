"""Resolve notes to canonical papers: one module per provider, matching.py scores, resolver.py runs them.

The public entry point is `resolve_library` (resolver.py).
"""

from __future__ import annotations

from paperdex.resolve.resolver import ResolveSummary, resolve_library

__all__ = ["ResolveSummary", "resolve_library"]
