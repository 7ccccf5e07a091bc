"""A meeting's timetable: every deadline rule that applies to its kind, computed and sorted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from procedures.deadlines import Deadline, evaluate, evaluate_applicable, non_working_warnings, other_counting
from procedures.errors import InputError
from procedures.loader import Ruleset

#: The events a meeting itself supplies; every other event comes from --event.
from procedures.vocabulary import CLOSES, OPENS


@dataclass(frozen=True)
class Meeting:
    kind: str
    opens: dt.date
    closes: dt.date | None = None
    opening_time: dt.time | None = None
    #: Dates of other events the rules may hang on (e.g. wtdc-opens), by event name.
    other_events: tuple[tuple[str, dt.date], ...] = ()

    def events(self) -> dict[str, dt.date]:
        out = {OPENS: self.opens, **dict(self.other_events)}
        if self.closes:
            out[CLOSES] = self.closes
        return out

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "opens": self.opens.isoformat(),
            "closes": self.closes.isoformat() if self.closes else None,
            "opening_time": self.opening_time.strftime("%H:%M") if self.opening_time else None,
            **{name: day.isoformat() for name, day in self.other_events},
        }


def check_kind(rs: Ruleset, kind: str) -> None:
    if kind not in rs.spec.meeting_kinds:
        raise InputError(f"unknown meeting kind '{kind}'; use one of: {', '.join(rs.spec.meeting_kinds)}")


def check_events(rs: Ruleset, names, reserved: tuple[str, ...] = ()) -> None:
    """Event names given by a user must be events of the ruleset (and not ones the command sets itself)."""
    for name in names:
        if name not in rs.spec.events or name in reserved:
            usable = [e for e in rs.spec.events if e not in reserved]
            raise InputError(f"unknown event '{name}' in --event; use one of: {', '.join(usable)}")


def check_closes(opens: dt.date, closes: dt.date | None) -> None:
    if closes and closes < opens:
        raise InputError(f"the meeting closes ({closes}) before it opens ({opens}); check --closes")


def check_meeting(rs: Ruleset, meeting: Meeting) -> None:
    check_kind(rs, meeting.kind)
    check_closes(meeting.opens, meeting.closes)
    check_events(rs, (name for name, _ in meeting.other_events), (OPENS, CLOSES))


@dataclass
class Timetable:
    ruleset: Ruleset
    meeting: Meeting
    deadlines: list[Deadline]
    #: Rules that apply to the kind but need an event that was not given: (rule id, cite, reason).
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Notes on the calendar itself (provisional years), also among the warnings.
    calendar_notes: list[str] = field(default_factory=list)
    #: Where the other day-counting reading gives another date: rule id -> that date.
    other_reading: dict[str, dt.date] = field(default_factory=dict)

    def reading_note(self) -> str:
        h = self.ruleset.head
        note = f"days counted '{h.day_counting}'"
        if self.other_reading:
            note += (f"; read as '{other_counting(self.ruleset)}', {len(self.other_reading)} of these dates would differ "
                     f"(--format json shows them as other_reading_date)")
        return note

    def as_dict(self) -> dict:
        return {
            "ruleset": self.ruleset.id,
            "meeting": self.meeting.as_dict(),
            "time_zone": self.ruleset.head.time_zone,
            "day_counting": self.ruleset.head.day_counting,
            "deadlines": [
                d.as_dict() | ({"other_reading_date": self.other_reading[d.id].isoformat()} if d.id in self.other_reading else {})
                for d in self.deadlines
            ],
            "skipped": [{"id": i, "cite": c, "reason": r} for i, c, r in self.skipped],
            "warnings": self.warnings,
        }


def provisional_warnings(rs: Ruleset, days: list[dt.date]) -> list[str]:
    cal = rs.calendar
    years = sorted({d.year for d in days if cal.is_provisional(d.year)})
    if not years:
        return []
    listed = ", ".join(str(y) for y in years)
    return [f"the closure calendar for {listed} is provisional (computed, not yet checked against ITU's published list)"]


def timetable(rs: Ruleset, meeting: Meeting) -> Timetable:
    check_meeting(rs, meeting)
    events = meeting.events()
    found, skipped = evaluate_applicable(rs, meeting.kind, events)
    notes = provisional_warnings(rs, [d.date for d in found])
    alternative = other_counting(rs)
    other = {}
    for d in found:
        alt = evaluate(rs, d.id, events, alternative).date
        if alt != d.date:
            other[d.id] = alt
    return Timetable(rs, meeting, found, skipped, non_working_warnings(found) + notes, notes, other)
