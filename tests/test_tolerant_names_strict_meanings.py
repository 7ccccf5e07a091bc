"""Tolerant names, strict meanings (issue 16, items 3, 4, 6, 7).

Headers match case- and space-insensitively, with each reader's documented
aliases; enumerated values match case-insensitively; every yes/no column is
read by one parser; dates are ISO 8601 unless --date-order says how to read
05/02/2027, and a date that order cannot read is an error, never a guess;
Member States are found by their names in the Union's languages and German.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from typer.testing import CliRunner

from procedures.batch import ALIASES as BATCH_ALIASES, OPTIONAL as BATCH_OPTIONAL, REQUIRED as BATCH_REQUIRED
from procedures.appointments import (APPOINTMENT_ALIASES, APPOINTMENT_COLUMNS, APPOINTMENT_OPTIONAL, ATTENDANCE_ALIASES,
                                     ATTENDANCE_COLUMNS, ATTENDANCE_OPTIONAL)
from procedures.cli import app
from procedures.errors import InputError
from procedures.replies import ALIASES as REPLY_ALIASES, OPTIONAL as REPLY_OPTIONAL, REQUIRED as REPLY_REQUIRED
from procedures.tables import term, yes_no
from procedures.timestamps import parse_date, parse_received

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def write(tmp_path, text: str, name: str = "input.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(output: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(output)))


# --- headers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("columns,aliases", [
    (BATCH_REQUIRED + BATCH_OPTIONAL, BATCH_ALIASES),
    (REPLY_REQUIRED + REPLY_OPTIONAL, REPLY_ALIASES),
    (APPOINTMENT_COLUMNS + APPOINTMENT_OPTIONAL, APPOINTMENT_ALIASES),
    (ATTENDANCE_COLUMNS + ATTENDANCE_OPTIONAL, ATTENDANCE_ALIASES),
])
def test_each_alias_names_one_column_of_its_reader(columns, aliases):
    assert set(aliases) <= set(columns)
    every = [a for names in aliases.values() for a in names]
    assert len(every) == len(set(every)), "an alias names one column"
    assert not set(every) & set(columns), "an alias is never another column's own name"


def test_replies_with_the_headers_people_write(tmp_path):
    path = write(tmp_path, "Member State;Answer;Received on\nFrance;Object;2026-03-02\nGermany;No objection;2026-03-05\n")
    res = run("tally", "--procedure", "question-approval", "--replies", path, "--format", "json")
    data = json.loads(res.stdout)
    assert res.exit_code == 0 and data["counts"] == {"object": 1, "no-objection": 1}
    path = write(tmp_path, "COUNTRY,vote\nFRA,approve\n")
    assert json.loads(run("tally", "--procedure", "recommendation-approval", "--replies", path, "--format", "json").stdout)["counts"]["approve"] == 1


def test_a_column_s_own_name_wins_over_its_alias(tmp_path):
    path = write(tmp_path, "member_state,country,answer\nFrance,Germany,object\n")
    data = json.loads(run("tally", "--procedure", "question-approval", "--replies", path, "--format", "json").stdout)
    assert data["counted"][0]["member_state"].endswith("(FRA)")
    assert "columns ignored: country" in data["warnings"]


def test_two_aliases_of_one_column_are_refused(tmp_path):
    path = write(tmp_path, "country,member,answer\nFrance,Germany,object\n")
    res = run("tally", "--procedure", "question-approval", "--replies", path)
    assert res.exit_code == 2 and "columns country and member could both be member_state; rename the one meant to member_state" in res.stderr


def test_a_missing_column_names_its_other_names(tmp_path):
    res = run("tally", "--procedure", "question-approval", "--replies", write(tmp_path, "nation,answer\nFrance,object\n"))
    assert res.exit_code == 2 and "lacks column(s) member_state" in res.stderr and "country, member, administration for member_state" in res.stderr


def test_registry_headers_as_typed(tmp_path):
    path = write(tmp_path, "ID,Title,Meeting kind,Opens,Date received,Purpose,Chair admitted\n"
                           "C1,A title,Study Group,2026-09-14,2026-09-03,Action,Oui\n"
                           "C2,Another,STUDY_GROUP,2026-09-14,2026-09-01,Information,\n")
    res = run("check-batch", path)
    got = rows(res.stdout)
    assert res.exit_code == 0, res.output
    assert [r["status"] for r in got] == ["late-admitted", "on-time"]
    assert list(got[0])[:7] == ["ID", "Title", "Meeting kind", "Opens", "Date received", "Purpose", "Chair admitted"]
    assert "columns ignored: title" in res.stderr


def test_appointments_with_the_headers_people_write(tmp_path):
    posts = write(tmp_path, "Name,Nominated by,Post,Study Group,Question,Region\n"
                            "Ana Costa,Uruguay,Vice Chair,SG1,,CITEL\nAna Costa,Uruguay,Rapporteur,SG1,Q1/1,\n", "posts.csv")
    present = write(tmp_path, "Name,Meeting,Present,Meeting date\nAna Costa,SG1 2026,A,14.09.2026\nAna Costa,RG1 2027,absent,12.04.2027\n",
                    "attendance.csv")
    res = run("appointments", "check", posts, "--attendance", present, "--date-order", "dmy", "--format", "json")
    data = json.loads(res.stdout)
    assert data["errors"] == [] and data["appointments"] == 2
    assert any("2 consecutive meetings missed" in f["message"] for f in data["findings"]["per_person"])


# --- values -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,value", [("Study Group", "study-group"), ("study_group", "study-group"), (" ACTION ", "action"),
                                        ("No objection", "no-objection"), ("no-objection", "no-objection"), ("Late  admitted", "late-admitted")])
def test_enumerated_values_match_whatever_their_case_and_spacing(text, value):
    assert term(text) == value


@pytest.mark.parametrize("text,value", [("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("x", True), ("Oui", True),
                                        ("VRAI", True), ("ja", True), ("no", False), ("N", False), ("FALSE", False), ("0", False),
                                        ("non", False), ("FAUX", False), ("nein", False), ("", False)])
def test_one_yes_no_parser(text, value):
    assert yes_no(text, "chair_admitted") is value


def test_yes_no_refuses_anything_else_and_a_blank_where_one_is_needed():
    with pytest.raises(InputError, match="chair_admitted 'maybe' is not yes or no"):
        yes_no("maybe", "chair_admitted")
    with pytest.raises(InputError, match="attended is empty"):
        yes_no(" ", "attended", None)
    assert yes_no("Present", "attended", None, ("present",), ("absent",)) is True


def test_check_batch_and_attendance_read_yes_no_alike(tmp_path):
    reg = write(tmp_path, "id,kind,opens,received,chair_admitted\nC1,study-group,2026-09-14,2026-09-03,VRAI\nC2,study-group,2026-09-14,2026-09-03,peut-être\n")
    got = {r["id"]: r for r in rows(run("check-batch", reg).stdout)}
    assert got["C1"]["status"] == "late-admitted" and "is not yes or no" in got["C2"]["error"]
    posts = write(tmp_path, "person,nominated_by,role,study_group,regional_organization\nAna Costa,Uruguay,vice-chair,SG1,CITEL\n", "p.csv")
    present = write(tmp_path, "person,meeting,attended\nAna Costa,SG1 2026,FAUX\nAna Costa,RG1 2027,peut-être\n", "a.csv")
    data = json.loads(run("appointments", "check", posts, "--attendance", present, "--format", "json").stdout)
    assert [e["line"] for e in data["errors"]] == [3] and "attended 'peut-être' is not yes or no" in data["errors"][0]["problem"]


# --- dates people write -------------------------------------------------------------------------------


@pytest.mark.parametrize("text,order,day", [
    ("05/02/2027", "dmy", dt.date(2027, 2, 5)),
    ("05/02/2027", "mdy", dt.date(2027, 5, 2)),
    ("5.2.2027", "dmy", dt.date(2027, 2, 5)),
    ("5-2-2027", "mdy", dt.date(2027, 5, 2)),
    ("31/12/2027", "dmy", dt.date(2027, 12, 31)),
    ("12/31/2027", "mdy", dt.date(2027, 12, 31)),
    ("2027-02-05", "dmy", dt.date(2027, 2, 5)),  # ISO 8601 is read whatever the order
    ("2027-02-05", None, dt.date(2027, 2, 5)),
])
def test_dates_as_people_write_them_under_the_order_stated(text, order, day):
    assert parse_date(text, "opens", order) == day


@pytest.mark.parametrize("text,order,message", [
    ("05/02/2027", "iso", "say how to read it with --date-order dmy"),
    ("31/12/2027", "mdy", "read month first (--date-order mdy): there is no month 31"),
    ("12/31/2027", "dmy", "read day first (--date-order dmy): there is no month 31"),
    ("31.04.2027", "dmy", "April has no day 31"),
    ("05/02/27", "dmy", "write the year in full (four digits); the century is not guessed"),
    ("05/02/027", "mdy", "write the year in full"),
    ("05/02-2027", "dmy", "is not a date"),
])
def test_a_date_the_order_cannot_read_is_an_error_never_a_guess(text, order, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_date(text, "opens", order)


def test_a_command_without_the_option_does_not_suggest_it():
    with pytest.raises(InputError) as info:
        parse_date("31.01.2026", "--start")
    assert "--date-order" not in str(info.value) and "is not a date" in str(info.value)


def test_a_written_date_with_a_time_is_geneva_time_and_keeps_its_text():
    got = parse_received("05.02.2027 14:30", "Europe/Zurich", "received", "dmy")
    assert got.moment == dt.datetime(2027, 2, 5, 14, 30, tzinfo=got.moment.tzinfo) and got.assumed_local
    assert got.text == "05.02.2027 14:30"


def test_check_batch_reads_dates_under_the_order_stated(tmp_path):
    reg = write(tmp_path, "id,kind,opens,received\nC1,study-group,14/09/2026,31/07/2026 23:30\nC2,study-group,14/09/2026,2026-09-03\n")
    res = run("check-batch", reg)
    assert res.exit_code == 1 and all("--date-order dmy" in r["error"] for r in rows(res.stdout))
    res = run("check-batch", reg, "--date-order", "dmy")
    assert res.exit_code == 0 and [r["status"] for r in rows(res.stdout)] == ["on-time", "late"]
    res = run("check-batch", reg, "--date-order", "mdy")
    assert res.exit_code == 1 and "there is no month 14" in rows(res.stdout)[0]["error"]


def test_tally_reads_dates_under_the_order_stated_and_an_unreadable_one_makes_it_provisional(tmp_path):
    replies = write(tmp_path, "member_state,answer,received\nFrance,object,02/03/2026\nGermany,object,05/03/2026\n")
    args = ["tally", "--procedure", "question-approval", "--replies", replies, "--circulated", "2026-01-31", "--format", "json"]
    res = run(*args)
    data = json.loads(res.stdout)
    assert res.exit_code == 1 and data["provisional"] and data["outcome"] == "approved"
    assert "--date-order dmy" in data["excluded"][0]["reason"]
    res = run(*args, "--date-order", "dmy")
    assert res.exit_code == 0 and json.loads(res.stdout)["outcome"] == "referred-back"
    text = run(*args[:-2])
    assert text.exit_code == 1 and text.stdout.startswith("PROVISIONAL: 2 rows could not be read (lines 2, 3)")


# --- Member States in the Union's languages (CLDR through Babel) ---------------------------------------


@pytest.mark.parametrize("name", ["Deutschland", "Allemagne", "Германия", "德国", "ألمانيا", "Alemania", "DEU", "germany"])
def test_germany_in_the_six_languages_and_german(ruleset, name):
    assert ruleset.members.find(name).code == "DEU"


def test_a_name_not_recognised_suggests_the_nearest(ruleset):
    assert ruleset.members.find("Germny") is None
    assert "'Germny' is not recognised as a Member State; nearest: Germany" in ruleset.members.not_recognised("Germny")


def test_a_misspelt_member_state_makes_the_tally_provisional_and_a_sector_member_does_not(tmp_path):
    replies = write(tmp_path, "member_state,answer\nDeutschland,object\nGermny,object\n")
    res = run("tally", "--procedure", "question-approval", "--replies", replies)
    assert res.exit_code == 1
    assert res.stdout.startswith("PROVISIONAL: 1 row could not be read (line 3)")
    assert "'Germny' is not recognised as a Member State; nearest: Germany" in res.stdout
    replies = write(tmp_path, "member_state,answer\nDeutschland,object\nHuawei,object\n")
    res = run("tally", "--procedure", "question-approval", "--replies", replies)
    assert res.exit_code == 0 and res.stdout.startswith("APPROVED")
    assert "'Huawei' is not recognised as a Member State: only Member States' replies count" in res.stdout
