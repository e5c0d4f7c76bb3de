"""Team mode at the door: who is asking (session cookie or Bearer token) and what their role lets them do.

A library with accounts is a team library: every page and API then needs a login or a token (401 for
/api/, a redirect to /login for pages), readers may only read, and admin-only actions (review and
merges, user management) are refused to others before any endpoint runs. A library without accounts is
served as before. One ASGI middleware, inside the CSRF Guard, so no route can forget the check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import quote

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from paperdex.library import accounts
from paperdex.web import workers
from paperdex.web.security import SECURITY_HEADERS, UNSAFE, _cookies

SESSION_COOKIE = "pdx_session"
PUBLIC = ("/login", "/static/", "/favicon.ico")
# Unsafe requests only an admin may send: review decisions merge papers.
ADMIN_ONLY = ("/review", "/api/users")
# Wrong Bearer tokens from one address before it is locked (a token is 256 random bits: this only
# keeps a scanner from filling the logs).
TOKEN_FAILURES = 20


def client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def is_secure(scope: Scope, forced: bool) -> bool:
    return forced or scope.get("scheme") == "https"


def session_cookie(value: str, *, secure: bool, max_age: int | None = None) -> str:
    parts = [f"{SESSION_COOKIE}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


class TeamAuth:
    """ASGI middleware: sets scope['state']['account'] (None on a personal library) or refuses."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["account"] = None
        state["team"] = False
        state["secure_cookies"] = is_secure(scope, self.secure_cookies)
        # The look-ups (and a failed token's write) run on a worker thread with that thread's connection:
        # on the event loop they would stop every other request while a push holds the write lock.
        verdict = await workers.run(scope["app"], self._decide, scope, write=scope["method"] in UNSAFE)
        if isinstance(verdict, _Refusal):
            if verdict.location:
                await _redirect(send, verdict.location)
            else:
                await _refuse(scope, send, verdict.status, verdict.message, verdict.headers)
            return
        state["team"], state["account"] = verdict
        await self.app(scope, receive, send)

    def _decide(self, lib, scope: Scope) -> tuple[bool, accounts.Account | None] | _Refusal:
        """(team library?, account) for a request that may go on, else how to refuse it.

        A write's check runs on the writers' threads, so a push is not kept waiting behind searches."""
        if not accounts.has_accounts(lib):
            return False, None
        path = scope["path"]
        headers = Headers(scope=scope)
        auth = headers.get("authorization", "")
        account = None
        if auth.lower().startswith("bearer "):
            key = [f"token-ip:{client_ip(scope)}"]
            wait = accounts.locked_for(lib, key)
            if wait:
                return _Refusal(429, f"too many wrong tokens; try again in {wait} s",
                                [(b"retry-after", str(wait).encode())])
            account = accounts.account_for_token(lib, auth[7:].strip())
            if account is None:
                accounts.record_failure(lib, key, limit=TOKEN_FAILURES)
                return _Refusal(401, "this token is not valid (revoked, or its account was removed)",
                                [(b"www-authenticate", b'Bearer realm="paperdex"')])
        else:
            account = accounts.account_for_session(lib, _cookies(headers).get(SESSION_COOKIE))
        public = path == "/login" or any(path.startswith(p) for p in PUBLIC[1:])
        if account is None and not public:
            if path.startswith("/api/"):
                return _Refusal(401, "this paperdex is a team library: log in, or send "
                                "Authorization: Bearer TOKEN (`paperdex user token NAME` makes one)",
                                [(b"www-authenticate", b'Bearer realm="paperdex"')])
            target = path + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
            return _Refusal(303, "", location="/login?next=" + quote(target, safe=""))
        if account is not None and scope["method"] in UNSAFE and path not in ("/login", "/logout"):
            if not account.can_write:
                return _Refusal(403, f"{account.name} is a reader: readers can read this library "
                                "but not change it (an admin can change the role)")
            if any(path.startswith(p) for p in ADMIN_ONLY) and not account.is_admin:
                return _Refusal(403, "only an admin can do this (review decisions merge papers)")
        return True, account


@dataclass
class _Refusal:
    status: int
    message: str
    headers: list = field(default_factory=list)
    location: str = ""


async def _redirect(send: Send, location: str) -> None:
    await send({"type": "http.response.start", "status": 303, "headers": [
        (b"location", location.encode("latin-1", "replace")), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


async def _refuse(scope: Scope, send: Send, status: int, message: str, extra: list | None = None) -> None:
    if scope["path"].startswith("/api/"):
        body, ctype = json.dumps({"error": message}).encode(), b"application/json"
    else:
        from html import escape

        body = (f"<!doctype html><meta charset=utf-8><title>paperdex</title><p style='font:16px system-ui;"
                f"margin:3em auto;max-width:36em'>{escape(message)} · <a href='/'>library</a></p>").encode()
        ctype = b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", ctype), (b"content-length", str(len(body)).encode()), *(extra or []),
        *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
