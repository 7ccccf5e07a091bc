"""Contribution scenarios: meeting and received time → status, consequences and paragraph."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import read_scenario, scenario_files
from procedures.contributions import Meeting, check
from procedures.errors import InputError
from procedures.timestamps import parse_received

FILES = scenario_files("contributions")
CASES = [
    (path, n, case)
    for path in FILES
    for n, case in enumerate(read_scenario(path)["case"])
]


def meeting_of(m: dict) -> Meeting:
    extra = {"closes": m["closes"]} if "closes" in m else {}
    return Meeting(
        m["kind"], m["opens"], m.get("purpose", "action"),
        dt.time.fromisoformat(m["opening_time"]) if "opening_time" in m else None,
        **extra,
    )


@pytest.mark.parametrize("path,n,case", CASES, ids=[f"{p.stem}[{n}]" for p, n, _ in CASES])
def test_contribution_case(path, n, case, library):
    meeting = meeting_of(read_scenario(path)["meeting"])
    rs = library.in_force(meeting.opens)
    received = parse_received(case["received"], rs.head.time_zone)
    flags = frozenset({"chair-admitted"}) if case.get("chair_admitted") else frozenset()
    if "error" in case:
        with pytest.raises(InputError) as info:
            check(rs, meeting, received, flags)
        assert case["error"] in str(info.value)
        return
    result = check(rs, meeting, received, flags)
    assert result.status == case["status"], result.margin
    assert case["cite"] in result.cite, result.cite
    for key in ("translated", "on_agenda", "modality"):
        if key in case:
            assert getattr(result, key) == case[key], key
    if "publish_by" in case:
        assert result.publish_by is not None and result.publish_by.date == case["publish_by"]
    if "publish_by_passed" in case:
        # a date already past on receipt is never shown as one to meet (SEMANTICS § 2)
        assert result.publish_by is None
        assert result.as_dict()["publish_by"] is None
        assert result.as_dict()["publish_by_passed"]["date"] == case["publish_by_passed"].isoformat()
    if "assumed_local" in case:
        assert received.assumed_local == case["assumed_local"]
    if "margin" in case:
        assert case["margin"] in result.margin, result.margin
    for w in [case["warning"]] if isinstance(case.get("warning"), str) else case.get("warning", []):
        assert any(w in text for text in result.warnings), result.warnings
    for w in [case["no_warning"]] if isinstance(case.get("no_warning"), str) else case.get("no_warning", []):
        assert not any(w in text for text in result.warnings), result.warnings
