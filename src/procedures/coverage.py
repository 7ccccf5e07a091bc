"""Which provisions have rules, and which rules have scenario tests.

The inventory of provisions is data (``docs/provisions.toml``). Scenario files
(``tests/scenarios/<kind>/*.toml``) are read here the way the tests read them,
to find the rules each case exercises; a rule's paragraphs then credit the
provisions.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from procedures.errors import InputError
from procedures.loader import Library, Ruleset
from procedures.tomlfiles import read_toml, validate
from procedures.models import Paragraph, Strict, all_cites
from procedures.vocabulary import CHAIR_ADMITTED


class Provision(Strict):
    instrument: str
    paragraph: Paragraph
    kind: str
    modality: str
    applies_to: str
    what: str = Field(min_length=3)

    def label(self) -> str:
        sep = " § " if self.paragraph[0].isdigit() else " "
        return f"{self.instrument}{sep}{self.paragraph}"


class ProvisionsFile(Strict):
    provision: list[Provision] = Field(min_length=1)


def load_provisions(path: Path) -> list[Provision]:
    if not path.is_file():
        raise InputError(f"provisions file {path} not found; give --provisions")
    return validate(ProvisionsFile, read_toml(path), str(path), None).provision


@dataclass(frozen=True)
class Case:
    """One scenario test: where it is, and the rules it exercises."""

    label: str
    rules: frozenset[str]


def scenario_cases(lib: Library, folder: Path) -> list[Case]:
    if not folder.is_dir():
        raise InputError(f"scenario folder {folder} not found; give --scenarios")
    cases: list[Case] = []
    for path in sorted(folder.glob("*/*.toml")):
        with path.open("rb") as fh:
            sc = tomllib.load(fh)
        kind = path.parent.name
        label = f"{kind}/{path.stem}"
        reader = READERS.get(kind)
        if reader is None:
            raise InputError(f"{path}: unknown scenario folder '{kind}'; use one of {', '.join(READERS)}")
        for n, rules in enumerate(reader(lib, sc)):
            cases.append(Case(f"{label}[{n}]", frozenset(rules)))
    return cases


def _timetable(lib, sc):
    return [[e["rule"]] for e in sc.get("expect", []) + sc.get("skipped", [])]


def _timelines(lib, sc):
    return [[e["rule"]] for e in sc.get("expect", [])]


def _contributions(lib, sc):
    from procedures.contributions import Meeting, check
    from procedures.timestamps import parse_received
    import datetime as dt

    m = sc["meeting"]
    meeting = Meeting(m["kind"], m["opens"], m.get("purpose", "action"), dt.time.fromisoformat(m["opening_time"]) if "opening_time" in m else None,
                      m.get("closes"))
    rs = lib.in_force(meeting.opens)
    out = []
    for case in sc["case"]:
        if "error" in case:  # a case the input cannot decide exercises no rule's answer
            out.append([])
            continue
        flags = frozenset({CHAIR_ADMITTED}) if case.get("chair_admitted") else frozenset()
        result = check(rs, meeting, parse_received(case["received"], rs.head.time_zone), flags)
        due = result.publish_by or result.publish_by_passed
        out.append([result.rule_id] + ([due.id] if due else []))
    return out


def _tallies(lib, sc):
    from procedures.tally import find_rule

    rule = find_rule(lib.latest(), sc["procedure"])
    return [[rule.id] + ([rule.reply_window] if sc.get("circulated") and rule.reply_window else [])]


def _plans(lib, sc):
    from procedures.models import FrequencyRule, WindowRule

    if sc.get("finding"):
        return [[f["rule"] for f in sc["finding"]]]
    rs = lib.latest()
    return [[r.id for r in rs.of_kind(WindowRule) + rs.of_kind(FrequencyRule)]]


def _limits(lib, sc):
    return [[sc["rule"]] for _ in sc["case"]]


def _documents(lib, sc):
    return [list(case["expect"]) for case in sc["case"]]


def _revisions(lib, sc):
    return [[sc["rule"]] for _ in sc["case"]]


def _appointments(lib, sc):
    from procedures.models import RoleRule

    if sc.get("finding"):
        return [[f["rule"] for f in sc["finding"]]]
    return [[r.id for r in lib.latest().of_kind(RoleRule)]] if sc.get("clean") else [[]]


READERS = {
    "timetable": _timetable,
    "timelines": _timelines,
    "contributions": _contributions,
    "tallies": _tallies,
    "plans": _plans,
    "limits": _limits,
    "documents": _documents,
    "revisions": _revisions,
    "appointments": _appointments,
}


def coverage_rows(rs: Ruleset, provisions: list[Provision], cases: list[Case]) -> list[dict]:
    cites_of = {r.id: {c.label() for c in all_cites(r)} for r in rs.rules.values()}
    rows = []
    for p in provisions:
        label = p.label()
        rules = sorted(rid for rid, labels in cites_of.items() if label in labels)
        scenarios = sum(1 for c in cases if any(label in cites_of.get(r, ()) for r in c.rules))
        rows.append({"cite": label, "kind": p.kind, "modality": p.modality, "rules": rules, "scenarios": scenarios})
    return rows


def rules_without_scenarios(rs: Ruleset, cases: list[Case]) -> list[str]:
    exercised = set().union(*(c.rules for c in cases)) if cases else set()
    return sorted(set(rs.rules) - exercised)
