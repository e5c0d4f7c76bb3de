"""A local HTTP server on 127.0.0.1 that replays recorded API responses, with fault injection.

Routes come from the fixture folders' README tables (file, request URL, HTTP
status), so the server answers each recorded request with its recorded body.
A request matches a route on method, path and the query parameters that
identify it (id_list, query, filter, query.title...); others (fields, rows,
mailto) are ignored. Faults: `fail_next(path, [429, "timeout"])`.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

IDENTIFYING = ("id_list", "query", "filter", "query.title", "query.bibliographic")
_ROW = re.compile(r"^\|\s*`(?P<file>[^`]+)`\s*\|.*?`(?:(?P<method>GET|POST)\s+)?(?P<url>https?://[^`]+)`.*?\|\s*(?P<status>\d{3})\s*\|")


@dataclass
class Route:
    method: str
    path: str
    params: dict[str, str]
    status: int
    file: Path

    @property
    def content_type(self) -> str:
        suffix = self.file.suffix
        return {".json": "application/json", ".xml": "application/atom+xml", ".html": "text/html"}.get(
            suffix, "text/plain")


def routes_from_readme(folder: Path, prefix: str = "") -> list[Route]:
    """One route per README table row that names a file, a request URL and an HTTP status.

    `prefix` puts each provider under its own path (OpenAlex and Crossref both serve /works)."""
    routes = []
    for line in (folder / "README.md").read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line.strip())
        if not m or not (folder / m.group("file")).exists():
            continue
        parts = urlsplit(m.group("url"))
        params = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in IDENTIFYING and v}
        routes.append(Route(m.group("method") or "GET", prefix + unquote(parts.path), params, int(m.group("status")),
                            folder / m.group("file")))
    return routes


class ReplayServer:
    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes
        self.hits: Counter[str] = Counter()  # path -> requests answered (faults included)
        self.unmatched: list[str] = []
        self._faults: dict[str, list[int | str]] = {}
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def total(self) -> int:
        return sum(self.hits.values())

    def fail_next(self, path: str, faults: list[int | str]) -> None:
        """The next requests to `path` get these answers first: a status code, or "timeout" (a stall)."""
        self._faults[path] = list(faults)

    def start(self) -> ReplayServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def find(self, method: str, path: str, query: dict[str, str]) -> Route | None:
        for route in self.routes:
            asked = {k: v for k, v in query.items() if k in IDENTIFYING}
            if route.method == method and route.path == path and asked == route.params:
                return route
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, method: str) -> None:
                if method == "POST":
                    self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                query = dict(parse_qsl(parts.query, keep_blank_values=True))
                with server._lock:
                    server.hits[path] += 1
                    faults = server._faults.get(path)
                    fault = faults.pop(0) if faults else None
                if fault == "timeout":
                    time.sleep(2.0)
                    return
                if isinstance(fault, int):
                    self.send_response(fault)
                    self.send_header("Retry-After", "0")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                route = server.find(method, path, query)
                if route is None:
                    server.unmatched.append(f"{method} {self.path}")
                    body, status, ctype = b'{"error":"not recorded"}', 404, "application/json"
                else:
                    body, status, ctype = route.file.read_bytes(), route.status, route.content_type
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

        return Handler
