"""One agenda of everything a plan's meetings make due, in date order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from procedures.deadlines import Deadline, evaluate_applicable
from procedures.loader import Ruleset
from procedures.plan import PlanFile
from procedures.timetable import OPENS, CLOSES

#: The events a plan supplies beyond a meeting's own dates.
from procedures.vocabulary import FIRST_OF_YEAR, PERIOD_SUBJECT, WTDC_KIND, WTDC_OPENS


@dataclass(frozen=True)
class Item:
    """A deadline of one meeting (or of the study period), with what the plan records of it."""

    meeting: str
    kind: str
    deadline: Deadline
    done: dt.date | None

    def as_dict(self) -> dict:
        return {"meeting": self.meeting, "kind": self.kind, **self.deadline.as_dict(),
                "done": self.done.isoformat() if self.done else None}


@dataclass
class Agenda:
    ruleset: Ruleset
    plan: PlanFile
    items: list[Item]
    #: (meeting, rule id) pairs that need a date the plan cannot give (e.g. a contribution's receipt).
    undated: list[tuple[str, str]] = field(default_factory=list)

    def between(self, start: dt.date | None, end: dt.date | None) -> list[Item]:
        return [i for i in self.items if (start is None or i.deadline.date >= start) and (end is None or i.deadline.date <= end)]


def agenda(rs: Ruleset, plan: PlanFile) -> Agenda:
    items: list[Item] = []
    undated: list[tuple[str, str]] = []
    wtdc = plan.study_period.next_wtdc

    def add(name: str, subject: str, events: dict, done: dict, conditions: set[str]) -> None:
        found, skipped = evaluate_applicable(rs, subject, events, frozenset(conditions))
        undated.extend((name, rule_id) for rule_id, _, _ in skipped)
        items.extend(Item(name, subject, d, done.get(d.rule.done_in_plan) if d.rule.done_in_plan else None) for d in found)

    for m in plan.meeting:
        events = {OPENS: m.opens, CLOSES: m.closes, WTDC_OPENS: wtdc.opens}
        add(m.name, m.kind, events, m.done, set(m.conditions))
    wtdc_events = {OPENS: wtdc.opens, WTDC_OPENS: wtdc.opens}
    if wtdc.closes:
        wtdc_events[CLOSES] = wtdc.closes
    add(wtdc.name, WTDC_KIND, wtdc_events, plan.study_period.done, set())
    done_by_year = {y.year: y.done for y in plan.year}
    for year, first in first_meetings(plan).items():
        add(f"meetings of {year}", PERIOD_SUBJECT, {FIRST_OF_YEAR: first.opens, WTDC_OPENS: wtdc.opens}, done_by_year.get(year, {}), set())
    items.sort(key=lambda i: (i.deadline.date, i.meeting, i.deadline.rule.cite.sort_key()))
    return Agenda(rs, plan, items, undated)


def first_meetings(plan: PlanFile) -> dict:
    """The first meeting of each calendar year of the plan."""
    out: dict[int, object] = {}
    for m in sorted(plan.meeting, key=lambda m: m.opens):
        out.setdefault(m.opens.year, m)
    return out
