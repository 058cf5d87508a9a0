"""The web app: pages, the JSON API, static files, one error shape, and the guard.

``create_app`` checks the store once and builds the app; every request then opens
the store read-only, except ``POST /api/ingest`` on a server given an ingest token
(``lagebild.web.ingest``). The guard in front of the app enforces the limits (URL and body
size, Host names, time per request) and adds security headers; errors from the API
are ``{"error": {"code", "message"}}``, errors from pages an HTML page saying the same.

Example::

    import uvicorn
    from lagebild.web.app import create_app

    uvicorn.run(create_app("news.sqlite"), host="127.0.0.1", port=8000)
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lagebild import __version__
from lagebild.web import api, ingest, pages
from lagebild.web.common import WebSettings, make_templates
from lagebild.web.ingest import INGEST_PATH, Ingestor
from lagebild.web.queries import check_store

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
# The codes of the error shape, by HTTP status.
ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_error",
    500: "internal_error",
    503: "unavailable",
}
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


def _wants_json(path: str) -> bool:
    return path.startswith("/api/") or path in ("/api", "/openapi.json")


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The one error shape: JSON under /api, an HTML page with the same words elsewhere.

    ``headers`` are the error's own (``WWW-Authenticate`` with a 401).
    """
    if _wants_json(request.url.path):
        return JSONResponse(
            {"error": {"code": code, "message": message}}, status_code=status, headers=headers
        )
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "code": code, "message": message, "q": ""},
        status_code=status,
        headers=headers,
    )
    return response


def _validation_message(exc: RequestValidationError) -> str:
    """The validation errors as one line: ``where: what`` for each."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path"))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", ""))
    return "; ".join(parts) or "invalid request"


def _install_error_handlers(app: FastAPI) -> None:
    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = ERROR_CODES.get(exc.status_code, "http_error")
        return error_response(request, exc.status_code, code, str(exc.detail), exc.headers)

    async def validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request, 422, "validation_error", _validation_message(exc))

    async def store_error(request: Request, exc: Exception) -> Response:
        # "interrupted" is the progress handler stopping a query at the deadline.
        if "interrupted" in str(exc):
            return error_response(request, 503, "timeout", "the request took too long")
        log.warning("store not readable: %s", exc)
        return error_response(request, 503, "store_unavailable", "the store cannot be read now")

    async def internal_error(request: Request, exc: Exception) -> Response:
        # The details go to the server log, not to the client.
        log.error("error on %s", request.url.path, exc_info=exc)
        return error_response(request, 500, "internal_error", "internal error; see the log")

    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(sqlite3.OperationalError, store_error)
    app.add_exception_handler(Exception, internal_error)


class _TooLarge(Exception):
    """The request body is over the limit."""


class Guard:
    """Limits and headers around the whole app, before routing.

    Checks the Host name, the URL length and the body size, stops a request that
    runs past the time limit, and adds the security headers to every response. The
    content security policy allows no inline script: even text that slipped past
    escaping could not run.
    """

    def __init__(self, app: ASGIApp, settings: WebSettings, fastapi_app: FastAPI) -> None:
        self.app = app
        self.settings = settings
        self.fastapi_app = fastapi_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        async def refuse(status: int, code: str, message: str) -> None:
            request = Request(scope)
            request.scope["app"] = self.fastapi_app
            await error_response(request, status, code, message)(scope, receive, send_with_headers)

        problem = self._check(scope)
        if problem is not None:
            await refuse(*problem)
            return
        max_body, timeout_s = self._limits(scope)
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > max_body:
                raise _TooLarge
            return message

        # Handlers that must not act after the client was told "timeout" (ingest) read
        # this deadline rather than starting a clock of their own later.
        scope.setdefault("state", {})["deadline"] = time.monotonic() + timeout_s
        try:
            await asyncio.wait_for(self.app(scope, limited_receive, send_with_headers), timeout_s)
        except TimeoutError:
            if started:
                raise
            await refuse(503, "timeout", "the request took too long")
        except _TooLarge:
            if started:
                raise
            await refuse(413, "payload_too_large", "the request body is too large")

    def _limits(self, scope: Scope) -> tuple[int, float]:
        """The body size and time limits of a request.

        A page sent to ingest may be megabytes and takes seconds through the stages;
        every other request is a few bytes of query and is read-only.
        """
        settings = self.settings
        if (
            settings.ingest_allowed
            and scope.get("method") == "POST"
            and scope.get("path") == INGEST_PATH
        ):
            return settings.max_ingest_bytes, settings.ingest_timeout_s
        return settings.max_body_bytes, settings.request_timeout_s

    def _check(self, scope: Scope) -> tuple[int, str, str] | None:
        """Why the request is refused before it reaches a route, or None."""
        headers = dict(scope.get("headers", []))
        allowed = self.settings.allowed_hosts
        if allowed is not None:
            host = headers.get(b"host", b"").decode("latin-1").lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in allowed and host not in allowed:
                return 400, "bad_host", "this server answers only to its own host name"
        size = len(scope.get("raw_path", b"")) + len(scope.get("query_string", b""))
        if size > self.settings.max_url_bytes:
            return 414, "uri_too_long", "the URL is too long"
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > self._limits(scope)[0]:
            return 413, "payload_too_large", "the request body is too large"
        return None


def create_app(db_path: str, settings: WebSettings | None = None) -> FastAPI:
    """The web app for the store at ``db_path``, which it only reads.

    The one exception is ``POST /api/ingest`` when ``settings.ingest_token`` is set
    (``lagebild serve --allow-ingest``); without a token that route answers 403.
    Raises ``StoreError`` at once if the file is missing or no lagebild store.
    """
    check_store(db_path)
    settings = settings or WebSettings()
    kind = "JSON API over a lagebild store" + (
        ", with POST /api/ingest" if settings.ingest_allowed else ", read-only"
    )
    app = FastAPI(
        title="lagebild",
        version=__version__,
        description=f'{kind}. Errors: `{{"error": {{"code": ..., "message": ...}}}}`.',
        openapi_url="/openapi.json",
        # The interactive docs load scripts from a CDN; the server must work offline.
        docs_url=None,
        redoc_url=None,
    )
    app.state.db_path = db_path
    app.state.settings = settings
    app.state.templates = make_templates()
    app.include_router(api.router)
    if settings.ingest_token is not None:
        app.state.ingestor = Ingestor(db_path, settings.ingest_token)
        app.include_router(ingest.router)
    else:
        app.include_router(ingest.disabled_router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _install_error_handlers(app)
    app.add_middleware(Guard, settings=settings, fastapi_app=app)

    @app.get("/api", include_in_schema=False)
    def api_index() -> dict[str, object]:
        """Where the API starts: its endpoints and its OpenAPI document."""
        paths = sorted(r for r in app.openapi()["paths"] if r.startswith("/api/"))
        return {"openapi": "/openapi.json", "endpoints": paths}

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        return Response(status_code=204)

    return app


__all__ = ["WebSettings", "create_app"]
