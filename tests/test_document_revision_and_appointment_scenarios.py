"""Page limits by document type, revisions of Recommendations, and appointments files.

Each scenario file is named for what it shows; the cases inside give both sides
of each bound. Appointment scenarios hold their CSV text inline and list every
finding, every refused row and every other reading shown that they expect: no
more, no fewer.
"""

from __future__ import annotations

import io

import pytest

from conftest import read_scenario, scenario_files
from procedures.appointments import check_appointments, read_appointments, read_attendance
from procedures.documents import check_document
from procedures.limits import check_interval

DOCUMENTS = [(p, n, c) for p in scenario_files("documents") for n, c in enumerate(read_scenario(p)["case"])]
REVISIONS = [(p, n, c) for p in scenario_files("revisions") for n, c in enumerate(read_scenario(p)["case"])]
APPOINTMENTS = scenario_files("appointments")

INPUT_KEYS = {"pages": "pages", "question_total": "question-pages", "previous_pages": "previous-pages"}


@pytest.mark.parametrize("path,n,case", DOCUMENTS, ids=[f"{p.stem}[{n}]" for p, n, _ in DOCUMENTS])
def test_document_case(path, n, case, ruleset):
    sc = read_scenario(path)
    inputs = {INPUT_KEYS[k]: v for k, v in case.items() if k in INPUT_KEYS}
    result = check_document(ruleset, sc["type"], inputs, frozenset(case.get("when", [])))
    got = {r.rule.id: r.severity for r in result.results}
    assert got == case["expect"], [r.message for r in result.results]
    # a note (a threshold crossed, § 2.1.2.2) is not a limit missed
    assert result.within == all(s in ("ok", "note") for s in case["expect"].values())
    if "cite" in case:
        assert any(case["cite"] in r.cite for r in result.results)
    if "message" in case:
        assert any(case["message"] in r.message or case["message"] in (r.remedy or "") for r in result.results), [r.message for r in result.results]
    if "not_checked" in case:
        assert any(case["not_checked"] in t for t in result.not_checked)
    else:
        assert not result.not_checked
    if "warning" in case:
        assert any(case["warning"] in w for w in result.warnings), result.warnings
    if case.get("no_warning"):
        assert not result.warnings, result.warnings


@pytest.mark.parametrize("path,n,case", REVISIONS, ids=[f"{p.stem}[{n}]" for p, n, _ in REVISIONS])
def test_revision_case(path, n, case, library):
    sc = read_scenario(path)
    rs = library.in_force(case["proposed"])
    rule = rs.rules[sc["rule"]]
    flags = frozenset({"complements"} if case.get("complements") else set())
    result = check_interval(rs, rule, {rule.interval_from: case["approved"], rule.interval_to: case["proposed"]}, flags)
    assert result.severity == case["severity"], result.message
    assert result.within == (case["severity"] == "ok")
    if "earliest" in case:
        assert result.at_least == case["earliest"]
    if "cite" in case:
        assert case["cite"] in result.cite
    if "message" in case:
        assert case["message"] in result.message


def run_appointments(rs, sc):
    posts = read_appointments(rs, io.StringIO(sc["appointments"]), "appointments")
    present = None
    if "attendance" in sc:
        present = read_attendance(io.StringIO(sc["attendance"]), "attendance", {a.key for a in posts.rows})
    return check_appointments(rs, posts, present)


@pytest.mark.parametrize("path", APPOINTMENTS, ids=[p.stem for p in APPOINTMENTS])
def test_appointments_scenario(path, ruleset):
    sc = read_scenario(path)
    result = run_appointments(ruleset, sc)
    expected = sc.get("finding", [])
    assert sc.get("clean", False) == (not expected and not sc.get("error")), f"{path.name}: say clean = true, or list findings"
    unmatched = list(result.findings)
    for exp in expected:
        match = [f for f in unmatched if f.rule.id == exp["rule"] and exp["subject"] in f.subject]
        assert match, f"no {exp['rule']} finding for {exp['subject']} in {[f.message for f in result.findings]}"
        f = match[0]
        unmatched.remove(f)
        assert f.severity == exp["severity"], f.message
        if "cite" in exp:
            assert exp["cite"] in f.cite
        if "message" in exp:
            assert exp["message"] in f.message, f.message
    assert not unmatched, f"unexpected findings: {[f.message for f in unmatched]}"
    errors = [(e.file, e.line) for e in result.errors]
    assert errors == [(exp.get("file", "appointments"), exp["line"]) for exp in sc.get("error", [])], [str(e) for e in result.errors]
    for e, exp in zip(result.errors, sc.get("error", [])):
        assert exp["problem"] in e.problem, str(e)
    for exp in sc.get("not_checked", []):
        assert any(exp["text"] in t for t in result.not_checked), result.not_checked
    # every other reading shown (SEMANTICS § 6) is listed: no more, no fewer
    shown = [w for w in result.warnings if "other reading" in w]
    assert len(shown) == len(sc.get("warning", [])), shown
    for exp in sc.get("warning", []):
        assert any(exp["text"] in w and exp["reading"] in w and exp.get("also", "") in w for w in shown), shown


def test_every_row_is_counted_or_reported(ruleset):
    for path in APPOINTMENTS:
        sc = read_scenario(path)
        posts = read_appointments(ruleset, io.StringIO(sc["appointments"]), "appointments")
        lines = sc["appointments"].strip("\n").count("\n")
        assert len(posts.rows) + len(posts.errors) == lines, path.name
