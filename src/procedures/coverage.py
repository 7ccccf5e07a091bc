"""Which provisions have rules, and which rules have scenario tests.

The inventory of provisions is data that travels with the ruleset (its
``provisions`` file, e.g. ``rules/res1-rev-baku-2025/provisions.toml``).
Scenario files, in a folder the caller names, are read through their typed
models (``procedures.scenarios``) to find the rules each case asserts; a
rule's paragraphs then credit the provisions. Without scenarios, the table
lists the rules only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from procedures.errors import InputError
from procedures.loader import Library, Ruleset
from procedures.models import Provision, ProvisionsFile, all_cites
from procedures.tomlfiles import read_checked


def load_provisions(path: Path) -> list[Provision]:
    """An inventory of provisions from another file than the ruleset's own (rules docs --provisions)."""
    if not path.is_file():
        raise InputError(f"provisions file {path} not found; give --provisions")
    return read_checked(ProvisionsFile, path, "provision").provision


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


def coverage_rows(rs: Ruleset, provisions: list[Provision], cases: list[Case] | None) -> list[dict]:
    """Each provision, the rules citing it, and (with cases) how many scenario cases assert one of them."""
    cites_of = {r.id: {c.label() for c in all_cites(r)} for r in rs.rules.values()}
    rows = []
    for p in provisions:
        label = p.label()
        rules = sorted(rid for rid, labels in cites_of.items() if label in labels)
        scenarios = None if cases is None else sum(1 for c in cases if any(label in cites_of.get(r, ()) for r in c.rules))
        rows.append({"cite": label, "kind": p.kind, "modality": p.modality, "rules": rules, "scenarios": scenarios})
    return rows


def rules_without_scenarios(rs: Ruleset, cases: list[Case]) -> list[str]:
    exercised = set().union(*(c.rules for c in cases)) if cases else set()
    return sorted(set(rs.rules) - exercised)
