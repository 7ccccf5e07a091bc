"""The command line reads well: today's standing of each deadline, tables that fit, colour only where wanted,
help with metavars and whole descriptions (issue 18, items 1, 5 and 6)."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from conftest import cli_commands
from procedures.cli import app

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args, **env):
    return runner.invoke(app, [str(a) for a in args], env={"NO_COLOR": None, "FORCE_COLOR": None, "COLUMNS": None, **env})


# --- today ----------------------------------------------------------------------------------------------


def test_a_shall_passed_reads_passed_and_one_note_says_so_while_a_may_passed_does_not():
    res = run("schedule", "--kind", "study-group", "--opens", "2026-09-14", "--today", "2026-08-01")
    lines = res.stdout.splitlines()
    registration = next(line for line in lines if "Registration form" in line)  # § 3.8.5, shall, 31 July
    interpretation = next(line for line in lines if "interpretation into an official language" in line)  # § 3.5.8, may
    assert "PASSED yesterday" in registration
    assert "passed yesterday" in interpretation and "PASSED" not in interpretation
    assert next(line for line in lines if "Secretariat documents" in line).split()[2:5] == ["in", "14", "days"]
    assert sum(line.startswith("PASSED:") for line in lines) == 1
    assert "today is Sat 2026-08-01" in res.stdout


def test_on_the_day_itself_a_deadline_is_today_not_passed():
    res = run("schedule", "--kind", "study-group", "--opens", "2026-09-14", "--today", "2026-07-31")
    assert "today" in next(line for line in res.stdout.splitlines() if "Registration form" in line)
    assert "PASSED:" not in res.stdout.replace("PASSED: ", "PASSED:") or "Registration" not in res.stdout.split("PASSED:")[-1]


def test_json_carries_today_and_each_deadline_s_standing():
    res = run("schedule", "--kind", "study-group", "--opens", "2026-09-14", "--today", "2026-08-01", "--format", "json")
    doc = json.loads(res.stdout)
    assert doc["today"] == "2026-08-01"
    registration = next(d for d in doc["deadlines"] if d["id"] == "res1.3.8.5.registration")
    assert (registration["days_left"], registration["passed"], registration["shall_passed"]) == (-1, True, True)
    assert doc["other_reading"] == {"day_counting": "clear-days", "dates_differ": 8}


def test_timeline_and_plan_agenda_take_today_too():
    res = run("timeline", "--procedure", "recommendation-approval", "--start", "2026-01-31", "--today", "2026-03-01")
    assert "PASSED yesterday" in res.stdout and "in 88 days" in res.stdout
    res = run("plan", "agenda", "docs/example-plan-2026-2029.toml", "--from", "2026-07-01", "--to", "2026-07-31", "--today", "2026-07-20", "--format", "json")
    items = json.loads(res.stdout)["items"]
    assert all(i["days_left"] == (__import__("datetime").date.fromisoformat(i["date"]) - __import__("datetime").date(2026, 7, 20)).days for i in items)


def test_a_deadline_recorded_done_in_the_plan_is_not_flagged():
    res = run("plan", "agenda", "docs/example-plan-2026-2029.toml", "--from", "2026-07-19", "--to", "2026-07-19", "--today", "2026-07-25")
    circular = next(line for line in res.stdout.splitlines() if "Meeting circular" in line)
    assert "passed 6 days ago" in circular and "PASSED" not in circular and "2026-07-15" in circular


def test_a_bad_today_is_one_line():
    res = run("schedule", "--kind", "study-group", "--opens", "2026-09-14", "--today", "tomorrow")
    assert res.exit_code == 2 and "--today 'tomorrow' is not a date" in res.stderr


# --- the reading once, and an annex ready to paste ----------------------------------------------------


def test_the_other_reading_is_said_once_under_the_table_and_as_a_footnote_in_markdown():
    table = run("schedule", "--kind", "study-group", "--opens", "2026-09-14").stdout
    assert table.count("clear-days") == 1 and table.rstrip().splitlines()[-1].startswith("Reading:")
    annex = run("schedule", "--kind", "study-group", "--opens", "2026-09-14", "--format", "markdown")
    assert annex.stdout.count("clear-days") == 1 and "[^1]:" in annex.stdout
    assert "res1." not in annex.stdout and "note:" not in annex.stdout  # rule ids and notes go to stderr
    assert all(line.startswith(("## ", "|", "[^1]:", "Ruleset")) or not line.strip() for line in annex.stdout.splitlines())


# --- tables that fit, colour where wanted -----------------------------------------------------------------


@pytest.mark.parametrize("width", [100, 140])
def test_a_table_fits_the_terminal_width(width):
    res = run("schedule", "--kind", "study-group", "--opens", "2026-09-14", COLUMNS=str(width))
    table = res.stdout.split("\n\n")[2]
    assert max(len(line) for line in table.splitlines()) <= width


def test_statuses_are_coloured_only_when_wanted():
    args = ("check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-09-03T10:12:00+02:00")
    assert not ANSI.search(run(*args).stdout)  # piped
    coloured = run(*args, FORCE_COLOR="1").stdout
    assert ANSI.sub("", coloured).startswith("LATE:") and coloured.startswith("\x1b[1;31mLATE")
    assert not ANSI.search(run(*args, FORCE_COLOR="1", NO_COLOR="1").stdout)
    on_time = run("check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-07-01", FORCE_COLOR="1").stdout
    assert on_time.startswith("\x1b[32m")


# --- help -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", cli_commands(), ids=" ".join)
def test_help_names_what_to_give_not_python_types(path):
    text = run(*path, "--help", COLUMNS="200").stdout
    assert not re.search(r"<str>|<list\[|<path>|<int|\{[A-Za-z_]+\}", text), text


def test_the_list_of_commands_gives_whole_descriptions():
    text = run("--help", COLUMNS="100").stdout.split("Commands:")[1]
    assert "..." not in text
    assert "Every deadline of a meeting, in date order, with its paragraph." in " ".join(text.split())


def test_a_timeline_event_given_is_the_deadline_done_and_not_flagged():
    res = run("timeline", "--procedure", "question-approval", "--start", "2026-05-10", "--event", "question-circular-sent=2026-05-29",
              "--today", "2026-06-20")
    circular = next(line for line in res.stdout.splitlines() if "Circular asking" in line)
    assert "passed 10 days ago" in circular and "PASSED" not in res.stdout and "2026-05-29" in circular
    alone = run("timeline", "--procedure", "question-approval", "--start", "2026-05-10", "--today", "2026-06-20")
    assert "PASSED 10 days ago" in alone.stdout


def test_a_plan_deadline_recorded_done_is_not_shall_passed_in_json():
    res = run("plan", "agenda", "docs/example-plan-2026-2029.toml", "--from", "2026-07-19", "--to", "2026-07-19", "--today", "2026-07-25",
              "--format", "json")
    item = json.loads(res.stdout)["items"][0]
    assert item["done"] == "2026-07-15" and item["passed"] and not item["shall_passed"]
