"""A procedure's dates from its starting event: circulars, reply windows, opposition windows.

Events given with their real dates are checked against their last day (the
rule an event defaults to): a later date is a finding, with the paragraph, the
days late and the severity of the rule's modality. Where a rule's date can come
on or before another procedure's date it depends on (``overlap``: § 7.3.5.3's
request and § 7.3.5.2's opposition window), a note explains it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from procedures.deadlines import Deadline, MissingEvent, Skipped, evaluate, evaluate_applicable, non_working_warnings
from procedures.errors import InputError
from procedures.findings import Finding, late_finding
from procedures.loader import Ruleset
from procedures.models import TallyRule
from procedures.timetable import check_events, provisional_warnings
from procedures.timetable import acting


@dataclass
class Timeline:
    ruleset: Ruleset
    procedure: str
    start_event: str
    start: dt.date
    deadlines: list[Deadline]
    #: Events not given whose date was taken as the latest the rules allow.
    assumptions: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Events given after their last day (breach or warning), and notes on overlapping dates.
    findings: list[Finding] = field(default_factory=list)

    @property
    def breaches(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "breach"]

    @property
    def late_warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def as_dict(self) -> dict:
        return {
            "ruleset": self.ruleset.id,
            "procedure": self.procedure,
            "start": {"event": self.start_event, "date": self.start.isoformat()},
            "deadlines": [d.as_dict() | acting(self.ruleset, d) for d in self.deadlines],  # who acts; act_by (issue 18 item 2)
            "assumptions": self.assumptions,
            "skipped": [s.as_dict() for s in self.skipped],
            "warnings": self.warnings,
            "findings": [f.as_dict() for f in self.findings],
        }


def start_event(rs: Ruleset, procedure: str) -> str:
    if procedure not in rs.spec.procedures:
        from procedures.vocabulary import not_one_of

        raise InputError(not_one_of("procedure", procedure, timeline_procedures(rs)))
    for rule in rs.of_kind(TallyRule):
        if procedure in rule.applies_to and rule.starts_with:
            return rule.starts_with
    raise InputError(f"procedure '{procedure}' has no dates to compute; procedures with a timeline: {', '.join(timeline_procedures(rs))}")


def timeline_procedures(rs: Ruleset) -> list[str]:
    return [p for p in rs.spec.procedures if any(p in r.applies_to and r.starts_with for r in rs.of_kind(TallyRule))]


def _events_given(rs: Ruleset, event: str, start: dt.date, other_events: dict[str, dt.date] | None) -> dict[str, dt.date]:
    """The starting event and the others given, each a known event on or after the start."""
    others = other_events or {}
    check_events(rs, others)
    for name, day in others.items():
        if day < start:  # every event of a procedure follows the one that starts it (the adoption, the meeting's end)
            raise InputError(f"--event {name}={day} is before the procedure's starting event, {event} on {start}; "
                             "correct one of the two dates")
    return {event: start, **others}


def _assumption(rs: Ruleset, d: Deadline, found: list[Deadline], events: dict[str, dt.date]) -> str | None:
    """What is assumed for an event not given that a rule is counted from: its latest allowed date."""
    anchor = d.rule.anchor
    decl = rs.spec.events.get(anchor)
    if not (decl and decl.default and anchor not in events):
        return None
    derived = next((x for x in found if x.id == decl.default), None)
    when = derived.date.isoformat() if derived else "the latest allowed date"
    by = derived.cite if derived else decl.default
    return (f"{rs.spec.words(anchor)} not given: assumed on {when}, the latest {by} allows; "
            f"give --event {anchor}=DATE for the real date")


def timeline(rs: Ruleset, procedure: str, start: dt.date, other_events: dict[str, dt.date] | None = None) -> Timeline:
    event = start_event(rs, procedure)
    events = _events_given(rs, event, start, other_events)
    _check_used(rs, procedure, event, other_events or {})
    found, skipped = evaluate_applicable(rs, procedure, events)
    assumptions = [a for a in (_assumption(rs, d, found, events) for d in found) if a]
    findings = late_events(rs, found, events) + overlaps(rs, found, events)
    warnings = non_working_warnings(found) + provisional_warnings(rs, [d.date for d in found])
    return Timeline(rs, procedure, event, start, found, assumptions, skipped, warnings, findings)


def events_used(rs: Ruleset, procedure: str) -> set[str]:
    """The events a procedure's rules count from, assume or give the last day of."""
    used: set[str] = set()
    for rule in rs.deadlines().values():
        if procedure in rule.applies_to:
            used |= {r.name for r in rule.references() if r.space in ("anchor", "event") and r.name in rs.spec.events}
            used |= {e for e in [event_of(rs, rule.id)] if e}
    return used


def _check_used(rs: Ruleset, procedure: str, start: str, given: dict[str, dt.date]) -> None:
    """An event given that no rule of the procedure uses would change nothing: refused, not silently ignored."""
    used = events_used(rs, procedure) - {start}
    for name in given:
        if name not in used:
            raise InputError(f"--event {name}: no rule of procedure {procedure} uses this event; "
                             f"it uses {', '.join(sorted(used)) or 'none but its start'}")


def event_of(rs: Ruleset, rule_id: str) -> str | None:
    """The event whose last day this rule gives (the event it is the default of), if any."""
    return next((name for name, decl in rs.spec.events.items() if decl.default == rule_id), None)


def late_events(rs: Ruleset, found: list[Deadline], events: dict[str, dt.date]) -> list[Finding]:
    """Each event given later than the rule that bounds it: the last day is in time, a day later is late by 1 day."""
    out = []
    for d in found:
        name = event_of(rs, d.id)
        if name in events:
            f = late_finding(d, events[name], name, event=name)
            if f:
                out.append(f)
    return out


def overlaps(rs: Ruleset, found: list[Deadline], events: dict[str, dt.date]) -> list[Finding]:
    """Notes where a date (the event given, else its last day) falls on or before another rule's date."""
    notes = (_overlap(rs, d, events) for d in found if d.rule.overlap is not None)
    return [n for n in notes if n]


def _overlap(rs: Ruleset, d: Deadline, events: dict[str, dt.date]) -> Finding | None:
    """The note for one rule whose date must not fall on or before its overlap rule's, if it does."""
    ov = d.rule.overlap
    assumed = {e: events[src] for e, src in ov.assume.items() if e not in events and src in events}
    try:
        other = evaluate(rs, ov.rule, {**events, **assumed})
    except MissingEvent:
        return None
    name = event_of(rs, d.id)
    given = name in events
    day = events[name] if given else d.date
    if day > other.date:
        return None
    what = f"sent ({name}) on {day}" if given else f"due by {day}"
    when = "before" if day < other.date else "on the same day as"
    basis = "".join(f"; {rs.spec.words(e)} not given: taken as {rs.spec.words(src)} ({events[src]}), the earliest it can be" for e, src in ov.assume.items() if e in assumed)
    return Finding(
        d.id, d.cite, d.rule.modality,
        f"{_lower(d.rule.summary)} {what}, {when} {other.date}: {_lower(other.rule.summary)} ({other.cite}){basis}; {ov.note}",
        {"date": day.isoformat(), "other_rule": other.id, "other_date": other.date.isoformat(), **{e: v.isoformat() for e, v in assumed.items()}},
        note=True,
    )


def _lower(text: str) -> str:
    return text[0].lower() + text[1:]
