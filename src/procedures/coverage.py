"""Which provisions have rules, and which rules have scenario tests.

The inventory of provisions is data (``docs/provisions.toml``). Scenario files
(``tests/scenarios/<kind>/*.toml``) are read here the way the tests read them,
to find the rules each case exercises; a rule's paragraphs then credit the
provisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field

from procedures.errors import InputError
from procedures.loader import Library, Ruleset
from procedures.tomlfiles import read_toml, validate
from procedures.models import Paragraph, Strict, all_cites


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
    """One scenario case: where it is, and the rules whose outcome it asserts."""

    label: str
    rules: frozenset[str]


def scenario_cases(lib: Library, folder: Path) -> list[Case]:
    """Every case of every scenario file under ``folder``, read through its kind's typed model."""
    from procedures.scenarios import load_scenario, scenario_files

    cases: list[Case] = []
    for path in scenario_files(folder):
        label = f"{path.parent.name}/{path.stem}"
        for n, rules in enumerate(load_scenario(path).asserted(lib)):
            cases.append(Case(f"{label}[{n}]", frozenset(rules)))
    return cases


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
