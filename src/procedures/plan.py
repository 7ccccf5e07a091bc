"""A study period's plan of meetings: the file format and its loading.

A plan is TOML (see docs/plan-format.md): the study period (the WTDC that
opened it, the next WTDC), its meetings (kind, name, group, dates) and, where
known, when things were done (``done`` tables keyed by what the rules call
them, e.g. ``circular-sent``). Errors name the meeting and the field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import Field, field_validator, model_validator

from procedures.errors import InputError, RuleFileError
from procedures.loader import Ruleset
from procedures.tomlfiles import read_toml, validation_errors
from procedures.models import Label, Name, Strict
from procedures.timetable import Meeting


class PlanMeeting(Strict):
    kind: Name
    name: Label
    #: The group whose meetings these are (e.g. "SG1"); defaults to the name.
    group: Label | None = None
    #: For rapporteur groups: the group of their parent study group (e.g. "SG1").
    parent: Label | None = None
    opens: dt.date
    closes: dt.date
    opening_time: dt.time | None = None
    #: Conditions of ruleset.toml that hold for this meeting (e.g. "unscheduled").
    conditions: list[Name] = []
    #: When things were done, by the name the rules give them (e.g. circular-sent).
    done: dict[Name, dt.date] = {}

    @field_validator("opening_time", mode="before")
    @classmethod
    def _time(cls, v):
        if isinstance(v, str):
            try:
                return dt.time.fromisoformat(v)
            except ValueError:
                raise ValueError(f"'{v}' is not a time of day; write it as \"09:30\"") from None
        return v

    @model_validator(mode="after")
    def _dates(self) -> PlanMeeting:
        if self.closes < self.opens:
            raise ValueError(f"closes {self.closes} is before opens {self.opens}; correct one of the two dates")
        return self

    @property
    def group_name(self) -> str:
        return self.group or self.name

    def meeting(self) -> Meeting:
        return Meeting(self.kind, self.opens, self.closes, self.opening_time)


class WTDCDates(Strict):
    name: Label = "WTDC"
    opens: dt.date
    closes: dt.date | None = None


class CoveredYears(Strict):
    """The calendar years a plan lists the meetings of (both included)."""

    first_year: int
    last_year: int

    @model_validator(mode="after")
    def _order(self) -> CoveredYears:
        if self.last_year < self.first_year:
            raise ValueError(f"covers.last_year {self.last_year} is before covers.first_year {self.first_year}; correct one of the two")
        return self


class StudyPeriod(Strict):
    name: Label
    #: The closing day of the WTDC that began the study period.
    wtdc_closed: dt.date
    next_wtdc: WTDCDates
    done: dict[Name, dt.date] = {}
    #: The years the plan covers, when it covers less than the study period; else inferred from its meetings.
    covers: CoveredYears | None = None

    @model_validator(mode="after")
    def _order(self) -> StudyPeriod:
        if self.next_wtdc.opens <= self.wtdc_closed:
            raise ValueError("next_wtdc.opens is not after wtdc_closed; correct the study period's dates")
        return self

    def years(self) -> range:
        """The calendar years between the two WTDCs: from the year after the one closing to the next one's year."""
        return range(self.wtdc_closed.year + 1, self.next_wtdc.opens.year + 1)


class PlanYear(Strict):
    year: int
    done: dict[Name, dt.date] = {}


class PlanFile(Strict):
    study_period: StudyPeriod
    meeting: list[PlanMeeting] = Field(min_length=1)
    year: list[PlanYear] = []

    def covered(self) -> tuple[range, bool]:
        """The years of the study period the plan covers, and whether it declares them.

        Declared (``study_period.covers``), or inferred: from the year of its first meeting to the
        year of its last, within the study period's years; a year without meetings between two that
        have some is covered (a gap in a plan is a finding, not a plan of less).
        """
        whole = self.study_period.years()
        if self.study_period.covers:
            return range(self.study_period.covers.first_year, self.study_period.covers.last_year + 1), True
        years = [m.opens.year for m in self.meeting]
        return range(max(min(years), whole.start), min(max(years), whole.stop - 1) + 1), False

    def covers_whole(self) -> bool:
        """Whether the plan reaches the study period's last year, so "the last meeting before WTDC" is in it."""
        years, whole = self.covered()[0], self.study_period.years()
        return bool(years) and years[-1] >= whole[-1]


def load_plan(path: Path, rs_for) -> tuple[PlanFile, Ruleset]:
    """Read and check a plan; ``rs_for(date)`` gives the ruleset in force on a date."""
    try:
        data = read_toml(path)
    except RuleFileError as exc:
        raise InputError(str(exc)) from None
    return parse_plan(data, str(path), rs_for)


def _first(problems: list) -> InputError:
    """One error naming the first problem and how many more there are."""
    return InputError(str(problems[0]) + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))


def _meeting_problems(plan: PlanFile, rs: Ruleset, path: str) -> list[RuleFileError]:
    """Each meeting: a kind the rules know, its own name, known conditions, inside the study period."""
    problems: list[RuleFileError] = []
    names: set[str] = set()
    period = plan.study_period
    for m in plan.meeting:
        if m.kind not in rs.spec.meeting_kinds:
            problems.append(RuleFileError(path, m.name, f"kind '{m.kind}' is not a meeting kind", f"use one of {', '.join(rs.spec.meeting_kinds)}", "meeting"))
        if m.name in names:
            problems.append(RuleFileError(path, m.name, "two meetings share this name", "give each meeting its own name", "meeting"))
        names.add(m.name)
        problems += [RuleFileError(path, m.name, f"unknown condition '{c}'", f"use one of {sorted(rs.spec.conditions)}", "meeting")
                     for c in m.conditions if c not in rs.spec.conditions]
        if not period.wtdc_closed < m.opens < period.next_wtdc.opens:
            problems.append(RuleFileError(path, m.name, f"opens {m.opens}, outside the study period", "move it between the two WTDCs or correct the study period", "meeting"))
    return problems


def _covers_problems(plan: PlanFile, path: str) -> list[RuleFileError]:
    """The years the plan says it covers: inside the study period's, and holding every meeting of it."""
    covers, whole = plan.study_period.covers, plan.study_period.years()
    if not covers:
        return []
    if not (whole.start <= covers.first_year and covers.last_year < whole.stop):
        return [RuleFileError(path, "study_period", f"covers {covers.first_year}–{covers.last_year}, outside the study period's years "
                              f"({whole.start}–{whole.stop - 1})", "correct covers or the study period's dates", "entry")]
    return [RuleFileError(path, m.name, f"opens {m.opens}, outside the years the plan covers ({covers.first_year}–{covers.last_year})",
                          "widen study_period.covers or correct the meeting's dates", "meeting")
            for m in plan.meeting if m.opens.year in whole and not covers.first_year <= m.opens.year <= covers.last_year]


def _done_problems(plan: PlanFile, rs: Ruleset, path: str) -> list[RuleFileError]:
    """Every ``done`` entry (of a meeting, the study period, a year) records something a rule checks."""
    known_done = {r.done_in_plan for r in rs.deadlines().values() if r.done_in_plan}
    names = {m.name for m in plan.meeting}
    places = [(m.name, m.done) for m in plan.meeting] + [("study_period", plan.study_period.done)] + [(f"year {y.year}", y.done) for y in plan.year]
    return [RuleFileError(path, where, f"done records '{key}', which no rule checks", f"use one of {sorted(known_done)}", "meeting" if where in names else "entry")
            for where, done in places for key in done if key not in known_done]


def parse_plan(data: dict, path: str, rs_for) -> tuple[PlanFile, Ruleset]:
    plan, errors = validation_errors(PlanFile, data, path, label="meeting")
    if errors:
        raise _first(errors)
    rs = rs_for(plan.study_period.wtdc_closed + dt.timedelta(days=1))
    problems = _meeting_problems(plan, rs, path) + _covers_problems(plan, path) + _done_problems(plan, rs, path)
    if problems:
        raise _first(problems)
    return plan, rs
