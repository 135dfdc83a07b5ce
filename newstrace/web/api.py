"""The JSON API: the twin of every page under `/api/`, described at `/openapi.json`.

Read-only except `POST /api/articles`, which ingests one document and needs the API token
(`Authorization: Bearer …`); with no token configured it answers 403.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from newstrace import facade
from newstrace.errors import UsageError
from newstrace.facade import Page, StoryBrief
from newstrace.model import Article, RawDocument, SummarySentence
from newstrace.settings import Settings
from newstrace.web.reader import SUMMARY_SENTENCES, Brief, Reader, brief

# Page sizes and their caps are settings (web.page_size, web.max_limit, summary.*).
LIMIT_HELP = "items to return; default web.page_size, at most web.max_limit (settings)"
SENTENCES_HELP = "sentences of the summary; at most summary.max_sentences (settings)"
OFFSET_HELP = "items to skip: where the page starts (0)"
SINCE_HELP = "seen on or after this ISO date (2019-05-20)"
UNTIL_HELP = "begun on or before this ISO date"
# The longest search query accepted; longer ones are a mistake, not a question.
MAX_QUERY_CHARS = 500


class ErrorDetail(BaseModel):
    status: int
    message: str


class ErrorOut(BaseModel):
    """Every error of the API has this shape."""

    error: ErrorDetail


class SummaryOut(BaseModel):
    """`newstrace summary --json`: the chosen sentences with their offsets, and the text."""

    article: str
    language: str | None
    sentences: list[SummarySentence]
    text: str


class SearchHitOut(BaseModel):
    id: str
    title: str | None
    headline: str = Field(description="the title, or the first words when there is none")
    snippet: str = Field(description="text around the hits; hits are marked [like this]")


class DerivesFromOut(BaseModel):
    """The earlier article a version copies, rewrites or translates."""

    id: str
    kind: str
    score: float | None = None


class StoryVersionOut(BaseModel):
    """One article of a story, with its summary."""

    id: str
    source: str
    title: str | None
    headline: str = Field(description="the title, or the first words when there is none")
    language: str | None
    outlet: str | None
    published: str | None
    seen: str | None = Field(description="published time, else when it was ingested")
    media: list[str]
    derives_from: DerivesFromOut | None
    summary: str | None


class ProvenanceEdgeOut(BaseModel):
    """A medium or an article passing the story on: cites, relays, or derives."""

    model_config = ConfigDict(populate_by_name=True)

    source: str = Field(alias="from")
    target: str = Field(alias="to")
    kind: str


class TimelineOut(BaseModel):
    when: str
    basis: Literal["published", "ingested"]
    article: str


class StoryOut(BaseModel):
    """One story (the document `newstrace story --json` prints): versions, timeline,
    provenance, the story summary and the comparison of its versions."""

    id: str
    title: str | None
    languages: list[str]
    outlets: list[str]
    size: int
    first_seen: str | None
    last_seen: str | None
    articles: list[StoryVersionOut]
    timeline: list[TimelineOut]
    provenance: list[ProvenanceEdgeOut]
    chains: list[list[str]]
    claims: list[dict[str, Any]]
    summary: dict[str, Any] | None = Field(
        description="the story summary (null when the versions could not be compared)"
    )
    summary_basis: Literal["story"] | None
    compare: dict[str, Any] | None = Field(
        description="`newstrace compare --json`: the claims of each version aligned "
        "(null when the versions could not be compared)"
    )
    notes: list[str] = Field(description="why a part of the story is missing, one line each")


class _Described(BaseModel):
    """What may be known of a document besides its body."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: str | None = None
    language: str | None = None


class TextIn(_Described):
    """A document as plain text."""

    text: Annotated[str, Field(pattern=r"\S", description="the body, as plain text")]


class HtmlIn(_Described):
    """A document as an HTML page; its main text and metadata are extracted."""

    html: Annotated[str, Field(pattern=r"\S", description="the whole page")]


class UrlIn(_Described):
    """A page to fetch (http or https); its main text and metadata are extracted."""

    url: Annotated[str, Field(pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://\S+$", description="the page")]


IngestIn = TextIn | HtmlIn | UrlIn


class IngestOut(BaseModel):
    status: Literal["ingested", "duplicate"]
    article: Brief


ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "not found"},
    422: {"model": ErrorOut, "description": "invalid request"},
    500: {"model": ErrorOut, "description": "server error"},
}

router = APIRouter(prefix="/api", responses=ERRORS, tags=["api"])


def _reader(request: Request) -> Reader:
    reader: Reader = request.app.state.reader
    return reader


def _found(reader: Reader, id: str) -> Article:
    article = reader.article(id)
    if article is None:
        raise HTTPException(404, f"no article has id {id!r}; list them at /api/articles")
    return article


def _limit(request: Request, limit: int | None) -> int:
    """The rows a list request gets: the settings' page size, or what it asked for up to
    the settings' cap (a larger ask is refused, not silently cut)."""
    settings: Settings = request.app.state.settings
    if limit is None:
        return settings.web.page_size
    if limit > settings.web.max_limit:
        raise UsageError(f"limit: at most {settings.web.max_limit} (web.max_limit)")
    return limit


def paged(page: Page[Any], request: Request) -> JSONResponse:
    """A page of a list as JSON: the items, with `X-Total-Count` (all of them) and `Link`
    headers to the previous and next page."""
    response = JSONResponse([item.to_dict() for item in page.items])
    response.headers["X-Total-Count"] = str(page.total)
    links = []
    for rel, offset in (("prev", page.previous_offset), ("next", page.next_offset)):
        if offset is not None:
            url = request.url.include_query_params(offset=offset, limit=page.limit)
            links.append(f'<{url.path}?{url.query}>; rel="{rel}"')
    if links:
        response.headers["Link"] = ", ".join(links)
    return response


@router.get("/articles", response_model=list[Brief], summary="latest articles")
def list_articles(
    request: Request,
    limit: Annotated[int | None, Query(ge=1, description=LIMIT_HELP)] = None,
    offset: Annotated[int, Query(ge=0, le=facade.MAX_OFFSET, description=OFFSET_HELP)] = 0,
    language: Annotated[str | None, Query(max_length=16)] = None,
) -> JSONResponse:
    """The latest articles, newest published first; `X-Total-Count` says how many in all."""
    chosen = _limit(request, limit)
    page = _reader(request).latest_page(limit=chosen, offset=offset, language=language)
    return paged(page, request)


@router.get("/articles/{id}", response_model=Article, summary="one article")
def get_article(request: Request, response: Response, id: str) -> Article:
    """An article with everything found; `Link` headers name the previous and next one."""
    reader = _reader(request)
    article = _found(reader, id)
    neighbours = reader.neighbours(id)
    links = [
        f'</api/articles/{n.id}>; rel="{rel}"'
        for rel, n in (("prev", neighbours.previous), ("next", neighbours.next))
        if n is not None
    ]
    if links:
        response.headers["Link"] = ", ".join(links)
    # The source as the user gave it, never a path of the server's disk.
    return dataclasses.replace(article, source=facade.public_source(article.source))


@router.get("/articles/{id}/summary", response_model=SummaryOut, summary="get a summary")
def get_summary(
    request: Request,
    id: str,
    sentences: Annotated[int | None, Query(ge=1, description=SENTENCES_HELP)] = None,
) -> JSONResponse:
    """The article's summary, made on request when it was not stored yet."""
    settings: Settings = request.app.state.settings
    if sentences is None:
        sentences = SUMMARY_SENTENCES
    elif sentences > settings.summary.max_sentences:
        raise UsageError(
            f"sentences: at most {settings.summary.max_sentences} (summary.max_sentences)"
        )
    reader = _reader(request)
    article = _found(reader, id)
    return JSONResponse(reader.summary(article, sentences=sentences).to_dict())


@router.get("/search", response_model=list[SearchHitOut], summary="full-text search")
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS)],
    limit: Annotated[int | None, Query(ge=1, description=LIMIT_HELP)] = None,
    offset: Annotated[int, Query(ge=0, le=facade.MAX_OFFSET, description=OFFSET_HELP)] = 0,
) -> JSONResponse:
    """Articles holding every word of `q`, best first, then those naming the person, place
    or organisation `q` names in another spelling; `X-Total-Count` says how many in all."""
    chosen = _limit(request, limit)
    return paged(_reader(request).search_page(q, limit=chosen, offset=offset), request)


@router.get("/stories", response_model=list[StoryBrief], summary="stories, as the home page")
def list_stories(
    request: Request,
    limit: Annotated[int | None, Query(ge=1, description=LIMIT_HELP)] = None,
    offset: Annotated[int, Query(ge=0, le=facade.MAX_OFFSET, description=OFFSET_HELP)] = 0,
    language: Annotated[str | None, Query(max_length=16, description="told in it")] = None,
    outlet: Annotated[str | None, Query(max_length=200, description="told by it")] = None,
    since: Annotated[str | None, Query(max_length=32, description=SINCE_HELP)] = None,
    until: Annotated[str | None, Query(max_length=32, description=UNTIL_HELP)] = None,
) -> JSONResponse:
    """The home page's list: stories ranked by coverage (versions, outlets, languages), then
    recency, with their languages, outlets, size and time span."""
    page = _reader(request).home(
        limit=_limit(request, limit),
        offset=offset,
        language=language or None,
        outlet=outlet or None,
        since=since or None,
        until=until or None,
    )
    return paged(page, request)


@router.get(
    "/stories/{id}", response_model=StoryOut, response_model_by_alias=True, summary="one story"
)
def get_story(request: Request, id: str) -> JSONResponse:
    """A story's versions, timeline, provenance edges, summary and claims comparison."""
    return JSONResponse(_reader(request).story(id).to_dict())


@router.post(
    "/articles",
    response_model=IngestOut,
    status_code=201,
    summary="ingest a document",
    responses={
        200: {"model": IngestOut, "description": "already stored: nothing changed"},
        401: {"model": ErrorOut, "description": "missing or wrong token"},
        403: {"model": ErrorOut, "description": "ingest is disabled"},
        413: {"model": ErrorOut, "description": "document too large"},
    },
)
def post_article(
    request: Request,
    response: Response,
    document: IngestIn,
    authorization: Annotated[str | None, Header()] = None,
) -> IngestOut:
    """Analyse and store one document (text, HTML or a URL to fetch); needs a bearer token."""
    _check_token(request, authorization)
    settings = request.app.state.settings
    if isinstance(document, UrlIn):
        return _ingest(request, response, _fetched(document, settings))
    body = document.text if isinstance(document, TextIn) else document.html
    limit: int = request.app.state.settings.max_document_bytes
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise HTTPException(413, f"document of {size} bytes is over the limit of {limit}")
    digest = hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    raw = RawDocument(
        source=document.url or f"api:{digest}",
        text=document.text if isinstance(document, TextIn) else None,
        html=document.html if isinstance(document, HtmlIn) else None,
        url=document.url,
        title=document.title,
        outlet=document.outlet,
        byline=document.byline,
        published=document.published,
        language=document.language,
    )
    return _ingest(request, response, raw)


def _fetched(document: UrlIn, settings: Settings) -> RawDocument:
    """The page at the document's URL, with what the request said of it winning."""
    page = facade.fetch_page(document.url, settings)
    return dataclasses.replace(
        page,
        title=document.title or page.title,
        outlet=document.outlet or page.outlet,
        byline=document.byline or page.byline,
        published=document.published or page.published,
        language=document.language or page.language,
    )


def _ingest(request: Request, response: Response, raw: RawDocument) -> IngestOut:
    """Analyse and store one document; 201 when new, 200 when it was stored already."""
    reader = _reader(request)
    report = facade.ingest_documents([raw], reader.store, request.app.state.settings)
    if report.failures:
        raise HTTPException(422, f"cannot ingest this document: {report.failures[0].reason}")
    stored = reader.article(report.articles[0].id)
    if stored is None:
        raise HTTPException(500, "the document was analysed but could not be read back")
    if report.duplicates:
        response.status_code = 200
    return IngestOut(status="duplicate" if report.duplicates else "ingested", article=brief(stored))


def _check_token(request: Request, authorization: str | None) -> None:
    """403 when ingest is off (no token set), 401 when the request's token is not it."""
    token: str | None = request.app.state.token
    if not token:
        raise HTTPException(
            403, "ingest is disabled: set NEWSTRACE_API_TOKEN on the server to enable it"
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode("utf-8", "surrogatepass"), token.encode("utf-8", "surrogatepass")
    ):
        raise HTTPException(
            401,
            "missing or wrong token: send Authorization: Bearer <NEWSTRACE_API_TOKEN>",
            headers={"WWW-Authenticate": "Bearer"},
        )
