"""Limit scenarios (a number against its bounds) and timeline scenarios (a procedure's dates)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from conftest import read_scenario, scenario_files
from procedures.limits import check_limit
from procedures.timeline import timeline

LIMITS = [(p, n, c) for p in scenario_files("limits") for n, c in enumerate(read_scenario(p)["case"])]
TIMELINES = scenario_files("timelines")


@pytest.mark.parametrize("path,n,case", LIMITS, ids=[f"{p.stem}[{n}]" for p, n, _ in LIMITS])
def test_limit_case(path, n, case, ruleset):
    rule = read_scenario(path)["rule"]
    result = check_limit(ruleset, rule, Fraction(case["value"]), frozenset(case.get("when", [])))
    assert result.severity == case["severity"], result.message
    if "cite" in case:
        assert case["cite"] in result.cite
    if "message" in case:
        assert case["message"] in result.message
    if "within" in case:
        assert result.within == case["within"]
    if "warning" in case:
        assert any(case["warning"] in w for w in result.warnings), result.warnings
    if case.get("no_warning"):
        assert not result.warnings, result.warnings


@pytest.mark.parametrize("path", TIMELINES, ids=[p.stem for p in TIMELINES])
def test_timeline_scenario(path, library):
    sc = read_scenario(path)
    result = timeline(library.in_force(sc["start"]), sc["procedure"], sc["start"], sc.get("events", {}))
    by_id = {d.id: d for d in result.deadlines}
    assert sc["expect"]
    for exp in sc["expect"]:
        assert by_id[exp["rule"]].date == exp["date"]
        if "cite" in exp:
            assert by_id[exp["rule"]].cite == exp["cite"]
