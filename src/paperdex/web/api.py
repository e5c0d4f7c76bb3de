"""The JSON API behind the pages: /api/papers, /api/papers/{id}, /api/search, documented at /api/docs."""

from __future__ import annotations

import json

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from paperdex.library import user_data
from paperdex.library.store import get_paper
from paperdex.web import features
from paperdex.web.views import BadParam, lib_of, library_page, paper_detail, query_from


def _json(data: object, status_code: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    return Response(body, status_code=status_code, media_type="application/json")


def papers(request: Request) -> Response:
    found = library_page(lib_of(request), request.query_params)
    return _json({"total": found.total, "page": found.page_no, "per_page": found.per, "papers": found.papers})


def paper(request: Request) -> Response:
    lib = lib_of(request)
    paper_id = request.path_params["paper_id"]
    found = get_paper(lib, paper_id)
    if found is None:
        raise HTTPException(404, f"no paper with id {paper_id}")
    detail = paper_detail(found, user_data.get_tags(lib, paper_id), user_data.get_status(lib, paper_id))
    detail["note_count"] = detail["notes"]
    detail["notes"] = detail.pop("note_list")
    return _json(detail)


def search(request: Request) -> Response:
    params = request.query_params
    text = (params.get("q") or "").strip()
    if not text:
        raise BadParam("q (the query) is required")
    mode = params.get("mode") or "hybrid"
    if mode not in features.SEARCH_MODES:
        raise BadParam(f"mode must be one of {', '.join(features.SEARCH_MODES)}")
    limit = min(max(int(params.get("limit") or 20), 1), 100) if (params.get("limit") or "20").isdigit() else 20
    try:
        hits = features.search(lib_of(request), text, mode=mode, flt=query_from(params).flt, limit=limit)
    except features.Unavailable as exc:
        return _json({"error": str(exc)}, status_code=503)
    return _json({"query": text, "mode": mode, "results": [h.to_json() for h in hits]})


def docs(request: Request) -> Response:
    from paperdex.web.pages import page

    return page(request, "api_docs.html", active="api")


ROUTES = [
    Route("/api/papers", papers),
    Route("/api/papers/{paper_id}", paper),
    Route("/api/search", search),
    Route("/api/docs", docs),
]
