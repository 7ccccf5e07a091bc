"""Contribution scenarios: meeting and received time → status, consequences and paragraph."""

from __future__ import annotations

import pytest

from conftest import read_scenario, scenario_files
from procedures.contributions import Meeting, check
from procedures.timestamps import parse_received

FILES = scenario_files("contributions")
CASES = [
    (path, n, case)
    for path in FILES
    for n, case in enumerate(read_scenario(path)["case"])
]


@pytest.mark.parametrize("path,n,case", CASES, ids=[f"{p.stem}[{n}]" for p, n, _ in CASES])
def test_contribution_case(path, n, case, library):
    m = read_scenario(path)["meeting"]
    import datetime as dt

    meeting = Meeting(
        m["kind"], m["opens"], m.get("purpose", "action"),
        dt.time.fromisoformat(m["opening_time"]) if "opening_time" in m else None,
    )
    rs = library.in_force(meeting.opens)
    received = parse_received(case["received"], rs.head.time_zone)
    flags = frozenset({"chair-admitted"}) if case.get("chair_admitted") else frozenset()
    result = check(rs, meeting, received, flags)
    assert result.status == case["status"], result.margin
    assert case["cite"] in result.cite
    for key in ("translated", "on_agenda"):
        if key in case:
            assert getattr(result, key) == case[key]
    if "publish_by" in case:
        assert result.publish_by is not None and result.publish_by.date == case["publish_by"]
    if "assumed_local" in case:
        assert received.assumed_local == case["assumed_local"]
    if "warning" in case:
        assert any(case["warning"] in w for w in result.warnings), result.warnings
