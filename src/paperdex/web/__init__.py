"""The web UI (`paperdex serve`): pages to browse, read and search the library, and a JSON API."""

from __future__ import annotations

from paperdex.web.app import create_app

__all__ = ["create_app"]
