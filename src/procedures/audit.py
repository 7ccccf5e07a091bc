"""Auditing a study period's plan against the rules that span meetings.

Three families of checks, each finding carrying its paragraph, its modality
(a "shall" missed is a breach, a "should" missed a warning) and the dates:

- deadlines the plan records as done (``done`` tables): done after the date;
- windows: a meeting that must fall between two dates (Res. 31 item 6, § 3.7.8);
- frequencies: how often a kind of meeting happens each year, and with or
  without which other meetings (§§ 3.7.1, 3.7.3, 11.6).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from procedures.agenda import WTDC_OPENS, agenda
from procedures.errors import InputError
from procedures.loader import Ruleset
from procedures.models import SEVERITY, FrequencyRule, WindowRule
from procedures.offsets import shift
from procedures.plan import PlanFile, PlanMeeting



@dataclass(frozen=True)
class Finding:
    rule: str
    cite: str
    modality: str
    message: str
    dates: dict = field(default_factory=dict)
    meetings: tuple[str, ...] = ()

    @property
    def severity(self) -> str:
        return SEVERITY[self.modality]

    def as_dict(self) -> dict:
        return {"severity": self.severity, "rule": self.rule, "cite": self.cite, "modality": self.modality,
                "message": self.message, "dates": self.dates, "meetings": list(self.meetings)}


@dataclass
class Audit:
    plan: PlanFile
    ruleset: Ruleset
    findings: list[Finding]
    checked: int

    @property
    def breaches(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "breach"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def as_dict(self) -> dict:
        return {
            "ruleset": self.ruleset.id,
            "study_period": self.plan.study_period.name,
            "clean": not self.breaches and not self.warnings,
            "breaches": len(self.breaches),
            "warnings": len(self.warnings),
            "checks": self.checked,
            "findings": [f.as_dict() for f in self.findings],
        }


def _done_checks(rs: Ruleset, plan: PlanFile) -> tuple[list[Finding], int]:
    findings, checked = [], 0
    for item in agenda(rs, plan).items:
        if item.done is None:
            continue
        checked += 1
        d = item.deadline
        if item.done > d.date:
            late = (item.done - d.date).days
            findings.append(Finding(
                d.id, d.cite, d.rule.modality,
                f"{item.meeting}: {d.rule.summary.lower()} on {item.done}, {late} day{'s' if late != 1 else ''} after {d.date}",
                {"due": d.date.isoformat(), "done": item.done.isoformat()}, (item.meeting,),
            ))
    return findings, checked


def _groups(meetings: list[PlanMeeting], per_group: bool) -> dict[str, list[PlanMeeting]]:
    out: dict[str, list[PlanMeeting]] = {}
    for m in sorted(meetings, key=lambda m: m.opens):
        out.setdefault(m.group_name if per_group else "", []).append(m)
    return out


def _window_checks(rs: Ruleset, plan: PlanFile) -> tuple[list[Finding], int]:
    findings, checked = [], 0
    anchors = {WTDC_OPENS: plan.study_period.next_wtdc.opens}
    for rule in rs.of_kind(WindowRule):
        if rule.anchor not in anchors:
            raise InputError(f"rule {rule.id} is anchored on '{rule.anchor}', which a plan does not date")
        anchor = anchors[rule.anchor]
        cite = rule.cite.label()
        earliest = shift(anchor, rule.earliest, rs.head.day_counting, rs.calendar)[0] if rule.earliest else None
        latest = shift(anchor, rule.latest, rs.head.day_counting, rs.calendar)[0] if rule.latest else None
        bounds = {"earliest": earliest.isoformat() if earliest else None, "latest": latest.isoformat() if latest else None, rule.anchor: anchor.isoformat()}
        candidates = [m for m in plan.meeting if m.kind in rule.applies_to and m.opens < anchor]
        if not candidates:
            checked += 1
            findings.append(Finding(rule.id, cite, rule.modality, f"no {'/'.join(rule.applies_to)} meeting before {rule.anchor} in the plan; {rule.summary.lower()}", bounds))
            continue
        for meetings in _groups(candidates, rule.per_group).values():
            chosen = meetings[-1:] if rule.select == "last-before" else meetings
            for m in chosen:
                checked += 1
                day = m.opens if rule.date_of == "opens" else m.closes
                if (earliest and day < earliest) or (latest and day > latest):
                    where = f"between {earliest} and {latest}" if earliest and latest else (f"no later than {latest}" if latest else f"no earlier than {earliest}")
                    findings.append(Finding(
                        rule.id, cite, rule.modality,
                        f"{m.name} {rule.date_of} {day}; it must {rule.date_of[:-1]} {where} ({rule.summary.lower()})",
                        {**bounds, rule.date_of: day.isoformat()}, (m.name,),
                    ))
    return findings, checked


def in_conjunction(a: PlanMeeting, b: PlanMeeting, within_days: int) -> bool:
    """Overlapping, or one closes at most ``within_days`` days before the other opens."""
    if a.opens <= b.closes and b.opens <= a.closes:
        return True
    gap = (b.opens - a.closes).days if a.closes < b.opens else (a.opens - b.closes).days
    return gap <= within_days


def _frequency_checks(rs: Ruleset, plan: PlanFile) -> tuple[list[Finding], int]:
    findings, checked = [], 0
    years = plan.study_period.years()
    for rule in rs.of_kind(FrequencyRule):
        cite = rule.cite.label()
        own = [m for m in plan.meeting if m.kind in rule.applies_to]
        groups = _groups(own, rule.per_group) or {"": []}
        for group, meetings in groups.items():
            label = f"{group} " if group else f"{'/'.join(rule.applies_to)} "
            for year in years:
                checked += 1
                that_year = [m for m in meetings if m.opens.year == year]
                n = len(that_year)
                dates = {"year": year, "meetings": [f"{m.name} ({m.opens})" for m in that_year]}
                if n < rule.at_least:
                    findings.append(Finding(rule.id, cite, rule.modality, f"{label}meets {n} time{'s' if n != 1 else ''} in {year}; at least {rule.at_least} expected", dates, tuple(m.name for m in that_year)))
                if rule.at_most is not None and n > rule.at_most:
                    findings.append(Finding(rule.id, cite, rule.modality, f"{label}meets {n} times in {year}; at most {rule.at_most} expected", dates, tuple(m.name for m in that_year)))
                conj = rule.in_conjunction
                if conj and that_year:
                    linked = []
                    for m in that_year:
                        if conj.relation == "parent" and not m.parent:
                            raise InputError(f"plan: meeting '{m.name}': a {m.kind} needs parent (the group of its study group) for {rule.id}")
                        others = [o for o in plan.meeting if o.kind in conj.kinds and (conj.relation == "any" or o.group_name == m.parent)]
                        if any(in_conjunction(m, o, conj.within_days) for o in others):
                            linked.append(m)
                    if len(linked) < rule.in_conjunction_at_least:
                        findings.append(Finding(rule.id, cite, rule.modality,
                            f"{label}has no meeting in {year} held in conjunction with its {'parent ' if conj.relation == 'parent' else ''}{'/'.join(conj.kinds)} (within {conj.within_days} days)", dates, tuple(m.name for m in that_year)))
            avoid = rule.not_in_conjunction
            if avoid:
                for m in meetings:
                    checked += 1
                    clash = [o for o in plan.meeting if o.kind in avoid.kinds and o is not m and in_conjunction(m, o, avoid.within_days)]
                    if clash:
                        findings.append(Finding(rule.id, cite, rule.modality,
                            f"{m.name} ({m.opens}–{m.closes}) is held in conjunction with {', '.join(f'{o.name} ({o.opens}–{o.closes})' for o in clash)}",
                            {"opens": m.opens.isoformat(), "closes": m.closes.isoformat()}, (m.name, *(o.name for o in clash))))
    return findings, checked


def audit(rs: Ruleset, plan: PlanFile) -> Audit:
    findings: list[Finding] = []
    checked = 0
    for check in (_done_checks, _window_checks, _frequency_checks):
        f, n = check(rs, plan)
        findings += f
        checked += n
    order = {"breach": 0, "warning": 1, "note": 2}
    findings.sort(key=lambda f: (order[f.severity], f.cite, f.message))
    return Audit(plan, rs, findings, checked)
