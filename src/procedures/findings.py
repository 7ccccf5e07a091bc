"""What the plan audit and the timeline report: a finding, with its paragraph and modality.

A "shall" missed is a breach, a "should" missed a warning (SEMANTICS § 4). A
*note* is no finding on the reading the engine uses but would be one on the
other reading, or explains how two dates meet (SEMANTICS § 6); it never makes a
result unclean.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from procedures.deadlines import Deadline
from procedures.models import SEVERITY


@dataclass(frozen=True)
class Finding:
    rule: str
    cite: str
    modality: str
    message: str
    dates: dict = field(default_factory=dict)
    meetings: tuple[str, ...] = ()
    #: What the other reading of the text gives, when it gives another answer (SEMANTICS § 6).
    other_reading: str | None = None
    #: In order on the reading used; shown because the other reading (or another date) says otherwise.
    note: bool = False

    @property
    def severity(self) -> str:
        return "note" if self.note else SEVERITY[self.modality]

    def as_dict(self) -> dict:
        return {"severity": self.severity, "rule": self.rule, "cite": self.cite, "modality": self.modality,
                "message": self.message, "dates": self.dates, "meetings": list(self.meetings),
                "other_reading": self.other_reading}

    def line(self) -> str:
        """One line for text output: severity, message, paragraph, modality, and any other reading."""
        other = f"; other reading: {self.other_reading}" if self.other_reading else ""
        return f"{self.severity}: {self.message} ({self.cite}, {self.modality}){other}"


def days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def unit_words(n, unit: str) -> str:
    """A count's unit as a sentence writes it: rule files give units in the plural ("vice-chairs",
    "consecutive meetings missed"); for exactly one, the last plural word is made singular."""
    if n != 1:
        return unit
    words = unit.split(" ")
    for i in range(len(words) - 1, -1, -1):
        if words[i].endswith("s") and not words[i].endswith("ss"):
            words[i] = words[i][:-1]
            break
    return " ".join(words)


def late_finding(d: Deadline, done: dt.date, subject: str, meetings: tuple[str, ...] = (), **dates) -> Finding | None:
    """A finding when ``done`` is after the deadline's day (that day itself is in time), else None."""
    if done <= d.date:
        return None
    late = (done - d.date).days
    return Finding(
        d.id, d.cite, d.rule.modality,
        f"{subject}: {d.rule.summary[0].lower()}{d.rule.summary[1:]} on {done}, {days(late)} after {d.date}",
        {"due": d.date.isoformat(), "done": done.isoformat(), "days_late": late, **dates}, meetings,
    )
