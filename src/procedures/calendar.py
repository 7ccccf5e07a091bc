"""The closure calendar: which days ITU headquarters is closed.

A calendar is declarations in a TOML file of the rules folder:

- where the public holidays come from (the ``holidays`` package: country and
  subdivision) and which feasts ITU closes for (e.g. Eid al-Fitr, Eid al-Adha,
  by their day of the Hijri year and the calendar that estimates them),
- the closures of every covered year, *generated* from those sources by
  ``procedures calendar generate`` and written into the file as data (no
  country module is imported at run time; a test compares the data with the
  sources, so a drift shows),
- closures ITU adds by hand, and corrections that add or remove a day, with a
  note (``procedures calendar import`` writes them from ITU's published list),
- what a closure on a weekend does (``weekend_closures``: nothing extra by
  default, or the nearest working day in lieu).

Years listed as ``official_years`` have been checked against ITU's published
list; every other covered year is provisional and results say so. A date
outside the covered years is an error, never "no holidays".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from procedures.errors import CalendarError, RuleFileError
from procedures.models import Strict
from procedures.tomlfiles import read_checked

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
#: What a closure on a weekend day does: nothing extra, or close the nearest working day in lieu.
WeekendClosures = Literal["no-shift", "nearest-working-day"]


class CalendarHead(Strict):
    name: str
    weekend: list[Weekday] = Field(min_length=0, max_length=6)
    first_year: int = Field(ge=1900, le=2200)
    last_year: int = Field(ge=1900, le=2200)
    official_years: list[int] = []
    weekend_closures: WeekendClosures = "no-shift"

    @model_validator(mode="after")
    def _years(self) -> CalendarHead:
        if self.last_year < self.first_year:
            raise ValueError("last_year is before first_year")
        outside = [y for y in self.official_years if not self.first_year <= y <= self.last_year]
        if outside:
            raise ValueError(f"official_years lists {', '.join(map(str, outside))}, outside the covered years "
                             f"{self.first_year}–{self.last_year}; remove it or widen first_year/last_year")
        return self


class PublicHolidays(Strict):
    source: Literal["holidays"]
    country: str
    subdivision: str | None = None
    language: str | None = "en_US"


class Feast(Strict):
    """A feast ITU closes for, by its day of the Hijri year (Eid al-Fitr: 1 Shawwal = month 10, day 1)."""

    name: str
    hijri_month: int = Field(ge=1, le=12)
    hijri_day: int = Field(ge=1, le=30)


class Feasts(Strict):
    #: The calendar that estimates the feasts' dates (the hijridate package's Umm al-Qura tables).
    calendar: Literal["umm-al-qura"]
    #: How a feast's closure is labelled in results, e.g. "ITU closure (estimated date)".
    source: str
    days: list[Feast] = Field(min_length=1)


class Closure(Strict):
    date: dt.date
    name: str
    source: str


class Correction(Strict):
    date: dt.date
    action: Literal["add", "remove"]
    name: str
    note: str


class GeneratedDay(Strict):
    date: dt.date
    name: str


class GeneratedYear(Strict):
    """One covered year's closures as ``procedures calendar generate`` wrote them."""

    year: int
    public_holidays: list[GeneratedDay] = []
    feasts: list[GeneratedDay] = []


class CalendarFile(Strict):
    calendar: CalendarHead
    public_holidays: PublicHolidays
    feasts: Feasts | None = None
    closure: list[Closure] = []
    correction: list[Correction] = []
    generated: list[GeneratedYear] = []

    @model_validator(mode="after")
    def _dates_in_range(self) -> CalendarFile:
        lo, hi = self.calendar.first_year, self.calendar.last_year
        for entry in [*self.closure, *self.correction]:
            if not lo <= entry.date.year <= hi:
                raise ValueError(
                    f"{entry.name} on {entry.date} is outside the covered years {lo}–{hi}; "
                    "widen first_year/last_year or remove the entry"
                )
        seen: set[int] = set()
        for g in self.generated:
            if g.year in seen:
                raise ValueError(f"the generated closures list {g.year} twice; run 'procedures calendar generate' to write them again")
            seen.add(g.year)
            for d in [*g.public_holidays, *g.feasts]:
                if d.date.year != g.year:
                    raise ValueError(f"the generated closures of {g.year} list {d.name} on {d.date}, in another year; "
                                     "run 'procedures calendar generate' to write them again")
            if g.feasts and self.feasts is None:
                raise ValueError(f"the generated closures of {g.year} list feasts but the file has no [feasts]; "
                                 "add [feasts] or run 'procedures calendar generate' to write them again")
        return self

    def coverage_problem(self) -> str | None:
        """Why the generated closures do not match first_year..last_year (None when every covered year is there)."""
        lo, hi = self.calendar.first_year, self.calendar.last_year
        have = {g.year for g in self.generated}
        want = set(range(lo, hi + 1))
        if have == want:
            return None
        missing, extra = sorted(want - have), sorted(have - want)
        parts = []
        if missing:
            parts.append(f"no generated closures for {_years_text(missing)}")
        if extra:
            parts.append(f"generated closures for {_years_text(extra)}, outside first_year–last_year")
        return f"{'; '.join(parts)} (the calendar covers {lo}–{hi})"


def _years_text(years: list[int]) -> str:
    return ", ".join(str(y) for y in years)


@dataclass(frozen=True)
class ClosedDay:
    date: dt.date
    name: str
    source: str
    provisional: bool


class ClosureCalendar:
    """Answers "is this a working day at ITU headquarters?" for the covered years."""

    def __init__(self, spec: CalendarFile, file: str = "calendar"):
        self.spec = spec
        self.file = file
        self._weekend = {WEEKDAYS.index(d) for d in spec.calendar.weekend}
        self._table: dict[dt.date, ClosedDay] | None = None

    @property
    def name(self) -> str:
        return self.spec.calendar.name

    @property
    def years(self) -> range:
        return range(self.spec.calendar.first_year, self.spec.calendar.last_year + 1)

    def is_provisional(self, year: int) -> bool:
        return year not in self.spec.calendar.official_years

    def _check(self, day: dt.date) -> None:
        if day.year not in self.years:
            raise CalendarError(
                f"{day.isoformat()} is in {day.year}, which the closure calendar '{self.name}' "
                f"does not cover ({self.years.start}–{self.years.stop - 1}); "
                f"add the year's closures to {Path(self.file).parent.name}/{Path(self.file).name} and widen first_year/last_year"
            )

    def public_holiday_source(self) -> str:
        ph = self.spec.public_holidays
        return f"public holiday ({ph.country}{'-' + ph.subdivision if ph.subdivision else ''}, holidays package)"

    def declared_closures(self) -> dict[dt.date, ClosedDay]:
        """Every closed day the file declares (generated, added by hand, corrected), before any day in lieu."""
        spec = self.spec
        closed: dict[dt.date, ClosedDay] = {}
        public = self.public_holiday_source()
        for g in spec.generated:
            provisional = self.is_provisional(g.year)
            for d in g.public_holidays:
                closed[d.date] = ClosedDay(d.date, d.name, public, provisional)
            for d in g.feasts:
                closed[d.date] = ClosedDay(d.date, d.name, spec.feasts.source, provisional)
        for c in spec.closure:
            closed[c.date] = ClosedDay(c.date, c.name, c.source, self.is_provisional(c.date.year))
        for c in spec.correction:
            if c.action == "add":
                closed[c.date] = ClosedDay(c.date, c.name, f"correction: {c.note}", self.is_provisional(c.date.year))
            else:
                closed.pop(c.date, None)
        return closed

    def _closed(self) -> dict[dt.date, ClosedDay]:
        """The closed days of every covered year, built on first use from the file's data."""
        if self._table is None:
            closed = self.declared_closures()
            if self.spec.calendar.weekend_closures == "nearest-working-day":
                closed = self._with_days_in_lieu(closed)
            self._table = closed
        return self._table

    def _with_days_in_lieu(self, closed: dict[dt.date, ClosedDay]) -> dict[dt.date, ClosedDay]:
        """Each closure on a weekend day of a provisional year also closes the nearest working day.

        The direction is toward the nearest day outside the weekend (Saturday → Friday,
        Sunday → Monday; a tie goes back); a day already closed passes to the next one
        that way. A year marked official follows ITU's list: it gains and gives no day in lieu.
        """
        out = dict(closed)
        for c in sorted(closed.values(), key=lambda c: c.date):
            if not c.provisional or not self.is_weekend(c.date):
                continue
            step = self._toward_the_week(c.date)
            day = c.date + step
            while day.year in self.years and (self.is_weekend(day) or day in out):
                day += step
            if day.year in self.years and self.is_provisional(day.year):
                out[day] = ClosedDay(day, f"{c.name} (in lieu)", f"in lieu of {c.date:%A} {c.date.isoformat()} (a closure on a weekend)", True)
        return out

    def _toward_the_week(self, day: dt.date) -> dt.timedelta:
        for k in range(1, 8):
            if not self.is_weekend(day - dt.timedelta(days=k)):
                return dt.timedelta(days=-1)
            if not self.is_weekend(day + dt.timedelta(days=k)):
                return dt.timedelta(days=1)
        raise AssertionError("a weekend has at most six days")

    def closed_days(self, year: int) -> list[ClosedDay]:
        self._check(dt.date(year, 1, 1))
        return sorted((c for c in self._closed().values() if c.date.year == year), key=lambda c: c.date)

    def is_weekend(self, day: dt.date) -> bool:
        return day.weekday() in self._weekend

    def closure(self, day: dt.date) -> ClosedDay | None:
        self._check(day)
        return self._closed().get(day)

    def is_working_day(self, day: dt.date) -> bool:
        self._check(day)
        return not self.is_weekend(day) and day not in self._closed()

    def why_not_working(self, day: dt.date) -> str | None:
        """None on a working day, else 'Saturday', 'Good Friday (closed)', ..."""
        closed = self.closure(day)
        if closed:
            return f"{closed.name} (ITU closed)"
        if self.is_weekend(day):
            return day.strftime("%A")
        return None


def load_calendar(path: Path) -> ClosureCalendar:
    """Parse a calendar file and check every covered year has its generated closures; errors name the file."""
    spec = read_checked(CalendarFile, path)
    problem = spec.coverage_problem()
    if problem:
        lo, hi = spec.calendar.first_year, spec.calendar.last_year
        raise RuleFileError(str(path), None, problem,
                            f"run 'procedures calendar generate --years {lo}-{hi}' (with --rules for a copy of the rules)")
    return ClosureCalendar(spec, str(path))
