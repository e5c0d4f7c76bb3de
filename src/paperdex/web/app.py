"""The Starlette application: one library file, Jinja2 pages, a JSON API and vendored static files."""

from __future__ import annotations

import contextlib
import threading
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from paperdex import __version__
from paperdex.library.db import Library
from paperdex.team import server as sync_api
from paperdex.web import api, pages, render, team, workers
from paperdex.web.auth import TeamAuth
from paperdex.web.security import Guard
from paperdex.web.views import safe_url

HERE = Path(__file__).resolve().parent
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]


# How long a write waits for the writes queued before it: less than a push client waits for its answer
# (team/client.py TIMEOUT_S, 120 s), more than a CLI's 30 s, because a server's writers are many.
WRITE_WAIT_S = 100.0


class LibraryPool:
    """One connection per worker thread: sqlite3 connections must not be shared across threads mid-query."""

    def __init__(self, path: str | Path, *, write_wait: float = WRITE_WAIT_S) -> None:
        self.path = path if "://" in str(path) else Path(path)  # a postgresql:// URL stays a URL
        self.write_wait = write_wait
        self._local = threading.local()
        self._all: list[Library] = []
        self._lock = threading.Lock()
        Library(self.path).close()  # migrate (and fail) now, not on the first request

    def get(self) -> Library:
        lib = getattr(self._local, "lib", None)
        if lib is None:
            lib = self._local.lib = Library(self.path, timeout=self.write_wait)
            with self._lock:
                self._all.append(lib)
        return lib

    def close(self) -> None:
        with self._lock:
            for lib in self._all:
                with contextlib.suppress(Exception):  # a finished thread's connection may be gone
                    lib.close()
            self._all.clear()


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["md"] = render.markdown
    env.filters["md_inline"] = render.inline
    env.filters["safe_url"] = safe_url
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


def create_app(lib_path: str | Path, *, token: str | None = None,
               allowed_hosts: list[str] | None = None, secure_cookies: bool = False) -> Starlette:
    """The web UI over one library. `token` makes every request prove it knows the token;
    `allowed_hosts` (the CLI passes the loopback names when bound to localhost) refuses other
    Host headers, which stops DNS-rebinding pages from reading a local library."""
    pool = LibraryPool(lib_path)

    @asynccontextmanager
    async def lifespan(app: Starlette):
        # Keyword search from an in-memory index once it is built (seconds at 100k notes); until
        # then, and after each change to the notes, searches use SQLite FTS5.
        from paperdex.search.engine import warm_in_background

        workers.limit_readers()
        warm_in_background(pool.path)
        yield
        pool.close()

    # Team mode (a library with accounts) is decided per request by TeamAuth, inside the CSRF guard.
    middleware = [Middleware(Guard, token=token), Middleware(TeamAuth, secure_cookies=secure_cookies)]
    if allowed_hosts:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))
    routes = [
        *pages.ROUTES,
        *team.ROUTES,
        *sync_api.ROUTES,
        *api.ROUTES,
        Mount("/static", app=StaticFiles(directory=str(HERE / "static")), name="static"),
        Route("/favicon.ico", pages.favicon),
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers=pages.EXCEPTION_HANDLERS)
    app.state.pool = pool
    app.state.templates = make_templates()
    app.state.facets_cache = {}
    app.state.lib_path = Path(lib_path)
    return app
