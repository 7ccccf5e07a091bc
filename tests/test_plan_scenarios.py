"""Plan scenarios: the example plan, changed one way, and the findings the audit must give."""

from __future__ import annotations

import copy
import tomllib

import pytest

from conftest import REPO, read_scenario, scenario_files
from procedures.audit import audit
from procedures.plan import parse_plan

FILES = scenario_files("plans")


def build(sc: dict) -> dict:
    with (REPO / sc["base"]).open("rb") as fh:
        data = tomllib.load(fh)
    data = copy.deepcopy(data)
    meetings = {m["name"]: m for m in data["meeting"]}
    for ch in sc.get("change", []):
        meetings[ch["meeting"]].update({k: v for k, v in ch.items() if k != "meeting"})
    for rm in sc.get("remove", []):
        data["meeting"].remove(meetings[rm["meeting"]])
    data["meeting"] += [dict(m) for m in sc.get("add", [])]
    years = {y["year"]: y for y in data.get("year", [])}
    for ch in sc.get("year_change", []):
        years.setdefault(ch["year"], {"year": ch["year"]}).update(ch)
    data["year"] = list(years.values())
    data["study_period"].setdefault("done", {}).update(sc.get("study_period_done", {}))
    return data


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_plan_scenario(path, library):
    sc = read_scenario(path)
    plan, rs = parse_plan(build(sc), str(path), library.in_force)
    result = audit(rs, plan)
    if sc.get("expect", {}).get("clean"):
        assert result.findings == [], [f.message for f in result.findings]
    expected = sc.get("finding", [])
    assert expected or sc.get("expect"), "a scenario must expect something"
    for exp in expected:
        matching = [f for f in result.findings if f.rule == exp["rule"] and f.severity == exp["severity"]]
        assert matching, f"no {exp['severity']} of {exp['rule']} in {[(f.rule, f.message) for f in result.findings]}"
        if "cite" in exp:
            assert all(f.cite == exp["cite"] for f in matching)
        if "message" in exp:
            assert any(exp["message"] in f.message for f in matching), [f.message for f in matching]
        if exp.get("other_reading") is False:
            # the answer is the same on both readings: no other reading shown
            assert all(f.other_reading is None for f in matching), [f.other_reading for f in matching]
        elif "other_reading" in exp:
            assert any(exp["other_reading"] in (f.other_reading or "") for f in matching), [f.other_reading for f in matching]
    if expected:
        # nothing else than what the scenario names
        assert {f.rule for f in result.findings} == {e["rule"] for e in expected}, [f.message for f in result.findings]
