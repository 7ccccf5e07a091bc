"""The HTTP API: one group of routes per job, each parsing its query or form into the job's request
(procedures.jobs) and answering the job's document (procedures.results), as the command line's
``--format json`` prints it. ``response_model`` gives /openapi.json each answer's schema; the answers
are encoded where they are built (``json_answer``), in a worker thread.
"""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import FastAPI, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from procedures import jobs, results
from procedures.inputs import plain_text, shown
from procedures.web.uploads import MAX_NAME_CHARS, given, json_answer, read_upload

PLAN = "the plan (TOML), as docs/plan-format.md describes it"
TODAY = "the day to count days left from, YYYY-MM-DD (default: today in Geneva)"
DATE_ORDER = "how to read dates written 05/02/2027: iso (default), dmy or mdy"
SHEET = "the sheet of an .xlsx workbook to read, by name (default: its first sheet; a CSV file takes none)"


def _answer(app: FastAPI, job: str, result, req: jobs.Request | None = None) -> Response:
    return json_answer(jobs.document(job, result, app.state.library, req))


def add_api(app: FastAPI) -> None:
    for group in (_timetable, _check, _check_batch, _timeline, _tally, _plan, _limits, _appointments, _rules, _calendar):
        group(app)


def _timetable(app: FastAPI) -> None:
    library = app.state.library

    def request(kind, opens, closes, opening_time, today="", earliest_from="", event=()) -> jobs.ScheduleRequest:
        need = ("kind", "earliest_from") if earliest_from.strip() else ("kind", "opens")
        return jobs.ScheduleRequest.parse(jobs.WEB, need=need, kind=kind, opens=opens, closes=closes, opening_time=opening_time,
                                          today=today, earliest_from=earliest_from, event=list(event))

    @app.get("/api/timetable", summary="Every deadline of a meeting (as `procedures schedule --format json`)", response_model=results.ScheduleResult)
    def api_timetable(kind: str = Query(..., description="meeting kind, e.g. study-group"),
                      opens: str = Query("", description="first day, YYYY-MM-DD (or earliest_from)"),
                      closes: str = "", opening_time: str = "", today: str = Query("", description=TODAY),
                      earliest_from: str = Query("", description="instead of opens: the earliest opening for which every 'shall' lead "
                                                 "time counted from this date can be met (as `schedule --earliest-from`)"),
                      event: Annotated[list[str], Query(description="the date of another event the rules hang on, NAME=DATE "
                                                        "(repeatable; as `schedule --event`)")] = []):
        if not opens.strip() and not earliest_from.strip():
            from fastapi.exceptions import RequestValidationError

            raise RequestValidationError([{"loc": ("query", "opens"), "msg": "Field required (or earliest_from)", "type": "missing"}])
        req = request(kind, opens, closes, opening_time, today, earliest_from, event)
        result, _ = jobs.schedule(library, req)
        return _answer(app, "schedule", result, req)

    @app.get("/api/timetable.ics", summary="The meeting's deadlines as an iCalendar file",
             response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
    def api_timetable_ics(kind: str, opens: str, closes: str = "", opening_time: str = "", name: str = ""):
        from procedures.calfiles import deadline_entry, to_ics

        label = plain_text(name, "name", MAX_NAME_CHARS)
        result, _ = jobs.schedule(library, request(kind, opens, closes, opening_time))
        m = result.meeting
        label = label or f"{m.kind} {m.opens.isoformat()}"
        body = to_ics([deadline_entry(result.ruleset.id, label, d) for d in result.deadlines], f"{label} — deadlines")
        return Response(body, media_type="text/calendar",
                        headers={"Content-Disposition": f'attachment; filename="deadlines-{m.kind}-{m.opens}.ics"'})


def _check(app: FastAPI) -> None:
    @app.get("/api/check", summary="Is this contribution late? (as `procedures check --format json`)", response_model=results.CheckResult)
    def api_check(kind: str, opens: str, received: str, purpose: str = "action", opening_time: str = "", chair_admitted: bool = False,
                  closes: str = Query("", description="last day, YYYY-MM-DD: TDAG's written proposals are admitted only until its end (§ 11.8)")):
        req = jobs.CheckRequest.parse(jobs.WEB, kind=kind, opens=opens, received=received, purpose=purpose, opening_time=opening_time,
                                      chair_admitted=chair_admitted, closes=closes)
        return _answer(app, "check", jobs.check(app.state.library, req))


def _check_batch(app: FastAPI) -> None:
    @app.post("/api/check-batch", summary="Check a registry export (CSV upload); one result row per input row "
              "(the rows of `procedures check-batch --format json`, and the summary)", response_model=results.BatchResult)
    async def api_check_batch(file: Annotated[UploadFile | None, File(description="CSV or .xlsx: id, kind, opens, received[, purpose, opening_time, chair_admitted, closes]")] = None,
                              date_order: Annotated[str, Form(description=DATE_ORDER)] = "iso",
                              sheet: Annotated[str, Form(description=SHEET)] = ""):
        data = await read_upload(file, "file")

        def work():
            req = jobs.BatchRequest.parse(jobs.WEB, file=data, fmt="json", date_order=date_order, sheet=sheet)
            sink = io.StringIO()
            summary = jobs.check_batch(app.state.library, req, sink)
            return Response(jobs.batch_document(summary, sink.getvalue(), app.state.library), media_type="application/json")

        return await run_in_threadpool(work)


def _timeline(app: FastAPI) -> None:
    @app.get("/api/timeline", summary="A procedure's dates (as `procedures timeline --format json`)", response_model=results.TimelineResult)
    def api_timeline(procedure: str, start: str, event: Annotated[list[str], Query()] = [], today: str = Query("", description=TODAY)):
        req = jobs.TimelineRequest.parse(jobs.WEB, need=("start",), procedure=procedure, start=start, event=event, today=today)
        return _answer(app, "timeline", jobs.timeline(app.state.library, req), req)


def _tally(app: FastAPI) -> None:
    @app.post("/api/tally", summary="Count replies into an outcome (as `procedures tally --format json`)", response_model=results.TallyResult)
    async def api_tally(procedure: Annotated[str, Form()], replies: Annotated[UploadFile | None, File()] = None,
                        circulated: Annotated[str, Form()] = "", electorate_size: Annotated[str, Form()] = "",
                        no_meeting_before_wtdc: Annotated[bool, Form()] = False,
                        requested_by: Annotated[list[str] | None, Form()] = None,
                        date_order: Annotated[str, Form(description=DATE_ORDER)] = "iso",
                        sheet: Annotated[str, Form(description=SHEET)] = ""):
        data = await read_upload(replies, "replies")

        def work():
            req = jobs.TallyRequest.parse(jobs.WEB, procedure=procedure, replies=data, circulated=circulated, electorate_size=electorate_size,
                                          no_meeting_before_wtdc=no_meeting_before_wtdc, requested_by=requested_by, date_order=date_order,
                                          sheet=sheet)
            return _answer(app, "tally", jobs.tally(app.state.library, req))

        return await run_in_threadpool(work)


def _plan(app: FastAPI) -> None:
    @app.post("/api/plan-check", summary="Check a study period's plan (as `procedures plan check --format json`)", response_model=results.AuditResult)
    async def api_plan_check(plan: Annotated[UploadFile | None, File(description=PLAN)] = None):
        data = await read_upload(plan, "plan", "a plan file (TOML)")
        req = jobs.PlanRequest.parse(jobs.WEB, plan=data)
        return await run_in_threadpool(lambda: _answer(app, "plan-check", jobs.plan_check(app.state.library, req)))

    @app.post("/api/plan-agenda", summary="A plan's deadlines in date order (as `procedures plan agenda --format json`)", response_model=results.AgendaResult)
    async def api_plan_agenda(plan: Annotated[UploadFile | None, File(description=PLAN)] = None,
                              start: Annotated[str, Form(alias="from", description="first date to list, YYYY-MM-DD")] = "",
                              end: Annotated[str, Form(alias="to", description="last date to list, YYYY-MM-DD")] = "",
                              today: Annotated[str, Form(description=TODAY)] = ""):
        data = await read_upload(plan, "plan", "a plan file (TOML)")
        req = jobs.AgendaRequest.parse(jobs.WEB, plan=data, start=start, end=end, today=today)
        return await run_in_threadpool(lambda: _answer(app, "plan-agenda", jobs.plan_agenda(app.state.library, req), req))

    @app.post("/api/plan-agenda.ics", summary="A plan's deadlines as an iCalendar file (as `procedures plan agenda --format ics`)",
              response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
    async def api_plan_agenda_ics(plan: Annotated[UploadFile | None, File(description=PLAN)] = None,
                                  start: Annotated[str, Form(alias="from", description="first date to list, YYYY-MM-DD")] = "",
                                  end: Annotated[str, Form(alias="to", description="last date to list, YYYY-MM-DD")] = ""):
        data = await read_upload(plan, "plan", "a plan file (TOML)")
        req = jobs.AgendaRequest.parse(jobs.WEB, plan=data, start=start, end=end)
        return await run_in_threadpool(lambda: agenda_calendar(jobs.plan_agenda(app.state.library, req)))


def agenda_calendar(result: jobs.AgendaSpan) -> Response:
    """A plan's agenda as a calendar file to download, as `procedures plan agenda --format ics` writes it."""
    import re

    from procedures.calfiles import deadline_entry, to_ics

    body = to_ics([deadline_entry(result.ruleset.id, i.meeting, i.deadline, i.done) for i in result.items],
                  f"ITU-D {result.study_period} — deadlines")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", result.study_period).strip("-.") or "plan"
    return Response(body, media_type="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="deadlines-{stem}.ics"'})


def _limits(app: FastAPI) -> None:
    library = app.state.library

    @app.get("/api/limit", summary="A number against a limit or role rule (as `procedures limit --format json`)", response_model=results.LimitResult)
    def api_limit(rule_id: str = Query(..., description="a limit or role rule's id, as /api/rules lists them"),
                  value: str = Query(..., description="the number to check: pages, posts, Questions, years, absences"),
                  when: Annotated[list[str], Query(description="an exception's circumstance, e.g. chair-consulted")] = []):
        req = jobs.LimitRequest.parse(jobs.WEB, rule_id=rule_id, value=value, when=when)
        return _answer(app, "limit", jobs.limit(library, req))

    @app.get("/api/document-check", summary="A document's length against its page limits (as `procedures document check --format json`)",
             response_model=results.DocumentResult)
    def api_document_check(type: str = Query(..., description="contribution, output-report or revised-report"),
                           pages: str = Query(..., description="pages, annexes and appendices excluded"),
                           previous_pages: str = "", question_total: str = "",
                           when: Annotated[list[str], Query(description="an exception's circumstance, e.g. chair-consulted")] = []):
        req = jobs.DocumentRequest.parse(jobs.WEB, type=type, pages=pages, previous_pages=previous_pages, question_total=question_total, when=when)
        return _answer(app, "document-check", jobs.document_check(library, req))

    @app.get("/api/revision-check", summary="Is a revision of a Recommendation too soon? (as `procedures recommendation check-revision --format json`)",
             response_model=results.RevisionResult)
    def api_revision_check(approved: str, proposed: str, complements: bool = False):
        req = jobs.RevisionRequest.parse(jobs.WEB, approved=approved, proposed=proposed, complements=complements)
        return _answer(app, "check-revision", jobs.check_revision(library, req))


def _appointments(app: FastAPI) -> None:
    @app.post("/api/appointments-check", summary="A study group's appointments and attendance (as `procedures appointments check --format json`)",
              response_model=results.AppointmentsResult)
    async def api_appointments_check(appointments: Annotated[UploadFile | None, File(description="CSV: person, nominated_by, role, study_group[, question, regional_organization]")] = None,
                                     attendance: Annotated[UploadFile | None, File(description="optional CSV: person, meeting, attended[, date]")] = None,
                                     date_order: Annotated[str, Form(description=DATE_ORDER)] = "iso",
                                     sheet: Annotated[str, Form(description=SHEET + " (appointments)")] = "",
                                     attendance_sheet: Annotated[str, Form(description=SHEET + " (attendance)")] = ""):
        posts = await read_upload(appointments, "appointments")
        present = await read_upload(attendance, "attendance") if given(attendance) else None

        def work():
            req = jobs.AppointmentsRequest.parse(jobs.WEB, appointments=posts, attendance=present, date_order=date_order, sheet=sheet,
                                                 attendance_sheet=attendance_sheet)
            return _answer(app, "appointments-check", jobs.appointments_check(app.state.library, req))

        return await run_in_threadpool(work)


def _rules(app: FastAPI) -> None:
    library = app.state.library

    @app.get("/api/rules", summary="Every rule: id, kind, paragraph, modality, summary (as `procedures rules list --format json`)",
             response_model=results.RulesListResult)
    def api_rules(applies_to: str = Query("", description="only the rules that apply to this meeting kind or procedure")):
        found = jobs.rules_list(library, jobs.RulesListRequest.parse(jobs.WEB, applies_to=applies_to))
        return _answer(app, "rules-list", found)

    @app.get("/api/rules/{rule_id}", summary="One rule, with its parameters in plain words (as `procedures rules show --format json`)",
             response_model=results.RuleShowResult, responses={404: {"description": "no rule of that id"}})
    def api_rule(rule_id: str):
        try:
            found, _, _ = jobs.rules_show(library, jobs.RuleShowRequest.parse(jobs.WEB, rule_id=rule_id))
        except jobs.UnknownRule:
            return JSONResponse({"error": f"no rule '{shown(rule_id)}'; the rules are listed at /api/rules"}, status_code=404)
        return _answer(app, "rules-show", found)


def _calendar(app: FastAPI) -> None:
    @app.get("/api/calendar", summary="Days ITU headquarters is closed in a year (as `procedures calendar --format json`)", response_model=results.CalendarResult)
    def api_calendar(year: str = Query(..., description="the year, 1 to 9999")):
        return _answer(app, "calendar", jobs.calendar(app.state.library, jobs.CalendarRequest.parse(jobs.WEB, year=year)))
