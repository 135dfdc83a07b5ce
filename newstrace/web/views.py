"""The reader's HTML pages: home, article, search, story; each a thin call of `Reader`
(which calls `newstrace.facade`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from newstrace.model import Entity
from newstrace.web import render
from newstrace.web.api import MAX_QUERY_CHARS
from newstrace.web.reader import Reader
from newstrace.web.story import summary_lines

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


@router.get("/")
def home(request: Request) -> Response:
    """The latest articles, grouped by story where they have one."""
    groups = _reader(request).home()
    return _page(request, "home.html", {"groups": groups, "api": "/api/stories"})


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
    request: Request, q: Annotated[str, Query(max_length=MAX_QUERY_CHARS)] = ""
) -> Response:
    """Full-text search with the hits of each snippet marked."""
    query = q.strip()
    hits = _reader(request).search(query) if query else []
    results = [(hit, render.snippet_parts(hit.snippet)) for hit in hits]
    return _page(
        request,
        "search.html",
        {"query": query, "results": results, "api": "/api/search"},
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
            "api": f"/api/stories/{id}",
        },
    )
