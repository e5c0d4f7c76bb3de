"""URL input against a real HTTP server on 127.0.0.1 (never the live network)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from paperdex.errors import InputError, InputTooLarge, UnsupportedInput
from paperdex.formats.fetch import fetch_url, make_client, raw_url

DATA = Path(__file__).parent / "data"
PAGE = (DATA / "cnblogs_paper_notes.html").read_bytes()
README = "# Reading list\n\n* 2024 - [ToolChain*](https://arxiv.org/abs/2310.13227)\n  * LLM 的 A*\n".encode()
ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/p/18797321.html": (200, "text/html; charset=utf-8", PAGE),
    "/gbk.html": (200, "text/html; charset=GBK",
                  PAGE.decode("utf-8").replace('charset="utf-8"', 'charset="gbk"').encode("gbk")),
    "/README.md": (200, "text/plain; charset=utf-8", README),
    "/notes": (200, "text/markdown", README),
    "/paper.pdf": (200, "application/pdf", b"%PDF-1.7\n"),
    "/big.txt": (200, "text/plain", b"x" * 5000),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        # The client stops reading early: that is what the size-limit tests check.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._respond()

    def _respond(self) -> None:
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/p/18797321.html")
            self.end_headers()
            return
        if self.path == "/chunked-big":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(10):
                self.wfile.write(b"y" * 1000)
            return
        status, ctype, body = ROUTES.get(self.path, (404, "text/html", b"<h1>Not Found</h1>"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch) -> Iterator[str]:
    monkeypatch.delenv("PAPERDEX_OFFLINE", raising=False)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_blog_page_is_fetched_and_read_as_html(server: str) -> None:
    url = f"{server}/p/18797321.html"
    loaded = fetch_url(url)
    assert loaded.format == "html" and loaded.size == len(PAGE)
    [doc] = loaded.documents
    assert doc.source == url and doc.title == "论文速读记录 | 2025年3月"
    assert "- arxiv:https://arxiv.org/abs/1703.03400" in doc.text and "【推荐】" not in doc.text
    assert doc.metadata["content_type"] == "text/html"


def test_content_type_and_charset_choose_format_and_encoding(server: str) -> None:
    assert fetch_url(f"{server}/README.md").format == "markdown"  # text/plain named .md
    assert fetch_url(f"{server}/notes").format == "markdown"  # text/markdown
    gbk = fetch_url(f"{server}/gbk.html")
    assert "Model-Agnostic Meta-Learning for Fast Adaptation" in gbk.documents[0].text
    moved = fetch_url(f"{server}/moved")
    assert moved.documents[0].metadata["fetched_url"] == f"{server}/p/18797321.html"
    assert moved.documents[0].metadata["url"] == "https://www.cnblogs.com/moonout/p/18797321"  # its canonical


def test_http_errors_timeouts_and_limits(server: str) -> None:
    with pytest.raises(InputError, match="HTTP 404") as info:
        fetch_url(f"{server}/missing")
    assert "does not exist" in (info.value.fix or "")
    with pytest.raises(InputError, match=r"timed out after 0\.5 s"):
        fetch_url(f"{server}/slow", timeout=0.5)
    with pytest.raises(UnsupportedInput, match="PDF"):
        fetch_url(f"{server}/paper.pdf")
    with pytest.raises(InputTooLarge, match=r"4\.9 KB, above the 1000 bytes limit"):
        fetch_url(f"{server}/big.txt", max_bytes=1000)
    with pytest.raises(InputTooLarge, match="above the limit"):
        fetch_url(f"{server}/chunked-big", max_bytes=4000)


def test_client_seam_accepts_a_transport() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["user-agent"].startswith("paperdex/")
        return httpx.Response(200, headers={"content-type": "text/html"}, content=PAGE)

    with make_client(transport=httpx.MockTransport(handler)) as client:
        loaded = fetch_url("https://www.cnblogs.com/moonout/p/18797321", client=client, offline=False)
    assert loaded.documents[0].reader == "MoonOut"


def test_offline_and_bad_urls_are_clear_errors(monkeypatch) -> None:
    monkeypatch.setenv("PAPERDEX_OFFLINE", "1")
    with pytest.raises(InputError, match="offline: skipped URL"):
        fetch_url("https://www.cnblogs.com/moonout/p/18797321")
    with pytest.raises(InputError, match="not an http"):
        fetch_url("ftp://example.org/notes.md", offline=False)
    with pytest.raises(InputError, match="cannot connect"):
        fetch_url("http://127.0.0.1:9/notes.md", offline=False, timeout=2)


def test_github_file_pages_fetch_the_raw_file() -> None:
    assert raw_url("https://github.com/Tramac/paper-reading-note/blob/main/README.md") == \
        "https://raw.githubusercontent.com/Tramac/paper-reading-note/main/README.md"
    assert raw_url("https://www.cnblogs.com/moonout/p/1") == "https://www.cnblogs.com/moonout/p/1"
