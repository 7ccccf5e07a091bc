"""Appointments and attendance: who holds which post, counted against the role rules.

An appointments file (a table: CSV or a workbook's sheet, ``procedures.tables``)
has one row per post: ``person, nominated_by, role, study_group`` and, where a
rule needs them, ``question`` (rapporteurs) and ``regional_organization``
(vice-chairs). An attendance file has one row per person and meeting:
``person, meeting, attended`` and optionally ``date``; without dates, each
person's meetings are taken in file order. Columns may be named by their
aliases (``APPOINTMENT_ALIASES``, ``ATTENDANCE_ALIASES``).

Every row is either used or reported as an error with its line; the role
rules (``[[role]]`` in the rule files) say what is counted and for whom. The
counting methods are named by the rules' ``counting``: posts, questions,
consecutive-absences; and the rules' ``per`` says over what: each person, each
study group and regional organization, each Question, each named study group,
or the whole list. Posts outside the study groups (ISCG vice-chairs, § 11.11)
name their body in the ``study_group`` column (e.g. TDAG).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import IO, BinaryIO

from procedures.errors import InputError
from procedures.limits import LimitResult, judge
from procedures.loader import Ruleset
from procedures.members import normalise
from procedures.models import RoleRule
from procedures.tables import open_resolved, term, yes_no

APPOINTMENT_COLUMNS = ("person", "nominated_by", "role", "study_group")
APPOINTMENT_OPTIONAL = ("question", "regional_organization")
ATTENDANCE_COLUMNS = ("person", "meeting", "attended")
ATTENDANCE_OPTIONAL = ("date",)
#: Other names of the columns (normalised: lower case, '_' for spaces); the column's own name wins.
APPOINTMENT_ALIASES = {
    "person": ("name", "holder"),
    "nominated_by": ("nominated", "nominating_member", "nominee_of"),
    "role": ("post", "position", "function"),
    "study_group": ("group", "sg", "body"),
    "regional_organization": ("region", "regional_telecommunication_organization", "rto"),
}
ATTENDANCE_ALIASES = {
    "person": ("name",),
    "meeting": ("event", "session"),
    "attended": ("present", "attendance"),
    "date": ("meeting_date",),
}
#: The attendance column's own words, beside every yes/no column's (procedures.tables.yes_no).
PRESENT, ABSENT = ("present", "attended", "p"), ("absent", "missed", "a")


@dataclass(frozen=True)
class Appointment:
    line: int
    person: str
    nominated_by: str
    role: str
    study_group: str
    question: str
    organization: str | None

    @property
    def key(self) -> str:
        return normalise(self.person)

    def post(self) -> str:
        where = f"{self.question} ({self.study_group})" if self.question else self.study_group
        return f"{self.role} {where}"


@dataclass(frozen=True)
class Attendance:
    line: int
    person: str
    meeting: str
    attended: bool
    date: dt.date | None


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    problem: str

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "problem": self.problem}

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.problem}"


@dataclass
class Rows:
    """What a file yielded: the rows used, the rows refused, the columns nobody reads."""

    name: str
    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    #: A warning on how the file was read (Windows-1252), or None.
    read_as: str | None = None
    _seen: dict = field(default_factory=dict, repr=False)

    def add(self, line: int, problem: str | None, item=None, key: tuple = (), what: str = "") -> None:
        """Keep the item, or record the row's problem; a key seen on an earlier line makes the row a repeat."""
        if problem is None and key:
            if key in self._seen:
                problem = f"repeats {what}line {self._seen[key]}"
            else:
                self._seen[key] = line
        if problem:
            self.errors.append(RowError(self.name, line, problem))
        else:
            self.rows.append(item)


# --- reading ---------------------------------------------------------------------------------


def _records(source, name: str, sheet: str | None, required: tuple[str, ...], optional: tuple[str, ...], aliases: dict):
    """The open table, the ignored columns, and a stream of (line, row with trimmed values, problem)."""
    table, at, ignored = open_resolved(source, name, sheet, required, optional, aliases)
    width = len(table.columns)

    def rows():
        for record in table.records():
            if record.problem is not None:
                yield record.line, {}, record.problem
                continue
            fields = record.fields
            if len(fields) > width:
                yield record.line, {}, "the row has more fields than the header"
            elif any(at[c] >= len(fields) for c in required):
                yield record.line, {}, "the row has fewer fields than the header"
            else:
                yield record.line, {c: (fields[i] if i < len(fields) else "").strip() for c, i in at.items()}, None

    return table, ignored, rows()


def group_key(text: str) -> str:
    """'SG1', 'SG 1', 'Study Group 1' and 'study group 1' all name study group 1."""
    import re

    return re.sub(r"^(study\s*group|sg)\s*(?=\d)", "sg", normalise(text))


def role_name(text: str) -> str:
    """'Vice Chair', 'vice_chair' and 'Vice-Chair' all name the role vice-chair."""
    return term(text)


@dataclass(frozen=True)
class _Needs:
    """What the role rules ask of a row: the roles whose post is for a Question, and those from a regional organization."""

    question: frozenset[str]
    organization: frozenset[str]


def _needs(rules: list[RoleRule]) -> _Needs:
    return _Needs(frozenset(r for rule in rules if rule.counting == "questions" or rule.per == "question" for r in rule.counts),
                  frozenset(r for rule in rules if rule.per == "study-group-and-organization" for r in rule.counts))


def _appointment_key(appt: Appointment | None) -> tuple:
    """What makes two rows the same post: person, role, study group and Question."""
    return (appt.key, appt.role, group_key(appt.study_group), normalise(appt.question)) if appt else ()


def read_appointments(rs: Ruleset, source: Path | BinaryIO | IO[str], name: str, sheet: str | None = None) -> Rows:
    """Read and check an appointments table (a path or a stream, binary or text); every row becomes an Appointment or a RowError."""
    needs = _needs(rs.of_kind(RoleRule))
    orgs = rs.regional_organizations if rs.head.regional_organizations else None
    out = Rows(name)
    table, out.ignored, records = _records(source, name, sheet, APPOINTMENT_COLUMNS, APPOINTMENT_OPTIONAL, APPOINTMENT_ALIASES)
    out.read_as = table.encoding_warning()
    with table:
        for line, row, problem in records:
            appt = None
            if problem is None:
                problem, appt = _appointment(line, row, rs.spec.roles, needs.question, needs.organization, orgs)
            out.add(line, problem, appt, _appointment_key(appt), f"the post ({appt.post()}) of " if appt else "")
    return out


def _appointment(line, row, roles, needs_question, needs_org, orgs) -> tuple[str | None, Appointment | None]:
    for column in ("person", "nominated_by", "role", "study_group"):
        if not row[column]:
            return f"{column} is empty", None
    role = role_name(row["role"])
    if role not in roles:
        return f"unknown role '{row['role']}'; use one of {', '.join(roles)}", None
    question = row.get("question") or ""
    if role in needs_question and not question:
        return f"a {role}'s post is for a study Question; fill in the question column (e.g. Q1/1)", None
    problem, code = _organization(row.get("regional_organization") or "", role, needs_org, orgs)
    if problem:
        return problem, None
    return None, Appointment(line, row["person"], row["nominated_by"], role, row["study_group"], question, code)


def _organization(text: str, role: str, needs_org, orgs) -> tuple[str | None, str | None]:
    """(problem, None) or (None, the regional organization's code, if any) of one row."""
    if text:
        found = orgs.find(text) if orgs else None
        if found is None:
            known = ", ".join(m.code for m in orgs.spec.member) if orgs else "none declared"
            return f"unknown regional organization '{text}'; use one of {known}", None
        return None, found.code
    if role in needs_org:
        known = ", ".join(m.code for m in orgs.spec.member) if orgs else ""
        return f"a {role} comes from a regional telecommunication organization; fill in regional_organization ({known})", None
    return None, None


def read_attendance(source: Path | BinaryIO | IO[str], name: str, people: set[str], sheet: str | None = None,
                    date_order: str | None = None) -> Rows:
    """Read and check an attendance table; a person must be among the appointments."""
    from procedures.timestamps import parse_date

    out = Rows(name)
    table, out.ignored, records = _records(source, name, sheet, ATTENDANCE_COLUMNS, ATTENDANCE_OPTIONAL, ATTENDANCE_ALIASES)
    out.read_as = table.encoding_warning()
    with table:
        for line, row, problem in records:
            if problem is None:
                problem = next((f"{c} is empty" for c in ATTENDANCE_COLUMNS if not row[c]), None)
            if problem is None and normalise(row["person"]) not in people:
                problem = f"{row['person']} is not among the appointments"
            attended = day = None
            try:
                if problem is None:
                    attended = yes_no(row["attended"], "attended", None, PRESENT, ABSENT)
                if problem is None and "date" in row:
                    day = parse_date(row["date"], "date", date_order)
            except InputError as exc:
                problem = str(exc)
            if problem:
                out.add(line, problem)
                continue
            item = Attendance(line, row["person"], row["meeting"], attended, day)
            out.add(line, None, item, (normalise(row["person"]), normalise(row["meeting"])), f"{row['person']} at {row['meeting']}, ")
    return out


def appointments_file(rs: Ruleset, path: Path, sheet: str | None = None) -> Rows:
    return read_appointments(rs, path, str(path), sheet)


def attendance_file(path: Path, appointments: Rows, sheet: str | None = None, date_order: str | None = None) -> Rows:
    return read_attendance(path, str(path), {a.key for a in appointments.rows}, sheet, date_order)


# --- counting --------------------------------------------------------------------------------


#: How findings are grouped: JSON key -> (heading of the text report, the rules' ``per``).
SECTIONS = {
    "per_person": ("Per person", ("person",)),
    "per_question": ("Per Question", ("question",)),
    "per_study_group": ("Per study group", ("study-group-and-organization", "study-group")),
    "in_all": ("In all", ("whole-list",)),
}
#: The subject of a count over the whole list.
IN_ALL = "in all"


@dataclass
class AppointmentsResult:
    checks: list[LimitResult]
    errors: list[RowError]
    #: Rules or groups that could not be checked, and why.
    not_checked: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    people: int = 0
    appointments: int = 0

    @property
    def findings(self) -> list[LimitResult]:
        return [c for c in self.checks if not c.within]

    def per(self, *per: str) -> list[LimitResult]:
        return [c for c in self.findings if c.rule.per in per]

    @property
    def breaches(self) -> list[LimitResult]:
        return [c for c in self.findings if c.severity == "breach"]

    def as_dict(self) -> dict:
        return {
            "appointments": self.appointments, "people": self.people, "checked": len(self.checks),
            "findings": {key: [c.as_dict() for c in self.per(*pers)] for key, (_, pers) in SECTIONS.items()},
            "errors": [e.as_dict() for e in self.errors], "not_checked": self.not_checked, "warnings": self.warnings,
        }


def check_appointments(rs: Ruleset, appointments: Rows, attendance: Rows | None = None) -> AppointmentsResult:
    """Count every role rule over the appointments (and attendance, when given)."""
    by_person: dict[str, list[Appointment]] = {}
    for a in appointments.rows:
        by_person.setdefault(a.key, []).append(a)
    meetings: dict[str, list[Attendance]] = {}
    for m in attendance.rows if attendance else []:
        meetings.setdefault(normalise(m.person), []).append(m)
    result = AppointmentsResult([], list(appointments.errors) + (list(attendance.errors) if attendance else []),
                                people=len(by_person), appointments=len(appointments.rows))
    result.warnings += _reading_warnings(appointments) + _reading_warnings(attendance)
    for rule in rs.of_kind(RoleRule):
        if rule.counting == "consecutive-absences" and attendance is None:
            result.not_checked.append(f"{rule.id} ({rule.cite.label()}): give --attendance FILE to count {rule.quantity}")
        elif rule.per == "person":
            _per_person(rule, by_person, meetings, result)
        elif rule.per == "study-group-and-organization":
            _per_group(rs, rule, appointments.rows, result)
        else:
            _per_post_group(rule, appointments.rows, result)
    return result


def _reading_warnings(rows: Rows | None) -> list[str]:
    """Columns a table has that were not used, and how its text was decoded."""
    if not rows:
        return []
    return ([f"{rows.name}: columns ignored: {', '.join(rows.ignored)}"] if rows.ignored else []) + ([rows.read_as] if rows.read_as else [])


def _add(result: AppointmentsResult, check: LimitResult, who: str) -> None:
    """Keep a check; the other readings it shows go to the warnings, under who they are about."""
    result.checks.append(check)
    result.warnings += [f"{who}: {w}" for w in check.warnings]


def _left_out(rule: RoleRule, a: Appointment) -> bool:
    """Whether the rule's other reading leaves this post out of the count (e.g. a JRG's post)."""
    reading = rule.other_reading
    return bool(reading and reading.not_counted) and any(
        normalise(a.question).startswith(normalise(p)) for p in reading.not_counted)


def _counts_differently(rule: RoleRule) -> bool:
    return bool(rule.other_reading and rule.other_reading.not_counted)


def _per_person(rule: RoleRule, by_person, meetings, result: AppointmentsResult) -> None:
    unlisted: list[str] = []
    for key, posts in by_person.items():
        held = [a for a in posts if a.role in rule.holders]
        if not held:
            continue
        nominated = ", ".join(dict.fromkeys(a.nominated_by for a in held))
        subject = f"{posts[0].person} ({'; '.join(a.post() for a in held)}; nominated by {nominated})"
        if rule.counting != "consecutive-absences":
            _add(result, _person_posts(rule, posts, subject), posts[0].person)
        elif key in meetings:
            run = longest_absence(meetings[key])
            detail = f" ({', '.join(m.meeting for m in run)})" if run else ""
            result.checks.append(judge(rule, Fraction(len(run)), subject=subject, detail=detail))
        else:
            unlisted.append(posts[0].person)
    if unlisted:
        result.not_checked.append(f"{rule.id} ({rule.cite.label()}): the attendance file lists no meeting for {len(unlisted)} of them: {', '.join(unlisted)}")


def _person_posts(rule: RoleRule, posts: list[Appointment], subject: str) -> LimitResult:
    """One person's posts (or Questions) against the rule, with the count under its other reading."""
    counted = [a for a in posts if a.role in rule.counts]
    value, detail = _count(rule, counted)
    other = {}
    if _counts_differently(rule):
        kept = _count(rule, [a for a in counted if not _left_out(rule, a)])
        other = {"other_value": Fraction(kept[0]), "other_detail": kept[1]}
    return judge(rule, Fraction(value), subject=subject, detail=detail, **other)


def _count(rule: RoleRule, counted: list[Appointment]) -> tuple[int, str]:
    """A person's count and its detail: distinct Questions, or posts."""
    if rule.counting == "questions":
        distinct = list(dict.fromkeys((group_key(a.study_group), normalise(a.question)) for a in counted))
        names = list(dict.fromkeys(f"{a.question} ({a.study_group})" for a in counted))
        return len(distinct), f" ({', '.join(names)})" if names else ""
    return len(counted), f" ({', '.join(a.post() for a in counted)})" if counted else ""


def _per_post_group(rule: RoleRule, appointments: list[Appointment], result: AppointmentsResult) -> None:
    """The posts of the counted roles, per Question, per named study group, or over the whole list.

    A list with no post of the counted roles is not checked: it may be another
    body's list (one study group's posts carry no ISCG vice-chair).
    """
    counted = [a for a in appointments if a.role in rule.counts]
    if not counted:
        result.not_checked.append(f"{rule.id} ({rule.cite.label()}): the file lists no {' or '.join(rule.counts)}")
        return
    for subject, posts in _post_groups(rule, counted):
        other = {}
        if _counts_differently(rule):
            kept = [a for a in posts if not _left_out(rule, a)]
            other = {"other_value": Fraction(len(kept)), "other_detail": _people(kept)}
        _add(result, judge(rule, Fraction(len(posts)), subject=subject, detail=_people(posts), **other), subject)


def _people(posts: list[Appointment]) -> str:
    return f" ({', '.join(a.person for a in posts)})" if posts else ""


def _post_groups(rule: RoleRule, counted: list[Appointment]) -> list[tuple[str, list[Appointment]]]:
    """The posts counted together: per Question, per named study group, or all of them."""
    if rule.per == "question":
        groups: dict[tuple, list[Appointment]] = {}
        for a in counted:
            groups.setdefault((group_key(a.study_group), normalise(a.question)), []).append(a)
        # named by the first of its spellings in sort order, so that the rows' order does not matter
        return [(min(f"{a.question} ({a.study_group})" for a in posts), posts) for posts in groups.values()]
    if rule.per == "study-group":
        return [(g, [a for a in counted if group_key(a.study_group) == group_key(g)]) for g in rule.study_groups]
    return [(IN_ALL, counted)]


def _per_group(rs: Ruleset, rule: RoleRule, appointments: list[Appointment], result: AppointmentsResult) -> None:
    """One count per study group and regional organization, every organization included."""
    groups: dict[str, str] = {}
    for a in appointments:
        groups.setdefault(group_key(a.study_group), a.study_group)
    counted = [a for a in appointments if a.role in rule.counts]
    codes = [m.code for m in rs.regional_organizations.spec.member]
    for key, group in groups.items():
        here = [a for a in counted if group_key(a.study_group) == key]
        if not here:
            result.not_checked.append(f"{rule.id}: {group} lists no {'/'.join(rule.counts)}, so {rule.quantity} are not counted")
            continue
        for code in codes:
            _per_organization(rule, group, code, here, result)


def _per_organization(rule: RoleRule, group: str, code: str, here: list[Appointment], result: AppointmentsResult) -> None:
    """The posts of one study group held by people from one regional organization, judged against the rule."""
    mine = [a.person for a in here if a.organization == code]
    detail = f" ({', '.join(mine)})" if mine else ""
    subject = f"{group}, {code}"
    _add(result, judge(rule, Fraction(len(mine)), subject=subject, detail=detail), subject)


def longest_absence(meetings: Iterable[Attendance]) -> list[Attendance]:
    """The longest run of consecutive meetings missed (the latest, if several are as long).

    Meetings are in date order when every row has a date, else in file order.
    """
    ordered = sorted(meetings, key=lambda m: (m.date or dt.date.min, m.line))
    best: list[Attendance] = []
    run: list[Attendance] = []
    for m in ordered:
        run = [] if m.attended else run + [m]
        if run and len(run) >= len(best):
            best = run
    return best
