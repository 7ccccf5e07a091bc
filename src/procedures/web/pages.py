"""The page: one server-rendered form per job, without JavaScript; each result through procedures.jobs.

A result is shown first, above the forms (``#result``: the forms post to it), so
that on a phone the answer is what the reader sees after submitting.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from procedures import jobs
from procedures.errors import InputError
from procedures.web.forms import COMMON_ZONES, day_element, in_words, received_text
from procedures.web.uploads import MAX_NAME_CHARS, MAX_ROWS, MAX_UPLOAD_BYTES, given, read_upload
from procedures.web.wording import page_words

TEMPLATE_DIR = Path(__file__).parent / "templates"
from procedures.output import count  # noqa: E402

TEMPLATES = Jinja2Templates(directory=str(TEMPLATE_DIR))
TEMPLATES.env.filters["day"] = day_element
TEMPLATES.env.filters["in_words"] = in_words
TEMPLATES.env.filters["page_words"] = page_words  # the engine's options as the forms' fields


def _day_note(rs, deadline) -> str:
    from procedures.timetable import day_note

    return day_note(rs, deadline)


TEMPLATES.env.globals["day_note"] = _day_note
TEMPLATES.env.globals["count"] = count  # "1 breach", "3 breaches"  # "Saturday; act by Fri 2026-05-08", as the command line's column

def page(request: Request, context: dict, status: int = 200):
    """index.html with the forms' choices (from the latest ruleset), the values given, and ``context``."""
    from procedures.documents import document_types
    from procedures.tally import procedure_names
    from procedures.timeline import timeline_procedures

    rs = request.app.state.library.latest()
    base = {
        "kinds": list(rs.spec.meeting_kinds.items()),
        "conditions": rs.spec.conditions,
        "procedures": [(p, rs.spec.procedures[p]) for p in procedure_names(rs)],
        "document_types": [(t, rs.spec.subjects.get(t, t)) for t in document_types(rs)],
        "home_zone": rs.head.time_zone,
        "timeline_procedures": [(p, rs.spec.procedures[p]) for p in timeline_procedures(rs)],
        "events": [(e, d.summary) for e, d in rs.spec.events.items()],
        "limit_rules": [(r.id, r.cite.label(), r.summary) for r in limit_rules(rs)],
        "zones": [z for z in COMMON_ZONES if z != rs.head.time_zone],
        "form": dict(request.query_params),
        "max_kib": MAX_UPLOAD_BYTES // 1024,
        "max_rows": MAX_ROWS,
    }
    return TEMPLATES.TemplateResponse(request, "index.html", {**base, **context}, status_code=status)


def add_pages(app: FastAPI) -> None:
    """The page's routes: the forms, and each form's result above them."""
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request):
        return page(request, {})

    for group in (_meetings, _limits, _uploads, _plans, _procedures, _batch, _reference):
        group(app)


def _meetings(app: FastAPI) -> None:
    library = app.state.library

    @app.get("/timetable", response_class=HTMLResponse, include_in_schema=False)
    def page_timetable(request: Request, kind: str = "", opens: str = "", closes: str = "", opening_time: str = "", name: str = "",
                       earliest_from: str = ""):
        from procedures.inputs import plain_text

        label = plain_text(name, "name", MAX_NAME_CHARS)
        if earliest_from.strip() and opens.strip():
            raise InputError("give the first day or the date to count the earliest opening from, not both; clear one of them")
        need = ("kind", "earliest_from") if earliest_from.strip() else ("kind", "opens")
        req = jobs.ScheduleRequest.parse(jobs.WEB, need=need, kind=kind, opens=opens, closes=closes, opening_time=opening_time,
                                         earliest_from=earliest_from)
        result, earliest = jobs.schedule(library, req)  # with earliest_from, the sentence that says how the opening was found
        opens = result.meeting.opens.isoformat()
        query = {k: v for k, v in (("kind", kind), ("opens", opens), ("closes", closes), ("opening_time", opening_time), ("name", label)) if v.strip()}
        return page(request, {"timetable": result, "meeting_name": label, "ics_query": urllib.parse.urlencode(query),
                              "earliest": earliest if earliest_from.strip() else None})

    @app.get("/check", response_class=HTMLResponse, include_in_schema=False)
    def page_check(request: Request, kind: str = "", opens: str = "", received: str = "", purpose: str = "action",
                   opening_time: str = "", chair_admitted: str = "", closes: str = "",
                   received_date: str = "", received_time: str = "", received_zone: str = ""):
        home = library.latest().head.time_zone
        when = received_text(received, received_date, received_time, received_zone, home)
        req = jobs.CheckRequest.parse(jobs.WEB, kind=kind, opens=opens, received=when, purpose=purpose, opening_time=opening_time,
                                      chair_admitted=bool(chair_admitted), closes=closes)
        return page(request, {"check": jobs.check(library, req), "received_as": when})


def _limits(app: FastAPI) -> None:
    library = app.state.library

    @app.get("/document", response_class=HTMLResponse, include_in_schema=False)
    def page_document(request: Request, type: str = "", pages: str = "", previous_pages: str = "", question_total: str = "",
                      chair_consulted: str = ""):
        from procedures.vocabulary import CHAIR_CONSULTED

        req = jobs.DocumentRequest.parse(jobs.WEB, type=type, pages=pages, previous_pages=previous_pages,
                                         question_total=question_total, when=[CHAIR_CONSULTED] if chair_consulted else [])
        return page(request, {"document": jobs.document_check(library, req)})

    @app.get("/revision", response_class=HTMLResponse, include_in_schema=False)
    def page_revision(request: Request, approved: str = "", proposed: str = "", complements: str = ""):
        req = jobs.RevisionRequest.parse(jobs.WEB, need=("approved", "proposed"), approved=approved, proposed=proposed,
                                         complements=bool(complements))
        return page(request, {"revision": jobs.check_revision(library, req)})


def _uploads(app: FastAPI) -> None:
    library = app.state.library

    @app.post("/tally", response_class=HTMLResponse, include_in_schema=False)
    async def page_tally(request: Request, procedure: Annotated[str, Form()] = "", circulated: Annotated[str, Form()] = "",
                         electorate_size: Annotated[str, Form()] = "", replies: Annotated[UploadFile | None, File()] = None,
                         requested_by: Annotated[str, Form()] = "", sheet: Annotated[str, Form()] = ""):
        data = await read_upload(replies, "replies")

        def work():
            req = jobs.TallyRequest.parse(jobs.WEB, procedure=procedure, replies=data, circulated=circulated,
                                          electorate_size=electorate_size, requested_by=[requested_by], sheet=sheet)
            form = {"procedure": procedure, "circulated": circulated, "requested_by": requested_by, "tl_sheet": sheet}
            return page(request, {"tally": jobs.tally(library, req), "form": form})

        return await run_in_threadpool(work)

    @app.post("/appointments", response_class=HTMLResponse, include_in_schema=False)
    async def page_appointments(request: Request, appointments: Annotated[UploadFile | None, File()] = None,
                                attendance: Annotated[UploadFile | None, File()] = None,
                                date_order: Annotated[str, Form()] = "iso", sheet: Annotated[str, Form()] = "",
                                attendance_sheet: Annotated[str, Form()] = ""):
        from procedures.appointments import SECTIONS

        posts = await read_upload(appointments, "appointments")
        present = await read_upload(attendance, "attendance") if given(attendance) else None

        def work():
            req = jobs.AppointmentsRequest.parse(jobs.WEB, appointments=posts, attendance=present, date_order=date_order, sheet=sheet,
                                                 attendance_sheet=attendance_sheet)
            result = jobs.appointments_check(library, req)
            sections = [(title, result.per(*per)) for title, per in SECTIONS.values()]
            form = {"ap_date_order": date_order, "ap_sheet": sheet, "ap_attendance_sheet": attendance_sheet}  # this form's own
            return page(request, {"appointments": result, "sections": sections, "form": form})

        return await run_in_threadpool(work)


async def plan_bytes(plan: UploadFile | None, text: str) -> bytes:
    """The plan uploaded, or the plan's text sent back by the result's download form."""
    from procedures.web.uploads import TooLarge

    if given(plan) or not text:
        return await read_upload(plan, "plan", "a plan file (TOML)")
    data = text.encode("utf-8")
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge(f"plan: the file is larger than {MAX_UPLOAD_BYTES // 1024} KiB")
    return data


def _plans(app: FastAPI) -> None:
    library = app.state.library

    @app.post("/plan", response_class=HTMLResponse, include_in_schema=False)
    async def page_plan(request: Request, plan: Annotated[UploadFile | None, File()] = None,
                        start: Annotated[str, Form(alias="from")] = "", end: Annotated[str, Form(alias="to")] = ""):
        data = await plan_bytes(plan, "")

        def work():
            agenda = jobs.plan_agenda(library, jobs.AgendaRequest.parse(jobs.WEB, plan=data, start=start, end=end))
            audit = jobs.plan_check(library, jobs.PlanRequest.parse(jobs.WEB, plan=data))
            return page(request, {"audit": audit, "agenda": agenda, "plan_text": data.decode("utf-8-sig"),
                                  "form": {"from": start, "to": end}})

        return await run_in_threadpool(work)

    @app.post("/plan.ics", include_in_schema=False)
    async def page_plan_ics(plan: Annotated[UploadFile | None, File()] = None, plan_text: Annotated[str, Form()] = "",
                            start: Annotated[str, Form(alias="from")] = "", end: Annotated[str, Form(alias="to")] = ""):
        from procedures.web.api import agenda_calendar

        data = await plan_bytes(plan, plan_text)
        req = jobs.AgendaRequest.parse(jobs.WEB, plan=data, start=start, end=end)
        return await run_in_threadpool(lambda: agenda_calendar(jobs.plan_agenda(library, req)))


#: The rows of a registry shown on the page; the CSV to download has them all.
SHOWN_ROWS = 500


def limit_rules(rs) -> list:
    """The rules `procedures limit` checks a number against (intervals between dates are the revision form's)."""
    from procedures.models import LimitRule, RoleRule

    return rs.of_kind(LimitRule) + rs.of_kind(RoleRule)


def _procedures(app: FastAPI) -> None:
    library = app.state.library

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    def page_timeline(request: Request, procedure: str = "", start: str = "", event_name: str = "", event_date: str = ""):
        from procedures.errors import InputError

        if bool(event_name.strip()) != bool(event_date.strip()):
            raise InputError("event: give both the later event and its date, or neither")
        event = [f"{event_name.strip()}={event_date.strip()}"] if event_name.strip() else []
        req = jobs.TimelineRequest.parse(jobs.WEB, need=("procedure", "start"), procedure=procedure, start=start, event=event)
        result = jobs.timeline(library, req)
        return page(request, {"timeline": result, "procedure_text": result.ruleset.spec.procedures[result.procedure]})


def _batch(app: FastAPI) -> None:
    library = app.state.library

    def run(data: bytes, date_order: str, sheet: str, fmt: str):
        import io

        sink = io.StringIO()
        summary = jobs.check_batch(library, jobs.BatchRequest.parse(jobs.WEB, file=data, fmt=fmt, date_order=date_order, sheet=sheet), sink)
        return summary, sink.getvalue()

    @app.post("/check-batch", response_class=HTMLResponse, include_in_schema=False)
    async def page_check_batch(request: Request, file: Annotated[UploadFile | None, File()] = None,
                               date_order: Annotated[str, Form()] = "iso", sheet: Annotated[str, Form()] = ""):
        import json

        data = await read_upload(file, "file")

        def work():
            summary, text = run(data, date_order, sheet, "json")
            rows = json.loads(text or "[]")
            return page(request, {"batch": summary, "batch_rows": rows[:SHOWN_ROWS], "form": {"cb_date_order": date_order, "cb_sheet": sheet}})

        return await run_in_threadpool(work)

    @app.post("/check-batch.csv", include_in_schema=False)
    async def page_check_batch_csv(file: Annotated[UploadFile | None, File()] = None, date_order: Annotated[str, Form()] = "iso",
                                   sheet: Annotated[str, Form()] = ""):
        from fastapi.responses import Response

        data = await read_upload(file, "file")

        def work():
            _, text = run(data, date_order, sheet, "csv")
            return Response(text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="results.csv"'})

        return await run_in_threadpool(work)


def _reference(app: FastAPI) -> None:
    library = app.state.library

    @app.get("/limit", response_class=HTMLResponse, include_in_schema=False)
    def page_limit(request: Request, rule_id: str = "", value: str = "", when: str = ""):
        circumstances = [w.strip() for w in when.split(";") if w.strip()]
        req = jobs.LimitRequest.parse(jobs.WEB, need=("rule_id", "value"), rule_id=rule_id, value=value, when=circumstances)
        return page(request, {"limit": jobs.limit(library, req)})

    @app.get("/calendar", response_class=HTMLResponse, include_in_schema=False)
    def page_calendar(request: Request, year: str = ""):
        req = jobs.CalendarRequest.parse(jobs.WEB, need=("year",), year=year)
        return page(request, {"calendar": jobs.calendar(library, req)})

    @app.get("/rules", response_class=HTMLResponse, include_in_schema=False)
    def page_rules(request: Request, applies_to: str = ""):
        found = jobs.rules_list(library, jobs.RulesListRequest.parse(jobs.WEB, applies_to=applies_to))
        return page(request, {"rules": found["list"], "rules_for": applies_to.strip()})
