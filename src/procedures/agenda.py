"""One agenda of everything a plan's meetings make due, in date order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from procedures.deadlines import Deadline, MissingEvent, evaluate, evaluate_applicable
from procedures.loader import Ruleset
from procedures.models import DeadlineRule
from procedures.plan import PlanFile, PlanMeeting
from procedures.timetable import OPENS, CLOSES, acting, opening_warning

#: The events a plan supplies beyond a meeting's own dates.
from procedures.vocabulary import FIRST_OF_YEAR, PERIOD_SUBJECT, WTDC_CLOSED, WTDC_KIND, WTDC_OPENS


@dataclass(frozen=True)
class Item:
    """A deadline of one meeting (or of the study period), with what the plan records of it."""

    meeting: str
    kind: str
    deadline: Deadline
    done: dt.date | None
    #: On the other reading of what the anchor is (SEMANTICS § 6), the date it would give, and why.
    other_date: dt.date | None = None
    other_reading: str | None = None
    #: The meeting the date was counted from, when the plan chose it (the year's first meeting, § 3.7.4).
    counted_from: str | None = None

    def as_dict(self, rs: Ruleset | None = None) -> dict:
        out = {"meeting": self.meeting, "kind": self.kind, **self.deadline.as_dict(),
               "done": self.done.isoformat() if self.done else None}
        if rs is not None:  # who acts, and the act-by date of a secretariat obligation on a non-working day
            out.update(acting(rs, self.deadline))
        if self.counted_from:
            out["counted_from"] = self.counted_from
        if self.other_reading:
            out["other_reading_date"] = self.other_date.isoformat() if self.other_date else None
            out["other_reading"] = self.other_reading
        return out


@dataclass
class Agenda:
    ruleset: Ruleset
    plan: PlanFile
    items: list[Item]
    #: (meeting, rule id) pairs that need a date the plan cannot give (e.g. a contribution's receipt).
    undated: list[tuple[str, str]] = field(default_factory=list)
    #: Meetings opening on a weekend or closure day (a warning, never an error).
    warnings: list[str] = field(default_factory=list)

    def between(self, start: dt.date | None, end: dt.date | None) -> list[Item]:
        return [i for i in self.items if (start is None or i.deadline.date >= start) and (end is None or i.deadline.date <= end)]

    def warnings_between(self, start: dt.date | None, end: dt.date | None) -> list[str]:
        """The warnings on meetings that open between two dates (all of them without dates)."""
        return [w for opens, w in opening_warnings(self.ruleset, self.plan, dated=True)
                if (start is None or opens >= start) and (end is None or opens <= end)]


def agenda(rs: Ruleset, plan: PlanFile) -> Agenda:
    items: list[Item] = []
    undated: list[tuple[str, str]] = []
    period = plan.study_period
    wtdc = period.next_wtdc
    bounds = {WTDC_OPENS: wtdc.opens, WTDC_CLOSED: period.wtdc_closed}

    def add(name: str, subject: str, events: dict, done: dict, conditions: set[str]) -> None:
        found, skipped = evaluate_applicable(rs, subject, events, frozenset(conditions))
        undated.extend((name, rule_id) for rule_id, _, _ in skipped)
        items.extend(Item(name, subject, d, done.get(d.rule.done_in_plan) if d.rule.done_in_plan else None) for d in found)

    for m in plan.meeting:
        add(m.name, m.kind, {OPENS: m.opens, CLOSES: m.closes, **bounds}, m.done, set(m.conditions))
    wtdc_events = {OPENS: wtdc.opens, **bounds}
    if wtdc.closes:
        wtdc_events[CLOSES] = wtdc.closes
    add(wtdc.name, WTDC_KIND, wtdc_events, period.done, set())
    items.extend(_period_items(rs, plan, bounds, undated))
    items.sort(key=lambda i: (i.deadline.date, i.meeting, i.deadline.rule.cite.sort_key()))
    return Agenda(rs, plan, items, undated, opening_warnings(rs, plan))


def opening_warnings(rs: Ruleset, plan: PlanFile, dated: bool = False) -> list:
    """A warning for each meeting of the plan (and the next WTDC) whose first day is a weekend or closure day.

    With ``dated``, (opening day, warning) pairs.
    """
    wtdc = plan.study_period.next_wtdc
    meetings = sorted([(m.opens, m.name) for m in plan.meeting] + [(wtdc.opens, wtdc.name)])
    found = [(opens, w) for opens, name in meetings if (w := opening_warning(rs, opens, name))]
    return found if dated else [w for _, w in found]


def _period_items(rs: Ruleset, plan: PlanFile, bounds: dict, undated: list) -> list[Item]:
    """The study period's own deadlines: once for the period, or once a year from the year's first meeting (§ 3.7.4)."""
    out: list[Item] = []
    label = f"study period {plan.study_period.name}"
    for rule in rs.deadlines().values():
        if PERIOD_SUBJECT not in rule.applies_to:
            continue
        if FIRST_OF_YEAR in rs.events_behind(rule.id):
            out += _yearly_items(rs, plan, rule, bounds)
            continue
        try:
            d = evaluate(rs, rule.id, bounds)
        except MissingEvent:
            undated.append((label, rule.id))
            continue
        out.append(Item(label, PERIOD_SUBJECT, d, plan.study_period.done.get(rule.done_in_plan or "")))
    return out


def _yearly_items(rs: Ruleset, plan: PlanFile, rule: DeadlineRule, bounds: dict) -> list[Item]:
    """A deadline counted from each year's first meeting, with the other reading of which meetings count (§ 3.7.4)."""
    done_by_year = {y.year: y.done for y in plan.year}
    other = rule.anchor_kinds_other_reading
    other_first = first_meetings(plan, other.kinds) if other else {}
    out = []
    for year, first in first_meetings(plan, rule.anchor_kinds).items():
        d = evaluate(rs, rule.id, {FIRST_OF_YEAR: first.opens, **bounds})
        done = done_by_year.get(year, {}).get(rule.done_in_plan or "")
        other_date, note = _other_first(rs, rule, first, other_first.get(year), bounds) if other else (None, None)
        out.append(Item(f"meetings of {year}", PERIOD_SUBJECT, d, done, other_date, note, f"{first.name} ({first.opens})"))
    return out


def _other_first(rs: Ruleset, rule: DeadlineRule, first: PlanMeeting, alt: PlanMeeting | None, bounds: dict) -> tuple[dt.date | None, str | None]:
    """On the other reading of the year's first meeting: the date it gives and why, when it is another meeting."""
    if alt is not None and alt.opens == first.opens:
        return None, None
    other = rule.anchor_kinds_other_reading
    other_date = evaluate(rs, rule.id, {FIRST_OF_YEAR: alt.opens, **bounds}).date if alt else None
    where = f"the first is {alt.name} ({alt.opens}), due {other_date}" if alt else "no such meeting that year"
    return other_date, f"{other.summary[0].lower()}{other.summary[1:]}: {where}"


def first_meetings(plan: PlanFile, kinds: list[str] | None = None) -> dict[int, PlanMeeting]:
    """The first meeting of each calendar year of the plan, among ``kinds`` (all kinds when none given)."""
    out: dict[int, PlanMeeting] = {}
    for m in sorted(plan.meeting, key=lambda m: m.opens):
        if not kinds or m.kind in kinds:
            out.setdefault(m.opens.year, m)
    return out
