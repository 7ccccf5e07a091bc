"""document check, recommendation check-revision, appointments check: contracts, exit codes,
one-line errors, and the invariants of the counts."""

from __future__ import annotations

import datetime as dt
import io
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import REPO, read_scenario, scenario_files
from procedures.appointments import Attendance, check_appointments, longest_absence, read_appointments, read_attendance
from procedures.cli import app
from procedures.documents import check_document
from procedures.limits import check_interval, interval_rules

runner = CliRunner()
EXAMPLES = REPO / "docs" / "examples"
RANK = {"ok": 0, "note": 0, "warning": 1, "breach": 2}


def run(*args: str):
    return runner.invoke(app, list(args))


# --- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,message",
    [
        (["document", "check", "--type", "memo", "--pages", "3"], "unknown document type 'memo'; use one of: contribution, output-report, revised-report"),
        (["document", "check", "--type", "contribution", "--pages", "seven"], "--pages 'seven' is not a whole number"),
        (["document", "check", "--type", "contribution", "--pages", "0"], "--pages 0 is below 1"),
        (["document", "check", "--type", "contribution", "--pages", "4", "--question-total", "9"], "--question-total does not apply to a contribution"),
        (["document", "check", "--type", "output-report", "--pages", "4", "--previous-pages", "9"], "--previous-pages does not apply to a output-report"),
        (["document", "check", "--type", "output-report", "--pages", "40", "--question-total", "30"], "is less than --pages 40"),
        (["recommendation", "check-revision", "--approved", "2026-13-01", "--proposed", "2027-01-01"], "--approved '2026-13-01' is not a date"),
        (["recommendation", "check-revision", "--approved", "2027-05-01", "--proposed", "2026-01-01"], "is before recommendation-approved"),
        (["appointments", "check", "no-such-file.csv"], "cannot read no-such-file.csv"),
        (["limit", "res1.7.1.2.revision-interval", "--value", "1"], "compares two dates"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(args, message):
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert message in res.stderr
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ")


def test_an_appointments_file_without_the_columns_is_one_line(tmp_path):
    bad = tmp_path / "posts.csv"
    bad.write_text("who,what\nSofia Rossi,rapporteur\n")
    res = run("appointments", "check", str(bad))
    assert res.exit_code == 2
    assert "the header lacks column(s) person, nominated_by, role, study_group" in res.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    res = run("appointments", "check", str(empty))
    assert res.exit_code == 2 and "is empty" in res.stderr


@pytest.mark.parametrize(
    "inputs,message",
    [
        ({"pages": 3, "words": 900}, "unknown input(s) words; use pages, question-pages, previous-pages"),
        ({"previous-pages": 3}, "the number of pages is missing; give --pages"),
    ],
)
def test_a_document_check_refuses_inputs_no_option_gives(ruleset, inputs, message):
    from procedures.errors import InputError

    with pytest.raises(InputError) as raised:
        check_document(ruleset, " contribution ", inputs)
    assert str(raised.value) == message


def test_document_check_json_contract():
    res = run("document", "check", "--type", "output-report", "--pages", "48", "--question-total", "75", "--format", "json")
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    assert data["type"] == "output-report" and data["within"] is False and data["not_checked"] == []
    by_rule = {r["rule"]: r for r in data["results"]}
    total = by_rule["res1.3.10.5.1.output-report-pages-per-question"]
    assert total["severity"] == "warning" and total["comparison"] == "75 > 70" and total["cite"] == ["Res. 1 § 3.10.5.1"]
    assert total["modality"] == "should" and total["remedy"]
    assert by_rule["res1.3.10.5.1.output-report-pages"]["within"] is True


def test_document_check_within_exits_0():
    res = run("document", "check", "--type", "contribution", "--pages", "5")
    assert res.exit_code == 0 and res.stdout.startswith("OK: 5 pages: within at most 5")


def test_revision_json_gives_the_earliest_date():
    res = run("recommendation", "check-revision", "--approved", "2026-05-10", "--proposed", "2028-05-09", "--format", "json")
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    [r] = data["results"]
    assert r["at_least"] == "2028-05-10" and r["severity"] == "warning" and r["cite"] == ["Res. 1 § 7.1.2"]
    assert run("recommendation", "check-revision", "--approved", "2026-05-10", "--proposed", "2028-05-10").exit_code == 0


def test_appointments_exit_codes(tmp_path):
    clean = tmp_path / "clean.csv"
    clean.write_text("person,nominated_by,role,study_group,question\nSofia Rossi,Italy,rapporteur,SG1,Q2/1\n")
    assert run("appointments", "check", str(clean)).exit_code == 0
    bad_row = tmp_path / "bad-row.csv"
    bad_row.write_text("person,nominated_by,role,study_group,question\nSofia Rossi,Italy,chairman,SG1,Q2/1\n")
    res = run("appointments", "check", str(bad_row))
    assert res.exit_code == 1 and "line 2: unknown role 'chairman'" in res.stdout
    assert run("appointments", "check", str(EXAMPLES / "appointments-sg1.csv")).exit_code == 3


def test_the_tdag_and_wtdc_example_and_the_other_readings():
    res = run("appointments", "check", str(EXAMPLES / "appointments-tdag-wtdc.csv"), "--format", "json")
    assert res.exit_code == 3
    data = json.loads(res.stdout)
    assert sorted(f["subject"] for f in data["findings"]["per_study_group"]) == ["SG1", "SG2"]
    assert data["findings"]["in_all"] == [] and data["findings"]["per_person"] == []
    assert not any("iscg" in t for t in data["not_checked"])


def test_a_threshold_crossed_is_a_note_and_exits_0():
    res = run("document", "check", "--type", "revised-report", "--pages", "60", "--previous-pages", "45")
    assert res.exit_code == 0 and "NOTE: 60 pages: more than 50" in res.stdout
    res = run("limit", "res1.2.1.2.2.report-publication", "--value", "51", "--format", "json")
    data = json.loads(res.stdout)
    assert res.exit_code == 0 and data["severity"] == "note" and data["within"] is True and data["remedy"]


def test_the_other_reading_of_a_role_rule_is_in_the_warnings_and_the_json():
    res = run("limit", "res1.3.2.1.vice-chairs-per-region", "--value", "1")
    assert res.exit_code == 1 and "warning: other reading (a cap only" in res.stdout
    data = json.loads(run("limit", "res1.3.2.1.vice-chairs-per-region", "--value", "1", "--format", "json").stdout)
    assert data["warnings"] and "within at most 3" in data["warnings"][0]


def test_appointments_json_contract():
    res = run("appointments", "check", str(EXAMPLES / "appointments-sg1.csv"), "--attendance", str(EXAMPLES / "attendance-sg1.csv"), "--format", "json")
    assert res.exit_code == 3
    data = json.loads(res.stdout)
    assert data["appointments"] == 21 and data["people"] == 16 and data["errors"] == []
    rules = sorted(f["rule"] for f in data["findings"]["per_person"])
    assert rules == ["res1.3.2.1.consecutive-absences", "res1.3.2.4.posts-held-by-a-vice-chair",
                     "res1.3.3.1.consecutive-absences", "res1.3.3.1.questions-per-rapporteur"]
    assert data["findings"]["per_study_group"] == [] and data["findings"]["in_all"] == []
    [q] = data["findings"]["per_question"]
    assert q["rule"] == "res1.3.3.5.one-rapporteur-per-question" and q["subject"] == "Q2/1 (SG1)" and q["severity"] == "breach"
    assert all(f["subject"] and f["cite"] and f["comparison"] for f in data["findings"]["per_person"])


# --- invariants ------------------------------------------------------------------------------

TYPES = {"contribution": {}, "output-report": {"question-pages": 0}, "revised-report": {"previous-pages": 0}}


def _worst(result) -> int:
    return max(RANK[r.severity] for r in result.results)


@settings(max_examples=300, deadline=None)
@given(doc=st.sampled_from(sorted(TYPES)), a=st.integers(1, 200), b=st.integers(1, 200), extra=st.integers(0, 200),
       consulted=st.booleans())
def test_more_pages_never_fare_better(doc, a, b, extra, consulted, ruleset):
    few, many = sorted([a, b])
    flags = frozenset({"chair-consulted"} if consulted and doc == "contribution" else set())

    def inputs(pages):
        out = {"pages": pages}
        if doc == "output-report":
            out["question-pages"] = pages + extra
        if doc == "revised-report":
            out["previous-pages"] = 1 + extra
        return out

    assert _worst(check_document(ruleset, doc, inputs(few), flags)) <= _worst(check_document(ruleset, doc, inputs(many), flags))


@settings(max_examples=200, deadline=None)
@given(approved=st.dates(dt.date(2026, 1, 1), dt.date(2029, 12, 31)), a=st.integers(0, 1500), b=st.integers(0, 1500))
def test_a_later_revision_is_never_advised_against_when_an_earlier_one_is_not(approved, a, b, ruleset):
    rule = interval_rules(ruleset, "recommendation")[0]
    early, late = (approved + dt.timedelta(days=d) for d in sorted([a, b]))
    r1 = check_interval(ruleset, rule, {rule.interval_from: approved, rule.interval_to: early})
    r2 = check_interval(ruleset, rule, {rule.interval_from: approved, rule.interval_to: late})
    assert RANK[r1.severity] >= RANK[r2.severity]
    assert r1.at_least == r2.at_least and (early >= r1.at_least) == r1.within


def _findings(rs, text: str, attendance: str | None = None):
    posts = read_appointments(rs, io.StringIO(text), "appointments")
    present = read_attendance(io.StringIO(attendance), "attendance", {a.key for a in posts.rows}) if attendance else None
    result = check_appointments(rs, posts, present)
    return sorted((f.rule.id, f.subject.split(" (")[0], f.severity, str(f.value)) for f in result.findings)


def _shuffled(text: str, seed: int) -> str:
    header, *rows = text.strip("\n").split("\n")
    random.Random(seed).shuffle(rows)
    return "\n".join([header, *rows]) + "\n"


SCENARIOS = [read_scenario(p) for p in scenario_files("appointments") if not read_scenario(p).get("error")]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, len(SCENARIOS) - 1), seed=st.integers(0, 10**6))
def test_findings_do_not_depend_on_the_order_of_rows(n, seed, ruleset):
    """Appointment rows in any order; attendance rows too when dated (undated, file order is the meeting order)."""
    sc = SCENARIOS[n]
    attendance = sc.get("attendance")
    dated = attendance is not None and "date" in attendance.strip("\n").split("\n")[0].split(",")
    before = _findings(ruleset, sc["appointments"], attendance)
    after = _findings(ruleset, _shuffled(sc["appointments"], seed), _shuffled(attendance, seed) if dated else attendance)
    assert before == after


ROLES = ["chair", "vice-chair", "Vice Chair", "rapporteur", "co-rapporteur", "vice-rapporteur", "chairman", ""]
ORGS = ["", "APT", "cept", "CITEL", "ATU", "LAS", "RCC", "ASEAN"]
ROW = st.tuples(st.sampled_from(["Ana", "Bo", "Cy", "", "ana "]), st.sampled_from(["Italy", ""]), st.sampled_from(ROLES),
                st.sampled_from(["SG1", "SG2", ""]), st.sampled_from(["", "Q1/1", "Q2/1", "q1/1"]), st.sampled_from(ORGS),
                st.booleans())


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(ROW, max_size=40))
def test_every_row_is_counted_or_reported_and_nothing_crashes(rows, ruleset):
    lines = ["person,nominated_by,role,study_group,question,regional_organization"]
    for person, nominated, role, group, question, org, extra in rows:
        lines.append(",".join([person, nominated, role, group, question, org] + (["x"] if extra else [])))
    posts = read_appointments(ruleset, io.StringIO("\n".join(lines) + "\n"), "appointments")
    assert len(posts.rows) + len(posts.errors) == len(rows)
    result = check_appointments(ruleset, posts)
    assert all(c.severity in RANK for c in result.checks)
    assert len(result.errors) == len(posts.errors)


@settings(max_examples=300, deadline=None)
@given(attended=st.lists(st.booleans(), max_size=30))
def test_the_longest_absence_is_the_longest_run_of_missed_meetings(attended):
    meetings = [Attendance(n + 2, "Ana", f"M{n}", a, None) for n, a in enumerate(attended)]
    run = longest_absence(meetings)
    text = "".join("1" if a else "0" for a in attended)
    assert len(run) == max((len(r) for r in text.split("1")), default=0)
    assert all(not m.attended for m in run)
    # one more meeting attended never lengthens the run
    assert len(longest_absence(meetings + [Attendance(99, "Ana", "M99", True, None)])) == len(run)
