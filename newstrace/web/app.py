"""The web reader and JSON API: `create_app(store_url, settings)` gives the ASGI app.

One app object holds one store and one `Reader`; views (`views.py`) and the API (`api.py`)
are thin calls of the reader, which calls `newstrace.facade`. Every error (an HTTP error, an
invalid request, a `NewstraceError` of the library, a crash) is one JSON shape under `/api/`
(and for clients that do not ask for HTML), an HTML page otherwise; every response carries
the security headers below.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newstrace import __version__, facade
from newstrace.errors import (
    AnalysisError,
    BackendUnavailable,
    NewstraceError,
    NotFoundError,
    StoreError,
    UsageError,
)
from newstrace.settings import TOKEN_ENV, Settings
from newstrace.web import render
from newstrace.web.reader import Reader

HERE = Path(__file__).resolve().parent

# No inline script or style anywhere: hostile text that slips into a page cannot run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]

log = logging.getLogger("newstrace.web")


def error_body(status: int, message: str) -> dict[str, Any]:
    """The one JSON error shape of the API."""
    return {"error": {"status": status, "message": message}}


def wants_html(request: Request) -> bool:
    """A page request from a browser (not under /api/, and asking for HTML)."""
    if request.url.path.startswith("/api/") or request.url.path == "/openapi.json":
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(request: Request, status: int, message: str) -> Response:
    """An error as the client wants it: the JSON shape, or the error page."""
    if wants_html(request):
        templates: Jinja2Templates = request.app.state.templates
        return templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status
        )
    return JSONResponse(error_body(status, message), status_code=status)


class SecurityHeaders:
    """ASGI middleware: security headers on every response, and a JSON 500 for any crash.

    It sits inside Starlette's outermost error middleware, so an unexpected exception
    still gets the error shape and the headers instead of a bare text page.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name for name, _ in SECURITY_HEADERS}
                headers = [h for h in message.get("headers", []) if h[0] not in names]
                message["headers"] = headers + SECURITY_HEADERS
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = JSONResponse(
                error_body(500, "internal error: the server could not answer this request"),
                status_code=500,
            )
            await response(scope, receive, send_with_headers)


def _templates() -> Jinja2Templates:
    """Jinja2 with autoescaping on for every template, and the render helpers."""
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["title_of"] = render.title_of
    environment.globals["claim_label"] = render.claim_label
    environment.globals["claim_type_labels"] = render.CLAIM_TYPE_LABELS
    environment.globals["safe_href"] = render.safe_href
    environment.filters["short_date"] = render.short_date
    environment.filters["moment"] = render.moment
    environment.filters["css_word"] = render.css_word
    environment.globals["version"] = __version__
    return Jinja2Templates(env=environment)


def api_token(settings: Settings, explicit: str | None = None) -> str | None:
    """The token that guards ingest: given, else the settings' `web.api_token` (also read
    from $NEWSTRACE_API_TOKEN)."""
    return explicit or settings.web.api_token or None


def error_status(error: NewstraceError) -> int:
    """The HTTP status of a library error: what was asked for, or the server, is at fault."""
    if isinstance(error, NotFoundError):
        return 404
    if isinstance(error, UsageError | AnalysisError):
        return 422
    if isinstance(error, StoreError | BackendUnavailable):
        return 503
    return 400


def create_app(
    store_url: str, settings: Settings | None = None, *, token: str | None = None
) -> FastAPI:
    """The reader and API over the store at `store_url`; ingest is off unless a token is set.

    The store stays open for the app's life (a test client may start and stop the app many
    times); whoever made the app closes it: `app.state.store.close()`.
    """
    from newstrace.web import api, views

    settings = settings or Settings.from_env()
    store = facade.open_store(store_url)

    app = FastAPI(
        title="newstrace",
        version=__version__,
        description="Read news in any language: articles, summaries, claims, search.",
        docs_url=None,  # the interactive docs load scripts from elsewhere; the CSP forbids it
        redoc_url=None,
    )
    app.state.store = store
    app.state.reader = Reader(store, settings.web.page_size)
    app.state.settings = settings
    app.state.token = api_token(settings, token)
    app.state.templates = _templates()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        message = str(error.detail)
        if message == HTTPStatus(error.status_code).phrase:
            # Starlette's own errors say only "Not Found": say what was asked for.
            message = f"{message.lower()}: {request.method} {request.url.path}"
        response = error_response(request, error.status_code, message)
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(NewstraceError)
    async def library_error(request: Request, error: NewstraceError) -> Response:
        status = error_status(error)
        if isinstance(error, StoreError) and not isinstance(error, NotFoundError):
            # The server's own trouble: its files and drivers are not the reader's business.
            log.error("%s %s: %s", request.method, request.url.path, error)
            message = "the server cannot reach its database right now; try again later"
            return error_response(request, status, message)
        return error_response(request, status, " ".join(str(error).split()))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_message(error))

    _document_caps(app, settings)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(views.router)
    return app


def _document_caps(app: FastAPI, settings: Settings) -> None:
    """Write the settings' caps (web.max_limit, summary.max_sentences) into the OpenAPI
    document as the `maximum` of every `limit` and `sentences` parameter, so a client that
    follows the schema is never refused."""
    caps = {"limit": settings.web.max_limit, "sentences": settings.summary.max_sentences}
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for parameter in operation.get("parameters", []):
                    cap = caps.get(parameter.get("name"))
                    if cap is None:
                        continue
                    target = parameter.get("schema", {})
                    for option in target.get("anyOf", [target]):
                        if option.get("type") == "integer":
                            option["maximum"] = cap
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _validation_message(error: RequestValidationError) -> str:
    """The first problems of a request, one line: where and what."""
    problems = []
    for item in error.errors()[:3]:
        where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        problems.append(f"{where or 'request'}: {item.get('msg', 'invalid')}")
    return "invalid request: " + "; ".join(problems)


__all__ = ["TOKEN_ENV", "create_app", "error_body"]
