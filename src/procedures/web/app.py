"""FastAPI application: a JSON API mirroring the CLI's contracts, and one HTML page.

Every input error is a 4xx whose message names the field; uploads are bounded
in size and rows (LIMITS, documented in docs/web.md). The page works without
JavaScript: its forms submit to server-rendered results. Work on uploads runs
in a worker thread, off the event loop; ``guard.Guard`` adds the security
headers, bounds request bodies and answers any escaped exception.
"""

from __future__ import annotations

import datetime as dt
import io
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from procedures.errors import InputError, ProceduresError
from procedures.inputs import one_line, parse_whole, plain_text, shown
from procedures.tables import ZIP_MAGIC
from procedures.loader import Library, load_library
from procedures.documents import document_types
from procedures.tally import procedure_names
from procedures.vocabulary import CHAIR_ADMITTED, CHAIR_CONSULTED, COMPLEMENTS, NO_MEETING_BEFORE_WTDC

#: Upload bounds: bytes per file and data rows per file.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
#: A request's body: two uploads and their form fields.
MAX_BODY_BYTES = 2 * MAX_UPLOAD_BYTES + 64 * 1024
#: A calendar file's name (the `name` of /api/timetable.ics), in characters.
MAX_NAME_CHARS = 80

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATES = Jinja2Templates(directory=str(TEMPLATE_DIR))


class TooLarge(ProceduresError):
    pass


def _field(value: str | None, name: str) -> str:
    if value is None or not value.strip():
        raise InputError(f"{name} is required")
    return value.strip()


def _date(value: str | None, name: str, required: bool = True) -> dt.date | None:
    from procedures.timestamps import parse_date

    if value is None or not value.strip():
        if required:
            raise InputError(f"{name} is required (YYYY-MM-DD)")
        return None
    return parse_date(value, name)


def _time(value: str | None, name: str) -> dt.time | None:
    from procedures.timestamps import parse_time

    return parse_time(value, name) if value and value.strip() else None


def _json(data: object) -> Response:
    """A large answer as JSON, encoded where it is built (a worker thread, not the event loop); values as the command line writes them."""
    import json

    return Response(json.dumps(data, ensure_ascii=False, default=str), media_type="application/json")


def _date_order(value: str | None) -> str | None:
    """The date_order field: iso (the default), dmy or mdy, as the command line's --date-order."""
    v = (value or "iso").strip().lower()
    if v not in ("iso", "dmy", "mdy"):
        raise InputError(f"date_order '{one_line(v[:20])}' is not iso, dmy or mdy")
    return v


async def _upload_table(upload: UploadFile | None, name: str) -> bytes:
    """An uploaded table as its bytes, bounded: the same files the command line reads (procedures.tables):
    a workbook (.xlsx), or CSV with any delimiter, in UTF-8, UTF-16 or Windows-1252."""
    if upload is None:
        raise InputError(f"{name}: a file is required (a CSV file or an .xlsx workbook)")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge(f"{name}: the file is larger than {MAX_UPLOAD_BYTES // 1024} KiB")
    if not data.startswith(ZIP_MAGIC) and data.count(b"\n") > MAX_ROWS + 1:
        raise TooLarge(f"{name}: more than {MAX_ROWS} rows")
    return data


def create_app(rules: Path | None = None) -> FastAPI:
    app = FastAPI(
        title="procedures",
        summary="Deadlines and votes of ITU-D, computed from Resolution 1 (Rev. Baku, 2025)",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
    )
    library: Library = load_library(rules)
    from procedures.web.guard import Guard

    app.add_middleware(Guard, templates=TEMPLATE_DIR, max_body=MAX_BODY_BYTES)

    @app.exception_handler(ProceduresError)
    async def _procedures_error(request: Request, exc: ProceduresError):
        status = 413 if isinstance(exc, TooLarge) else 400
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": one_line(str(exc))}, status_code=status)
        return _page(request, {"error": one_line(str(exc))}, status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        message = {404: f"{shown(request.url.path)} is not a page or an endpoint of this service; the endpoints are listed at /docs",
                   405: f"{request.method} is not allowed on {shown(request.url.path)}; the endpoints are listed at /docs"}
        return JSONResponse({"error": message.get(exc.status_code, str(exc.detail))}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        problems = one_line("; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in exc.errors()))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": problems}, status_code=422)
        return _page(request, {"error": problems}, 422)

    def _page(request: Request, context: dict, status: int = 200):
        rs = library.latest()
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

    # --- the page --------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request):
        return _page(request, {})

    @app.get("/timetable", response_class=HTMLResponse, include_in_schema=False)
    def page_timetable(request: Request, kind: str = "", opens: str = "", closes: str = "", opening_time: str = ""):
        result = _timetable(kind, opens, closes, opening_time)
        return _page(request, {"timetable": result, "ics_query": request.url.query})

    @app.get("/check", response_class=HTMLResponse, include_in_schema=False)
    def page_check(request: Request, kind: str = "", opens: str = "", received: str = "", purpose: str = "action",
                   opening_time: str = "", chair_admitted: str = "", closes: str = ""):
        result = _check(kind, opens, received, purpose, opening_time, bool(chair_admitted), closes)
        return _page(request, {"check": result})

    @app.post("/tally", response_class=HTMLResponse, include_in_schema=False)
    async def page_tally(request: Request, procedure: Annotated[str, Form()] = "", circulated: Annotated[str, Form()] = "",
                         electorate_size: Annotated[str, Form()] = "", replies: Annotated[UploadFile | None, File()] = None,
                         requested_by: Annotated[str, Form()] = ""):
        text = await _upload_table(replies, "replies")

        def work():
            result = _tally(procedure, text, circulated, electorate_size, False, [requested_by])
            return _page(request, {"tally": result, "form": {"procedure": procedure, "circulated": circulated, "requested_by": requested_by}})

        return await run_in_threadpool(work)

    @app.get("/document", response_class=HTMLResponse, include_in_schema=False)
    def page_document(request: Request, type: str = "", pages: str = "", previous_pages: str = "", question_total: str = "",
                      chair_consulted: str = ""):
        result = _document(type, pages, previous_pages, question_total, [CHAIR_CONSULTED] if chair_consulted else [])
        return _page(request, {"document": result})

    # --- the API -----------------------------------------------------------------------------

    @app.get("/api/timetable", summary="Every deadline of a meeting (as `procedures schedule --format json`)")
    def api_timetable(kind: str = Query(..., description="meeting kind, e.g. study-group"),
                      opens: str = Query("", description="first day, YYYY-MM-DD (or earliest_from)"),
                      closes: str = "", opening_time: str = "",
                      earliest_from: str = Query("", description="instead of opens: the earliest opening for which every 'shall' lead time counted from this date can be met (as `schedule --earliest-from`)")):
        if earliest_from.strip():  # issue 18 item 3
            from procedures.timetable import earliest_opening

            if opens.strip():
                raise InputError("give opens or earliest_from, not both")
            start = _date(earliest_from, "earliest_from")
            return earliest_opening(library.in_force(start), _field(kind, "kind"), start).timetable.as_dict()
        if not opens.strip():
            raise RequestValidationError([{"loc": ("query", "opens"), "msg": "Field required (or earliest_from)", "type": "missing"}])
        return _timetable(kind, opens, closes, opening_time).as_dict()

    @app.get("/api/timetable.ics", summary="The meeting's deadlines as an iCalendar file",
             response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
    def api_timetable_ics(kind: str, opens: str, closes: str = "", opening_time: str = "", name: str = ""):
        from procedures.calfiles import deadline_entry, to_ics

        label = plain_text(name, "name", MAX_NAME_CHARS)
        result = _timetable(kind, opens, closes, opening_time)
        label = label or f"{result.meeting.kind} {result.meeting.opens.isoformat()}"
        body = to_ics([deadline_entry(result.ruleset.id, label, d) for d in result.deadlines], f"{label} — deadlines")
        return Response(body, media_type="text/calendar",
                        headers={"Content-Disposition": f'attachment; filename="deadlines-{result.meeting.kind}-{result.meeting.opens}.ics"'})

    @app.get("/api/check", summary="Is this contribution late? (as `procedures check --format json`)")
    def api_check(kind: str, opens: str, received: str, purpose: str = "action", opening_time: str = "", chair_admitted: bool = False,
                  closes: str = Query("", description="last day, YYYY-MM-DD: TDAG's written proposals are admitted only until its end (§ 11.8)")):
        return _check(kind, opens, received, purpose, opening_time, chair_admitted, closes).as_dict()

    @app.post("/api/check-batch", summary="Check a registry export (CSV upload); one result row per input row")
    async def api_check_batch(file: Annotated[UploadFile | None, File(description="CSV or .xlsx: id, kind, opens, received[, purpose, opening_time, chair_admitted, closes]")] = None,
                              date_order: Annotated[str, Form(description="how to read dates written 05/02/2027: iso (default), dmy or mdy")] = "iso"):
        import json

        from procedures.batch import check_table
        from procedures.tables import open_table

        text = await _upload_table(file, "file")

        def work():
            sink = io.StringIO()
            with open_table(io.BytesIO(text), "file") as table:
                summary = check_table(library, table, lambda: nullcontext(sink), "json", workers=1, date_order=_date_order(date_order))
            counts = {"rows": summary.rows, "errors": summary.errors, "by_status": dict(summary.by_status)}
            # the rows are already JSON text (an array): placed as they are, not parsed and encoded again
            return Response(f'{{"rows": {sink.getvalue().strip() or "[]"}, "summary": {json.dumps(counts)}}}', media_type="application/json")

        return await run_in_threadpool(work)

    @app.get("/api/timeline", summary="A procedure's dates (as `procedures timeline --format json`)")
    def api_timeline(procedure: str, start: str, event: Annotated[list[str], Query()] = []):
        from procedures.timeline import timeline

        from procedures.timestamps import parse_event

        day = _date(start, "start")
        events = dict(parse_event(pair, "event") for pair in event)
        return timeline(library.in_force(day), procedure, day, events).as_dict()

    @app.post("/api/tally", summary="Count replies into an outcome (as `procedures tally --format json`)")
    async def api_tally(procedure: Annotated[str, Form()], replies: Annotated[UploadFile | None, File()] = None,
                        circulated: Annotated[str, Form()] = "", electorate_size: Annotated[str, Form()] = "",
                        no_meeting_before_wtdc: Annotated[bool, Form()] = False,
                        requested_by: Annotated[list[str] | None, Form()] = None,
                        date_order: Annotated[str, Form(description="how to read dates written 05/02/2027: iso (default), dmy or mdy")] = "iso"):
        text = await _upload_table(replies, "replies")
        return await run_in_threadpool(lambda: _json(_tally(procedure, text, circulated, electorate_size, no_meeting_before_wtdc, requested_by,
                                                            _date_order(date_order)).as_dict()))

    @app.get("/api/document-check", summary="A document's length against its page limits (as `procedures document check --format json`)")
    def api_document_check(type: str = Query(..., description="contribution, output-report or revised-report"),
                           pages: str = Query(..., description="pages, annexes and appendices excluded"),
                           previous_pages: str = "", question_total: str = "",
                           when: Annotated[list[str], Query(description="an exception's circumstance, e.g. chair-consulted")] = []):
        return _document(type, pages, previous_pages, question_total, when).as_dict()

    @app.get("/api/revision-check", summary="Is a revision of a Recommendation too soon? (as `procedures recommendation check-revision --format json`)")
    def api_revision_check(approved: str, proposed: str, complements: bool = False):
        from procedures.limits import check_revision

        flags = frozenset({COMPLEMENTS} if complements else set())
        return check_revision(library, _date(approved, "approved"), _date(proposed, "proposed"), flags).as_dict()

    @app.post("/api/appointments-check", summary="A study group's appointments and attendance (as `procedures appointments check --format json`)")
    async def api_appointments_check(appointments: Annotated[UploadFile | None, File(description="CSV: person, nominated_by, role, study_group[, question, regional_organization]")] = None,
                                     attendance: Annotated[UploadFile | None, File(description="optional CSV: person, meeting, attended[, date]")] = None):
        from procedures.appointments import check_appointments, read_appointments, read_attendance

        rs = library.latest()
        posts_text = await _upload_table(appointments, "appointments")
        text = await _upload_table(attendance, "attendance") if attendance is not None and attendance.filename else None

        def work():
            posts = read_appointments(rs, io.BytesIO(posts_text), "appointments")
            present = None if text is None else read_attendance(io.BytesIO(text), "attendance", {a.key for a in posts.rows})
            return _json(check_appointments(rs, posts, present).as_dict())

        return await run_in_threadpool(work)

    @app.get("/api/rules", summary="Every rule: id, kind, paragraph, modality, summary")
    def api_rules():
        from procedures.rulesdoc import rule_rows

        return [row for rs in library.rulesets for row in rule_rows(rs)]

    @app.get("/api/rules/{rule_id}", summary="One rule, with its parameters in plain words")
    def api_rule(rule_id: str):
        from procedures.rulesdoc import parameters, relative_file

        for rs in library.rulesets:
            if rule_id in rs.rules:
                rule = rs.rules[rule_id]
                return {"ruleset": rs.id, "file": relative_file(rs, rule_id), "parameters": parameters(rs, rule),
                        "rule": rule.model_dump(mode="json", exclude_none=True)}
        return JSONResponse({"error": f"no rule '{shown(rule_id)}'; the rules are listed at /api/rules"}, status_code=404)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request):
        from procedures.web.apidocs import endpoints

        spec = app.openapi()
        return TEMPLATES.TemplateResponse(request, "api.html", {"endpoints": endpoints(spec), "openapi_version": spec["openapi"]})

    @app.get("/api/calendar", summary="Days ITU headquarters is closed in a year")
    def api_calendar(year: int = Query(..., ge=1, le=9999)):
        rs = library.latest()
        cal = rs.calendar
        return {"calendar": cal.name, "year": year, "provisional": cal.is_provisional(year),
                "closed_days": [{"date": c.date.isoformat(), "name": c.name, "source": c.source} for c in cal.closed_days(year)]}

    # --- shared evaluation -----------------------------------------------------------------------

    def _timetable(kind, opens, closes, opening_time):
        from procedures.timetable import Meeting, timetable

        meeting = Meeting(_field(kind, "kind"), _date(opens, "opens"), _date(closes, "closes", False), _time(opening_time, "opening_time"))
        return timetable(library.in_force(meeting.opens), meeting)

    def _check(kind, opens, received, purpose, opening_time, chair_admitted, closes=""):
        from procedures.contributions import Meeting, check
        from procedures.timestamps import parse_received

        meeting = Meeting(_field(kind, "kind"), _date(opens, "opens"), (purpose or "action").strip(), _time(opening_time, "opening_time"),
                          _date(closes, "closes", False))
        rs = library.in_force(meeting.opens)
        got = parse_received(_field(received, "received"), rs.head.time_zone, "received")
        return check(rs, meeting, got, frozenset({CHAIR_ADMITTED}) if chair_admitted else frozenset())

    def _document(doc_type, pages, previous_pages, question_total, when):
        from procedures.documents import FIELDS, check_document, inputs_from

        given = {"pages": _field(pages, "pages"), "previous_pages": previous_pages, "question_total": question_total}
        counts = {k: parse_whole(v, k) if v and v.strip() else None for k, v in given.items()}
        inputs = inputs_from(counts["pages"], counts["previous_pages"], counts["question_total"], FIELDS)
        return check_document(library.latest(), _field(doc_type, "type"), inputs, frozenset(when), FIELDS)

    def _tally(procedure, text, circulated, electorate_size, no_meeting_before_wtdc, requested_by=None, date_order=None):
        from procedures.replies import names_list, replies_from, tally_replies

        start = _date(circulated, "circulated", False)
        size = parse_whole(electorate_size, "electorate_size") if electorate_size and electorate_size.strip() else None
        flags = frozenset({NO_MEETING_BEFORE_WTDC} if no_meeting_before_wtdc else set())
        return tally_replies(library, _field(procedure, "procedure"), replies_from(io.BytesIO(text), "replies", date_order=date_order), start, size, flags,
                             names_list(requested_by, "requested_by"))

    return app

