"""Timetable scenarios: meeting kind and dates → expected dates with their paragraph."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import read_scenario, scenario_files
from procedures.timetable import Meeting, timetable

FILES = scenario_files("timetable")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_timetable_scenario(path, library):
    sc = read_scenario(path)
    m = sc["meeting"]
    meeting = Meeting(m["kind"], m["opens"], m.get("closes"), None, tuple((m.get("events") or {}).items()))
    result = timetable(library.in_force(meeting.opens), meeting)
    by_id = {d.id: d for d in result.deadlines}
    assert sc.get("expect") or sc.get("absent") or sc.get("skipped"), "a scenario must expect something"
    for exp in sc.get("expect", []):
        assert exp["rule"] in by_id, f"{exp['rule']} missing from the timetable"
        got = by_id[exp["rule"]]
        assert got.date == exp["date"], exp["rule"]
        assert got.cite == exp["cite"]
        if "cutoff" in exp:
            assert got.cutoff.isoformat() == exp["cutoff"]
        if "modality" in exp:
            assert got.rule.modality == exp["modality"], exp["rule"]
        if "non_working_day" in exp:
            assert (got.non_working is not None) == exp["non_working_day"]
    for exp in sc.get("absent", []):
        assert exp["rule"] not in by_id
    skipped = {rule_id for rule_id, _, _ in result.skipped}
    for exp in sc.get("skipped", []):
        assert exp["rule"] in skipped


def test_timetable_is_in_date_order(library):
    result = timetable(library.latest(), Meeting("study-group", dt.date(2026, 9, 14)))
    dates = [d.date for d in result.deadlines]
    assert dates == sorted(dates) and len(dates) >= 10
