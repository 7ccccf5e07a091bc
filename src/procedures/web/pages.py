"""The page: one server-rendered form per job, without JavaScript; each result through procedures.jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from procedures import jobs
from procedures.web.uploads import MAX_ROWS, MAX_UPLOAD_BYTES, read_upload

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATES = Jinja2Templates(directory=str(TEMPLATE_DIR))


def page(request: Request, context: dict, status: int = 200):
    """index.html with the forms' choices (from the latest ruleset), the values given, and ``context``."""
    from procedures.documents import document_types
    from procedures.tally import procedure_names

    rs = request.app.state.library.latest()
    base = {
        "kinds": list(rs.spec.meeting_kinds.items()),
        "conditions": rs.spec.conditions,
        "procedures": [(p, rs.spec.procedures[p]) for p in procedure_names(rs)],
        "document_types": [(t, rs.spec.subjects.get(t, t)) for t in document_types(rs)],
        "form": dict(request.query_params),
        "max_kib": MAX_UPLOAD_BYTES // 1024,
        "max_rows": MAX_ROWS,
    }
    return TEMPLATES.TemplateResponse(request, "index.html", {**base, **context}, status_code=status)


def add_pages(app: FastAPI) -> None:
    """The page's routes: the forms, and each form's result below them."""
    library = app.state.library

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request):
        return page(request, {})

    @app.get("/timetable", response_class=HTMLResponse, include_in_schema=False)
    def page_timetable(request: Request, kind: str = "", opens: str = "", closes: str = "", opening_time: str = ""):
        req = jobs.ScheduleRequest.parse(jobs.WEB, need=("kind", "opens"), kind=kind, opens=opens, closes=closes, opening_time=opening_time)
        result, _ = jobs.schedule(library, req)
        return page(request, {"timetable": result, "ics_query": request.url.query})

    @app.get("/check", response_class=HTMLResponse, include_in_schema=False)
    def page_check(request: Request, kind: str = "", opens: str = "", received: str = "", purpose: str = "action",
                   opening_time: str = "", chair_admitted: str = "", closes: str = ""):
        req = jobs.CheckRequest.parse(jobs.WEB, kind=kind, opens=opens, received=received, purpose=purpose, opening_time=opening_time,
                                      chair_admitted=bool(chair_admitted), closes=closes)
        return page(request, {"check": jobs.check(library, req)})

    @app.post("/tally", response_class=HTMLResponse, include_in_schema=False)
    async def page_tally(request: Request, procedure: Annotated[str, Form()] = "", circulated: Annotated[str, Form()] = "",
                         electorate_size: Annotated[str, Form()] = "", replies: Annotated[UploadFile | None, File()] = None,
                         requested_by: Annotated[str, Form()] = ""):
        data = await read_upload(replies, "replies")

        def work():
            req = jobs.TallyRequest.parse(jobs.WEB, procedure=procedure, replies=data, circulated=circulated,
                                          electorate_size=electorate_size, requested_by=[requested_by])
            form = {"procedure": procedure, "circulated": circulated, "requested_by": requested_by}
            return page(request, {"tally": jobs.tally(library, req), "form": form})

        return await run_in_threadpool(work)

    @app.get("/document", response_class=HTMLResponse, include_in_schema=False)
    def page_document(request: Request, type: str = "", pages: str = "", previous_pages: str = "", question_total: str = "",
                      chair_consulted: str = ""):
        from procedures.vocabulary import CHAIR_CONSULTED

        req = jobs.DocumentRequest.parse(jobs.WEB, type=type, pages=pages, previous_pages=previous_pages,
                                         question_total=question_total, when=[CHAIR_CONSULTED] if chair_consulted else [])
        return page(request, {"document": jobs.document_check(library, req)})
