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
import os
from dataclasses import dataclass, field
from pathlib import Path

from procedures.calendar import ClosureCalendar, load_calendar
from procedures.errors import InputError, RuleFileError, RuleSetErrors
from procedures.members import Members, load_members
from procedures.models import (
    RULE_KINDS,
    Citation,
    DeadlineRule,
    ParagraphsFile,
    ProvisionsFile,
    Ref,
    Rule,
    RuleFile,
    RulesetFile,
    SectionHead,
    all_cites,
)
from procedures.tomlfiles import read_checked, read_toml, validation_errors
from procedures.vocabulary import RELIED_ON, SETTABLE, did_you_mean

RULESET_FILE = "ruleset.toml"


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
    #: Ids of rules in files that did not validate, and whether a rule file could not be read at all:
    #: a reference to such a rule is not reported again (the file's own error says what to fix).
    unchecked_ids: set = field(default_factory=set)
    unread_files: bool = False
    #: The inventory of provisions the ruleset must cover (its provisions file), for coverage.
    provisions: list = field(default_factory=list)
    #: Instrument -> the paragraphs it has (for the instruments that list them).
    paragraphs: dict[str, frozenset[str]] = field(default_factory=dict)
    _events_behind: dict = field(default_factory=dict)
    _of_kind: dict = field(default_factory=dict)
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
    def calendar(self) -> ClosureCalendar:
        """The closure calendar, read and checked when the ruleset was loaded."""
        return self._calendar

    @property
    def members(self) -> Members:
        """The Member States (only they reply to consultations, § 7.3.5.4)."""
        return self._roster("members")

    @property
    def regional_organizations(self) -> Members:
        """The regional telecommunication organizations (§ 3.2.1), found by code or name."""
        return self._roster("regional_organizations")

    def _roster(self, key: str) -> Members:
        """A list in the members-file format that the head names under ``key`` (read at load)."""
        if key not in self._rosters:
            raise InputError(f"ruleset {self.id} declares no {key.replace('_', ' ')} file; add {key} = \"FILE.toml\" to its [ruleset]")
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

    def of_kind(self, kind: type) -> tuple:
        """The rules of one model, in file order (found once: rules do not change after loading)."""
        found = self._of_kind.get(kind)
        if found is None:
            found = self._of_kind[kind] = tuple(r for r in self.rules.values() if isinstance(r, kind))
        return found


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
    for path in _rule_files(rs):
        errors.extend(_read_rule_file(rs, path))
    errors.extend(_load_data_files(rs, head_path))
    errors.extend(_check_references(rs))
    if not errors:
        errors.extend(_check_cycles(rs))
    return rs, errors


def _rule_files(rs: Ruleset) -> list[Path]:
    """Every .toml file of the folder but the head and the data files it names (calendar, members, …)."""
    head = rs.head
    skip = {RULESET_FILE, head.calendar, head.members, head.regional_organizations, head.provisions,
            *(i.paragraphs for i in rs.spec.instruments.values() if i.paragraphs)}
    return [path for path in sorted(rs.folder.glob("*.toml")) if path.name not in skip]


def _read_rule_file(rs: Ruleset, path: Path) -> list[RuleFileError]:
    """One rule file's rules into the ruleset, kind by kind; its errors (a duplicate id among them)."""
    try:
        raw = read_toml(path)
    except RuleFileError as exc:
        rs.unread_files = True
        return [exc]
    rf, errors = validation_errors(RuleFile, raw, str(path))
    if rf is None:
        rs.unchecked_ids |= _raw_ids(raw)
        return errors
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
    return errors


def _raw_ids(raw: dict) -> set[str]:
    """The ids a rule file declares, read from its raw TOML (when the file as a whole did not validate)."""
    out: set[str] = set()
    for kind in RULE_KINDS:
        items = raw.get(kind)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                out.add(item["id"])
    return out


def _load_data_files(rs: Ruleset, head_path: Path) -> list[RuleFileError]:
    """Read the calendar and the members-format lists the head names, so a ruleset that loads is complete."""
    return _load_rosters(rs, head_path) + _load_provisions(rs) + _load_paragraphs(rs, head_path)


def _read_into(read, path: Path, errors: list[RuleFileError]):
    """What ``read`` gives for ``path``, or None with its errors added to ``errors``."""
    try:
        return read(path)
    except RuleFileError as exc:
        errors.append(exc)
    except RuleSetErrors as exc:
        errors.extend(exc.errors)
    return None


def _load_rosters(rs: Ruleset, head_path: Path) -> list[RuleFileError]:
    errors: list[RuleFileError] = []
    readers = {"calendar": load_calendar, "members": load_members, "regional_organizations": load_members}
    for key, read in readers.items():
        name = getattr(rs.head, key)
        if name is None:
            continue
        path = rs.folder / name
        if not path.is_file():
            errors.append(RuleFileError(str(head_path), None, f"{key.replace('_', ' ')} file '{name}' not found", f"create it or correct [ruleset].{key}"))
            continue
        loaded = _read_into(read, path, errors)
        if loaded is None:
            continue
        if key == "calendar":
            rs._calendar = loaded
        else:
            rs._rosters[key] = loaded
    return errors


def _load_provisions(rs: Ruleset) -> list[RuleFileError]:
    errors: list[RuleFileError] = []
    if rs.head.provisions is not None:
        read = _read_into(lambda path: read_checked(ProvisionsFile, path, "provision"), rs.folder / rs.head.provisions, errors)
        if read is not None:
            rs.provisions = read.provision
    return errors


def _load_paragraphs(rs: Ruleset, head_path: Path) -> list[RuleFileError]:
    errors: list[RuleFileError] = []
    for short, instrument in rs.spec.instruments.items():
        if instrument.paragraphs is None:
            continue
        path = rs.folder / instrument.paragraphs
        if not path.is_file():
            errors.append(RuleFileError(str(head_path), None, f"paragraphs file '{instrument.paragraphs}' of {short} not found",
                                        f"create it or remove paragraphs from [instruments.\"{short}\"]"))
            continue
        read = _read_into(lambda p: read_checked(ParagraphsFile, p), path, errors)
        if read is not None:
            rs.paragraphs[short] = read.paragraphs.labels()
    return errors


#: Where each kind of name a rule may use is declared: (names, what they are, where to declare, in words).
_SPACES = {
    "event": (lambda spec: set(spec.events), "an event of ruleset.toml", "[events] in ruleset.toml", "event"),
    "meeting-kind": (lambda spec: set(spec.meeting_kinds), "a meeting kind", "[meeting_kinds] in ruleset.toml", "meeting kind"),
    "procedure": (lambda spec: set(spec.procedures), "a procedure", "[procedures] in ruleset.toml", "procedure"),
    "subject": (lambda spec: set(spec.meeting_kinds) | set(spec.procedures) | set(spec.subjects) | set(spec.roles),
                "a meeting kind, procedure, subject or role", "ruleset.toml", "meeting kind or procedure"),
    "role": (lambda spec: set(spec.roles), "a role", "[roles] in ruleset.toml", "role"),
    "measure": (lambda spec: set(spec.measures), "a measure", "[measures] in ruleset.toml", "measure"),
}


@dataclass
class _References:
    """Checks every name the ruleset uses against where it is declared; each problem becomes a RuleFileError."""

    rs: Ruleset
    errors: list[RuleFileError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.spec = self.rs.spec
        self.deadlines = self.rs.deadlines()
        self.head_file = str(self.rs.folder / RULESET_FILE)
        self.circumstances = set(self.spec.conditions) | set(self.spec.subjects)
        self.exception_ids: dict[str, str] = {}

    def err(self, rule_id: str | None, problem: str, fix: str, file: str | None = None) -> None:
        self.errors.append(RuleFileError(file or self.rs.files.get(rule_id or "", self.head_file), rule_id, problem, fix))

    def unknown(self, ref: str) -> bool:
        """A rule id that is not a deadline rule, and not one of a file already reported as unreadable."""
        return ref not in self.deadlines and ref not in self.rs.unchecked_ids and not self.rs.unread_files

    def relied_on(self) -> None:
        """The names the engine feeds values into are declared (vocabulary.RELIED_ON)."""
        for section, names in RELIED_ON.items():
            declared = getattr(self.spec, section)
            for name, user in names.items():
                if name not in declared:
                    self.err(None, f"[{section}] does not declare '{name}', which the engine relies on ({user})",
                             f"restore the name '{name}' in ruleset.toml and in the rules that use it", self.head_file)

    def events(self) -> None:
        """An event's default is a deadline rule; a midpoint is between two other events whose dates are given."""
        spec = self.spec
        for name, ev in spec.events.items():
            if ev.default and self.unknown(ev.default):
                self.err(None, f"event '{name}' defaults to unknown deadline rule '{ev.default}'", "use the id of a [[deadline]] rule", self.head_file)
            for other in ev.midpoint_of or ():
                self.midpoint(name, other)
        if spec.example and spec.example.kind not in spec.meeting_kinds:
            self.err(None, f"example meeting kind '{spec.example.kind}' is not a meeting kind", f"use one of {sorted(spec.meeting_kinds)}", self.head_file)

    def midpoint(self, name: str, other: str) -> None:
        given = self.spec.events.get(other)
        if given is None or other == name:
            self.err(None, f"event '{name}' is the midpoint of unknown event '{other}'",
                     f"use two other events of [events] ({', '.join(sorted(e for e in self.spec.events if e != name))})", self.head_file)
        elif given.default or given.midpoint_of:
            self.err(None, f"event '{name}' is the midpoint of '{other}', itself derived", "use events whose dates are given, not derived", self.head_file)

    def cite(self, rule_id: str, c: Citation) -> None:
        spec, paragraphs = self.spec, self.rs.paragraphs
        if c.instrument not in spec.instruments:
            self.err(rule_id, f"cites unknown instrument '{c.instrument}'", f"use one of {sorted(spec.instruments)} or declare it under [instruments] in ruleset.toml")
        elif c.instrument in paragraphs and c.paragraph not in paragraphs[c.instrument]:
            near = did_you_mean(c.paragraph, paragraphs[c.instrument])
            self.err(rule_id, f"cites {c.label()}, which {c.instrument} does not have{near}",
                     f"correct the paragraph number (the paragraphs are listed in {spec.instruments[c.instrument].paragraphs})")

    def exception(self, rule_id: str, kind: str, x) -> None:
        """One shape for every kind: the shared head of an exception (its circumstance, its id)."""
        settable = SETTABLE.get(kind)
        if x.when is not None and x.when not in self.circumstances:
            self.err(rule_id, f"exception '{x.id}' when names unknown circumstance '{x.when}'{did_you_mean(x.when, self.circumstances)}",
                     f"use one of {sorted(self.spec.conditions)} or declare it under [conditions] in ruleset.toml")
        if settable is not None and x.when in self.circumstances and x.when not in settable:
            self.err(rule_id, f"exception '{x.id}' holds when '{x.when}', which no command sets for this kind of rule, so it would never apply",
                     f"use {' or '.join(repr(n) for n in settable)} (set by {'; '.join(settable.values())})")
        if x.id in self.rs.rules or x.id in self.exception_ids:
            self.err(rule_id, f"exception id '{x.id}' is already used (by {self.exception_ids.get(x.id, 'a rule')})", "give the exception its own id")
        self.exception_ids[x.id] = rule_id

    def ref(self, ref: Ref) -> tuple[str, str] | None:
        """(problem, fix) when a name a rule uses is not declared, else None."""
        if ref.space == "deadline":
            if self.unknown(ref.name):
                return f"{ref.key} refers to unknown deadline rule '{ref.name}'", "use the id of a [[deadline]] rule of this ruleset"
            return None
        if ref.space == "anchor":
            if ref.name in self.spec.events or not self.unknown(ref.name):
                return None
            near = did_you_mean(ref.name, [*self.spec.events, *self.deadlines])
            return f"unknown anchor '{ref.name}'{near}", f"use an event of ruleset.toml ({', '.join(sorted(self.spec.events))}) or a deadline rule id"
        names_of, what, where, words = _SPACES[ref.space]
        names = names_of(self.spec)
        if ref.name in names:
            return None
        return (f"{ref.key} names unknown {words} '{ref.name}'{did_you_mean(ref.name, names)}",
                f"use one of {sorted(names)} ({what}), or declare it under {where}")

    def rule(self, rule_id: str, rule) -> None:
        """Every kind says what it cites, which names it uses (``references()``) and its own problems (``problems()``)."""
        for c in all_cites(rule):
            self.cite(rule_id, c)
        for x in rule.exceptions():
            self.exception(rule_id, rule.KIND, x)
        for ref in rule.references():
            problem = self.ref(ref)
            if problem:
                self.err(rule_id, *problem)
        for problem, fix in rule.problems(self.spec):
            self.err(rule_id, problem, fix)


def _check_references(rs: Ruleset) -> list[RuleFileError]:
    check = _References(rs)
    check.relied_on()
    check.events()
    for rule_id, rule in rs.rules.items():
        check.rule(rule_id, rule)
    return check.errors


def _check_cycles(rs: Ruleset) -> list[RuleFileError]:
    """Derived anchors must not form a cycle (rule → rule, or rule → event default → rule).

    Each deadline rule derives from at most one other, so the links form a
    functional graph: one walk per rule, stopping at a rule already settled,
    visits every rule once (linear in the number of rules).
    """
    deadlines = rs.deadlines()
    settled: set[str] = set()
    errors: list[RuleFileError] = []
    for start in deadlines:
        path: list[str] = []
        links: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in settled and node not in on_path and node in deadlines:
            on_path[node] = len(path)
            path.append(node)
            node, event = rs.derives_from(node)
            links.append(f" → (event {event}) → " if event else " → ")
        if node is not None and node in on_path:
            at = on_path[node]
            cycle = path[at:]
            text = "".join(f"{rule}{link}" for rule, link in zip(cycle, links[at:])) + node
            errors.append(RuleFileError(
                rs.files[node], node, f"derived anchors form a cycle: {text}",
                "anchor one of these rules on a meeting or procedure event instead",
            ))
        settled.update(path)
    return errors


# --- the rules library -----------------------------------------------------------------------


#: The environment variable naming the rules folder to use when no --rules is given.
RULES_ENV = "PROCEDURES_RULES"


def default_rules_dir() -> Path:
    """The rules folder shipped with the package (or the repository's, in a source checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "rules"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "rules"


def rules_location(root: Path | None = None) -> tuple[Path, str]:
    """Which rules folder to use, and why: the given folder, else $PROCEDURES_RULES, else the built-in one."""
    if root is not None:
        return Path(root), "--rules"
    env = os.environ.get(RULES_ENV, "").strip()
    if env:
        return Path(env).expanduser(), RULES_ENV
    return default_rules_dir(), "built-in"


@dataclass
class Library:
    root: Path
    rulesets: list[Ruleset]
    #: Where the folder was named: "--rules", "PROCEDURES_RULES" or "built-in".
    source: str = "built-in"
    #: The folder as the user wrote it (shown in text output; ``root`` is the resolved path).
    given: Path | None = None

    def in_force(self, day: dt.date) -> Ruleset:
        matching = [rs for rs in self.rulesets if rs.in_force(day)]
        if not matching:
            have = "; ".join(rs.label() for rs in self.rulesets) or "none"
            raise InputError(f"no ruleset in {self.root} is in force on {day.isoformat()}; rulesets available: {have}")
        return max(matching, key=lambda rs: rs.head.applies_from)

    def latest(self) -> Ruleset:
        return max(self.rulesets, key=lambda rs: rs.head.applies_from)

    def provenance(self) -> dict:
        """Which folder the answers were computed from (carried by every JSON output)."""
        return {"folder": str(self.root), "source": self.source}

    def describe(self) -> str:
        return f"rules: {self.given or self.root} ({self.source})"


def ruleset_folders(root: Path) -> list[Path]:
    if (root / RULESET_FILE).is_file():
        return [root]
    return sorted(p.parent for p in root.glob(f"*/{RULESET_FILE}"))


def validate_folder(root: Path) -> tuple[list[Ruleset], list[RuleFileError]]:
    """Load every ruleset under ``root`` and collect every error."""
    if root.is_file():
        raise InputError(f"{root} is a file; give the rules folder (the one holding ruleset.toml, or its parent)")
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


_CACHE: dict[tuple[Path, str], Library] = {}


def load_library(root: Path | None = None) -> Library:
    """Load (once per process) the rules folder; any error stops with the first, counted.

    Without ``root``, the folder named by $PROCEDURES_RULES, else the built-in rules.
    """
    where, source = rules_location(root)
    key = (where.resolve(), source)
    if key not in _CACHE:
        if source == RULES_ENV and not where.is_dir():
            raise InputError(f"rules folder {where} (named by {RULES_ENV}) does not exist; correct or unset {RULES_ENV}")
        from procedures.rulecache import through_cache  # the full check, or its result for these very files

        rulesets, errors = through_cache(key[0], validate_folder)
        if errors:
            raise RuleSetErrors(errors)
        _CACHE[key] = Library(key[0], rulesets, source, where)
    return _CACHE[key]


def forget_loaded() -> None:
    """Drop the libraries loaded so far (a command rewrote a rules file): the next load reads the files again."""
    _CACHE.clear()


def init_rules(target: Path) -> list[Path]:
    """Write an editable copy of the built-in rules folder to ``target`` (which must be new or empty)."""
    import shutil

    source = default_rules_dir()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InputError(f"{target} already exists and is not an empty folder; choose a new folder name")
    try:
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return sorted(p for p in target.rglob("*.toml"))
