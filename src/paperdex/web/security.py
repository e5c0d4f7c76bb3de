"""The gate in front of every request: access token, CSRF double-submit with an origin check, safe headers.

One ASGI middleware so no route can forget a check: a POST that lacks the
CSRF token (form field `csrf` or header `X-CSRF-Token`, equal to the `pdx_csrf`
cookie) or comes from another origin is refused before any endpoint runs.
"""

from __future__ import annotations

import hmac
import json
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "pdx_csrf"
TOKEN_COOKIE = "pdx_token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
MAX_FORM_BYTES = 1 << 20

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())


def _cookies(headers: Headers) -> dict[str, str]:
    jar = SimpleCookie()
    try:
        jar.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header is simply no cookies
        return {}
    return {k: v.value for k, v in jar.items()}


class Guard:
    """ASGI middleware: token auth (when a token is set), CSRF for unsafe methods, security headers."""

    def __init__(self, app: ASGIApp, *, token: str | None = None) -> None:
        self.app = app
        self.token = token or None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cookies = _cookies(headers)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        bearer = headers.get("authorization", "")
        bearer = bearer[7:].strip() if bearer.lower().startswith("bearer ") else None

        if self.token:
            given = query.get("token", [None])[0]
            if _same(given, self.token):
                await self._redirect_with_cookie(scope, send, query)
                return
            if not (_same(bearer, self.token) or _same(cookies.get(TOKEN_COOKIE), self.token)):
                await self._refuse(scope, send, 401, "this paperdex needs its access token: open the link "
                                   "with ?token=… once, or send Authorization: Bearer …")
                return

        csrf = cookies.get(CSRF_COOKIE)
        new_cookie = None
        if not csrf or len(csrf) < 20:
            csrf = new_cookie = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf"] = csrf

        if scope["method"] in UNSAFE:
            problem = self._origin_problem(headers)
            body = b""
            if problem is None and not bearer:
                body, too_big = await _read_body(receive)
                if too_big:
                    problem = "request body too large"
                elif not _same(cookies.get(CSRF_COOKIE), _submitted_csrf(headers, body)):
                    problem = "missing or wrong CSRF token: reload the page and try again"
            if problem is not None:
                await self._refuse(scope, send, 403, problem)
                return
            if not bearer:
                receive = _replay(body)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                present = {k.lower() for k, _ in raw}
                raw += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if new_cookie:
                    raw.append((b"set-cookie", _cookie(CSRF_COOKIE, new_cookie).encode()))
                message = {**message, "headers": raw}
            await send(message)

        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.app(scope, receive, send_tracked)
        except Exception:
            # Starlette's own 500 page is sent from outside this middleware, without our headers:
            # answer here, then let the error travel on to the server's log.
            if not started:
                await self._refuse(scope, send, 500, "paperdex hit an internal error; the details are in "
                                   "the server's log")
            raise

    @staticmethod
    def _origin_problem(headers: Headers) -> str | None:
        """A browser names the page that sent a POST; it must be this server."""
        host = headers.get("host", "")
        origin = headers.get("origin")
        if origin and origin != "null":
            if urlsplit(origin).netloc != host:
                return f"cross-origin request from {origin} refused"
        elif origin == "null":
            return "request from an opaque origin refused"
        else:
            referer = headers.get("referer")
            if referer and urlsplit(referer).netloc != host:
                return "cross-site request refused"
        return None

    async def _redirect_with_cookie(self, scope: Scope, send: Send, query: dict[str, list[str]]) -> None:
        rest = {k: v for k, v in query.items() if k != "token"}
        location = same_origin_path(scope.get("root_path", "") + scope["path"])
        location += "?" + urlencode(rest, doseq=True) if rest else ""
        await send({"type": "http.response.start", "status": 303, "headers": [
            (b"location", location.encode("latin-1", "replace")),
            (b"set-cookie", _cookie(TOKEN_COOKIE, self.token or "").encode()),
            (b"content-length", b"0"), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    async def _refuse(scope: Scope, send: Send, status: int, message: str) -> None:
        wants_json = scope["path"].startswith("/api/")
        if wants_json:
            body = json.dumps({"error": message}).encode()
            ctype = b"application/json"
        else:
            from html import escape

            body = (f"<!doctype html><meta charset=utf-8><title>paperdex</title>"
                    f"<p style='font:16px system-ui;margin:3em auto;max-width:36em'>{escape(message)}</p>").encode()
            ctype = b"text/html; charset=utf-8"
        await send({"type": "http.response.start", "status": status, "headers": [
            (b"content-type", ctype), (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})


def same_origin_path(path: str) -> str:
    """A request path safe to send back in `Location`: `//host/x` or `/\\host` would leave this server."""
    return "/" + quote(path.lstrip("/\\"), safe="/:@!$&'()*+,;=-._~")


def _cookie(name: str, value: str) -> str:
    return f"{name}={value}; Path=/; HttpOnly; SameSite=Strict"


def _submitted_csrf(headers: Headers, body: bytes) -> str | None:
    if headers.get("x-csrf-token"):
        return headers["x-csrf-token"]
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return parse_qs(body.decode("utf-8", "replace")).get("csrf", [None])[0]
    return None


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks), False


def _replay(body: bytes) -> Receive:
    """A receive() that hands the already-read body to the app once, then waits like the real one."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive
