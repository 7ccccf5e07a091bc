"""Evaluating deadline rules: an anchor date, an offset, a non-working-day policy.

Pure: the inputs are a ruleset and the dates of the events at hand; the result
carries its date, its cut-off moment in the ruleset's time zone and a trace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import NamedTuple
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from procedures.errors import EvaluationError
from procedures.loader import Ruleset
from procedures.models import DayCounting, DeadlineRule, deadline_applies
from procedures.offsets import apply_non_working_day, shift


class MissingEvent(EvaluationError):
    def __init__(self, event: str, summary: str):
        self.event = event
        super().__init__(f"needs the date of '{event}' ({summary})")


@dataclass(frozen=True)
class Step:
    """One line of a trace: which rule, which paragraph, what was computed."""

    rule: str
    cite: str
    text: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "cite": self.cite, "text": self.text}


@dataclass(frozen=True)
class Deadline:
    rule: DeadlineRule
    cite: str
    date: dt.date
    cutoff: dt.datetime
    #: Why the date is not a working day (weekend or closure), or None.
    non_working: str | None
    provisional_calendar: bool
    trace: list[Step] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def ends(self) -> dt.datetime:
        """When the deadline day ends, exclusive: the end of its cut-off second (SEMANTICS § 1)."""
        return self.cutoff + WHOLE_SECOND

    def as_dict(self) -> dict:
        return {
            "id": self.rule.id,
            "date": self.date.isoformat(),
            "weekday": self.date.strftime("%A"),
            "cutoff": self.cutoff.isoformat(),
            "cite": self.cite,
            "also_cites": [c.label() for c in self.rule.also_cites],
            "modality": self.rule.modality,
            "summary": self.rule.summary,
            "non_working_day": self.non_working is not None,
            "non_working_reason": self.non_working,
            "calendar_provisional": self.provisional_calendar,
            "only_if": self.rule.only_if,
            "done_in_plan": self.rule.done_in_plan,
        }


def other_counting(rs: Ruleset) -> DayCounting:
    """The day-counting reading the ruleset does not use (SEMANTICS § 6), to show where it matters."""
    return "clear-days" if rs.head.day_counting == "date-minus-n" else "date-minus-n"


def zone(rs: Ruleset) -> ZoneInfo:
    return ZoneInfo(rs.head.time_zone)


def cutoff_of(rs: Ruleset, day: dt.date) -> dt.datetime:
    """The last second of a deadline day, as shown: the ruleset's cut-off time in its time zone."""
    return dt.datetime.combine(day, rs.head.cutoff, tzinfo=zone(rs))


#: The cut-off names a whole second (the ruleset refuses fractions): the day ends when it ends,
#: so 23:59:59.999 is in time and 00:00:00 the next day is not.
WHOLE_SECOND = dt.timedelta(seconds=1)


def end_of(rs: Ruleset, day: dt.date) -> dt.datetime:
    """When a day ends for a deadline, exclusive: the end of its cut-off second."""
    return cutoff_of(rs, day) + WHOLE_SECOND


def evaluate(
    rs: Ruleset,
    rule_id: str,
    events: Mapping[str, dt.date],
    counting: DayCounting | None = None,
) -> Deadline:
    """Compute one deadline rule's date from the given event dates.

    A rule anchored on another rule's date (or on an event whose date defaults
    to a rule's) is computed after it: the chain of derived anchors is walked
    down to a given event (or one halfway between two given events), then
    evaluated back up, without recursion (the loader has refused cycles).
    Raises MissingEvent when the chain needs an event that was not given.
    """
    counting = counting or rs.head.day_counting
    chain: list[str] = []  # the asked rule first, down to the one anchored on a given (or midpoint) event
    node = rule_id
    while True:
        chain.append(node)
        anchor = rs.deadlines()[node].anchor
        if anchor not in rs.spec.events:
            node = anchor
            continue
        decl = rs.spec.events[anchor]
        if anchor in events or decl.midpoint_of:
            break
        if not decl.default:
            raise MissingEvent(anchor, decl.summary)
        node = decl.default
    trace: list[Step] = []
    result: Deadline | None = None
    for node in reversed(chain):
        rule = rs.deadlines()[node]
        cite = rule.cite.label()
        anchor = rule.anchor
        if result is not None:
            base = result.date
            if anchor in rs.spec.events:
                trace.append(Step(rule.id, cite, f"{anchor} not given: taken as the latest date {result.rule.id} allows, {base.isoformat()}"))
        elif anchor in events:
            base = events[anchor]
            trace.append(Step(rule.id, cite, f"{anchor} is {base.isoformat()} ({base:%A})"))
        else:
            first, last = rs.spec.events[anchor].midpoint_of
            base = midpoint(rs, [first, last], events)
            span = (events[last] - events[first]).days
            trace.append(Step(rule.id, cite, f"{anchor}: halfway from {first} {events[first].isoformat()} to {last} "
                                             f"{events[last].isoformat()} ({span} days; {span // 2} on) = {base.isoformat()}"))
        result = _shifted(rs, rule, base, counting, trace)
    return result


def _shifted(rs: Ruleset, rule: DeadlineRule, base: dt.date, counting: DayCounting, trace: list[Step]) -> Deadline:
    """One rule's date from its anchor's date: the offset, then the non-working-day policy."""
    cite = rule.cite.label()
    cal = rs.calendar
    day, how = shift(base, rule.offset, counting, cal)
    trace.append(Step(rule.id, cite, f"{rule.offset.describe()} {rule.anchor}: {how}"))
    day, moved = apply_non_working_day(day, rule.non_working_day, cal)
    if moved:
        trace.append(Step(rule.id, cite, moved))
    return Deadline(
        rule=rule,
        cite=cite,
        date=day,
        cutoff=cutoff_of(rs, day),
        non_working=cal.why_not_working(day),
        provisional_calendar=cal.is_provisional(day.year),
        trace=list(trace),
    )


def midpoint(rs: Ruleset, between: list[str], events: Mapping[str, dt.date]) -> dt.date:
    """The day halfway between two events' dates; the earlier of the two middle days when the span is odd."""
    for name in between:
        if name not in events:
            raise MissingEvent(name, rs.spec.events[name].summary)
    first, last = (events[n] for n in between)
    return first + dt.timedelta(days=(last - first).days // 2)


#: Evaluated deadlines kept per ruleset at most (a memo, not a store).
MEMO_LIMIT = 65536


def evaluate_cached(rs: Ruleset, rule_id: str, events: Mapping[str, dt.date], counting: DayCounting | None = None) -> Deadline:
    """``evaluate``, memoised on the ruleset by the only inputs the rule depends on."""
    counting = counting or rs.head.day_counting
    key = (rule_id, counting, tuple((e, events.get(e)) for e in sorted(rs.events_behind(rule_id))))
    hit = rs.evaluated.get(key)
    if hit is None:
        if len(rs.evaluated) >= MEMO_LIMIT:  # bounded: a long-running server sees endless dates
            rs.evaluated.clear()
        hit = rs.evaluated[key] = evaluate(rs, rule_id, events, counting)
    return hit


class Skipped(NamedTuple):
    """A rule not dated because an event it needs was not given (unpacks as (rule id, cite, reason))."""

    rule: str
    cite: str
    reason: str

    def as_dict(self) -> dict:
        return {"id": self.rule, "cite": self.cite, "reason": self.reason}


def evaluate_applicable(
    rs: Ruleset,
    subject: str,
    events: Mapping[str, dt.date],
    conditions: frozenset[str] | None = None,
) -> tuple[list[Deadline], list[Skipped]]:
    """Every deadline rule that applies to ``subject`` (a meeting kind or procedure), in date order.

    Rules that need an event not given come back as Skipped (rule id, cite, reason).
    With ``conditions``, a rule applies as its base rule and exceptions say
    (``deadline_applies``); without, every rule is listed, and those whose base
    rule does not apply are flagged by their caller.
    """
    found: list[Deadline] = []
    skipped: list[Skipped] = []
    for rule in rs.deadlines().values():
        if subject not in rule.applies_to:
            continue
        if conditions is not None and not deadline_applies(rule, conditions):
            continue
        try:
            found.append(evaluate(rs, rule.id, events))
        except MissingEvent as exc:
            skipped.append(Skipped(rule.id, rule.cite.label(), str(exc)))
    found.sort(key=lambda d: (d.date, d.rule.cite.sort_key(), d.id))
    return found, skipped


def non_working_warnings(deadlines: list[Deadline]) -> list[str]:
    return [f"{d.date.isoformat()} ({d.cite}) falls on a non-working day: {d.non_working}" for d in deadlines if d.non_working]
