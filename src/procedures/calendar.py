"""The closure calendar: which days ITU headquarters is closed.

A calendar is declarations in a TOML file of the rules folder:

- public holidays taken from the ``holidays`` package (country and subdivision),
- closures ITU adds beyond them (e.g. Eid al-Fitr, Eid al-Adha), dated per year,
- corrections that add or remove a day, with a note, once ITU publishes its list.

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

from procedures.errors import CalendarError
from procedures.models import Strict
from procedures.tomlfiles import read_checked

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class CalendarHead(Strict):
    name: str
    weekend: list[Weekday] = Field(min_length=0, max_length=6)
    first_year: int = Field(ge=1900, le=2200)
    last_year: int = Field(ge=1900, le=2200)
    official_years: list[int] = []

    @model_validator(mode="after")
    def _years(self) -> CalendarHead:
        if self.last_year < self.first_year:
            raise ValueError("last_year is before first_year")
        return self


class PublicHolidays(Strict):
    source: Literal["holidays"]
    country: str
    subdivision: str | None = None
    language: str | None = "en_US"


class Closure(Strict):
    date: dt.date
    name: str
    source: str


class Correction(Strict):
    date: dt.date
    action: Literal["add", "remove"]
    name: str
    note: str


class CalendarFile(Strict):
    calendar: CalendarHead
    public_holidays: PublicHolidays
    closure: list[Closure] = []
    correction: list[Correction] = []

    @model_validator(mode="after")
    def _dates_in_range(self) -> CalendarFile:
        lo, hi = self.calendar.first_year, self.calendar.last_year
        for entry in [*self.closure, *self.correction]:
            if not lo <= entry.date.year <= hi:
                raise ValueError(
                    f"{entry.name} on {entry.date} is outside the covered years {lo}–{hi}; "
                    "widen first_year/last_year or remove the entry"
                )
        return self


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
        self._by_year: dict[int, dict[dt.date, ClosedDay]] = {}

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

    def _closed_in(self, year: int) -> dict[dt.date, ClosedDay]:
        """The closed days of one year, computed on first use (a command touches one or two years)."""
        hit = self._by_year.get(year)
        if hit is not None:
            return hit
        import holidays  # heavy; imported only when a working day is actually needed

        ph = self.spec.public_holidays
        table = holidays.country_holidays(ph.country, subdiv=ph.subdivision, years=year, language=ph.language)
        src = f"public holiday ({ph.country}{'-' + ph.subdivision if ph.subdivision else ''}, holidays package)"
        provisional = self.is_provisional(year)
        closed = {day: ClosedDay(day, name, src, provisional) for day, name in table.items() if day.year == year}
        for c in self.spec.closure:
            if c.date.year == year:
                closed[c.date] = ClosedDay(c.date, c.name, c.source, provisional)
        for c in self.spec.correction:
            if c.date.year != year:
                continue
            if c.action == "add":
                closed[c.date] = ClosedDay(c.date, c.name, f"correction: {c.note}", provisional)
            else:
                closed.pop(c.date, None)
        self._by_year[year] = closed
        return closed

    def closed_days(self, year: int) -> list[ClosedDay]:
        self._check(dt.date(year, 1, 1))
        return sorted(self._closed_in(year).values(), key=lambda c: c.date)

    def is_weekend(self, day: dt.date) -> bool:
        return day.weekday() in self._weekend

    def closure(self, day: dt.date) -> ClosedDay | None:
        self._check(day)
        return self._closed_in(day.year).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        self._check(day)
        return not self.is_weekend(day) and day not in self._closed_in(day.year)

    def why_not_working(self, day: dt.date) -> str | None:
        """None on a working day, else 'Saturday', 'Good Friday (closed)', ..."""
        closed = self.closure(day)
        if closed:
            return f"{closed.name} (ITU closed)"
        if self.is_weekend(day):
            return day.strftime("%A")
        return None


def load_calendar(path: Path) -> ClosureCalendar:
    """Parse a calendar file; errors are reported by the loader with the file name."""
    spec = read_checked(CalendarFile, path)
    return ClosureCalendar(spec, str(path))

