"""A procedure's dates from its starting event: circulars, reply windows, opposition windows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from procedures.deadlines import Deadline, evaluate_applicable, non_working_warnings
from procedures.errors import InputError
from procedures.loader import Ruleset
from procedures.models import TallyRule
from procedures.timetable import check_events, provisional_warnings


@dataclass
class Timeline:
    ruleset: Ruleset
    procedure: str
    start_event: str
    start: dt.date
    deadlines: list[Deadline]
    #: Events not given whose date was taken as the latest the rules allow.
    assumptions: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "ruleset": self.ruleset.id,
            "procedure": self.procedure,
            "start": {"event": self.start_event, "date": self.start.isoformat()},
            "deadlines": [d.as_dict() for d in self.deadlines],
            "assumptions": self.assumptions,
            "skipped": [{"id": i, "cite": c, "reason": r} for i, c, r in self.skipped],
            "warnings": self.warnings,
        }


def start_event(rs: Ruleset, procedure: str) -> str:
    if procedure not in rs.spec.procedures:
        raise InputError(f"unknown procedure '{procedure}'; use one of: {', '.join(timeline_procedures(rs))}")
    for rule in rs.of_kind(TallyRule):
        if procedure in rule.applies_to and rule.starts_with:
            return rule.starts_with
    raise InputError(f"procedure '{procedure}' has no dates to compute; procedures with a timeline: {', '.join(timeline_procedures(rs))}")


def timeline_procedures(rs: Ruleset) -> list[str]:
    return [p for p in rs.spec.procedures if any(p in r.applies_to and r.starts_with for r in rs.of_kind(TallyRule))]


def timeline(rs: Ruleset, procedure: str, start: dt.date, other_events: dict[str, dt.date] | None = None) -> Timeline:
    event = start_event(rs, procedure)
    events = {event: start, **(other_events or {})}
    check_events(rs, other_events or {})
    found, skipped = evaluate_applicable(rs, procedure, events)
    assumptions = []
    for d in found:
        anchor = d.rule.anchor
        decl = rs.spec.events.get(anchor)
        if decl and decl.default and anchor not in events:
            derived = next((x for x in found if x.id == decl.default), None)
            when = derived.date.isoformat() if derived else "the latest allowed date"
            assumptions.append(
                f"{anchor} not given: assumed on {when}, the latest {decl.default} allows; "
                f"give --event {anchor}=DATE for the real date"
            )
    warnings = non_working_warnings(found) + provisional_warnings(rs, [d.date for d in found])
    return Timeline(rs, procedure, event, start, found, assumptions, skipped, warnings)
