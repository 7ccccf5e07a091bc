"""A meeting's timetable: every deadline rule that applies to its kind, computed and sorted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from procedures.deadlines import Deadline, MissingEvent, evaluate, evaluate_applicable, non_working_warnings, other_counting
from procedures.errors import EvaluationError, InputError
from procedures.loader import Ruleset
from procedures.models import SECRETARIAT, deadline_applies
from procedures.offsets import apply_non_working_day

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
        from procedures.vocabulary import not_one_of

        raise InputError(not_one_of("meeting kind", kind, rs.spec.meeting_kinds))


def check_events(rs: Ruleset, names, reserved: tuple[str, ...] = ()) -> None:
    """Event names given by a user must be events of the ruleset (and not ones the command sets itself)."""
    for name in names:
        if name not in rs.spec.events or name in reserved:
            usable = [e for e in rs.spec.events if e not in reserved]
            from procedures.vocabulary import not_one_of

            raise InputError(not_one_of("event", name, usable, " in --event"))


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
    #: About the meeting's own dates (it opens on a weekend or closure day), also among the warnings.
    meeting_warnings: list[str] = field(default_factory=list)
    #: How the opening was chosen, when it is the earliest from a date (``earliest_opening``).
    earliest: Earliest | None = None

    def day_note(self, d: Deadline) -> str:
        return day_note(self.ruleset, d)

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
                d.as_dict() | acting(self.ruleset, d)
                | ({"other_reading_date": self.other_reading[d.id].isoformat()} if d.id in self.other_reading else {})
                for d in self.deadlines
            ],
            "skipped": [{"id": i, "cite": c, "reason": r} for i, c, r in self.skipped],
            "warnings": self.warnings,
        } | ({"earliest": self.earliest.as_dict()} if self.earliest else {})


def act_by(rs: Ruleset, d: Deadline) -> dt.date | None:
    """For an obligation of the secretariat whose date is not a working day, the last working day on or before it.

    The rule's date is unchanged (SEMANTICS § 1: deadlines are not moved); this is the day to act by.
    A cut-off for the membership, or a date on a working day, has none.
    """
    if d.rule.who != SECRETARIAT or d.non_working is None:
        return None
    return apply_non_working_day(d.date, "previous-working-day", rs.calendar)[0]


def day_note(rs: Ruleset, d: Deadline) -> str:
    """The "not a working day" cell of a table: why, and the act-by date of a secretariat obligation."""
    if not d.non_working:
        return ""
    by = act_by(rs, d)
    return d.non_working + (f"; act by {by:%a %Y-%m-%d}" if by else "")


def acting(rs: Ruleset, d: Deadline) -> dict:
    """The JSON keys on who acts: ``who`` (secretariat, membership, or null) and ``act_by`` (a date, or null)."""
    by = act_by(rs, d)
    return {"who": d.rule.who, "act_by": by.isoformat() if by else None}


def opening_warning(rs: Ruleset, opens: dt.date, meeting: str = "the meeting") -> str | None:
    """A warning when a meeting's first day is a weekend day or a day ITU headquarters is closed (the calendar's data).

    Resolution 1 does not forbid it, so it is never an error; it is most often a slip in the dates.
    """
    cal = rs.calendar
    closed = cal.closure(opens)
    if closed:
        why = f"{closed.name}, when ITU headquarters is closed"
    elif cal.is_weekend(opens):
        why = "a weekend day"
    else:
        return None
    return f"{meeting} opens on {opens:%A} {opens}, {why}: check the date"


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
    opening = [w for w in [opening_warning(rs, meeting.opens)] if w]
    return Timetable(rs, meeting, found, skipped, opening + non_working_warnings(found) + notes, notes, other, opening)


# --- the earliest opening ------------------------------------------------------------------------

#: How far ahead of the date counted from an earliest opening is looked for, in days (a lead time is never this long).
SEARCH_LIMIT_DAYS = 20 * 366


@dataclass
class LeadTime:
    """A "shall" deadline before the opening, and the earliest opening it alone allows counted from a date."""

    earliest: dt.date
    #: The deadline, dated for the earliest opening of all the lead times (the answer).
    deadline: Deadline

    def as_dict(self, rs: Ruleset) -> dict:
        d = self.deadline
        return {"id": d.id, "cite": d.cite, "summary": d.rule.summary, "modality": d.rule.modality, "who": d.rule.who,
                "lead": f"{d.rule.offset.describe()} {_event_words(rs, d.rule.anchor)}", "earliest_opening": self.earliest.isoformat()}


@dataclass
class Earliest:
    kind: str
    start: dt.date
    opens: dt.date
    #: Every "shall" lead time counted, longest (latest earliest opening) first.
    lead_times: list[LeadTime]
    #: Rules of the kind not counted because they apply only in a circumstance: (rule id, cite, circumstance).
    not_counted: list[tuple[str, str, str]]
    timetable: Timetable

    @property
    def binding(self) -> list[Deadline]:
        """The deadlines whose lead time decides the earliest opening (several when they tie), dated for it."""
        return [lt.deadline for lt in self.lead_times if lt.earliest == self.opens]

    def sentence(self) -> str:
        rs = self.timetable.ruleset
        bound = "; ".join(f"{d.cite} ({_lower(d.rule.summary)}, {d.rule.offset.describe()} {_event_words(rs, d.rule.anchor)}: "
                          f"due {d.date:%a %Y-%m-%d}{_acting_words(rs, d)})" for d in self.binding)
        lead = f"bound by {bound}" if bound else f"no \"shall\" deadline of a {self.kind} meeting comes before its opening"
        return (f"Earliest opening counted from {self.start:%a %Y-%m-%d}, every \"shall\" lead time still to be met: "
                f"{self.opens:%a %Y-%m-%d}; {lead}.")

    def as_dict(self) -> dict:
        rs = self.timetable.ruleset
        return {
            "from": self.start.isoformat(),
            "opens": self.opens.isoformat(),
            "binding": [d.id for d in self.binding],
            "lead_times": [lt.as_dict(rs) for lt in self.lead_times],
            "not_counted": [{"id": i, "cite": c, "only_if": w} for i, c, w in self.not_counted],
        }


def _lower(text: str) -> str:
    """A summary inside a sentence: its first letter lowered unless the first word is a name (ITU-D, WTDC)."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _event_words(rs: Ruleset, anchor: str) -> str:
    """An anchor in words: "the opening", an event's summary, or the rule it hangs on."""
    if anchor == OPENS:
        return "the opening"
    event = rs.spec.events.get(anchor)
    return event.summary if event else f"the date of {anchor}"


def _acting_words(rs: Ruleset, d: Deadline) -> str:
    by = act_by(rs, d)
    return f", act by {by:%a %Y-%m-%d}" if by else ""


def earliest_opening(rs: Ruleset, kind: str, start: dt.date, other_events: tuple[tuple[str, dt.date], ...] = ()) -> Earliest:
    """The earliest opening of a meeting of ``kind`` for which every "shall" lead time counted from ``start`` can be met.

    A lead time is a "shall" deadline of the kind dated from the meeting's dates alone and falling before its
    opening (the circular's three months, the 45-day cut-off, ...); rules that apply only in a circumstance are
    not counted, and are named. A lead time can be met when its date is not before ``start``; for an obligation
    of the secretariat, when its act-by date is not (a circular due on a Sunday goes out on the Friday before).
    Each rule's date never goes back when the opening goes forward (days, weeks, clipped months, working days
    all keep their order), so the earliest opening each rule allows is found by a search over openings, and
    the latest of these is the answer; the rules that give it are the binding ones.
    """
    check_kind(rs, kind)
    check_events(rs, (name for name, _ in other_events), (OPENS, CLOSES))
    others = dict(other_events)

    def dated(opens: dt.date, rule_id: str) -> tuple[Deadline, dt.date]:
        d = evaluate(rs, rule_id, {**others, OPENS: opens})
        return d, act_by(rs, d) or d.date

    earliest, not_counted = _earliest_per_rule(rs, kind, start, dated)
    opens = max(earliest.values(), default=start)
    at_opening = {rule_id: dated(opens, rule_id) for rule_id in earliest}
    late = [rule_id for rule_id, (_, acted) in at_opening.items() if acted < start]
    if late:  # the order the search relies on did not hold
        raise EvaluationError(f"the earliest opening {opens} leaves {', '.join(late)} before {start}: a rule's date went back as the opening went forward")
    lead_times = [LeadTime(day, at_opening[rule_id][0]) for rule_id, day in earliest.items()]
    lead_times.sort(key=lambda lt: (-lt.earliest.toordinal(), lt.deadline.rule.cite.sort_key(), lt.deadline.id))
    table = timetable(rs, Meeting(kind, opens, None, None, other_events))
    found = Earliest(kind, start, opens, lead_times, not_counted, table)
    table.earliest = found
    return found


def _earliest_per_rule(rs: Ruleset, kind: str, start: dt.date, dated) -> tuple[dict[str, dt.date], list[tuple[str, str, str]]]:
    """For each "shall" lead time of the kind, the earliest opening it allows; the rules of a circumstance, named as not counted.

    ``dated(opens, rule_id)`` gives the rule's deadline and act-by date for a meeting opening on ``opens``.
    """
    earliest: dict[str, dt.date] = {}
    not_counted: list[tuple[str, str, str]] = []
    for rule in rs.deadlines().values():
        if kind not in rule.applies_to or rule.modality != "shall":
            continue
        if not deadline_applies(rule, frozenset()):
            if rule.only_if:
                not_counted.append((rule.id, rule.cite.label(), rs.spec.conditions[rule.only_if]))
            continue
        try:
            first, _ = dated(start, rule.id)  # a meeting opening on the day counted from
        except MissingEvent:
            continue  # dated from another event (the closing, a receipt): not a lead time before the opening
        if first.date >= start:
            continue  # on or after that opening: no lead time
        earliest[rule.id] = _first_opening(start, lambda o, r=rule.id: dated(o, r)[1] >= start)
    return earliest, not_counted


def _first_opening(start: dt.date, met) -> dt.date:
    """The first day from ``start`` on which ``met`` holds, for a ``met`` that, once true, stays true."""
    if met(start):
        return start
    bad, step = start, 1
    while not met(start + dt.timedelta(days=step)):
        bad = start + dt.timedelta(days=step)
        step *= 2
        if step > SEARCH_LIMIT_DAYS:
            raise EvaluationError(f"no opening within {SEARCH_LIMIT_DAYS} days of {start} meets the lead time")
    good = start + dt.timedelta(days=step)
    while (good - bad).days > 1:
        mid = bad + (good - bad) // 2
        if met(mid):
            good = mid
        else:
            bad = mid
    return good
