"""The JSON documents the jobs answer with: one pydantic model per job, shared by the CLI and the API.

A job's result (a dataclass of the evaluator) gives its document with ``as_dict()``;
``render`` checks that document against the job's model and returns it as it
is, so ``procedures … --format json`` and the API print the same
document, and the model's JSON Schema (docs/schemas/, made by
``python -m procedures.results``) is the contract.

Every model allows keys it does not declare (``extra="allow"``): a key added to
an ``as_dict()`` passes through, and is pinned once declared here (then
regenerate the schemas). A key declared here that a document lacks, or of
another type, is an error: a renamed key cannot go unnoticed. Dates are ISO
8601 strings (``YYYY-MM-DD``), moments ISO 8601 with their offset.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Optional, Union

from pydantic import BaseModel, ConfigDict, Field


class Doc(BaseModel):
    model_config = ConfigDict(extra="allow")


#: A day, YYYY-MM-DD.
Date = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})]
#: A moment with its offset, ISO 8601 (e.g. 2026-07-31T23:59:59+02:00).
Moment = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


# --- parts shared by several documents ----------------------------------------------------------


class Provenance(Doc):
    """Which rules folder gave the answer."""

    folder: str = Field(description="the rules folder, resolved")
    source: str = Field(description="how it was named: --rules, PROCEDURES_RULES or built-in")


class Answer(Doc):
    """Every top-level document says which rules folder answered."""

    rules: Provenance


class Step(Doc):
    """One line of a trace: rule, paragraph, what was computed."""

    rule: str
    cite: str
    text: str


class Deadline(Doc):
    id: str
    date: Date
    weekday: str
    cutoff: Moment = Field(description="the last second of the day, with its offset")
    cite: str
    also_cites: list[str]
    modality: str
    summary: str
    non_working_day: bool
    non_working_reason: Optional[str]
    calendar_provisional: bool
    only_if: Optional[str]
    done_in_plan: Optional[str]
    other_reading_date: Optional[Date] = Field(None, description="the date on the other day-counting reading, where it differs")
    days_left: Optional[int] = Field(None, description="days from `today` to the date (negative once passed); in schedule, timeline and agenda")
    passed: Optional[bool] = Field(None, description="the date is before `today`")
    shall_passed: Optional[bool] = Field(None, description="a 'shall' whose date is before `today`: check it was met")


class Skipped(Doc):
    id: str
    cite: str
    reason: str


class Finding(Doc):
    severity: str = Field(description="breach, warning or note")
    rule: str
    cite: str
    modality: str
    message: str
    dates: dict[str, Any]
    meetings: list[str]
    other_reading: Optional[str]


class Limit(Doc):
    """A number (or a date) against a limit's bounds."""

    rule: str
    subject: Optional[str]
    quantity: str
    unit: str
    value: str
    #: Union[...], not Optional[int | str]: typing caches Optional[int | str] as the first equal union made in the
    #: process (int | str == str | int), so the schema's order of types would hang on what was imported before.
    at_most: Union[int, str, None]
    at_least: Union[int, str, None]
    within: bool
    severity: str
    modality: str
    message: str
    comparison: str
    cite: list[str]
    exception: Optional[str]
    remedy: Optional[str]
    warnings: list[str]


# --- one model per job ----------------------------------------------------------------------------


class Meeting(Doc):
    """The meeting; other events given (NAME: date) follow as further keys."""

    kind: str
    opens: Date
    closes: Optional[Date]
    opening_time: Optional[str]


class OtherCounting(Doc):
    day_counting: str = Field(description="how days would be counted on the other reading")
    dates_differ: int = Field(description="how many of the deadlines' dates it moves (each deadline's other_reading_date)")


class ScheduleResult(Answer):
    """`procedures schedule --format json`, `GET /api/timetable`."""

    ruleset: str
    meeting: Meeting
    time_zone: str
    day_counting: str
    other_reading: Optional[OtherCounting] = Field(None, description="the other day-counting reading, when it moves a date (SEMANTICS § 6)")
    earliest: Optional[dict[str, Any]] = Field(None, description="with earliest_from: how the opening was chosen (the binding rule, each lead time)")
    deadlines: list[Deadline]
    skipped: list[Skipped]
    warnings: list[str]
    today: Date = Field(description="the day `days_left` counts from: --today, else $PROCEDURES_TODAY, else today at headquarters")


class ReceivedAs(Doc):
    given: str
    read_as: str
    assumed_local_time: bool


class CheckedMeeting(Doc):
    kind: str
    opens: Date
    closes: Optional[Date]
    opening_time: Optional[str]
    purpose: str


class PassedDate(Doc):
    id: str
    date: Date
    cite: str
    modality: str
    instead: Optional[str]


class TierBound(Doc):
    tier: str
    bound: str
    id: str
    cite: str
    date: Date
    cutoff: Moment
    ends: Moment


class CheckResult(Answer):
    """`procedures check --format json`, `GET /api/check`."""

    status: str
    translated: bool
    on_agenda: bool
    publish_by: Optional[Date]
    publish_by_passed: Optional[PassedDate]
    what_follows: str
    modality: str
    cite: list[str]
    rule: str
    exception: Optional[str]
    received: ReceivedAs
    meeting: CheckedMeeting
    deadlines: list[TierBound]
    margin: str
    trace: list[Step]
    warnings: list[str]


class Start(Doc):
    event: str
    date: Date


class TimelineResult(Answer):
    """`procedures timeline --format json`, `GET /api/timeline`."""

    ruleset: str
    procedure: str
    start: Start
    deadlines: list[Deadline]
    assumptions: list[str]
    skipped: list[Skipped]
    warnings: list[str]
    findings: list[Finding]
    today: Date = Field(description="the day `days_left` counts from: --today, else $PROCEDURES_TODAY, else today at headquarters")


class Threshold(Doc):
    answer: str
    comparison: str
    value: str
    of: str
    base: Optional[int]
    words: str


class Counted(Doc):
    row: int
    member_state: str
    answer: str
    received: Optional[str]
    assumed_local_time: bool
    participant: Optional[str] = None


class Excluded(Doc):
    row: int
    member_state: str
    answer: str
    reason: str
    unreadable: bool = False


class Superseded(Doc):
    row: int
    member_state: str
    answer: str
    superseded_by: int


class OtherTally(Doc):
    reading: str
    outcome: str
    comparison: str


class TallyResult(Answer):
    """`procedures tally --format json`, `POST /api/tally`."""

    procedure: str
    rule: str
    outcome: str
    what_follows: str
    passed: bool
    counts: dict[str, int]
    replies_counted: int
    share: Optional[str] = Field(description="a fraction, e.g. 7/10")
    threshold: Threshold
    comparison: str
    window: Optional[dict[str, Any]]
    requested_by: Optional[list[str]]
    counted: list[Counted]
    provisional: bool
    unreadable_rows: list[int]
    excluded: list[Excluded]
    superseded: list[Superseded]
    rows_read: int
    cite: list[str]
    modality: str
    other_reading: Optional[OtherTally]
    other_readings: list[OtherTally]
    trace: list[Step]
    warnings: list[str]


class AuditResult(Answer):
    """`procedures plan check --format json`, `POST /api/plan-check`."""

    ruleset: str
    study_period: str
    clean: bool
    breaches: int
    warnings: int
    notes: int
    checks: int
    findings: list[Finding]


class AgendaItem(Deadline):
    meeting: str
    kind: str
    done: Optional[Date]
    counted_from: Optional[str] = None
    other_reading: Optional[str] = None


class Undated(Doc):
    meeting: str
    rule: str


class AgendaResult(Answer):
    """`procedures plan agenda --format json`, `POST /api/plan-agenda`."""

    ruleset: str
    study_period: str
    from_: Optional[Date] = Field(alias="from")
    to: Optional[Date]
    items: list[AgendaItem]
    warnings: list[str] = Field(description="meetings of the span opening on a day headquarters is closed")
    undated: list[Undated]
    today: Date = Field(description="the day `days_left` counts from: --today, else $PROCEDURES_TODAY, else today at headquarters")


class LimitResult(Limit, Answer):
    """`procedures limit --format json`, `GET /api/limit`."""


class DocumentResult(Answer):
    """`procedures document check --format json`, `GET /api/document-check`."""

    type: str
    within: bool
    results: list[Limit]
    not_checked: list[str]
    warnings: list[str]


class RevisionResult(Answer):
    """`procedures recommendation check-revision --format json`, `GET /api/revision-check`."""

    approved: Date
    proposed: Date
    within: bool
    results: list[Limit]


class BatchRow(BaseModel):
    """One row of `procedures check-batch --format json` (the API's `rows`): the input row's cells under its
    header's names, as text (a name like one of the check's own gets ` (input)`), then the check's columns.
    A row that could not be checked has its reason in `error` and its other columns null."""

    model_config = ConfigDict(extra="allow")
    #: The input's cells, echoed as text.
    __pydantic_extra__: dict[str, str] = Field(init=False)

    status: Optional[str] = Field(description="on-time, delayed, late, late-admitted or refused")
    cite: Optional[list[str]] = Field(description="the paragraphs of the status and of what follows")
    cutoff: Optional[Moment] = Field(description="the cut-off that decided: the one met, else the last one missed, or the opening")
    cutoff_cite: Optional[str] = Field(description="that cut-off's paragraph")
    publish_by: Optional[Date] = Field(description="when the secretariat publishes it; null when that date had passed on receipt")
    on_agenda: Optional[bool]
    translated: Optional[bool]
    margin: Optional[str] = Field(description="how far the receipt was from the cut-off, in words")
    warnings: Optional[list[str]]
    error: Optional[str] = Field(description="why the row could not be checked; null for a checked row")
    modality: Optional[str] = Field(description="that of the paragraph that decided")


class BatchSummary(Doc):
    rows: int = Field(description="rows read, each with its result row")
    errors: int = Field(description="rows that could not be checked")
    by_status: dict[str, int] = Field(description="checked rows by status")
    ignored_columns: list[str] = Field(description="the input's columns not read (copied through)")
    read_as: str = Field(description="how the file was read when not comma-separated UTF-8, else empty")


class BatchResult(Answer):
    """`POST /api/check-batch`: the rows `procedures check-batch --format json` prints (an array), and the summary
    the command line writes to stderr."""

    rows: list[BatchRow]
    summary: BatchSummary


class RowError(Doc):
    file: str
    line: int
    problem: str


class AppointmentFindings(Doc):
    per_person: list[Limit]
    per_question: list[Limit]
    per_study_group: list[Limit]
    in_all: list[Limit]


class AppointmentsResult(Answer):
    """`procedures appointments check --format json`, `POST /api/appointments-check`."""

    appointments: int
    people: int
    checked: int
    findings: AppointmentFindings
    errors: list[RowError]
    not_checked: list[str]
    warnings: list[str]


class ClosedDay(Doc):
    date: Date
    weekday: str
    name: str
    source: str


class CalendarResult(Answer):
    """`procedures calendar --format json`, `GET /api/calendar`."""

    calendar: str
    year: int
    provisional: bool
    closed_days: list[ClosedDay]


class RuleRow(Doc):
    ruleset: str
    id: str
    kind: str
    cite: str
    modality: str
    applies_to: list[str]
    summary: str
    file: str


class RulesListResult(Answer):
    """`procedures rules list --format json`, `GET /api/rules` (an object since issue 15; it was the `list` alone)."""

    list_: list[RuleRow] = Field(alias="list")


class RuleShowResult(Answer):
    """`procedures rules show --format json`, `GET /api/rules/{rule_id}`."""

    ruleset: str
    file: str = Field(description="the rule file, relative to the rules folder's parent")
    parameters: list[str] = Field(description="the rule's parameters in words")
    rule: dict[str, Any] = Field(description="the rule as its file gives it (its keys depend on its kind)")


#: Each job's document: the schema file docs/schemas/<job>.json is made from it.
RESULTS: dict[str, type[Answer]] = {
    "schedule": ScheduleResult,
    "check": CheckResult,
    "check-batch": BatchResult,
    "timeline": TimelineResult,
    "tally": TallyResult,
    "plan-check": AuditResult,
    "plan-agenda": AgendaResult,
    "limit": LimitResult,
    "document-check": DocumentResult,
    "check-revision": RevisionResult,
    "appointments-check": AppointmentsResult,
    "calendar": CalendarResult,
    "rules-list": RulesListResult,
    "rules-show": RuleShowResult,
}

#: The schema of one row of `check-batch --format json` (an array of them), and the parts with schema files of their own.
BATCH_ROW = "check-batch-row"
PARTS: dict[str, type[BaseModel]] = {BATCH_ROW: BatchRow}


def render(job: str, document: dict) -> dict:
    """The document, checked against the job's model (a key missing or of another type is an error), as it is:
    its keys in their order, none added (what a model leaves out is not dropped either)."""
    RESULTS[job].model_validate(document)
    return document


# --- the schema files -------------------------------------------------------------------------------

#: Where the schema files are, in the repository.
SCHEMA_DIR = Path("docs") / "schemas"
#: How they are made (the staleness test names it).
GENERATE_SCHEMAS = "python -m procedures.results docs/schemas"


def schema(job: str) -> dict:
    """The JSON Schema of a job's document (or of a part of one, PARTS)."""
    out = (RESULTS.get(job) or PARTS[job]).model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{job}.json", **out}


def schema_texts() -> dict[str, str]:
    """Each schema file's name and text."""
    import json

    return {f"{job}.json": json.dumps(schema(job), indent=2, ensure_ascii=False, sort_keys=False) + "\n" for job in [*RESULTS, *PARTS]}


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into ``folder``; files of jobs that no longer exist are removed."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = schema_texts()
    for old in folder.glob("*.json"):
        if old.name not in texts:
            old.unlink()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in texts]


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else SCHEMA_DIR
    written = write_schemas(folder)
    print(f"wrote {len(written)} schemas to {folder}")
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised by the docs
    sys.exit(main(sys.argv[1:]))
