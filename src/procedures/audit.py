"""Auditing a study period's plan against the rules that span meetings.

Three families of checks, each finding carrying its paragraph, its modality
(a "shall" missed is a breach, a "should" missed a warning) and the dates:

- deadlines the plan records as done (``done`` tables): done after the date;
- windows: a meeting that must fall between two dates, or be held with another
  meeting (Res. 31 items 1, 2 and 6, § 3.7.8);
- frequencies: how often a kind of meeting happens each year, with or without
  which other meetings, and before which (§§ 3.7.1, 3.7.3, 11.6, 11.9).

Where a rule names another reading of the text (TDAG's last day for Res. 31
item 6, "in conjunction" as back to back, the kinds of § 3.7.4), a finding
shows what it gives when the answer differs, and a plan in order only on the
reading used gets a note (SEMANTICS § 6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from procedures.agenda import WTDC_CLOSED, WTDC_OPENS, agenda, opening_warnings
from procedures.errors import InputError
from procedures.findings import Finding, days, late_finding
from procedures.loader import Ruleset
from procedures.models import FrequencyRule, Nearness, WindowRule
from procedures.offsets import shift
from procedures.plan import PlanFile, PlanMeeting

__all__ = ["Audit", "Finding", "audit", "in_conjunction"]


@dataclass
class Audit:
    plan: PlanFile
    ruleset: Ruleset
    findings: list[Finding]
    checked: int
    #: The checks not made because the plan does not cover the years they need, each saying which and why.
    not_checked: list[str] = field(default_factory=list)
    #: Meetings opening on a weekend or closure day: warnings on the dates given, not findings (no paragraph forbids it).
    calendar_warnings: list[str] = field(default_factory=list)

    @property
    def breaches(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "breach"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "note"]

    def as_dict(self) -> dict:
        return {
            "ruleset": self.ruleset.id,
            "study_period": self.plan.study_period.name,
            "clean": not self.breaches and not self.warnings,
            "breaches": len(self.breaches),
            "warnings": len(self.warnings),
            "notes": len(self.notes),
            "checks": self.checked,
            "findings": [f.as_dict() for f in self.findings],
            "covers": _covers_dict(self.plan),
            "not_checked": self.not_checked,
            "calendar_warnings": self.calendar_warnings,
        }


def _covers_dict(plan: PlanFile) -> dict:
    years, declared = plan.covered()
    return {"first_year": years[0] if years else None, "last_year": years[-1] if years else None, "declared": declared}


def _needs_whole_period(rule: WindowRule) -> bool:
    """A window measured on "the last meeting before" an event (Res. 31 items 1, 2, 6; § 3.7.8) needs the period's last year."""
    return rule.select == "last-before" or rule.anchor_meeting is not None


def _years_words(years) -> str:
    """2026; 2026–2027; 2026 and 2029: consecutive years as spans."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    spans = [f"{r[0]}" if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs]
    return spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + " and " + spans[-1]


def _window_skips(rs: Ruleset, plan: PlanFile, covers: str) -> list[str]:
    """The window rules measured on the study period's last year, skipped when the plan does not reach it."""
    if plan.covers_whole():
        return []
    whole, wtdc = plan.study_period.years(), plan.study_period.next_wtdc
    return [f"{rule.cite.label()} ({_lower(rule.summary)}): it needs {whole[-1]}, the study period's last year "
            f"(before {wtdc.name}), and {covers}" for rule in rs.of_kind(WindowRule) if _needs_whole_period(rule)]


def _frequency_skips(rs: Ruleset, covers: str, declared: bool, missing: list[int]) -> list[str]:
    """The counts of meetings per year, skipped for the years the plan does not cover."""
    counted = sorted((r for r in rs.of_kind(FrequencyRule) if r.at_least or r.at_most is not None or r.in_conjunction),
                     key=lambda r: r.cite.sort_key())
    if not counted:
        return []
    how = "" if declared else " (inferred from its meetings; declare study_period.covers to say otherwise)"
    return [f"meetings per year ({', '.join(r.cite.label() for r in counted)}) in {_years_words(missing)}: "
            f"{covers}{how}, not {_years_words(missing)}"]


def _not_checked(rs: Ruleset, plan: PlanFile) -> list[str]:
    """What the audit skips for a plan covering part of the study period, and why."""
    years, declared = plan.covered()
    missing = [y for y in plan.study_period.years() if y not in years]
    if not missing:
        return []
    covers = f"the plan covers {_years_words(years)}" if years else "the plan covers none of the study period's years"
    return _window_skips(rs, plan, covers) + _frequency_skips(rs, covers, declared, missing)


def _done_checks(rs: Ruleset, plan: PlanFile) -> tuple[list[Finding], int]:
    findings, checked = [], 0
    for item in agenda(rs, plan).items:
        if item.done is None:
            continue
        checked += 1
        d = item.deadline
        found = late_finding(d, item.done, item.meeting, (item.meeting,))
        if found and item.counted_from:
            found = replace(found, message=f"{found.message}, counted from {item.counted_from}")
        if not item.other_reading:
            findings += [found] if found else []
            continue
        # the other reading of the anchor (e.g. which meetings make the year's first, § 3.7.4)
        other_late = item.other_date is not None and item.done > item.other_date
        if found and not other_late:
            findings.append(replace(found, other_reading=f"{item.other_reading}: in time"))
        elif found:
            findings.append(found)
        elif other_late:
            late = (item.done - item.other_date).days
            findings.append(Finding(d.id, d.cite, d.rule.modality,
                f"{item.meeting}: {d.rule.summary[0].lower()}{d.rule.summary[1:]} on {item.done}, in time for {d.date}",
                {"due": d.date.isoformat(), "done": item.done.isoformat()}, (item.meeting,),
                f"{item.other_reading}: {days(late)} late", note=True))
    return findings, checked


def _groups(meetings: list[PlanMeeting], per_group: bool) -> dict[str, list[PlanMeeting]]:
    out: dict[str, list[PlanMeeting]] = {}
    for m in sorted(meetings, key=lambda m: m.opens):
        out.setdefault(m.group_name if per_group else "", []).append(m)
    return out


def _span(m: PlanMeeting) -> str:
    return f"{m.name} ({m.opens}–{m.closes})"


def _last_before(plan: PlanFile, kinds: list[str], day) -> PlanMeeting | None:
    before = [m for m in plan.meeting if m.kind in kinds and m.opens < day]
    return max(before, key=lambda m: m.opens) if before else None


@dataclass(frozen=True)
class _Window:
    """Where a window rule is measured from in a plan, and the dates it gives."""

    anchor: dt.date
    #: The meeting measured from (Res. 31 item 6: the last TDAG before WTDC), or None for an event.
    anchor_meeting: PlanMeeting | None
    earliest: dt.date | None
    latest: dt.date | None
    #: The finding's dates: the bounds and the anchor.
    bounds: dict


def _events(plan: PlanFile) -> dict[str, dt.date]:
    return {WTDC_OPENS: plan.study_period.next_wtdc.opens, WTDC_CLOSED: plan.study_period.wtdc_closed}


def _anchor(rs: Ruleset, plan: PlanFile, rule: WindowRule) -> tuple[dt.date, PlanMeeting | None, dict] | Finding:
    """The anchor's date and meeting, with its dates; a finding when the plan has no meeting to measure from."""
    events = _events(plan)
    am = rule.anchor_meeting
    if not am:
        if rule.anchor not in events:
            raise InputError(f"rule {rule.id} is anchored on '{rule.anchor}', which a plan does not date")
        return events[rule.anchor], None, {rule.anchor: events[rule.anchor].isoformat()}
    if am.last_before not in events:
        raise InputError(f"rule {rule.id} is measured before '{am.last_before}', which a plan does not date")
    meeting = _last_before(plan, am.kinds, events[am.last_before])
    if meeting is None:
        return Finding(rule.id, rule.cite.label(), rule.modality,
                       f"no {rs.spec.kinds_words(am.kinds)} meeting before {rs.spec.words(am.last_before)} in the plan to measure from; {_lower(rule.summary)}")
    anchor = getattr(meeting, am.date_of)
    return anchor, meeting, {"anchor_meeting": meeting.name, "anchor_date": anchor.isoformat()}


def _window(rs: Ruleset, plan: PlanFile, rule: WindowRule) -> _Window | Finding:
    """The rule's anchor and bounds for this plan (or the finding that there is nothing to measure from)."""
    found = _anchor(rs, plan, rule)
    if isinstance(found, Finding):
        return found
    anchor, meeting, where = found
    earliest = shift(anchor, rule.earliest, rs.head.day_counting, rs.calendar)[0] if rule.earliest else None
    latest = shift(anchor, rule.latest, rs.head.day_counting, rs.calendar)[0] if rule.latest else None
    bounds = {"earliest": earliest.isoformat() if earliest else None, "latest": latest.isoformat() if latest else None, **where}
    return _Window(anchor, meeting, earliest, latest, bounds)


def _window_meetings(rs: Ruleset, rule: WindowRule, window: _Window, candidates: list[PlanMeeting]) -> tuple[list[Finding], int]:
    """Each meeting the rule measures (per group; the last one only for "the last before"): in its bounds, with its anchor."""
    findings, checked = [], 0
    for meetings in _groups(candidates, rule.per_group).values():
        for m in meetings[-1:] if rule.select == "last-before" else meetings:
            checked += 1
            if window.earliest or window.latest:
                findings += _bounds_finding(rule, m, window.earliest, window.latest, window.bounds)
            if rule.in_conjunction and m is not window.anchor_meeting:
                findings += _with_anchor_finding(rs, rule, m, window.anchor_meeting)
    return findings, checked


def _one_window(rs: Ruleset, plan: PlanFile, rule: WindowRule) -> tuple[list[Finding], int]:
    window = _window(rs, plan, rule)
    if isinstance(window, Finding):
        return [window], 1
    candidates = [m for m in plan.meeting if m.kind in rule.applies_to and (rule.select == "each" or m.opens < window.anchor)]
    if not candidates:
        where = "" if rule.select == "each" else f" before {rule.anchor_words(rs.spec)}"
        return [Finding(rule.id, rule.cite.label(), rule.modality,
                        f"no {rs.spec.kinds_words(rule.applies_to)} meeting{where} in the plan; {_lower(rule.summary)}", window.bounds)], 1
    return _window_meetings(rs, rule, window, candidates)


def _window_checks(rs: Ruleset, plan: PlanFile) -> tuple[list[Finding], int]:
    findings, checked = [], 0
    for rule in rs.of_kind(WindowRule):
        if _needs_whole_period(rule) and not plan.covers_whole():
            continue  # named in the audit's not_checked
        found, n = _one_window(rs, plan, rule)
        findings += found
        checked += n
    return findings, checked


def _lower(text: str) -> str:
    return text[0].lower() + text[1:]


_DAY_WORDS = {"opens": "first day", "closes": "last day"}


def _bounds_finding(rule: WindowRule, m: PlanMeeting, earliest, latest, bounds: dict) -> list[Finding]:
    def inside(day) -> bool:
        return not ((earliest and day < earliest) or (latest and day > latest))

    where = f"between {earliest} and {latest}" if earliest and latest else (f"no later than {latest}" if latest else f"no earlier than {earliest}")
    day = getattr(m, rule.date_of)
    ok = inside(day)
    other_text = None
    if rule.other_reading_date_of:
        other_day = getattr(m, rule.other_reading_date_of)
        if inside(other_day) != ok:
            verdict = "it would be" if not ok else "it would not be"
            other_text = f"read on its {_DAY_WORDS[rule.other_reading_date_of]} ({other_day}), {verdict} {where}"
    dates = {**bounds, rule.date_of: day.isoformat()}
    if not ok:
        return [Finding(rule.id, rule.cite.label(), rule.modality,
                        f"{m.name} {rule.date_of} {day}; it must {rule.date_of[:-1]} {where} ({_lower(rule.summary)})",
                        dates, (m.name,), other_text)]
    if other_text:
        return [Finding(rule.id, rule.cite.label(), rule.modality,
                        f"{m.name} {rule.date_of} {day}, {where}: in order when read on its {_DAY_WORDS[rule.date_of]}",
                        dates, (m.name,), other_text, note=True)]
    return []


def _with_anchor_finding(rs: Ruleset, rule: WindowRule, m: PlanMeeting, anchor: PlanMeeting) -> list[Finding]:
    near = rule.in_conjunction
    main, other = conjunction(m, anchor, near, rs.calendar)
    dates = {"opens": m.opens.isoformat(), "closes": m.closes.isoformat(), "anchor_opens": anchor.opens.isoformat(), "anchor_closes": anchor.closes.isoformat()}
    reading = f"overlapping, or at most {days(near.within_days)} apart"
    if not main:
        other_text = f"{other_reading_words(near)}, it would be" if other else None
        return [Finding(rule.id, rule.cite.label(), rule.modality,
                        f"{_span(m)} is not held in conjunction with {_span(anchor)} ({reading}); {_lower(rule.summary)}",
                        dates, (m.name, anchor.name), other_text)]
    if other is False:
        return [Finding(rule.id, rule.cite.label(), rule.modality,
                        f"{_span(m)} is held in conjunction with {_span(anchor)} only on the reading {reading}",
                        dates, (m.name, anchor.name), f"{other_reading_words(near)}, it is not", note=True)]
    return []


def in_conjunction(a: PlanMeeting, b: PlanMeeting, within_days: int) -> bool:
    """Overlapping, or one closes at most ``within_days`` days before the other opens."""
    if a.opens <= b.closes and b.opens <= a.closes:
        return True
    gap = (b.opens - a.closes).days if a.closes < b.opens else (a.opens - b.closes).days
    return gap <= within_days


def conjunction(a: PlanMeeting, b: PlanMeeting, near: Nearness, calendar) -> tuple[bool, bool | None]:
    """Whether two meetings are in conjunction on the reading used, and on the other reading (None: the rule gives none).

    The other reading counts the working days strictly between one's closing and
    the other's opening: at most ``other_reading_working_days`` of them.
    """
    main = in_conjunction(a, b, near.within_days)
    limit = near.other_reading_working_days
    if limit is None:
        return main, None
    if in_conjunction(a, b, 0):
        return main, True
    first, last = (a.closes, b.opens) if a.closes < b.opens else (b.closes, a.opens)
    working, day = 0, first + dt.timedelta(days=1)
    while day < last and working <= limit:
        working += calendar.is_working_day(day)
        day += dt.timedelta(days=1)
    return main, working <= limit


def other_reading_words(near: Nearness) -> str:
    n = near.other_reading_working_days
    return "read as back to back (no working day between)" if n == 0 else f"read as at most {n} working day{'s' if n != 1 else ''} apart"


def _frequency_checks(rs: Ruleset, plan: PlanFile) -> tuple[list[Finding], int]:
    """Each frequency rule, each group and year: how often, with whom (in conjunction), and not with whom."""
    findings, checked = [], 0
    for rule in rs.of_kind(FrequencyRule):
        own = [m for m in plan.meeting if m.kind in rule.applies_to]
        for group, meetings in (_groups(own, rule.per_group) or {"": []}).items():
            found, n = _group_checks(rs, plan, rule, group, meetings)
            findings += found
            checked += n
        if rule.before_each:
            found, n = _before_each(rs, rule, own, plan)
            findings += found
            checked += n
    return findings, checked


def _group_checks(rs: Ruleset, plan: PlanFile, rule: FrequencyRule, group: str, meetings: list[PlanMeeting]) -> tuple[list[Finding], int]:
    """One group's meetings: each year the plan covers (how often, with whom), then not with whom."""
    findings, checked = [], 0
    label = f"{group} " if group else f"{rs.spec.kinds_words(rule.applies_to)} "
    for year in plan.covered()[0]:  # the years the plan covers; the others are named in the audit's not_checked
        checked += 1
        that_year = [m for m in meetings if m.opens.year == year]
        findings += _count_in_year(rule, label, year, that_year)
        if rule.in_conjunction and that_year:
            findings += _in_conjunction(rs, plan, rule, label, year, that_year)
    if rule.not_in_conjunction:
        found, n = _not_in_conjunction(rs, plan, rule, meetings)
        findings += found
        checked += n
    return findings, checked


def _year_dates(year: int, that_year: list[PlanMeeting]) -> tuple[dict, tuple[str, ...]]:
    return {"year": year, "meetings": [f"{m.name} ({m.opens})" for m in that_year]}, tuple(m.name for m in that_year)


def _count_in_year(rule: FrequencyRule, label: str, year: int, that_year: list[PlanMeeting]) -> list[Finding]:
    """Fewer meetings in the year than at_least, or more than at_most."""
    n = len(that_year)
    dates, names = _year_dates(year, that_year)
    cite = rule.cite.label()
    out = []
    if n < rule.at_least:
        out.append(Finding(rule.id, cite, rule.modality, f"{label}meets {n} time{'s' if n != 1 else ''} in {year}; at least {rule.at_least} expected", dates, names))
    if rule.at_most is not None and n > rule.at_most:
        out.append(Finding(rule.id, cite, rule.modality, f"{label}meets {n} times in {year}; at most {rule.at_most} expected", dates, names))
    return out


@dataclass(frozen=True)
class _Linked:
    """How many of a year's meetings are held in conjunction with the named kinds, on each reading."""

    used: int
    other: int


def _linked(rs: Ruleset, plan: PlanFile, rule: FrequencyRule, that_year: list[PlanMeeting]) -> _Linked:
    conj = rule.in_conjunction
    used, other = 0, 0
    for m in that_year:
        if conj.relation == "parent" and not m.parent:
            raise InputError(f"plan: meeting '{m.name}': a {m.kind} needs parent (the group of its study group) for {rule.id}")
        others = [o for o in plan.meeting if o.kind in conj.kinds and (conj.relation == "any" or o.group_name == m.parent)]
        verdicts = [conjunction(m, o, conj, rs.calendar) for o in others]
        used += any(v[0] for v in verdicts)
        other += any(v[1] for v in verdicts)
    return _Linked(used, other)


def _in_conjunction(rs: Ruleset, plan: PlanFile, rule: FrequencyRule, label: str, year: int, that_year: list[PlanMeeting]) -> list[Finding]:
    """Enough of the year's meetings in conjunction with the named kinds (on the reading used; the other shown)."""
    conj = rule.in_conjunction
    linked = _linked(rs, plan, rule, that_year)
    need = rule.in_conjunction_at_least
    with_what = f"its {'parent ' if conj.relation == 'parent' else ''}{rs.spec.kinds_words(conj.kinds)} (within {days(conj.within_days)})"
    other_ok = None if conj.other_reading_working_days is None else linked.other >= need
    dates, names = _year_dates(year, that_year)
    cite = rule.cite.label()
    if linked.used < need:
        return [Finding(rule.id, cite, rule.modality, f"{label}has no meeting in {year} held in conjunction with {with_what}", dates, names,
                        f"{other_reading_words(conj)}, {linked.other} would be" if other_ok else None)]
    if other_ok is False:
        return [Finding(rule.id, cite, rule.modality,
                        f"{label}has {linked.used} meeting{'s' if linked.used != 1 else ''} in {year} held in conjunction with {with_what} only on that reading",
                        dates, names, f"{other_reading_words(conj)}, {linked.other} {'is' if linked.other == 1 else 'are'}", note=True)]
    return []


@dataclass(frozen=True)
class _Clash:
    """The meetings of the kinds to avoid that one meeting is held in conjunction with, on each reading."""

    used: list[PlanMeeting]
    other: list[PlanMeeting]
    #: Whether the two readings disagree on whether there is a clash at all.
    differs: bool


def _clash(rs: Ruleset, plan: PlanFile, rule: FrequencyRule, m: PlanMeeting) -> _Clash:
    avoid = rule.not_in_conjunction
    pairs = [(o, conjunction(m, o, avoid, rs.calendar)) for o in plan.meeting if o.kind in avoid.kinds and o is not m]
    used = [o for o, v in pairs if v[0]]
    other = [o for o, v in pairs if v[1]]
    return _Clash(used, other, avoid.other_reading_working_days is not None and bool(used) != bool(other))


def _clash_findings(rs: Ruleset, rule: FrequencyRule, m: PlanMeeting, clash: _Clash) -> list[Finding]:
    avoid = rule.not_in_conjunction
    dates = {"opens": m.opens.isoformat(), "closes": m.closes.isoformat()}
    if clash.used:
        verb = "overlaps" if avoid.within_days == 0 else "is held in conjunction with"
        return [Finding(rule.id, rule.cite.label(), rule.modality, f"{_span(m)} {verb} {', '.join(_span(o) for o in clash.used)}",
                        dates, (m.name, *(o.name for o in clash.used)), f"{other_reading_words(avoid)}, it is not" if clash.differs else None)]
    if clash.differs:
        return [Finding(rule.id, rule.cite.label(), rule.modality,
                        f"{_span(m)} is not held in conjunction with any {rs.spec.kinds_words(avoid.kinds)} meeting on the reading used",
                        dates, (m.name, *(o.name for o in clash.other)),
                        f"{other_reading_words(avoid)}, it is, with {', '.join(_span(o) for o in clash.other)}", note=True)]
    return []


def _not_in_conjunction(rs: Ruleset, plan: PlanFile, rule: FrequencyRule, meetings: list[PlanMeeting]) -> tuple[list[Finding], int]:
    """No meeting held in conjunction with (or overlapping) the kinds to avoid (on the reading used; the other shown)."""
    out = []
    for m in meetings:
        out += _clash_findings(rs, rule, m, _clash(rs, plan, rule, m))
    return out, len(meetings)


def _before_each(rs: Ruleset, rule: FrequencyRule, own: list[PlanMeeting], plan: PlanFile) -> tuple[list[Finding], int]:
    """Each meeting of the ``before_each`` kinds has one of the rule's meetings before it, since the previous one closed (§ 11.9)."""
    findings = []
    targets = sorted((m for m in plan.meeting if m.kind in rule.before_each), key=lambda m: m.opens)
    previous = None
    for target in targets:
        ready = [m for m in own if m.opens < target.opens and (previous is None or m.opens > previous.closes)]
        if not ready:
            since = f" since {previous.name} closed ({previous.closes})" if previous else ""
            findings.append(Finding(rule.id, rule.cite.label(), rule.modality,
                f"{target.name} ({target.opens}) has no {rs.spec.kinds_words(rule.applies_to)} meeting before it{since}; {_lower(rule.summary)}",
                {"opens": target.opens.isoformat(), "since": previous.closes.isoformat() if previous else None}, (target.name,)))
        previous = target
    return findings, len(targets)


def audit(rs: Ruleset, plan: PlanFile) -> Audit:
    findings: list[Finding] = []
    checked = 0
    for check in (_done_checks, _window_checks, _frequency_checks):
        f, n = check(rs, plan)
        findings += f
        checked += n
    order = {"breach": 0, "warning": 1, "note": 2}
    findings.sort(key=lambda f: (order[f.severity], f.cite, f.message))
    return Audit(plan, rs, findings, checked, _not_checked(rs, plan), opening_warnings(rs, plan))
