"""Whether a host name stays on this machine: `serve` binds there without a token, and push/pull
may use plain http there (a token must not cross a network in clear)."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
