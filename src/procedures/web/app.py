"""FastAPI application: a JSON API answering the command line's contracts, and one HTML page.

``create_app`` puts the parts together: the rules library (``app.state.library``),
the guard, the error handlers (here), the page (``pages``) and the API
(``api``, one group of routes per job, each through procedures.jobs). Every
input error is a 4xx whose message names the field; uploads are bounded in
size and rows (``uploads``, documented in docs/web.md). The page works without
JavaScript: its forms submit to server-rendered results. Work on uploads runs
in a worker thread, off the event loop; ``guard.Guard`` adds the security
headers, bounds request bodies and answers any escaped exception.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from procedures.errors import ProceduresError
from procedures.inputs import one_line, shown
from procedures.loader import load_library
from procedures.web.pages import TEMPLATE_DIR, TEMPLATES, add_pages, page
from procedures.web.uploads import MAX_BODY_BYTES, MAX_NAME_CHARS, MAX_ROWS, MAX_UPLOAD_BYTES, TooLarge  # noqa: F401 - the bounds, as before

__all__ = ["create_app", "MAX_BODY_BYTES", "MAX_NAME_CHARS", "MAX_ROWS", "MAX_UPLOAD_BYTES", "TooLarge"]


class ErrorAnswer(BaseModel):
    """Every error of the API: one line naming the field (docs/web.md, "Errors and limits")."""

    error: str


#: What /openapi.json says every endpoint may answer besides its document (declaring 422 replaces FastAPI's own shape).
ERROR_RESPONSES = {
    400: {"model": ErrorAnswer, "description": "a value that cannot be used (not a date, an unknown kind, a number out of bounds, ...)"},
    413: {"model": ErrorAnswer, "description": "an upload or a request past the limits"},
    422: {"model": ErrorAnswer, "description": "a missing parameter, or one of the wrong type"},
}


def create_app(rules: Path | None = None) -> FastAPI:
    app = FastAPI(
        title="procedures",
        summary="Deadlines and votes of ITU-D, computed from Resolution 1 (Rev. Baku, 2025)",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,  # a path with a stray slash (/api/rules//) is a 404 with its error line, not a 307 to guess at
        responses=ERROR_RESPONSES,
    )
    app.state.library = load_library(rules)  # the routes' library; serving names the folder it serves
    from procedures.web.api import add_api
    from procedures.web.guard import Guard

    app.add_middleware(Guard, templates=TEMPLATE_DIR, max_body=MAX_BODY_BYTES)
    add_error_handlers(app)
    add_pages(app)
    add_api(app)
    add_docs(app)
    return app


def add_error_handlers(app: FastAPI) -> None:
    """Every error one line: JSON ``{"error": …}`` on the API, the page with the message above its forms."""
    app.add_exception_handler(ProceduresError, _procedures_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)


async def _procedures_error(request: Request, exc: ProceduresError):
    status = 413 if isinstance(exc, TooLarge) else 400
    if request.url.path.startswith("/api/"):
        from procedures.web.wording import api_words

        return JSONResponse({"error": api_words(one_line(str(exc)))}, status_code=status)
    from procedures.web.wording import page_words

    return page(request, {"error": page_words(one_line(str(exc)))}, status)


async def _http_error(request: Request, exc: StarletteHTTPException):
    message = {404: f"{shown(request.url.path)} is not a page or an endpoint of this service; the endpoints are listed at /docs",
               405: f"{request.method} is not allowed on {shown(request.url.path)}; the endpoints are listed at /docs"}
    from http import HTTPStatus

    own = exc.detail != HTTPStatus(exc.status_code).phrase  # a route's own message (no plan of that name) is kept
    return JSONResponse({"error": one_line(str(exc.detail)) if own else message.get(exc.status_code, str(exc.detail))},
                        status_code=exc.status_code, headers=exc.headers)


async def _validation_error(request: Request, exc: RequestValidationError):
    problems = one_line("; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in exc.errors()))
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": problems}, status_code=422)
    return page(request, {"error": problems}, 422)


def add_docs(app: FastAPI) -> None:
    """/docs: every endpoint with its fields, from the OpenAPI description, nothing loaded from the internet."""

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request):
        from procedures.web.apidocs import endpoints

        spec = app.openapi()
        return TEMPLATES.TemplateResponse(request, "api.html", {"endpoints": endpoints(spec), "openapi_version": spec["openapi"]})
