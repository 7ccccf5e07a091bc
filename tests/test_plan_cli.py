"""The plan commands: exit codes, agenda, calendar files, malformed plans."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from conftest import REPO
from procedures.cli import app

runner = CliRunner()
EXAMPLE = REPO / "docs" / "example-plan-2026-2029.toml"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_the_example_plan_is_clean():
    res = run("plan", "check", EXAMPLE)
    assert res.exit_code == 0 and res.stdout.startswith("clean:")


def edited(tmp_path, old: str, new: str):
    text = EXAMPLE.read_text()
    assert old in text
    path = tmp_path / "plan.toml"
    path.write_text(text.replace(old, new, 1))
    return path


def test_a_breach_exits_3_and_a_warning_exits_1(tmp_path):
    breach = edited(tmp_path, 'name = "TDAG-29"\ngroup = "TDAG"\nopens = 2029-06-11\ncloses = 2029-06-14',
                    'name = "TDAG-29"\ngroup = "TDAG"\nopens = 2029-09-03\ncloses = 2029-09-06')
    # the RPM chairs' coordination meeting moves with the last TDAG (Res. 31 item 2)
    breach.write_text(breach.read_text().replace('opens = 2029-06-08\ncloses = 2029-06-08', 'opens = 2029-08-31\ncloses = 2029-08-31'))
    res = run("plan", "check", breach)
    assert res.exit_code == 3 and "breach:" in res.stdout and "Res. 31 item 6" in res.stdout
    data = json.loads(run("plan", "check", breach, "--format", "json").stdout)
    assert data["breaches"] == 1 and data["findings"][0]["dates"]["earliest"] == "2029-05-05"
    warning = edited(tmp_path, 'name = "TDAG-28"', 'name = "TDAG-28"\nkind = "event"').read_text()
    # an event is not a TDAG: 2028 has no TDAG meeting -> a warning only
    path = tmp_path / "warn.toml"
    path.write_text(warning.replace('kind = "tdag"\nname = "TDAG-28"\nkind = "event"', 'kind = "event"\nname = "TDAG-28"'))
    res = run("plan", "check", path)
    assert res.exit_code == 1 and "warning:" in res.stdout and "Res. 1 § 11.6" in res.stdout


@pytest.mark.parametrize(
    "old,new,message",
    [
        ('kind = "tdag"\nname = "TDAG-27"', 'kind = "plenary"\nname = "TDAG-27"', "meeting 'TDAG-27': kind 'plenary' is not a meeting kind"),
        ('name = "TDAG-27"\ngroup = "TDAG"\nopens = 2027-06-07\n', 'name = "TDAG-27"\ngroup = "TDAG"\n', "meeting 'TDAG-27': missing required key 'meeting[11].opens'"),
        ('name = "TDAG-27"\ngroup = "TDAG"\nopens = 2027-06-07\ncloses = 2027-06-10', 'name = "TDAG-27"\ngroup = "TDAG"\nopens = 2027-06-07\ncloses = 2027-06-01', "meeting 'TDAG-27': meeting[11]: closes 2027-06-01 is before opens 2027-06-07"),
        ('name = "TDAG-27"\ngroup = "TDAG"\nopens = 2027-06-07', 'name = "TDAG-27"\ngroup = "TDAG"\nopens = "next June"', "meeting 'TDAG-27'"),
        ('name = "TDAG-27"', 'name = "TDAG-27"\nvenue = "Geneva"', "unknown key 'meeting[11].venue'"),
        ('name = "TDAG-27"', 'name = "TDAG-26"', "two meetings share this name"),
        ('done = { circular-sent = 2027-07-14 }', 'done = { circular-posted = 2027-07-14 }', "done records 'circular-posted', which no rule checks"),
        ('[study_period]', '[study_period\n', "not valid TOML"),
        ('name = "TDAG-27"', 'name = "TDAG-27"\nconditions = ["sunny"]', "meeting 'TDAG-27': unknown condition 'sunny'"),
        ('name = "TDAG-27"\ngroup = "TDAG"\nopens = 2027-06-07\ncloses = 2027-06-10', 'name = "TDAG-27"\ngroup = "TDAG"\nopens = 2030-06-07\ncloses = 2030-06-10',
         "meeting 'TDAG-27': opens 2030-06-07, outside the study period"),
        ('name = "2026–2029"', 'name = "2026–2029"\ncovers = { first_year = 2026, last_year = 2031 }', "covers 2026–2031, outside the study period's years (2026–2029)"),
        ('name = "2026–2029"', 'name = "2026–2029"\ncovers = { first_year = 2026, last_year = 2027 }',
         "opens 2028-"),
        ('name = "TDAG-27"\n', 'name = "TDAG-26"\nconditions = ["sunny"]\n', "two meetings share this name — give each meeting its own name (and 1 more)"),
    ],
)
def test_malformed_plans_name_the_meeting_and_the_field(tmp_path, old, new, message):
    res = run("plan", "check", edited(tmp_path, old, new))
    assert res.exit_code == 2, res.output
    assert message in res.stderr and res.stderr.count("\n") == 1


def test_a_rapporteur_group_without_its_parent_is_one_line(tmp_path):
    res = run("plan", "check", edited(tmp_path, 'group = "SG1 RGs"\nparent = "SG1"\n', 'group = "SG1 RGs"\n'))
    assert res.exit_code == 2 and res.stderr.count("\n") == 1
    assert "plan: meeting 'SG1 RGs spring 2026': a rapporteur-group needs parent (the group of its study group) for res1." in res.stderr


def test_a_window_measured_from_a_meeting_the_plan_lacks_is_a_finding(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(EXAMPLE.read_text().replace('kind = "tdag"', 'kind = "event"'))
    res = run("plan", "check", path)
    assert res.exit_code == 3
    assert ("breach: no TDAG meeting before the opening of WTDC in the plan to measure from; a coordination meeting of the RPM chairs "
            "and vice-chairs is held in conjunction with the last TDAG meeting before WTDC (Res. 31 item 2, shall)") in res.stdout


def test_agenda_in_date_order_with_from_and_to():
    data = json.loads(run("plan", "agenda", EXAMPLE, "--from", "2027-07-01", "--to", "2027-07-31", "--format", "json").stdout)
    dates = [i["date"] for i in data["items"]]
    assert dates == sorted(dates) and dates[0] >= "2027-07-01" and dates[-1] <= "2027-07-31"
    circulars = [i for i in data["items"] if i["id"] == "res1.3.8.4.meeting-circular"]
    assert {c["meeting"] for c in circulars} == {"SG1 2027", "SG2 2027"}
    assert all(c["done"] for c in circulars)


def test_agenda_spans_years_and_includes_wtdc():
    data = json.loads(run("plan", "agenda", EXAMPLE, "--format", "json").stdout)
    meetings = {i["meeting"] for i in data["items"]}
    assert "WTDC-29" in meetings and "meetings of 2026" in meetings
    years = {i["date"][:4] for i in data["items"]}
    assert {"2026", "2027", "2028", "2029"} <= years


def test_agenda_markdown_is_a_table():
    res = run("plan", "agenda", EXAMPLE, "--from", "2029-09-01", "--to", "2029-10-31", "--format", "markdown")
    lines = res.stdout.splitlines()
    assert lines[0].startswith("| Date | Day | Meeting |") and lines[1].startswith("|---")
    assert any("WTDC-29" in l and "Res. 1 § 3.7.8" in l for l in lines)


def test_agenda_bad_range():
    res = run("plan", "agenda", EXAMPLE, "--from", "2027-07-31", "--to", "2027-07-01")
    assert res.exit_code == 2 and "before --from" in res.stderr


def _events(ics: bytes) -> list:
    return [c for c in Calendar.from_ical(ics).walk() if c.name == "VEVENT"]


def test_ics_round_trip_of_a_timetable():
    res = run("schedule", "--kind", "study-group", "--opens", "2026-09-14", "--format", "ics", "--name", "SG1 2026")
    events = _events(res.stdout_bytes)
    table = json.loads(run("schedule", "--kind", "study-group", "--opens", "2026-09-14", "--format", "json").stdout)["deadlines"]
    assert len(events) == len(table)
    by_summary = {str(e["SUMMARY"]): e for e in events}
    for d in table:
        e = by_summary[f"SG1 2026: {d['summary']}"]
        assert e["DTSTART"].dt == dt.date.fromisoformat(d["date"])
        assert e["DTEND"].dt == dt.date.fromisoformat(d["date"]) + dt.timedelta(days=1)
        assert d["cite"] in str(e["DESCRIPTION"])


def test_ics_uids_are_stable_across_runs_and_meeting_moves(tmp_path):
    a = _events(run("plan", "agenda", EXAMPLE, "--format", "ics").stdout_bytes)
    b = _events(run("plan", "agenda", EXAMPLE, "--format", "ics").stdout_bytes)
    assert [str(e["UID"]) for e in a] == [str(e["UID"]) for e in b]
    assert len({str(e["UID"]) for e in a}) == len(a)
    moved = edited(tmp_path, 'name = "SG1 2027"\ngroup = "SG1"\nopens = 2027-10-18', 'name = "SG1 2027"\ngroup = "SG1"\nopens = 2027-10-19')
    c = _events(run("plan", "agenda", moved, "--format", "ics").stdout_bytes)
    uid = {str(e["SUMMARY"]): (str(e["UID"]), e["DTSTART"].dt) for e in a}
    after = {str(e["SUMMARY"]): (str(e["UID"]), e["DTSTART"].dt) for e in c}
    key = "SG1 2027: Registration form submitted, so that interpretation and translation can be secured"
    assert uid[key][0] == after[key][0] and uid[key][1] != after[key][1]


def test_a_plan_in_order_only_on_the_reading_used_is_clean_with_a_note(tmp_path):
    # TDAG-29 opens on the last day of Res. 31 item 6's window but closes after it
    path = edited(tmp_path, 'name = "TDAG-29"\ngroup = "TDAG"\nopens = 2029-06-11\ncloses = 2029-06-14',
                  'name = "TDAG-29"\ngroup = "TDAG"\nopens = 2029-08-05\ncloses = 2029-08-08')
    path.write_text(path.read_text().replace('opens = 2029-06-08\ncloses = 2029-06-08', 'opens = 2029-08-03\ncloses = 2029-08-03'))
    res = run("plan", "check", path)
    assert res.exit_code == 0 and res.stdout.startswith("clean:")
    assert "note: TDAG-29 opens 2029-08-05" in res.stdout and "other reading: read on its last day (2029-08-08)" in res.stdout
    data = json.loads(run("plan", "check", path, "--format", "json").stdout)
    assert data["clean"] and data["notes"] == 1 and data["breaches"] == data["warnings"] == 0
    assert data["findings"][0]["severity"] == "note" and "2029-08-08" in data["findings"][0]["other_reading"]


def test_a_finding_shows_the_other_reading_when_it_differs(tmp_path):
    # a TDAG meeting in January is the year's first (§§ 3.7.4, 11.5); without it the timetable is in time
    path = edited(tmp_path, '[[meeting]]\nkind = "tdag"\nname = "TDAG-27"',
                  '[[meeting]]\nkind = "tdag-bureau"\nname = "TDAG bureau December 2026"\nopens = 2026-12-07\ncloses = 2026-12-07\n\n'
                  '[[meeting]]\nkind = "tdag"\nname = "TDAG January 2027"\nopens = 2027-01-18\ncloses = 2027-01-21\n\n'
                  '[[meeting]]\nkind = "tdag"\nname = "TDAG-27"')
    data = json.loads(run("plan", "check", path, "--format", "json").stdout)
    (f,) = [f for f in data["findings"] if f["rule"] == "res1.3.7.4.timetable-of-meetings"]
    assert f["severity"] == "breach" and f["dates"]["days_late"] == 43 and "counted from TDAG January 2027" in f["message"]
    assert "SG1 RGs spring 2027 (2027-04-19), due 2027-01-19: in time" in f["other_reading"]


def test_agenda_lists_the_lists_of_questions_and_the_other_reading_date(tmp_path):
    data = json.loads(run("plan", "agenda", EXAMPLE, "--from", "2027-11-17", "--to", "2027-11-17", "--format", "json").stdout)
    assert {i["id"] for i in data["items"]} == {"res1.5.3.8.list-of-new-questions", "res1.6.1.2.3.list-of-deleted-questions"}
    assert all(i["meeting"] == "study period 2026–2029" and i["done"] == "2027-06-30" for i in data["items"])
    path = edited(tmp_path, '[[meeting]]\nkind = "tdag"\nname = "TDAG-27"',
                  '[[meeting]]\nkind = "tdag"\nname = "TDAG January 2027"\nopens = 2027-01-18\ncloses = 2027-01-21\n\n'
                  '[[meeting]]\nkind = "tdag"\nname = "TDAG-27"')
    items = json.loads(run("plan", "agenda", path, "--format", "json").stdout)["items"]
    (t,) = [i for i in items if i["meeting"] == "meetings of 2027"]
    assert t["date"] == "2026-10-18" and t["other_reading_date"] == "2027-01-19" and t["counted_from"] == "TDAG January 2027 (2027-01-18)"
    assert t["other_reading"] == "read with TDAG left out (only the study groups' own meetings): the first is SG1 RGs spring 2027 (2027-04-19), due 2027-01-19"
    plain = json.loads(run("plan", "agenda", EXAMPLE, "--format", "json").stdout)["items"]
    assert all("other_reading" not in i for i in plain if i["meeting"] == "meetings of 2027")  # the same first meeting on both readings


def test_agenda_other_reading_of_a_year_without_a_study_group_meeting(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text('[study_period]\nname = "2026–2029"\nwtdc_closed = 2025-11-28\n'
                    'next_wtdc = { name = "WTDC-29", opens = 2029-11-05, closes = 2029-11-16 }\n\n'
                    '[[meeting]]\nkind = "tdag"\nname = "TDAG-26"\nopens = 2026-05-11\ncloses = 2026-05-14\n')
    items = json.loads(run("plan", "agenda", path, "--format", "json").stdout)["items"]
    (t,) = [i for i in items if i["meeting"] == "meetings of 2026"]
    assert t["counted_from"] == "TDAG-26 (2026-05-11)" and t["other_reading_date"] is None
    assert t["other_reading"] == "read with TDAG left out (only the study groups' own meetings): no such meeting that year"
