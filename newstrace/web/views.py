"""The reader's HTML pages: home, article, search, story; each a thin call of `Reader`
(which calls `newstrace.facade`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from newstrace.facade import MAX_OFFSET, Page
from newstrace.model import Entity
from newstrace.web import render
from newstrace.web.api import MAX_QUERY_CHARS
from newstrace.web.reader import Reader
from newstrace.web.story import summary_lines, title_language

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

# The order entity kinds are listed in on the article page.
ENTITY_KINDS = ("person", "organization", "group", "place", "medium", "other")


def _page(request: Request, template: str, context: dict[str, object]) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context)


def _reader(request: Request) -> Reader:
    reader: Reader = request.app.state.reader
    return reader


def entities_by_kind(entities: list[Entity]) -> list[tuple[str, list[Entity]]]:
    """Each entity once per kind (by key), kinds in a fixed order, names sorted."""
    kinds: dict[str, dict[str, Entity]] = defaultdict(dict)
    for entity in entities:
        kinds[entity.kind].setdefault(entity.key or entity.text, entity)
    order = [k for k in ENTITY_KINDS if k in kinds] + sorted(set(kinds) - set(ENTITY_KINDS))
    return [(k, sorted(kinds[k].values(), key=lambda e: e.text.lower())) for k in order]


Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Filter = Annotated[str | None, Query(max_length=200)]


def _query(request: Request, **changes: object) -> str:
    """This page's query string with some parameters changed (None: dropped)."""
    params = {k: v for k, v in request.query_params.items() if v}
    params.update({k: str(v) for k, v in changes.items() if v is not None})
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
    return "?" + urlencode(params) if params else ""


def _pager(request: Request, page: Page[Any], path: str) -> dict[str, str | None]:
    """Links to the previous and next page of a list."""
    return {
        rel: None if offset is None else path + _query(request, offset=offset or None)
        for rel, offset in (("previous", page.previous_offset), ("next", page.next_offset))
    }


@router.get("/")
def home(
    request: Request,
    offset: Offset = 0,
    language: Filter = None,
    outlet: Filter = None,
    since: Filter = None,
    until: Filter = None,
) -> Response:
    """The stories, ranked by coverage then recency, filtered and paged (`/api/stories`)."""
    filters = {"language": language, "outlet": outlet, "since": since, "until": until}
    chosen = {k: (v.strip() or None) if v else None for k, v in filters.items()}
    page = _reader(request).home(
        offset=offset,
        language=chosen["language"],
        outlet=chosen["outlet"],
        since=chosen["since"],
        until=chosen["until"],
    )
    return _page(
        request,
        "home.html",
        {
            "page": page,
            "filters": {k: v or "" for k, v in chosen.items()},
            "pager": _pager(request, page, "/"),
            "api": "/api/stories",
            "api_query": _query(request),
        },
    )


@router.get("/articles/{id}")
def article_page(request: Request, id: str) -> Response:
    """One article: clean text with claims marked, summary button, neighbours, findings."""
    reader = _reader(request)
    article = reader.article(id)
    if article is None:
        raise HTTPException(404, f"no article has id {id!r}")
    return _page(
        request,
        "article.html",
        {
            "article": article,
            "paragraphs": render.paragraphs(article),
            "neighbours": reader.neighbours(id),
            "entity_groups": entities_by_kind(article.entities),
            "api": f"/api/articles/{article.id}",
        },
    )


@router.get("/search")
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = "",
    offset: Offset = 0,
) -> Response:
    """Full-text search with the hits of each snippet marked, a page at a time."""
    query = q.strip()
    page = _reader(request).search_page(query, offset=offset) if query else None
    hits = page.items if page is not None else []
    results = [(hit, render.snippet_parts(hit.snippet)) for hit in hits]
    return _page(
        request,
        "search.html",
        {
            "query": query,
            "page": page,
            "results": results,
            "pager": _pager(request, page, "/search") if page is not None else {},
            "api": "/api/search",
            "api_query": _query(request),
        },
    )


@router.get("/stories/{id}")
def story_page(request: Request, id: str) -> Response:
    """A story: versions side by side, timeline, provenance graph, summary, claims matrix."""
    view = _reader(request).story_view(id)  # NotFoundError: the error page, 404
    return _page(
        request,
        "story.html",
        {
            "story": view,
            "summary_lines": summary_lines(view),
            "title_language": title_language(view),
            "api": f"/api/stories/{id}",
        },
    )
