"""Strict loading of rules folders.

A rules folder holds one sub-folder per revision of an instrument (a ruleset):
``ruleset.toml`` (the head, instruments, meeting kinds, procedures, events),
a calendar file, and one rule file per section. Loading checks shape (pydantic,
unknown keys refused), then references (anchors, citations, ``applies_to``,
tiers' bounds, tallies' windows), duplicate ids and cycles between derived
anchors. Every problem is a ``RuleFileError`` naming the file, the rule and
the fix; ``validate_folder`` collects them all.

TOML is parsed with ``tomllib``; nothing in a rule file is ever executed.
"""

from __future__ import annotations

import datetime as dt
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from procedures.errors import InputError, RuleFileError, RuleSetErrors
from procedures.models import (
    RULE_KINDS,
    Citation,
    DeadlineRule,
    Rule,
    RuleFile,
    RulesetFile,
    SectionHead,
    FrequencyRule,
    LimitRule,
    RoleRule,
    TallyRule,
    TiersRule,
    WindowRule,
    all_cites,
)

RULESET_FILE = "ruleset.toml"

#: What to write when a required key is missing, by key name.
_MISSING_HINTS = {
    "cite": 'add cite = { instrument = "Res. 1", paragraph = "4.2.1.1" }',
    "modality": 'add modality = "shall", "should" or "may"',
    "unit": 'add unit = "calendar-days", "weeks", "months" or "working-days"',
    "direction": 'add direction = "before" or "after"',
    "amount": "add amount = <whole number>",
    "summary": "add summary = \"<one line in your own words>\"",
    "applies_to": 'add applies_to = ["study-group", ...] (meeting kinds or procedures of ruleset.toml)',
    "anchor": 'add anchor = "<an event of ruleset.toml or a deadline rule id>"',
    "offset": 'add offset = { amount = 45, unit = "calendar-days", direction = "before" }',
    "id": 'add id = "<stable, lower-case, dotted id>"',
    "paragraph": 'add paragraph = "4.2.1.1" (or "Annex 5, item 5", "item 18")',
    "instrument": 'add instrument = "Res. 1" (an instrument of ruleset.toml)',
    "opens": "add opens = YYYY-MM-DD (the first day)",
    "closes": "add closes = YYYY-MM-DD (the last day)",
    "kind": 'add kind = "study-group" (a meeting kind of ruleset.toml)',
    "name": 'add name = "SG1 2027" (unique in the plan)',
}


def read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RuleFileError(str(path), None, f"not valid TOML ({exc})", "fix the syntax at that line") from None
    except OSError as exc:
        raise RuleFileError(str(path), None, f"cannot be read ({exc.strerror})", "check the path") from None


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str] | None:
    """The keys allowed at ``loc`` inside ``model``, for an 'unknown key' message."""
    current: object = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            if isinstance(part, str) and part in current.model_fields:
                current = current.model_fields[part].annotation
                continue
            return None
        current = _unwrap(current)
        if isinstance(part, int) and typing.get_origin(current) is list:
            current = typing.get_args(current)[0]
        elif isinstance(part, str) and typing.get_origin(current) is dict:
            current = typing.get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return None


def _unwrap(annotation: object) -> object:
    """Strip Optional/Annotated to reach a model, list or dict."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return _unwrap(arg)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


def _rule_id_at(data: dict, loc: tuple) -> str | None:
    """The id (or name) of the list item an error is in, e.g. a rule or a plan's meeting."""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        try:
            item = data[loc[0]][loc[1]]
        except (KeyError, IndexError, TypeError):
            return None
        if isinstance(item, dict):
            for key in ("id", "name"):
                if item.get(key):
                    return str(item[key])
        return f"{loc[0]} #{loc[1] + 1}"
    return None


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validate(model: type[BaseModel], data: dict, file: str, rule: str | None, label: str = "rule") -> BaseModel:
    """Validate ``data`` against ``model``; the first problem becomes a RuleFileError."""
    errors = validation_errors(model, data, file, label)
    if errors[1]:
        raise errors[1][0]
    return errors[0]


def validation_errors(model: type[BaseModel], data: dict, file: str, label: str = "rule") -> tuple[BaseModel | None, list[RuleFileError]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        out: list[RuleFileError] = []

        def error(rule: str | None, problem: str, fix: str) -> RuleFileError:
            return RuleFileError(file, rule, problem, fix, label)

        for err in exc.errors():
            loc = tuple(err["loc"])
            rule = _rule_id_at(data, loc)
            where = _where(loc)
            kind = err["type"]
            key = str(loc[-1]) if loc else ""
            if kind == "extra_forbidden":
                allowed = _allowed_keys(model, loc[:-1])
                hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
                out.append(error(rule, f"unknown key '{where}'", f"remove it or correct its spelling{hint}"))
            elif kind == "missing":
                out.append(error(rule, f"missing required key '{where}'", _MISSING_HINTS.get(key, f"add {key}")))
            elif kind == "value_error":
                msg = err["msg"].removeprefix("Value error, ")
                out.append(error(rule, f"{where or 'file'}: {msg.split(';')[0]}", msg.split("; ", 1)[1] if "; " in msg else "correct the value"))
            elif kind == "literal_error":
                out.append(error(rule, f"'{where}' = {err['input']!r} is not allowed", f"use {err['msg'].removeprefix('Input should be ')}"))
            elif kind == "string_pattern_mismatch":
                out.append(error(rule, f"'{where}' = {err['input']!r} is not well formed", _pattern_hint(key)))
            else:
                out.append(error(rule, f"'{where}': {err['msg']}", "correct the value"))
        return None, out


def _pattern_hint(key: str) -> str:
    return {
        "paragraph": 'write the paragraph as "4.2.1.1", "Annex 5, item 5", "item 18" or "instructs 3"',
        "id": "use lower-case letters, digits, dots and hyphens",
        "summary": "write one line of 8 to 200 characters",
    }.get(key, "use lower-case letters, digits and hyphens")


# --- rulesets --------------------------------------------------------------------------------


@dataclass(eq=False)
class Ruleset:
    """A loaded, cross-checked ruleset: the head, its rules by id, and its calendar."""

    folder: Path
    spec: RulesetFile
    rules: dict[str, Rule] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    sections: dict[str, SectionHead] = field(default_factory=dict)
    _calendar: object = None
    _rosters: dict = field(default_factory=dict)
    _deadlines: dict | None = None
    _events_behind: dict = field(default_factory=dict)
    #: Memo of evaluated deadlines (see deadlines.evaluate_cached); results are immutable.
    evaluated: dict = field(default_factory=dict)

    @property
    def head(self):
        return self.spec.ruleset

    @property
    def id(self) -> str:
        return self.spec.ruleset.id

    def __repr__(self) -> str:
        return f"Ruleset({self.head.id!r}, {self.folder})"

    def label(self) -> str:
        return f"{self.head.id} ({self.head.instrument}, {self.head.revision}, from {self.head.applies_from})"

    def in_force(self, day: dt.date) -> bool:
        h = self.head
        return h.applies_from <= day and (h.applies_until is None or day <= h.applies_until)

    @property
    def calendar(self):
        if self._calendar is None:
            from procedures.calendar import load_calendar

            self._calendar = load_calendar(self.folder / self.head.calendar)
        return self._calendar

    @property
    def members(self):
        """The Member States (only they reply to consultations, § 7.3.5.4)."""
        return self._roster("members")

    @property
    def regional_organizations(self):
        """The regional telecommunication organizations (§ 3.2.1), found by code or name."""
        return self._roster("regional_organizations")

    def _roster(self, key: str):
        """A list in the members-file format that the head names under ``key``, loaded once."""
        if key not in self._rosters:
            from procedures.members import load_members

            name = getattr(self.head, key)
            if not name:
                raise InputError(f"ruleset {self.id} declares no {key.replace('_', ' ')} file; add {key} = \"FILE.toml\" to its [ruleset]")
            self._rosters[key] = load_members(self.folder / name)
        return self._rosters[key]

    def deadlines(self) -> dict[str, DeadlineRule]:
        """The deadline rules by id (computed once: rules do not change after loading)."""
        if self._deadlines is None:
            self._deadlines = {k: r for k, r in self.rules.items() if isinstance(r, DeadlineRule)}
        return self._deadlines

    def derives_from(self, rule_id: str) -> tuple[str | None, str | None]:
        """One step back along a deadline's anchors: (the rule its date derives from, the event in between).

        An anchor that is a rule gives (that rule, None); an event gives (its default rule or None, the event).
        """
        anchor = self.deadlines()[rule_id].anchor
        if anchor in self.spec.events:
            return self.spec.events[anchor].default, anchor
        return anchor, None

    def events_behind(self, rule_id: str) -> frozenset[str]:
        """The events a deadline rule's date depends on, through derived anchors (loaded rules have no cycle)."""
        if rule_id not in self._events_behind:
            found: set[str] = set()
            node: str | None = rule_id
            while node is not None:
                node, event = self.derives_from(node)
                if event:
                    found.add(event)
                    found.update(self.spec.events[event].midpoint_of or ())
            self._events_behind[rule_id] = frozenset(found)
        return self._events_behind[rule_id]

    def of_kind(self, kind: type) -> list:
        return [r for r in self.rules.values() if isinstance(r, kind)]


def _load_ruleset(folder: Path) -> tuple[Ruleset | None, list[RuleFileError]]:
    head_path = folder / RULESET_FILE
    try:
        data = read_toml(head_path)
    except RuleFileError as exc:
        return None, [exc]
    spec, errors = validation_errors(RulesetFile, data, str(head_path))
    if spec is None:
        return None, errors
    rs = Ruleset(folder=folder, spec=spec)
    # every other .toml file except the calendar and members files is a rule file
    skip = {RULESET_FILE, spec.ruleset.calendar, spec.ruleset.members, spec.ruleset.regional_organizations}
    for path in sorted(folder.glob("*.toml")):
        if path.name in skip:
            continue
        try:
            raw = read_toml(path)
        except RuleFileError as exc:
            errors.append(exc)
            continue
        rf, errs = validation_errors(RuleFile, raw, str(path))
        errors.extend(errs)
        if rf is None:
            continue
        rs.sections[str(path)] = rf.section
        for kind in RULE_KINDS:
            for rule in getattr(rf, kind):
                if rule.id in rs.rules:
                    errors.append(RuleFileError(
                        str(path), rule.id, f"duplicate id (already defined in {rs.files[rule.id]})",
                        "give one of the two rules another id",
                    ))
                    continue
                rs.rules[rule.id] = rule
                rs.files[rule.id] = str(path)
    for key in ("calendar", "members", "regional_organizations"):
        name = getattr(spec.ruleset, key)
        if name is not None and not (folder / name).is_file():
            errors.append(RuleFileError(str(head_path), None, f"{key.replace('_', ' ')} file '{name}' not found", f"create it or correct [ruleset].{key}"))
    errors.extend(_check_references(rs))
    if not errors:
        errors.extend(_check_cycles(rs))
    return rs, errors


def _check_references(rs: Ruleset) -> list[RuleFileError]:
    spec = rs.spec
    errors: list[RuleFileError] = []
    subjects = set(spec.meeting_kinds) | set(spec.procedures) | set(spec.subjects) | set(spec.roles)
    deadlines = rs.deadlines()
    head_file = str(rs.folder / RULESET_FILE)

    def err(rule_id: str | None, problem: str, fix: str, file: str | None = None) -> None:
        errors.append(RuleFileError(file or rs.files.get(rule_id or "", head_file), rule_id, problem, fix))

    def check_cite(rule_id: str, c: Citation) -> None:
        if c.instrument not in spec.instruments:
            err(rule_id, f"cites unknown instrument '{c.instrument}'", f"use one of {sorted(spec.instruments)} or declare it under [instruments] in ruleset.toml")

    def check_events(rule_id: str, *names: str | None) -> None:
        for ev in names:
            if ev is not None and ev not in spec.events:
                err(rule_id, f"unknown event '{ev}'", f"use an event of ruleset.toml ({', '.join(sorted(spec.events))})")

    def check_deadline_ref(rule_id: str, key: str, ref: str | None) -> None:
        if ref is not None and ref not in deadlines:
            err(rule_id, f"{key} refers to unknown deadline rule '{ref}'", "use the id of a [[deadline]] rule of this ruleset")

    def check_kinds(rule_id: str, key: str, kinds) -> None:
        for s in kinds:
            if s not in spec.meeting_kinds:
                err(rule_id, f"{key} names unknown meeting kind '{s}'", f"use one of {sorted(spec.meeting_kinds)}")

    for name, ev in spec.events.items():
        if ev.default and ev.default not in deadlines:
            err(None, f"event '{name}' defaults to unknown deadline rule '{ev.default}'", "use the id of a [[deadline]] rule", head_file)
        for other in ev.midpoint_of or ():
            given = spec.events.get(other)
            if given is None or other == name:
                err(None, f"event '{name}' is the midpoint of unknown event '{other}'", f"use two other events of [events] ({', '.join(sorted(e for e in spec.events if e != name))})", head_file)
            elif given.default or given.midpoint_of:
                err(None, f"event '{name}' is the midpoint of '{other}', itself derived", "use events whose dates are given, not derived", head_file)
    if spec.example and spec.example.kind not in spec.meeting_kinds:
        err(None, f"example meeting kind '{spec.example.kind}' is not a meeting kind", f"use one of {sorted(spec.meeting_kinds)}", head_file)

    for rule_id, rule in rs.rules.items():
        for c in all_cites(rule):
            check_cite(rule_id, c)
        for s in rule.applies_to:
            if s not in subjects:
                err(rule_id, f"applies_to names unknown meeting kind or procedure '{s}'", f"use one of {sorted(subjects)} or declare it in ruleset.toml")
        if isinstance(rule, DeadlineRule):
            if rule.anchor not in spec.events and rule.anchor not in deadlines:
                err(rule_id, f"unknown anchor '{rule.anchor}'", f"use an event of ruleset.toml ({', '.join(sorted(spec.events))}) or a deadline rule id")
            if rule.only_if and rule.only_if not in spec.conditions:
                err(rule_id, f"only_if names unknown condition '{rule.only_if}'", f"use one of {sorted(spec.conditions)} or declare it under [conditions] in ruleset.toml")
            check_kinds(rule_id, "anchor_kinds", rule.anchor_kinds)
            if rule.anchor_kinds_other_reading:
                check_kinds(rule_id, "anchor_kinds_other_reading", rule.anchor_kinds_other_reading.kinds)
            if rule.overlap:
                check_deadline_ref(rule_id, "overlap", rule.overlap.rule)
                check_events(rule_id, *rule.overlap.assume, *rule.overlap.assume.values())
        elif isinstance(rule, WindowRule):
            if rule.anchor is not None and rule.anchor not in spec.events:
                err(rule_id, f"unknown anchor '{rule.anchor}'", f"use an event of ruleset.toml ({', '.join(sorted(spec.events))})")
            if rule.anchor_meeting:
                check_kinds(rule_id, "anchor_meeting", rule.anchor_meeting.kinds)
                check_events(rule_id, rule.anchor_meeting.last_before)
            for s in rule.applies_to:
                if s not in spec.meeting_kinds:
                    err(rule_id, f"a window applies to meeting kinds; '{s}' is not one", f"use one of {sorted(spec.meeting_kinds)}")
        elif isinstance(rule, FrequencyRule):
            for conj in (rule.in_conjunction, rule.not_in_conjunction):
                check_kinds(rule_id, "conjunction", conj.kinds if conj else [])
            check_kinds(rule_id, "before_each", rule.before_each)
        elif isinstance(rule, TiersRule):
            for t in rule.tier:
                check_deadline_ref(rule_id, f"tier '{t.status}' until", t.until)
                check_deadline_ref(rule_id, f"tier '{t.status}' publish_by", t.publish_by)
                if t.before and t.before not in spec.events:
                    err(rule_id, f"tier '{t.status}' is bounded by unknown event '{t.before}'", f"use an event of ruleset.toml ({', '.join(sorted(spec.events))})")
            statuses = {t.status for t in rule.tier}
            for x in rule.exception:
                check_deadline_ref(rule_id, f"exception '{x.id}' publish_by", x.publish_by)
                for o in x.overrides:
                    if o not in statuses:
                        err(rule_id, f"exception '{x.id}' overrides unknown tier '{o}'", f"use one of the tiers' statuses: {sorted(statuses)}")
                for s in x.applies_to or []:
                    if s not in rule.applies_to:
                        err(rule_id, f"exception '{x.id}' applies to '{s}', which the rule itself does not", f"use some of {rule.applies_to}")
        elif isinstance(rule, LimitRule):
            check_events(rule_id, rule.interval_from, rule.interval_to)
        elif isinstance(rule, RoleRule):
            for key in ("holders", "counts"):
                for r in getattr(rule, key):
                    if r not in spec.roles:
                        err(rule_id, f"{key} names unknown role '{r}'", f"use one of {sorted(spec.roles)} or declare it under [roles] in ruleset.toml")
            if rule.per == "study-group-and-organization" and not spec.ruleset.regional_organizations:
                err(rule_id, "counts per regional organization, but the ruleset declares no regional organizations file",
                    'add regional_organizations = "regional-organizations.toml" to [ruleset] in ruleset.toml')
        elif isinstance(rule, TallyRule):
            check_deadline_ref(rule_id, "reply_window", rule.reply_window)
            check_events(rule_id, rule.window_event, rule.starts_with)
            for s in rule.applies_to:
                if s not in spec.procedures:
                    err(rule_id, f"a tally applies to procedures; '{s}' is not one", f"use one of {sorted(spec.procedures)}")
    return errors


def _check_cycles(rs: Ruleset) -> list[RuleFileError]:
    """Derived anchors must not form a cycle (rule → rule, or rule → event default → rule)."""
    deadlines = rs.deadlines()

    def next_rule(rule_id: str) -> tuple[str | None, str]:
        node, event = rs.derives_from(rule_id)
        return node, f" → (event {event}) → " if event else " → "

    errors: list[RuleFileError] = []
    reported: set[str] = set()
    for start in deadlines:
        path: list[str] = []
        links: list[str] = []
        node: str | None = start
        while node is not None and node not in path:
            path.append(node)
            node, link = next_rule(node)
            links.append(link)
        if node is not None and node not in reported:
            at = path.index(node)
            cycle = path[at:]
            reported.update(cycle)
            text = "".join(f"{rule}{link}" for rule, link in zip(cycle, links[at:])) + node
            errors.append(RuleFileError(
                rs.files[node], node, f"derived anchors form a cycle: {text}",
                "anchor one of these rules on a meeting or procedure event instead",
            ))
    return errors


# --- the rules library -----------------------------------------------------------------------


def default_rules_dir() -> Path:
    """The rules folder shipped with the package (or the repository's, in a source checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "rules"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "rules"


@dataclass
class Library:
    root: Path
    rulesets: list[Ruleset]

    def in_force(self, day: dt.date) -> Ruleset:
        matching = [rs for rs in self.rulesets if rs.in_force(day)]
        if not matching:
            have = "; ".join(rs.label() for rs in self.rulesets) or "none"
            raise InputError(f"no ruleset in {self.root} is in force on {day.isoformat()}; rulesets available: {have}")
        return max(matching, key=lambda rs: rs.head.applies_from)

    def latest(self) -> Ruleset:
        return max(self.rulesets, key=lambda rs: rs.head.applies_from)


def ruleset_folders(root: Path) -> list[Path]:
    if (root / RULESET_FILE).is_file():
        return [root]
    return sorted(p.parent for p in root.glob(f"*/{RULESET_FILE}"))


def validate_folder(root: Path) -> tuple[list[Ruleset], list[RuleFileError]]:
    """Load every ruleset under ``root`` and collect every error."""
    if not root.is_dir():
        raise InputError(f"rules folder {root} does not exist")
    folders = ruleset_folders(root)
    if not folders:
        raise InputError(f"no {RULESET_FILE} found in {root} or its sub-folders")
    rulesets, errors = [], []
    for folder in folders:
        rs, errs = _load_ruleset(folder)
        errors.extend(errs)
        if rs is not None and not errs:
            rulesets.append(rs)
    ids = [rs.id for rs in rulesets]
    for dup in {i for i in ids if ids.count(i) > 1}:
        errors.append(RuleFileError(str(root), None, f"two rulesets share the id '{dup}'", "give each ruleset folder its own [ruleset].id"))
    return rulesets, errors


_CACHE: dict[Path, Library] = {}


def load_library(root: Path | None = None) -> Library:
    """Load (once per process) the rules folder; any error stops with the first, counted."""
    root = (root or default_rules_dir()).resolve()
    if root not in _CACHE:
        rulesets, errors = validate_folder(root)
        if errors:
            raise RuleSetErrors(errors)
        _CACHE[root] = Library(root, rulesets)
    return _CACHE[root]
