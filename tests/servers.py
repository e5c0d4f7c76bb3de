"""A real uvicorn server on 127.0.0.1 in a thread, for tests that talk HTTP (no network beyond loopback)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_in_thread(app: Any, **config: Any) -> tuple[str, Callable[[], None]]:
    """Serve `app` on a free loopback port until the returned stop() is called; returns (base URL, stop).

    `config` goes to uvicorn.Config (log_level, access_log, log_config...); fails the test if the
    server does not start within 15 s.
    """
    import uvicorn

    port = free_port()
    config = {"log_level": "warning", "lifespan": "on", **config}
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **config))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)

    def stop() -> None:
        srv.should_exit = True
        thread.join(timeout=10)

    return f"http://127.0.0.1:{port}", stop
