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
    # events given later than their last day: the paragraph, the days late, severity by modality
    late = [f for f in result.findings if f.severity != "note"]
    if "late" in sc:
        assert [(f.rule, f.dates["event"], f.severity, f.dates["days_late"]) for f in late] == [
            (e["rule"], e["event"], e["severity"], e["days"]) for e in sc["late"]
        ], [f.message for f in late]
        for e, f in zip(sc["late"], late):
            if "cite" in e:
                assert f.cite == e["cite"]
            assert f"{e['days']} day" in f.message
    # overlaps between a procedure's dates (e.g. §§ 7.3.5.2 and 7.3.5.3)
    notes = [f for f in result.findings if f.severity == "note"]
    if "note" in sc or "notes" in sc:
        expected = sc.get("note", sc.get("notes"))
        assert [f.rule for f in notes] == [n["rule"] for n in expected], [f.message for f in notes]
        for n, f in zip(expected, notes):
            if "message" in n:
                assert n["message"] in f.message, f.message
