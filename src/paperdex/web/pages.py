"""The HTML pages: library, paper, search, documents, review, stats, and the tag/status forms."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from paperdex.errors import LibraryBusy, UsageError
from paperdex.library import browse, team_views, user_data
from paperdex.library.store import PaperFilter, counts, get_paper, get_papers, iter_paperless
from paperdex.web import charts, features, render, workers
from paperdex.web.views import (
    BadParam,
    facets_of,
    lib_of,
    library_page,
    paper_links,
    query_from,
    summaries,
    with_params,
)

SORTS = {"year": "Newest year", "year-asc": "Oldest year", "added": "Recently added", "title": "Title"}


def page(request: Request, name: str, status_code: int = 200, **context) -> Response:
    context.setdefault("active", "")
    context["csrf"] = request.state.csrf
    context["account"] = getattr(request.state, "account", None)  # set in team mode (web.auth)
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def library(request: Request) -> Response:
    lib = lib_of(request)
    params = request.query_params
    found = library_page(lib, params)
    last = max(1, -(-found.total // found.per))
    return page(request, "library.html", active="library", papers=found.papers, total=found.total,
                page_no=found.page_no, last=last, per=found.per, facets=facets_of(request),
                tags=user_data.all_tags(lib), q=found.query,
                params=params, with_params=with_params, sorts=SORTS, statuses=user_data.STATUSES,
                counts=counts(lib), members=team_views.members(lib))


def paper(request: Request) -> Response:
    lib = lib_of(request)
    paper_id = request.path_params["paper_id"]
    found = get_paper(lib, paper_id)
    if found is None:
        raise HTTPException(404, f"no paper with id {paper_id}")
    tags = user_data.get_tags(lib, paper_id)
    status = user_data.get_status(lib, paper_id)
    related = []
    for label, ids in (("Same section", browse.related_by_section(lib, paper_id)),
                       ("Referenced together", browse.related_by_references(lib, paper_id)),
                       ("Similar (embeddings)", features.similar(lib, paper_id))):
        if ids:
            related.append((label, summaries(lib, get_papers(lib, ids))))
    readers = sorted({n.reader or "unknown reader" for n in found.notes})
    if any(n.added_by for n in found.notes):  # a team library: each member's notes side by side
        found.notes.sort(key=lambda n: (n.added_by is None, n.added_by or "", n.source, n.line))
        readers = sorted({n.added_by for n in found.notes if n.added_by})
    return page(request, "paper.html", paper=found, tags=tags, status=status, statuses=user_data.STATUSES,
                links=paper_links(found), related=related, readers=readers,
                resolution=features.resolution_of(lib, paper_id),
                source_ids=browse.source_ids(lib), summary=summaries(lib, [found])[0])


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v) for k, v in form.items()}


def _back(request: Request, paper_id: str) -> Response:
    return RedirectResponse(f"/papers/{quote(paper_id)}", status_code=303)


async def add_tag(request: Request) -> Response:
    form = await _form(request)
    paper_id = request.path_params["paper_id"]

    def add(lib) -> None:
        for tag in re.split(r",", form.get("tag", "")):
            if tag.strip():
                user_data.add_tag(lib, paper_id, tag)

    await workers.write(request, add)
    return _back(request, paper_id)


async def remove_tag(request: Request) -> Response:
    form = await _form(request)
    paper_id = request.path_params["paper_id"]
    await workers.write(request, user_data.remove_tag, paper_id, form.get("tag", ""))
    return _back(request, paper_id)


async def set_status(request: Request) -> Response:
    form = await _form(request)
    paper_id = request.path_params["paper_id"]
    await workers.write(request, user_data.set_status, paper_id, form.get("status") or None)
    return _back(request, paper_id)


def search(request: Request) -> Response:
    params = request.query_params
    text = (params.get("q") or "").strip()
    mode = params.get("mode") or "hybrid"
    if mode not in features.SEARCH_MODES:
        raise BadParam(f"mode must be one of {', '.join(features.SEARCH_MODES)}")
    q = query_from(params)
    hits, error = [], None
    if text:
        try:
            hits = features.search(lib_of(request), text, mode=mode, flt=q.flt, limit=30,
                                   why=params.get("why") or None)
        except features.Unavailable as exc:
            error = f"Search is not available in this build ({exc})."
        except UsageError as exc:
            error = str(exc)
    for hit in hits:
        # Only the engine's spans (whole tokens): substring marking lit "for" inside "Transformer".
        hit.snippet_html = render.marked(hit.snippet, [hit.why] if hit.why else hit.highlights,
                                         tag="em" if hit.why else "mark")
        if mode != "keyword" and hit.note_id and not hit.highlights and not hit.why and "…" in hit.snippet:
            # Found by meaning alone, in a note longer than its snippet: a link that shows the note's
            # sentence nearest the query.
            hit.why_href = "/search?" + urlencode([*((k, v) for k, v in params.multi_items() if k != "why"),
                                                   ("why", hit.note_id)])
    # Only the search page's own box asks for the results alone; the header box swaps in the whole page.
    partial = (request.headers.get("hx-request") == "true" and request.headers.get("hx-target") != "main"
               and not request.headers.get("hx-history-restore-request"))
    name = "_results.html" if partial else "search.html"
    return page(request, name, active="search", text=text, mode=mode, modes=features.SEARCH_MODES, hits=hits,
                error=error, q=q, params=params, facets=facets_of(request), members=team_views.members(lib_of(request)))


def documents(request: Request) -> Response:
    docs = [{"id": d.id, "title": d.title, "source": d.source, "reader": d.reader, "notes": len(d.notes),
             "sections": len({n.section for n in d.notes if n.section})}
            for d in iter_paperless(lib_of(request))]
    return page(request, "documents.html", active="documents", docs=docs)


def document(request: Request) -> Response:
    source_id = int(request.path_params["source_id"])
    lib = lib_of(request)
    path = next((p for p, i in browse.source_ids(lib).items() if i == source_id), None)
    doc = None
    if path is not None:
        doc = next((d for d in iter_paperless(lib, PaperFilter(source=path)) if d.id == source_id), None)
    if doc is None:
        raise HTTPException(404, f"no document with id {source_id}")
    return page(request, "document.html", active="documents", doc=doc)


REVIEW_PER_PAGE = 50


def review(request: Request) -> Response:
    lib = lib_of(request)
    items, error = [], None
    try:
        items = features.review_items(lib)
    except features.Unavailable as exc:
        error = f"Review is not available in this build ({exc})."
    try:
        page_no = max(1, int(request.query_params.get("page") or 1))
    except ValueError as exc:
        raise BadParam("page must be a number") from exc
    last = max(1, -(-len(items) // REVIEW_PER_PAGE))
    shown = items[(page_no - 1) * REVIEW_PER_PAGE: page_no * REVIEW_PER_PAGE]
    for item in shown:
        item["paper"] = get_paper(lib, item["paper_id"])
    return page(request, "review.html", active="review", items=shown, total=len(items), page_no=page_no,
                last=last, error=error, done=request.query_params.get("done"))


async def review_bulk(request: Request) -> Response:
    """Accept or reject the papers ticked on the Review page (or every one on it): one undoable step."""
    form = await request.form()
    decision = str(form.get("decision") or "")
    if decision not in ("accept", "reject"):
        raise HTTPException(400, "a bulk decision is accept or reject")
    ids = [str(v) for v in form.getlist("paper")]
    if not ids:
        return RedirectResponse("/review?done=none", status_code=303)
    try:
        result = await workers.write(request, features.decide_many, ids, decision)
    except features.Unavailable as exc:
        raise HTTPException(404, str(exc)) from exc
    done = f"{len(result.accepted)}-accepted-{len(result.rejected)}-rejected-{len(result.skipped)}-skipped"
    return RedirectResponse(f"/review?done={done}", status_code=303)


async def review_undo(request: Request) -> Response:
    try:
        undone = await workers.write(request, features.undo_review)
    except features.Unavailable as exc:
        raise HTTPException(404, str(exc)) from exc
    return RedirectResponse(f"/review?done={'undone-' + str(len(undone)) if undone else 'nothing-to-undo'}",
                            status_code=303)


async def review_decide(request: Request) -> Response:
    decision = request.path_params["decision"]
    if decision not in ("accept", "reject"):
        raise HTTPException(404, "a review decision is accept or reject")
    return await _review(request, lambda lib, paper_id: features.decide(lib, paper_id, decision))


async def review_pick(request: Request) -> Response:
    """Accept another candidate than the best (its number on the Review page)."""
    candidate = request.path_params["candidate"]
    return await _review(request, lambda lib, paper_id: features.pick(lib, paper_id, candidate))


async def _review(request: Request, apply) -> Response:
    """Apply a review decision, then go back where the form came from (papers may merge: follow the id)."""
    try:
        new_id = await workers.write(request, apply, request.path_params["paper_id"])
    except features.Unavailable as exc:
        raise HTTPException(404, str(exc)) from exc
    except LookupError as exc:
        raise HTTPException(409, str(exc)) from exc
    if (await _form(request)).get("next") == "paper":
        return _back(request, new_id)
    return RedirectResponse("/review", status_code=303)


def stats(request: Request) -> Response:
    lib = lib_of(request)
    data = browse.stats(lib)
    years = data["per_year"]
    timeline = data["timeline"]
    return page(request, "stats.html", active="stats", counts=counts(lib), data=data,
                year_chart=charts.columns(years, title="papers per year",
                                          label_every=max(1, len(years) // 30)),
                section_chart=charts.rows(data["per_section"], title="papers per section", link="/?section="),
                reader_chart=charts.rows([(r["reader"], r["notes"]) for r in data["readers"]],
                                         title="notes per reader"),
                timeline_chart=charts.columns(timeline, title="notes per month",
                                              label_every=max(1, len(timeline) // 24)))


def favicon(request: Request) -> Response:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
           'fill="#3b5b92"/><text x="8" y="12" font-size="11" text-anchor="middle" fill="#fff" '
           'font-family="Georgia,serif">p</text></svg>')
    return Response(svg, media_type="image/svg+xml", headers={"cache-control": "max-age=86400"})


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    detail = getattr(exc, "detail", "") or "not found"
    if request.url.path.startswith("/api/"):
        from starlette.responses import JSONResponse

        return JSONResponse({"error": detail}, status_code=status)
    return page(request, "error.html", status_code=status, status=status, message=detail)


async def _bad_request(request: Request, exc: Exception) -> Response:
    return await _http_error(request, HTTPException(400, str(exc)))


# A busy library (another writer holds it past the lock wait) is temporary: 503 and when to come back.
BUSY_RETRY_AFTER_S = 5


async def _busy(request: Request, exc: Exception) -> Response:
    response = await _http_error(request, HTTPException(503, "the library is busy with another write; "
                                                             "try again in a few seconds"))
    response.headers["retry-after"] = str(BUSY_RETRY_AFTER_S)
    return response


EXCEPTION_HANDLERS = {HTTPException: _http_error, BadParam: _bad_request, UsageError: _bad_request,
                      LibraryBusy: _busy}

ROUTES = [
    Route("/", library, name="library"),
    Route("/papers/{paper_id}", paper, name="paper"),
    Route("/papers/{paper_id}/tags", add_tag, methods=["POST"]),
    Route("/papers/{paper_id}/tags/remove", remove_tag, methods=["POST"]),
    Route("/papers/{paper_id}/status", set_status, methods=["POST"]),
    Route("/search", search, name="search"),
    Route("/documents", documents, name="documents"),
    Route("/documents/{source_id:int}", document, name="document"),
    Route("/review", review, name="review"),
    Route("/review/bulk", review_bulk, methods=["POST"]),
    Route("/review/undo", review_undo, methods=["POST"]),
    Route("/review/{paper_id}/{decision:str}", review_decide, methods=["POST"]),
    Route("/review/{paper_id}/accept/{candidate:int}", review_pick, methods=["POST"]),
    Route("/stats", stats, name="stats"),
]
