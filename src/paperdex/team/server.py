"""The /api/sync endpoints a team server offers to `paperdex push` and `paperdex pull`.

Push is batched and idempotent: the client first asks which of its notes the server holds, by origin and
digest (`GET /api/sync/have`), then sends only the new and edited ones, at most MAX_BATCH per request
(`POST /api/sync/notes`); an interrupted push resumes by asking again. Removal is a separate, explicit
call (`POST /api/sync/delete`, only with `push --delete`). Pull pages through every note and the
papers' tags, statuses and review decisions. Storing is library.exchange; this module is HTTP only.
"""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from paperdex.library import exchange
from paperdex.web import workers

MAX_BATCH = 500
MAX_BODY = 32 << 20
PAGE = 1000


def _member(request: Request) -> str:
    """The pushing account's name: pushes need a team server (an account to attribute the notes to)."""
    account = request.state.account if getattr(request.state, "team", False) else None
    if account is None:
        raise HTTPException(409, "this library has no accounts, so pushes cannot be attributed: on the server, "
                            "run `paperdex user add NAME --role editor` and push with that token")
    return account.name


async def _body(request: Request, key: str) -> list:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise HTTPException(413, f"a sync request is at most {MAX_BODY >> 20} MiB; send smaller batches")
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise HTTPException(413, f"a sync request is at most {MAX_BODY >> 20} MiB; send smaller batches")
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise HTTPException(400, f"the body is not JSON: {exc}") from None
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise HTTPException(400, f"send a JSON object with a list {key!r}")
    if len(items) > MAX_BATCH:
        raise HTTPException(413, f"at most {MAX_BATCH} {key} per request")
    return items


def _page_args(request: Request) -> tuple[str, int]:
    after = request.query_params.get("after") or ""
    raw = request.query_params.get("limit") or str(PAGE)
    limit = min(max(int(raw), 1), 5000) if raw.isdigit() else PAGE
    return after, limit


def _pool(request: Request):
    return request.app.state.pool


def have(request: Request) -> Response:
    """[origin, digest] of the notes this account pushed before, one page at a time."""
    name = _member(request)
    after, limit = _page_args(request)
    rows = exchange.origin_digests(_pool(request).get(), name, after=after, limit=limit)
    return JSONResponse({"notes": rows, "next": rows[-1][0] if len(rows) == limit else None})


def _checked(records: list) -> list[dict]:
    for i, record in enumerate(records):
        ok = (isinstance(record, dict) and isinstance(record.get("origin"), str) and record["origin"]
              and isinstance(record.get("digest"), str) and isinstance(record.get("block"), dict)
              and isinstance(record.get("source"), dict) and isinstance(record["source"].get("uid"), str))
        if not ok:
            raise HTTPException(400, f"note {i} of the batch lacks origin, digest, block or source.uid")
    return records


async def push_notes(request: Request) -> Response:
    name = _member(request)
    records = _checked(await _body(request, "notes"))
    applied = await workers.write(request, lambda lib: exchange.apply_notes(lib, records, namespace=name, added_by=name))
    return JSONResponse(applied.to_json())


async def delete_notes(request: Request) -> Response:
    name = _member(request)
    origins = [str(o) for o in await _body(request, "origins")]
    removed = await workers.write(request, lambda lib: exchange.remove_notes(lib, added_by=name, origins=origins))
    return JSONResponse({"removed": removed})


async def push_papers(request: Request) -> Response:
    _member(request)
    records = [r for r in await _body(request, "papers") if isinstance(r, dict)]
    counts = await workers.write(request, exchange.apply_papers, records)
    return JSONResponse(counts)


def pull_notes(request: Request) -> Response:
    after, limit = _page_args(request)
    records = exchange.note_records(_pool(request).get(), after=after, limit=limit)
    return JSONResponse({"notes": records, "next": records[-1]["origin"] if len(records) == limit else None})


def pull_papers(request: Request) -> Response:
    return JSONResponse({"papers": exchange.paper_records(_pool(request).get())})


ROUTES = [
    Route("/api/sync/have", have),
    Route("/api/sync/notes", push_notes, methods=["POST"]),
    Route("/api/sync/delete", delete_notes, methods=["POST"]),
    Route("/api/sync/papers", push_papers, methods=["POST"]),
    Route("/api/sync/pull/notes", pull_notes),
    Route("/api/sync/pull/papers", pull_papers),
]
