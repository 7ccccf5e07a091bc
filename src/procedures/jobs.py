"""The jobs the front ends offer: one request model per job, and the one function that runs it.

The command line parses its options into a request, the web its query or form
(``Request.parse``); both call the same function here, and print the result's
document through ``document`` (checked against procedures.results). A value
given as text is read by the library's own parsers (dates, times, whole
numbers, NAME=DATE pairs), and every error is one line that names the value
as the front end calls it: ``--opens`` on the command line, ``opens`` on the
web (``Request.name``).

Tables and plans are given as a path (the command line) or as the uploaded
bytes (the web); a path's messages name the file, bytes' name the field.
"""

from __future__ import annotations

import datetime as dt
import io
from fractions import Fraction
from pathlib import Path
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, PrivateAttr, ValidationError, ValidationInfo

from procedures.errors import InputError
from procedures.inputs import one_line
from procedures.plainread import read as read_plainly

CLI, WEB = "cli", "web"


class Request(BaseModel):
    """What a front end asks for; its fields are the options of the command and the fields of the API."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, defer_build=True)  # built when a job is first asked for
    #: A field's option on the command line, where it is not --field-name ...
    OPTIONS: ClassVar[dict[str, str]] = {}
    #: ... and its name on the web, where it is not the field's own.
    FIELDS: ClassVar[dict[str, str]] = {}
    _front: str = PrivateAttr(CLI)

    @classmethod
    def label(cls, field: str, front: str) -> str:
        if front == WEB:
            return cls.FIELDS.get(field, field)
        return cls.OPTIONS.get(field, "--" + field.replace("_", "-"))

    def name(self, field: str) -> str:
        """The field as this request's front end calls it, for a message."""
        return self.label(field, self._front)

    @classmethod
    def parse(cls, front: str, need: tuple[str, ...] = (), **given: Any):
        """The request from what a front end was given: None, blank text and empty lists leave the default."""
        if front == CLI:  # an option given empty is a mistake, not the default (a form's empty field is the default)
            for k, v in given.items():
                if isinstance(v, str) and not v.strip():
                    raise InputError(f"{cls.label(k, front)} is empty; give a value or leave the option out")
        values = {k: v for k, v in given.items() if not _blank(v)}
        for name in need:
            if name not in values:
                raise InputError(f"{cls.label(name, front)} is required")
        context = {"front": front, "model": cls}
        request = read_plainly(cls, values, context)  # without building pydantic's validator, where that is the same
        if request is None:
            try:
                request = cls.model_validate(values, context=context)
            except ValidationError as exc:
                raise InputError(problems(exc, lambda field: cls.label(field, front))) from None
        request._front = front
        return request


#: Each job's request model and the module of procedures.requests that makes it: a class is made when it is
#: first asked for (``jobs.CheckRequest``, ``from procedures.jobs import CheckRequest``), so that a command makes
#: its own alone (pydantic collects a model's fields when its class is made; issue 17: start-up).
REQUESTS = {
    "ScheduleRequest": "schedule", "CheckRequest": "check", "BatchRequest": "batch", "TimelineRequest": "timeline",
    "TallyRequest": "tally", "PlanRequest": "plan", "AgendaRequest": "plan", "LimitRequest": "limit",
    "DocumentRequest": "document", "RevisionRequest": "revision", "AppointmentsRequest": "appointments",
    "CalendarRequest": "calendar", "RulesListRequest": "rules", "RuleShowRequest": "rules",
}


def __getattr__(name: str):
    """A job's request model (REQUESTS), made when first asked for."""
    if name not in REQUESTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    model = getattr(import_module(f"procedures.requests.{REQUESTS[name]}"), name)
    globals()[name] = model
    return model


def __dir__() -> list[str]:
    return sorted({*globals(), *REQUESTS})


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, (list, tuple)) and not value)


def problems(exc: ValidationError, label) -> str:
    """pydantic's errors as one line: each value as the front end names it, and what is wrong."""
    parts = []
    for e in exc.errors():
        field = label(str(e["loc"][0])) if e["loc"] else "request"
        parts.append(f"{field} is required" if e["type"] == "missing" else f"{field}: {e['msg']}")
    return one_line("; ".join(parts))


def _label(info: ValidationInfo) -> str:
    context = info.context or {}
    model = context.get("model", Request)
    return model.label(info.field_name, context.get("front", WEB))


def _read(parse):
    """A validator that reads text with ``parse(text, label)`` and keeps a value already read."""

    def read(value, info: ValidationInfo):
        return parse(value, _label(info)) if isinstance(value, str) else value

    return BeforeValidator(read)


def _date(text: str, what: str) -> dt.date:
    from procedures.timestamps import parse_date

    return parse_date(text, what)


def _time(text: str, what: str) -> dt.time:
    from procedures.timestamps import parse_time

    return parse_time(text, what)


def _whole(*bounds: int):
    """A reader of a whole number between ``bounds`` (least, most), parse_whole's own bounds when none are given."""

    def read(text: str, what: str) -> int:
        from procedures.inputs import parse_whole

        return parse_whole(text, what, *bounds)

    return read


def _number(text: str, what: str) -> Fraction:
    from procedures.limits import parse_value

    return parse_value(text, what)


def _events(values, info: ValidationInfo):
    from procedures.timestamps import parse_event

    return tuple(parse_event(v, _label(info)) if isinstance(v, str) else tuple(v) for v in values)


def parse_date_order(text: str, what: str) -> str:
    v = text.strip().lower()
    if v not in ("iso", "dmy", "mdy"):
        raise InputError(f"{what} '{one_line(v[:20])}' is not iso, dmy or mdy")
    return v


Text = Annotated[str, BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v)]
Day = Annotated[dt.date, _read(_date)]
Time = Annotated[dt.time, _read(_time)]
Whole = Annotated[int, _read(_whole())]
#: A count of participants (the electorate of a share): 1 to 999,999, as the command line's --electorate-size reads it.
Participants = Annotated[int, _read(_whole(1, 999_999))]
#: A year of the calendar, as `procedures calendar --year` reads it.
Year = Annotated[int, _read(_whole(1, 9999))]
Number = Annotated[Fraction, _read(_number)]
Events = Annotated[tuple[tuple[str, dt.date], ...], BeforeValidator(_events)]
DateOrder = Annotated[str, _read(parse_date_order)]
#: A table or a plan: a path (its messages name the file) or uploaded bytes (they name the field).
Source = Path | bytes


def _source(value: Source, what: str):
    """(what a reader opens, the name its messages give)."""
    return (value, str(value)) if isinstance(value, Path) else (io.BytesIO(value), what)


# --- schedule (GET /api/timetable) ---------------------------------------------------------------


def today(lib, given: dt.date | None) -> dt.date:
    """The day days are counted from: ``given`` (--today), else $PROCEDURES_TODAY, else today at headquarters."""
    from procedures.today import today_in

    return today_in(lib.latest().head.time_zone, given)


def seen_from(body: dict, day: dt.date) -> dict:
    """A document of dated deadlines with ``today`` and, on each deadline, where it stands from that day:
    ``days_left`` (negative once passed), ``passed``, and ``shall_passed`` for a 'shall' already passed."""
    out = {**body, "today": day.isoformat()}
    for key in ("deadlines", "items"):
        if isinstance(out.get(key), list):
            out[key] = [_standing_fields(d, day) for d in out[key]]
    return out


def _standing_fields(item: dict, day: dt.date) -> dict:
    from procedures.today import standing

    if not item.get("date"):
        return item
    s = standing(dt.date.fromisoformat(item["date"]), day, item.get("modality"))
    return {**item, **s.as_dict(), "shall_passed": s.missed and not item.get("done")}  # recorded done: not flagged


def schedule_document(result) -> dict:
    """The timetable's document, with the other day-counting reading once, where it moves a date (SEMANTICS § 6)."""
    from procedures.deadlines import other_counting

    other = ({"day_counting": other_counting(result.ruleset), "dates_differ": len(result.other_reading)}
             if result.other_reading else None)
    return {**result.as_dict(), "other_reading": other}


def schedule(lib, req: ScheduleRequest):
    """(the meeting's timetable, a note when it is the ruleset's example meeting, else None)."""
    from procedures.timetable import Meeting, timetable

    note = None
    if req.earliest_from is not None:  # the opening is the earliest every 'shall' lead time allows (issue 18 item 3)
        from procedures.timetable import earliest_opening

        for given in ("opens", "closes"):
            if getattr(req, given) is not None:
                raise InputError(f"give {req.name(given)} or {req.name('earliest_from')}, not both (the opening is what "
                                 f"{req.name('earliest_from')} finds)")
        found = earliest_opening(lib.in_force(req.earliest_from), req.kind or "study-group", req.earliest_from, req.event)
        return found.timetable, found.sentence()
    if req.opens is None:
        example = lib.latest().spec.example
        if example is None or req.kind not in (None, example.kind):
            raise InputError(f"give {req.name('opens')} (and {req.name('kind')}); e.g. --kind study-group --opens 2026-09-14")
        meeting = Meeting(example.kind, example.opens, example.closes, None, req.event)
        note = f"No {req.name('opens')} given: the example meeting of ruleset {lib.latest().id}."
    else:
        meeting = Meeting(req.kind or "study-group", req.opens, req.closes, req.opening_time, req.event)
    return timetable(lib.in_force(meeting.opens), meeting), note


# --- check (GET /api/check) ------------------------------------------------------------------------


def check(lib, req: CheckRequest):
    from procedures.contributions import Meeting, check as run_check
    from procedures.timestamps import parse_received
    from procedures.vocabulary import CHAIR_ADMITTED

    meeting = Meeting(req.kind, req.opens, req.purpose, req.opening_time, req.closes)
    rs = lib.in_force(meeting.opens)
    got = parse_received(req.received, rs.head.time_zone, req.name("received"))
    return run_check(rs, meeting, got, frozenset({CHAIR_ADMITTED} if req.chair_admitted else set()))


# --- check-batch (POST /api/check-batch) ----------------------------------------------------------------


def parse_batch_format(text: str, what: str) -> str:
    v = text.strip().lower()
    if v not in ("csv", "json", "xlsx"):
        raise InputError(f"{what}: '{one_line(v[:20])}' is not csv, json or xlsx")
    return v


def check_batch(lib, req: BatchRequest, sink=None):
    """Check the registry, one output row per input row; the summary (procedures.batch.Summary).
    A path is written to ``req.out`` (all or nothing, batch.run_batch); uploaded bytes into ``sink``, a text
    stream, in one process (the web's worker thread)."""
    from contextlib import nullcontext

    from procedures.batch import check_table, run_batch
    from procedures.tables import open_table

    if isinstance(req.file, Path):
        return run_batch(lib, req.file, req.out, req.fmt, sheet=req.sheet, date_order=req.date_order)
    with open_table(*_source(req.file, req.name("file")), sheet=req.sheet) as table:
        return check_table(lib, table, lambda: nullcontext(sink), req.fmt or "csv", workers=1, date_order=req.date_order)


def batch_document(summary, rows: str, lib) -> str:
    """The API's document of a batch, as JSON text: the rows (already JSON text, an array: placed as they are, not
    parsed and encoded again), the summary, the rules folder. The summary is checked against results.BatchSummary."""
    import json

    from procedures.results import BatchSummary

    counts = {"rows": summary.rows, "errors": summary.errors, "by_status": dict(summary.by_status),
              "ignored_columns": list(summary.ignored_columns), "read_as": summary.read_as}
    BatchSummary.model_validate(counts)
    tail = json.dumps({"summary": counts, "rules": lib.provenance()}, ensure_ascii=False)
    return f'{{"rows": {rows.strip() or "[]"}, {tail[1:]}'


# --- timeline (GET /api/timeline) ------------------------------------------------------------------


def timeline(lib, req: TimelineRequest):
    from procedures.timeline import timeline as run_timeline

    return run_timeline(lib.in_force(req.start), req.procedure, req.start, dict(req.event))


# --- tally (POST /api/tally) -----------------------------------------------------------------------


def tally(lib, req: TallyRequest):
    from procedures.replies import names_list, replies_from, tally_replies
    from procedures.vocabulary import NO_MEETING_BEFORE_WTDC

    source, name = _source(req.replies, req.name("replies"))
    rows = replies_from(source, name, req.sheet, req.date_order)
    flags = frozenset({NO_MEETING_BEFORE_WTDC} if req.no_meeting_before_wtdc else set())
    return tally_replies(lib, req.procedure, rows, req.circulated, req.electorate_size, flags,
                         names_list(req.requested_by, req.name("requested_by")))


# --- plan check and plan agenda (POST /api/plan-check, /api/plan-agenda) ------------------------------


def _plan(lib, req: PlanRequest):
    from procedures.plan import load_plan, parse_plan

    name = str(req.plan) if isinstance(req.plan, Path) else req.name("plan")
    try:
        if isinstance(req.plan, Path):
            return load_plan(req.plan, lib.in_force)
        return parse_plan(_toml(req.plan, name), name, lib.in_force)
    except RecursionError:  # tomllib reads nested arrays by recursion
        raise InputError(f"{name}: its values are nested too deeply to be a plan — give the plan file (docs/plan-format.md)") from None


def _toml(data: bytes, name: str) -> dict:
    """Uploaded bytes as TOML, each failure one line naming the field (as tomlfiles.read_toml names a file)."""
    import tomllib

    try:
        return tomllib.loads(data.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: is not UTF-8 text (byte {exc.start}: {exc.reason}) — save it as UTF-8 (TOML files are UTF-8)") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{name}: not valid TOML ({exc}) — fix the syntax at that line") from None


def plan_check(lib, req: PlanRequest):
    from procedures.audit import audit

    plan, rs = _plan(lib, req)
    return audit(rs, plan)


@dataclass
class AgendaSpan:
    """A plan's agenda between two dates: the items listed, and the deadlines a plan cannot date."""

    ruleset: Any
    study_period: str
    start: Optional[dt.date]
    end: Optional[dt.date]
    items: list
    undated: list
    #: Meetings of the span opening on a day headquarters is closed (issue 18 item 8).
    warnings: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"ruleset": self.ruleset.id, "study_period": self.study_period,
                "from": self.start.isoformat() if self.start else None, "to": self.end.isoformat() if self.end else None,
                "items": [i.as_dict(self.ruleset) for i in self.items], "warnings": list(self.warnings),
                "undated": [{"meeting": m, "rule": r} for m, r in self.undated]}


def plan_agenda(lib, req: AgendaRequest) -> AgendaSpan:
    from procedures.agenda import agenda

    if req.start and req.end and req.end < req.start:
        raise InputError(f"{req.name('end')} {req.end} is before {req.name('start')} {req.start}")
    plan, rs = _plan(lib, req)
    result = agenda(rs, plan)
    return AgendaSpan(rs, plan.study_period.name, req.start, req.end, result.between(req.start, req.end), result.undated,
                      result.warnings_between(req.start, req.end))


# --- limit, document check, revision check ------------------------------------------------------------


def limit(lib, req: LimitRequest):
    from procedures.limits import check_limit

    return check_limit(lib.latest(), req.rule_id, req.value, frozenset(req.when))


def document_check(lib, req: DocumentRequest):
    from procedures.documents import check_document, inputs_from
    from procedures.vocabulary import PAGES, PREVIOUS_PAGES, QUESTION_PAGES

    names = {PAGES: req.name("pages"), QUESTION_PAGES: req.name("question_total"), PREVIOUS_PAGES: req.name("previous_pages")}
    inputs = inputs_from(req.pages, req.previous_pages, req.question_total, names)
    return check_document(lib.latest(), req.type, inputs, frozenset(req.when), names)


def check_revision(lib, req: RevisionRequest):
    from procedures.limits import check_revision as run
    from procedures.vocabulary import COMPLEMENTS

    return run(lib, req.approved, req.proposed, frozenset({COMPLEMENTS} if req.complements else set()))


# --- appointments check (POST /api/appointments-check) ---------------------------------------------------


def appointments_check(lib, req: AppointmentsRequest):
    from procedures.appointments import check_appointments, read_appointments, read_attendance

    if req.attendance is None and req.attendance_sheet is not None:  # a sheet of nothing: not silently ignored
        raise InputError(f"{req.name('attendance_sheet')} names a sheet of the attendance, but no attendance is given; "
                         f"give {req.name('attendance')} too, or leave it out")
    rs = lib.latest()
    posts = read_appointments(rs, *_source(req.appointments, req.name("appointments")), req.sheet)
    present = None
    if req.attendance is not None:
        source, name = _source(req.attendance, req.name("attendance"))
        present = read_attendance(source, name, {a.key for a in posts.rows}, req.attendance_sheet, req.date_order)
    return check_appointments(rs, posts, present)


# --- calendar, rules list, rules show ------------------------------------------------------------------


def calendar_ruleset(lib, year: int):
    """The ruleset whose calendar answers for ``year``: the one in force at its end, else the latest."""
    return lib.in_force(dt.date(year, 12, 31)) if year >= lib.latest().head.applies_from.year else lib.latest()


def calendar(lib, req: CalendarRequest) -> dict:
    cal = calendar_ruleset(lib, req.year).calendar
    days = cal.closed_days(req.year)
    return {"calendar": cal.name, "year": req.year, "provisional": cal.is_provisional(req.year),
            "closed_days": [{"date": c.date.isoformat(), "weekday": c.date.strftime("%A"), "name": c.name, "source": c.source} for c in days]}


def rules_list(lib, req: RulesListRequest) -> dict:
    from procedures.rulesdoc import rule_rows

    rows = [r for rs in lib.rulesets for r in rule_rows(rs)]
    if req.applies_to is not None:
        names = sorted({a for r in rows for a in r["applies_to"]})
        if req.applies_to not in names:
            from procedures.vocabulary import not_one_of

            raise InputError(f"{req.name('applies_to')}: " + not_one_of("meeting kind or procedure", req.applies_to, names))
        rows = [r for r in rows if req.applies_to in r["applies_to"]]
    return {"list": rows}


class UnknownRule(InputError):
    """No ruleset has a rule of that id (the web answers 404)."""


def rules_show(lib, req: RuleShowRequest) -> tuple[dict, Any, Any]:
    """(the rule's document, its ruleset, the rule)."""
    from procedures.rulesdoc import parameters, relative_file

    for rs in lib.rulesets:
        if req.rule_id in rs.rules:
            rule = rs.rules[req.rule_id]
            return ({"ruleset": rs.id, "file": relative_file(rs, req.rule_id), "parameters": parameters(rs, rule),
                     "rule": rule.model_dump(mode="json", exclude_none=True)}, rs, rule)
    raise UnknownRule(f"no rule '{one_line(req.rule_id)}'")


# --- documents -----------------------------------------------------------------------------------------


#: Jobs whose documents list dated deadlines, seen from today (``seen_from``).
DATED = ("schedule", "timeline", "plan-agenda")


def document(job: str, data: dict | Any, lib, req: Request | None = None) -> dict:
    """A job's JSON document: its data (a dict, or a result's ``as_dict()``) and the rules folder that gave it,
    checked against the job's result model (procedures.results). The deadlines of a dated job are seen from
    the request's ``today`` (else today at headquarters)."""
    from procedures.results import render

    if isinstance(data, dict):
        body = data
    elif job == "schedule":
        body = schedule_document(data)
    else:
        body = data.as_dict()
    if job in DATED:
        body = seen_from(body, today(lib, getattr(req, "today", None)))
    return render(job, {**body, "rules": lib.provenance()})
