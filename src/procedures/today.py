"""Where a date stands from today: days left, or how long ago it passed.

Today is a date at the ruleset's headquarters (its time zone), given by
`--today DATE`, else $PROCEDURES_TODAY (so that examples and tests are
reproducible), else the current date there. Pure functions; no rule knowledge.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from procedures.output import count

TODAY_ENV = "PROCEDURES_TODAY"


def today_in(time_zone: str, given: dt.date | None = None) -> dt.date:
    """``given``, else $PROCEDURES_TODAY, else the current date in ``time_zone``."""
    if given is not None:
        return given
    fixed = os.environ.get(TODAY_ENV, "").strip()
    if fixed:
        from procedures.timestamps import parse_date

        return parse_date(fixed, TODAY_ENV)
    return dt.datetime.now(ZoneInfo(time_zone)).date()


@dataclass(frozen=True)
class Standing:
    """A date seen from today: ``days_left`` is negative once it has passed."""

    date: dt.date
    today: dt.date
    modality: str | None = None

    @property
    def days_left(self) -> int:
        return (self.date - self.today).days

    @property
    def passed(self) -> bool:
        return self.days_left < 0

    @property
    def missed(self) -> bool:
        """A 'shall' whose date has passed: flagged (whether it was met is not known here)."""
        return self.passed and self.modality == "shall"

    def words(self) -> str:
        n = self.days_left
        if n == 0:
            return "today"
        if n == 1:
            return "tomorrow"
        if n > 1:
            return f"in {count(n, 'day')}"
        if n == -1:
            return "passed yesterday"
        return f"passed {count(-n, 'day')} ago"

    def as_dict(self) -> dict:
        return {"days_left": self.days_left, "passed": self.passed}


def standing(date: dt.date, today: dt.date, modality: str | None = None) -> Standing:
    return Standing(date, today, modality)
