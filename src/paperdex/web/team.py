"""Team pages and APIs: log in and out, the week's feed, and members adding, editing and deleting notes.

Who may do what is decided twice: the TeamAuth middleware refuses readers every write, and each note
endpoint here checks that an editor touches only the notes their own account added (admins any).
"""

from __future__ import annotations

import hashlib
import secrets
from urllib.parse import quote, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from paperdex.library import accounts, exchange, team_views
from paperdex.library.store import get_note
from paperdex.web import workers
from paperdex.web.auth import SESSION_COOKIE, client_ip, session_cookie
from paperdex.web.views import lib_of

MAX_NOTE_CHARS = 100_000


def _next(value: str | None) -> str:
    """Only a path on this server: `next=//evil.example` must not leave it."""
    value = value or "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _account(request: Request):
    return request.state.account if getattr(request.state, "team", False) else None


async def login_form(request: Request) -> Response:
    from paperdex.web.pages import page

    return page(request, "login.html", active="login", next=_next(request.query_params.get("next")), error=None,
                login_name="")


async def login(request: Request) -> Response:
    from paperdex.web.pages import page

    form = await request.form()
    name = str(form.get("name") or "").strip()[:64]
    password = str(form.get("password") or "")[:1024]
    target = _next(str(form.get("next") or "/"))
    keys = [f"account:{name.casefold()}", f"ip:{client_ip(request.scope)}"]

    def attempt(lib) -> tuple[int, str | None]:
        """(seconds locked, or 0) and the new session, if the password is right. Argon2 takes ~50 ms."""
        wait = accounts.locked_for(lib, keys)
        if wait:
            return wait, None
        account = accounts.verify_password(lib, name, password)
        if account is None:
            accounts.record_failure(lib, keys)
            return 0, None
        accounts.clear_failures(lib, keys[:1])
        return 0, accounts.start_session(lib, account)

    wait, session = await workers.write(request, attempt)
    if wait:
        response = page(request, "login.html", status_code=429, active="login", next=target, login_name=name,
                        error=f"Too many failed logins: try again in {wait} seconds.")
        response.headers["retry-after"] = str(wait)
        return response
    if session is None:
        return page(request, "login.html", status_code=401, active="login", next=target, login_name=name,
                    error="Wrong name or password.")
    response = RedirectResponse(target, status_code=303)
    response.headers.append("set-cookie", session_cookie(session, secure=request.state.secure_cookies,
                                                         max_age=accounts.SESSION_DAYS * 86400))
    return response


async def logout(request: Request) -> Response:
    await workers.write(request, accounts.end_session, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.headers.append("set-cookie", session_cookie("", secure=request.state.secure_cookies, max_age=0))
    return response


def feed(request: Request) -> Response:
    from paperdex.web.pages import page

    try:
        days = min(max(int(request.query_params.get("days") or 7), 1), 366)
    except ValueError:
        days = 7
    return page(request, "feed.html", active="feed", days=days, groups=team_views.feed(lib_of(request), days=days))


# --- notes by members ---------------------------------------------------------------------------------


def _own(lib, request: Request, note_id: str):
    """The note, if this account may change it: its own, or any for an admin."""
    note = get_note(lib, note_id)
    if note is None:
        raise HTTPException(404, f"no note with id {note_id}")
    account = _account(request)
    if account is not None and not account.is_admin and note.added_by != account.name:
        raise HTTPException(403, f"this note was added by {note.added_by or 'a file on the server'}; "
                            "editors change only their own notes")
    return note


async def _text_of(request: Request) -> dict:
    if request.headers.get("content-type", "").startswith("application/json"):
        data = await request.json()
        if not isinstance(data, dict):
            raise HTTPException(400, "send a JSON object")
        return data
    return {k: str(v) for k, v in (await request.form()).items()}


def _checked_text(data: dict) -> str:
    text = str(data.get("text") or "")
    if not text.strip():
        raise HTTPException(400, "text (the note, in Markdown) is required")
    if len(text) > MAX_NOTE_CHARS:
        raise HTTPException(413, f"a note is at most {MAX_NOTE_CHARS} characters")
    return text


async def add_note(request: Request) -> Response:
    """POST /api/notes {"text": markdown, "reader"?}: read like a pasted file, attributed to the account."""
    from paperdex import importer
    from paperdex.formats.load import load_bytes

    data = await _text_of(request)
    text = _checked_text(data)
    account = _account(request)
    name = account.name if account else None
    loaded = load_bytes(text.encode("utf-8"), "web", format="markdown")
    key = f"web:{name or 'local'}:{hashlib.sha1(text.encode()).hexdigest()[:12]}:{secrets.token_hex(4)}"
    summary = importer.AddSummary()

    def store(lib) -> list[str]:
        importer.store_loaded(lib, loaded, key=key, path=f"web/{name or 'local'}",
                              reader=str(data.get("reader") or "") or name, shape=None, force=False,
                              summary=summary)
        return exchange.attribute_source(lib, key, name)

    ids = await workers.write(request, store)
    return JSONResponse({"notes": ids, "papers": sorted(summary.papers)}, status_code=201)


async def edit_note(request: Request) -> Response:
    text = _checked_text(await _text_of(request))

    def edit(lib) -> str:
        note = _own(lib, request, request.path_params["note_id"])
        exchange.edit_note_text(lib, note.id, text)
        return note.id

    return JSONResponse({"id": await workers.write(request, edit), "text": text})


async def delete_note(request: Request) -> Response:
    def delete(lib) -> str:
        note = _own(lib, request, request.path_params["note_id"])
        exchange.remove_notes(lib, note_ids=[note.id])
        return note.id

    return JSONResponse({"deleted": await workers.write(request, delete)})


async def add_note_form(request: Request) -> Response:
    """The feed page's form: the new note's paper, else the feed."""
    response = await add_note(request)
    import json

    papers = json.loads(response.body)["papers"]
    return RedirectResponse(f"/papers/{quote(papers[0])}" if papers else "/feed", status_code=303)


async def edit_note_form(request: Request) -> Response:
    await edit_note(request)
    return _back_to(request)


async def delete_note_form(request: Request) -> Response:
    await delete_note(request)
    return _back_to(request)


def _back_to(request: Request) -> Response:
    referer = request.headers.get("referer") or "/"
    path = urlsplit(referer).path or "/"
    return RedirectResponse(_next(quote(path, safe="/:@!$&'()*+,;=-._~")), status_code=303)


def me(request: Request) -> Response:
    account = _account(request)
    if account is None:
        return JSONResponse({"team": False})
    return JSONResponse({"team": True, "name": account.name, "role": account.role})


def users(request: Request) -> Response:
    account = _account(request)
    if account is None or not account.is_admin:
        raise HTTPException(403, "only an admin can list the accounts")
    return JSONResponse({"users": accounts.list_accounts(lib_of(request))})


ROUTES = [
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/feed", feed, name="feed"),
    Route("/notes", add_note_form, methods=["POST"]),
    Route("/notes/{note_id}/edit", edit_note_form, methods=["POST"]),
    Route("/notes/{note_id}/delete", delete_note_form, methods=["POST"]),
    Route("/api/me", me),
    Route("/api/users", users),
    Route("/api/notes", add_note, methods=["POST"]),
    Route("/api/notes/{note_id}", edit_note, methods=["PUT", "PATCH"]),
    Route("/api/notes/{note_id}", delete_note, methods=["DELETE"]),
]
