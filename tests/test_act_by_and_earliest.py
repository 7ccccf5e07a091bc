"""Issue 18 items 2, 3, 8 and 9 through the front ends: act-by dates, the earliest opening, meetings on
closed days, plans covering part of the study period. The answers themselves are pinned by scenarios
(tests/scenarios/timetable, contributions, plans); these tests pin what the command line and the API show."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from conftest import REPO
from procedures.cli import app
from procedures.models import DeadlineRule

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_every_deadline_of_the_ruleset_says_who_acts(ruleset):
    assert [r.id for r in ruleset.of_kind(DeadlineRule) if r.who is None] == []


def test_schedule_shows_the_act_by_date_beside_the_rules_date():
    res = run("schedule", "--kind", "study-group", "--opens", "2026-09-14")
    assert res.exit_code == 0, res.output
    line = next(l for l in res.stdout.splitlines() if "Res. 1 § 3.8.4" in l)
    assert line.startswith("2026-06-14  Sun") and line.rstrip().endswith("Sunday; act by Fri 2026-06-12")
    cut_off = next(l for l in res.stdout.splitlines() if "2026-07-31" in l and "Res. 1 § 4.2.1.1" in l)
    assert "act by" not in cut_off


def test_schedule_json_says_who_acts_and_gives_act_by():
    data = json.loads(run("schedule", "--kind", "study-group", "--opens", "2026-09-14", "--format", "json").stdout)
    by_id = {d["id"]: d for d in data["deadlines"]}
    circular = by_id["res1.3.8.4.meeting-circular"]
    assert (circular["date"], circular["who"], circular["act_by"]) == ("2026-06-14", "secretariat", "2026-06-12")
    assert by_id["res1.4.2.1.1.translation-deadline"]["who"] == "membership"
    assert by_id["res1.4.2.1.1.translation-deadline"]["act_by"] is None


def test_schedule_earliest_from_names_the_binding_rule_then_the_timetable():
    res = run("schedule", "--kind", "study-group", "--earliest-from", "2026-06-15")
    assert res.exit_code == 0, res.output
    first = res.stdout.splitlines()[0]
    assert first.startswith("Earliest opening counted from Mon 2026-06-15") and "Tue 2026-09-15" in first
    assert "bound by Res. 1 § 3.8.4" in first
    assert "opening Tue 2026-09-15" in res.stdout


def test_schedule_earliest_from_json_carries_the_search():
    data = json.loads(run("schedule", "--kind", "rapporteur-group", "--earliest-from", "2026-06-15", "--format", "json").stdout)
    assert data["meeting"]["opens"] == "2026-07-30"
    assert data["earliest"]["binding"] == ["res1.4.2.1.1.translation-deadline"]
    assert data["earliest"]["from"] == "2026-06-15"


@pytest.mark.parametrize("args,message", [
    (("--earliest-from", "2026-06-15", "--opens", "2026-09-14"), "give --opens or --earliest-from, not both"),
    (("--earliest-from", "2026-06-15", "--closes", "2026-09-18"), "give --closes or --earliest-from, not both"),
    (("--earliest-from", "15/06/2026"), "--earliest-from"),
])
def test_schedule_earliest_from_bad_input_is_one_line(args, message):
    res = run("schedule", "--kind", "study-group", *args)
    assert res.exit_code == 2 and message in res.output and len(res.output.strip().splitlines()) == 1, res.output


def test_a_meeting_opening_on_a_saturday_is_a_warning_on_stderr_not_an_error():
    res = run("schedule", "--kind", "study-group", "--opens", "2026-09-12")
    assert res.exit_code == 0
    assert "warning: the meeting opens on Saturday 2026-09-12, a weekend day" in res.output
    res = run("check", "--kind", "study-group", "--opens", "2026-09-12", "--received", "2026-07-29")
    assert res.exit_code == 0 and "warning: the meeting opens on Saturday 2026-09-12" in res.output


def test_plan_check_of_a_one_year_plan_is_clean_and_says_what_it_skipped():
    res = run("plan", "check", str(REPO / "docs" / "examples" / "plan-2026.toml"))
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("clean: 2026–2029")
    skipped = [l for l in res.stdout.splitlines() if l.startswith("not checked: ")]
    assert any("Res. 31 item 6" in l for l in skipped) and any("not 2027–2029" in l for l in skipped)
    assert "0 times" not in res.stdout


def test_a_one_year_plan_never_counts_the_years_it_does_not_cover(library, tmp_path):
    from procedures.audit import audit
    from procedures.plan import load_plan

    text = (REPO / "docs" / "examples" / "plan-2026.toml").read_text()
    start = text.index('[[meeting]]\nkind = "tdag"')
    end = text.index("[[meeting]]", start + 5)
    (tmp_path / "p.toml").write_text(text[:start] + text[end:])
    plan, rs = load_plan(tmp_path / "p.toml", library.in_force)
    found = audit(rs, plan).findings
    assert [f.rule for f in found] == ["res1.11.6.tdag-yearly"]
    assert all(str(y) not in f.message for f in found for y in (2027, 2028, 2029))


def test_a_declared_span_refuses_meetings_outside_it(tmp_path):
    text = (REPO / "docs" / "examples" / "plan-2026.toml").read_text()
    text = text.replace('closes = 2029-11-16 }\n', 'closes = 2029-11-16 }\ncovers = { first_year = 2027, last_year = 2027 }\n', 1)
    (tmp_path / "p.toml").write_text(text)
    res = run("plan", "check", str(tmp_path / "p.toml"))
    assert res.exit_code == 2 and "outside the years the plan covers (2027–2027)" in res.output, res.output


def test_plan_agenda_shows_act_by_and_json_says_who():
    res = run("plan", "agenda", str(REPO / "docs" / "example-plan-2026-2029.toml"), "--from", "2027-07-12", "--to", "2027-07-18")
    line = next(l for l in res.stdout.splitlines() if "Res. 1 § 3.8.4" in l)
    assert line.rstrip().endswith("Sunday; act by Fri 2027-07-16"), line
    data = json.loads(run("plan", "agenda", str(REPO / "docs" / "example-plan-2026-2029.toml"), "--from", "2027-07-18",
                          "--to", "2027-07-18", "--format", "json").stdout)
    assert data["items"][0]["act_by"] == "2027-07-16" and data["items"][0]["who"] == "secretariat"


@pytest.fixture(scope="module")
def client():
    from procedures.web.app import create_app

    return TestClient(create_app(REPO / "rules"), raise_server_exceptions=False)


def test_the_api_gives_the_earliest_opening(client):
    res = client.get("/api/timetable", params={"kind": "study-group", "earliest_from": "2026-06-13"})
    assert res.status_code == 200, res.text
    data = res.json()
    assert data["meeting"]["opens"] == "2026-09-15" and data["earliest"]["binding"] == ["res1.3.8.4.meeting-circular"]
    both = client.get("/api/timetable", params={"kind": "study-group", "earliest_from": "2026-06-13", "opens": "2026-09-14"})
    assert both.status_code == 400 and "not both" in both.json()["error"]


def test_timeline_gives_the_act_by_date_of_the_directors_request():
    res = run("timeline", "--procedure", "recommendation-approval", "--start", "2026-01-31")
    line = next(l for l in res.stdout.splitlines() if "Res. 1 § 7.3.5.3" in l and "Director" in l)
    assert line.startswith("2026-02-28  Sat") and line.rstrip().endswith("Saturday; act by Fri 2026-02-27")
    assert res.stdout.startswith("Approval of a draft new or revised Recommendation by consultation: the study group's adoption on Sat 2026-01-31")
    replies = next(l for l in res.stdout.splitlines() if "replies to the consultation due" in l)
    assert "act by" not in replies
