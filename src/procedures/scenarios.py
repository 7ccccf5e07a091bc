"""Scenario files: the resolution's cases as data, one typed model per kind (docs/writing-a-scenario.md).

A scenario file sits in a folder named for its kind (``contributions/``,
``tallies/``, …) and is named for what it shows, in a full sentence. Every
key is declared here and an unknown one is refused, so a misspelled
``publish_by`` fails the test instead of silently skipping its assertion.

Each model also says which rules its expectations assert (``asserted``), for
the coverage table of ``procedures rules docs``: a rule counts as covered only
where a scenario asserts its outcome.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from procedures.errors import InputError, RuleSetErrors
from procedures.models import Name, RuleId, Strict
from procedures.tomlfiles import read_checked

Severity = Literal["ok", "note", "warning", "breach"]
#: A text one of the result's messages must contain (a string, or several).
Texts = Annotated[list[str], Field(default_factory=list)]


def _as_list(v: Any) -> Any:
    return [v] if isinstance(v, str) else v


# --- timetable ---------------------------------------------------------------------------------


class TimetableMeeting(Strict):
    kind: Name
    opens: dt.date | None = None
    #: Instead of opens: the earliest opening for which every "shall" lead time counted from this date can be met.
    earliest_from: dt.date | None = None
    closes: dt.date | None = None
    events: dict[Name, dt.date] = {}

    @model_validator(mode="after")
    def _one_start(self) -> TimetableMeeting:
        if (self.opens is None) == (self.earliest_from is None):
            raise ValueError("a timetable's meeting gives opens or earliest_from (one of the two); add or remove one")
        return self


class ExpectedDate(Strict):
    rule: RuleId
    date: dt.date
    cite: str
    cutoff: str | None = None
    modality: Literal["shall", "should", "may"] | None = None
    non_working_day: bool | None = None
    #: The last working day on or before the date, for a secretariat obligation on a non-working day; false: none shown.
    act_by: dt.date | Literal[False] | None = None


class RuleRef(Strict):
    rule: RuleId


class ExpectedEarliest(Strict):
    """The earliest opening found from ``earliest_from``, and every rule whose lead time decides it."""

    opens: dt.date
    binding: list[RuleId] = Field(min_length=1)


class TimetableScenario(Strict):
    meeting: TimetableMeeting
    expect: list[ExpectedDate] = []
    absent: list[RuleRef] = []
    skipped: list[RuleRef] = []
    earliest: ExpectedEarliest | None = None
    #: Texts the timetable's warnings contain (or do not).
    warning: Texts
    no_warning: Texts

    _lists = field_validator("warning", "no_warning", mode="before")(_as_list)

    @model_validator(mode="after")
    def _earliest(self) -> TimetableScenario:
        if (self.earliest is None) != (self.meeting.earliest_from is None):
            raise ValueError("earliest_from and [earliest] go together; give both or neither")
        return self

    def asserted(self, lib) -> list[list[str]]:
        return [[e.rule] for e in [*self.expect, *self.absent, *self.skipped]] + ([self.earliest.binding] if self.earliest else [])


# --- contributions -----------------------------------------------------------------------------


class ContributionMeeting(Strict):
    kind: Name
    opens: dt.date
    closes: dt.date | None = None
    purpose: Literal["action", "information"] = "action"
    opening_time: dt.time | None = None


class ContributionCase(Strict):
    received: str
    chair_admitted: bool = False
    status: Name | None = None
    cite: str | None = None
    translated: bool | None = None
    on_agenda: bool | None = None
    modality: Literal["shall", "should", "may"] | None = None
    publish_by: dt.date | None = None
    publish_by_passed: dt.date | None = None
    assumed_local: bool | None = None
    margin: str | None = None
    warning: Texts
    no_warning: Texts
    #: The input cannot decide: the check is an error containing this text.
    error: str | None = None

    _lists = field_validator("warning", "no_warning", mode="before")(_as_list)

    @model_validator(mode="after")
    def _expects(self) -> ContributionCase:
        if self.error is None and (self.status is None or self.cite is None):
            raise ValueError("a case expects a status and a cite (or an error); add them")
        return self


class ContributionScenario(Strict):
    meeting: ContributionMeeting
    case: list[ContributionCase] = Field(min_length=1)

    def asserted(self, lib) -> list[list[str]]:
        from procedures.contributions import Meeting, check
        from procedures.timestamps import parse_received
        from procedures.vocabulary import CHAIR_ADMITTED

        m = self.meeting
        meeting = Meeting(m.kind, m.opens, m.purpose, m.opening_time, closes=m.closes)
        rs = lib.in_force(meeting.opens)
        out = []
        for case in self.case:
            if case.error is not None:  # a case the input cannot decide asserts no rule's answer
                out.append([])
                continue
            flags = frozenset({CHAIR_ADMITTED}) if case.chair_admitted else frozenset()
            result = check(rs, meeting, parse_received(case.received, rs.head.time_zone), flags)
            asserted = [result.rule_id]
            if case.publish_by is not None and result.publish_by is not None:
                asserted.append(result.publish_by.id)
            out.append(asserted)
        return out


# --- tallies -----------------------------------------------------------------------------------


class NamedReply(Strict):
    member_state: str
    answer: str
    received: str | None = None
    participant: str | None = None


class TallyExpect(Strict):
    outcome: Name
    share: str | None = None
    cite: str | None = None
    replies_counted: int | None = None
    counts: dict[Name, int] = {}
    excluded: int | None = None
    excluded_reason: str | None = None
    superseded: int | None = None
    other_outcome: Name | None = None
    warning: str | None = None
    no_warning: str | None = None
    what_follows: str | None = None
    window_closes: dt.date | None = None
    #: Some rows could not be read, so the outcome may change once they are corrected.
    provisional: bool | None = None


class TallyScenario(Strict):
    procedure: Name
    replies: list[list[str] | NamedReply] = []
    #: Replies made up from counts: answer -> how many (Member States in file order).
    generate: dict[Name, int] = {}
    circulated: dt.date | None = None
    electorate_size: int | None = None
    flags: list[Name] = []
    requested_by: list[str] | None = None
    expect: TallyExpect

    def asserted(self, lib) -> list[list[str]]:
        from procedures.tally import find_rule

        rule = find_rule(lib.latest(), self.procedure)
        window = [rule.reply_window] if self.expect.window_closes and rule.reply_window else []
        return [[rule.id, *window]]


# --- timelines ---------------------------------------------------------------------------------


class LateEvent(Strict):
    rule: RuleId
    #: The event given too late (e.g. question-circular-sent).
    event: Name
    severity: Severity
    days: int
    cite: str | None = None


class TimelineNote(Strict):
    rule: RuleId
    message: str | None = None


class TimelineExpect(Strict):
    rule: RuleId
    date: dt.date
    cite: str | None = None


class TimelineScenario(Strict):
    procedure: Name
    start: dt.date
    events: dict[Name, dt.date] = {}
    expect: list[TimelineExpect] = Field(min_length=1)
    late: list[LateEvent] | None = None
    note: list[TimelineNote] | None = None
    #: The same as ``note``; ``notes = []`` reads better for "no note at all".
    notes: list[TimelineNote] | None = None

    def asserted(self, lib) -> list[list[str]]:
        return [[e.rule] for e in self.expect] + [[e.rule for e in self.late or []]]


# --- plans -------------------------------------------------------------------------------------


class PlanFinding(Strict):
    rule: RuleId
    severity: Severity
    cite: str | None = None
    message: str | None = None
    #: Text the other reading shows, or false: no other reading shown.
    other_reading: str | Literal[False] | None = None


class PlanExpect(Strict):
    clean: bool


class PlanScenario(Strict):
    base: str
    change: list[dict[str, Any]] = []
    remove: list[dict[str, Any]] = []
    add: list[dict[str, Any]] = []
    year_change: list[dict[str, Any]] = []
    study_period_done: dict[Name, dt.date] = {}
    #: Keys of [study_period] set or replaced (e.g. covers).
    study_period_change: dict[str, Any] = {}
    expect: PlanExpect | None = None
    finding: list[PlanFinding] = []
    #: Texts the audit's warnings (not findings: e.g. a meeting opening on a closed day) contain (or do not).
    warning: Texts
    no_warning: Texts
    #: Texts the checks the audit skipped (years or rules the plan does not cover) contain; ``not_checked = []``: none skipped.
    not_checked: list[str] | None = None

    _lists = field_validator("warning", "no_warning", mode="before")(_as_list)

    @model_validator(mode="after")
    def _expects(self) -> PlanScenario:
        if not self.finding and not (self.expect and self.expect.clean):
            raise ValueError("a plan scenario expects something; add [expect] clean = true or its [[finding]]s")
        return self

    def asserted(self, lib) -> list[list[str]]:
        if self.finding:
            return [[f.rule for f in self.finding]]
        from procedures.models import FrequencyRule, WindowRule

        rs = lib.latest()  # a clean plan asserts that no window or frequency rule finds anything
        return [[r.id for r in rs.of_kind(WindowRule) + rs.of_kind(FrequencyRule)]]


# --- limits, documents, revisions ----------------------------------------------------------------


class LimitCase(Strict):
    value: str | int | float
    when: list[Name] = []
    severity: Severity
    cite: str | None = None
    message: str | None = None
    within: bool | None = None
    warning: str | None = None
    no_warning: bool = False


class LimitScenario(Strict):
    rule: RuleId
    case: list[LimitCase] = Field(min_length=1)

    def asserted(self, lib) -> list[list[str]]:
        return [[self.rule] for _ in self.case]


class DocumentCase(Strict):
    pages: int
    question_total: int | None = None
    previous_pages: int | None = None
    when: list[Name] = []
    #: Every limit checked: rule id -> severity.
    expect: dict[RuleId, Severity] = Field(min_length=1)
    cite: str | None = None
    message: str | None = None
    not_checked: str | None = None
    warning: str | None = None
    no_warning: bool = False


class DocumentScenario(Strict):
    type: Name
    case: list[DocumentCase] = Field(min_length=1)

    def asserted(self, lib) -> list[list[str]]:
        return [list(case.expect) for case in self.case]


class RevisionCase(Strict):
    approved: dt.date
    proposed: dt.date
    complements: bool = False
    severity: Severity
    earliest: dt.date | None = None
    cite: str | None = None
    message: str | None = None


class RevisionScenario(Strict):
    rule: RuleId
    case: list[RevisionCase] = Field(min_length=1)

    def asserted(self, lib) -> list[list[str]]:
        return [[self.rule] for _ in self.case]


# --- appointments ------------------------------------------------------------------------------


class AppointmentFinding(Strict):
    rule: RuleId
    severity: Severity
    subject: str
    cite: str | None = None
    message: str | None = None


class RowError(Strict):
    line: int
    problem: str
    file: Literal["appointments", "attendance"] = "appointments"


class Text(Strict):
    text: str


class ReadingShown(Strict):
    text: str
    reading: str
    also: str | None = None


class AppointmentScenario(Strict):
    appointments: str
    attendance: str | None = None
    clean: bool = False
    finding: list[AppointmentFinding] = []
    error: list[RowError] = []
    not_checked: list[Text] = []
    warning: list[ReadingShown] = []

    def asserted(self, lib) -> list[list[str]]:
        if self.finding:
            return [[f.rule for f in self.finding]]
        if self.clean:
            from procedures.models import RoleRule

            return [[r.id for r in lib.latest().of_kind(RoleRule)]]
        return [[]]


#: Folder name -> the model of its scenario files.
KINDS: dict[str, type[BaseModel]] = {
    "timetable": TimetableScenario,
    "contributions": ContributionScenario,
    "tallies": TallyScenario,
    "timelines": TimelineScenario,
    "plans": PlanScenario,
    "limits": LimitScenario,
    "documents": DocumentScenario,
    "revisions": RevisionScenario,
    "appointments": AppointmentScenario,
}


def load_scenario(path: Path) -> BaseModel:
    """A scenario file, validated against its folder's model; an unknown key or a missing one is an error."""
    kind = path.parent.name
    model = KINDS.get(kind)
    if model is None:
        raise InputError(f"{path}: unknown scenario folder '{kind}'; use one of {', '.join(KINDS)}")
    try:
        return read_checked(model, path, "scenario")
    except RuleSetErrors as exc:
        raise InputError("; ".join(str(e) for e in exc.errors)) from None


def scenario_files(folder: Path) -> list[Path]:
    """Every scenario file under ``folder`` (one sub-folder per kind)."""
    if not folder.is_dir():
        raise InputError(f"scenario folder {folder} not found; give --scenarios")
    return sorted(folder.glob("*/*.toml"))
