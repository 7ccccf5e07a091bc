"""The command line: contracts, help, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import REPO, cli_commands
from procedures.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_schedule_json_contract():
    res = run("schedule", "--kind", "study-group", "--opens", "2026-09-14", "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["ruleset"] == "res1-rev-baku-2025"
    assert data["meeting"]["kind"] == "study-group" and data["meeting"]["opens"] == "2026-09-14"
    by_date = {(d["date"], d["cite"]) for d in data["deadlines"]}
    assert ("2026-07-31", "Res. 1 § 4.2.1.1") in by_date
    assert ("2026-09-07", "Res. 1 § 4.2.1.1") in by_date
    assert ("2026-09-02", "Res. 1 § 4.2.1.3") in by_date
    assert ("2026-06-14", "Res. 1 § 3.8.4") in by_date
    first = data["deadlines"][0]
    assert set(first) >= {"id", "date", "cutoff", "cite", "modality", "summary", "non_working_day"}
    saturday = [d for d in data["deadlines"] if d["date"] == "2026-08-15"][0]
    assert saturday["non_working_day"] is True and saturday["cite"] == "Res. 1 § 4.1.3.9"
    translated = [d for d in data["deadlines"] if d["id"] == "res1.4.2.1.1.translation-deadline"][0]
    assert translated["cutoff"] == "2026-07-31T23:59:59+02:00"
    # the other reading (clear days) is shown where it gives another date, and only there
    assert data["day_counting"] == "date-minus-n" and translated["other_reading_date"] == "2026-07-30"
    circular = [d for d in data["deadlines"] if d["id"] == "res1.3.8.4.meeting-circular"][0]
    assert "other_reading_date" not in circular


def test_schedule_on_built_in_defaults_shows_the_example_meeting():
    res = run("schedule")
    assert res.exit_code == 0
    assert "example meeting" in res.stderr and "2026-07-31" in res.stdout


def test_schedule_markdown_is_a_table():
    res = run("schedule", "--kind", "tdag", "--opens", "2027-03-01", "--closes", "2027-03-05", "--format", "markdown")
    assert res.exit_code == 0
    assert "| 2027-03-26 | Fri |" in res.stdout


def test_schedule_with_another_event_and_skipped_rules():
    res = run("schedule", "--kind", "tdag", "--opens", "2027-03-01", "--format", "json")
    skipped = {s["id"] for s in json.loads(res.stdout)["skipped"]}
    assert "res1.11.12.detailed-report" in skipped


@pytest.mark.parametrize(
    "args,message",
    [
        (["schedule", "--kind", "plenary", "--opens", "2026-09-14"], "unknown meeting kind 'plenary'"),
        (["schedule", "--kind", "study-group", "--opens", "2026-02-30"], "is not a date"),
        (["schedule", "--kind", "study-group", "--opens", "14/09/2026"], "is not a date"),
        (["schedule", "--kind", "tdag", "--opens", "2026-09-14", "--closes", "2026-09-10"], "closes (2026-09-10) before it opens"),
        (["schedule", "--kind", "tdag", "--opens", "2026-09-14", "--event", "nonsense=2026-01-01"], "unknown event 'nonsense'"),
        (["schedule", "--kind", "tdag", "--opens", "2026-09-14", "--opening-time", "25:00"], "is not a time of day"),
        (["schedule", "--kind", "study-group", "--opens", "2024-09-14"], "no ruleset"),
        (["schedule", "--kind", "study-group", "--opens", "2031-09-14"], "does not cover"),
        (["calendar", "--year", "2040"], "does not cover"),
        (["check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "yesterday"], "not an ISO 8601"),
        (["check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-09-01", "--purpose", "gossip"], "unknown purpose 'gossip'"),
        (["check", "--kind", "event", "--opens", "2026-09-14", "--received", "2026-09-01"], "no contribution rules"),
        (["check", "--kind", "study-group", "--opens", "2026-03-30", "--received", "2026-03-29T02:30:00"], "does not exist in Europe/Zurich"),
        (["rules", "show", "no.such.rule"], "no rule 'no.such.rule'"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(args, message):
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert message in res.stderr
    assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ")
    assert "Traceback" not in res.output


def test_no_ruleset_in_force_lists_the_rulesets():
    res = run("schedule", "--kind", "study-group", "--opens", "2024-09-14")
    assert "rulesets available: res1-rev-baku-2025" in res.stderr


def test_a_real_process_prints_no_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "procedures", "schedule", "--kind", "nope", "--opens", "2026-09-14"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: unknown meeting kind") and "Traceback" not in proc.stderr


def test_calendar_lists_closed_days_with_sources():
    res = run("calendar", "--year", "2026", "--format", "json")
    data = json.loads(res.stdout)
    assert data["provisional"] is True
    names = {d["date"]: d for d in data["closed_days"]}
    assert "Good Friday" in names["2026-04-03"]["name"]
    assert names["2026-03-20"]["source"].startswith("ITU closure")


def test_check_text_is_a_sentence_with_margin():
    res = run("check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-09-03T10:12:00+02:00")
    assert res.exit_code == 0
    assert res.stdout.startswith("LATE:")
    assert "10 h 12 min after the 12-day cut-off of 2026-09-02 23:59:59 CEST" in res.stdout
    assert "Res. 1 § 4.2.1.4" in res.stdout


def test_check_json_contract():
    res = run("check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-07-31T23:30:00+02:00", "--format", "json")
    data = json.loads(res.stdout)
    for key in ("status", "translated", "on_agenda", "publish_by", "cite", "deadlines", "margin", "trace", "warnings"):
        assert key in data
    assert data["status"] == "on-time" and data["translated"] is True and data["publish_by"] == "2026-09-07"
    assert any("clear-days" in w for w in data["warnings"])  # the other reading differs here
    assert all({"rule", "cite", "text"} <= set(s) for s in data["trace"])


def test_check_says_when_a_naive_time_is_read_as_geneva_time():
    res = run("check", "--kind", "study-group", "--opens", "2026-09-14", "--received", "2026-09-03T10:12:00")
    assert "read as Europe/Zurich local time" in res.stdout


def test_rules_list_show_validate():
    res = run("rules", "list", "--format", "json")
    data = json.loads(res.stdout)
    rows = data["list"]
    assert data["rules"]["source"] == "built-in"
    assert any(r["id"] == "res1.4.2.1.1.translation-deadline" for r in rows)
    assert all(r["cite"] and r["modality"] in ("shall", "should", "may") for r in rows)
    res = run("rules", "show", "res1.4.2.1.1.translation-deadline")
    assert "45 calendar days before" in res.stdout and "Res. 1 § 4.2.1.1" in res.stdout
    assert "rules: " in res.stdout and "(built-in)" in res.stdout
    res = run("rules", "validate")
    assert res.exit_code == 0 and res.stdout.startswith("rules: ") and "\nok:" in res.stdout


def test_rules_validate_reports_every_error(tmp_path):
    import shutil
    from pathlib import Path

    broken = Path(__file__).parent / "broken"
    shutil.copytree(broken / "_base", tmp_path / "rs")
    shutil.copy(broken / "unknown-anchor" / "broken.toml", tmp_path / "rs" / "a.toml")
    shutil.copy(broken / "missing-modality" / "broken.toml", tmp_path / "rs" / "b.toml")
    res = run("rules", "validate", str(tmp_path / "rs"))
    assert res.exit_code == 2
    assert "unknown anchor" in res.stdout and "missing required key" in res.stdout


def test_rules_option_points_at_another_folder(tmp_path):
    import shutil
    from pathlib import Path

    src = Path(__file__).parent.parent / "rules"
    shutil.copytree(src, tmp_path / "rules")
    f = tmp_path / "rules" / "res1-rev-baku-2025" / "section-4-documents.toml"
    head, sep, tail = f.read_text().partition('id = "res1.4.2.1.1.translation-deadline"')
    f.write_text(head + sep + tail.replace("amount = 45, unit", "amount = 50, unit", 1))
    res = run("schedule", "--kind", "study-group", "--opens", "2026-09-14", "--format", "json", "--rules", str(tmp_path / "rules"))
    data = json.loads(res.stdout)
    ids = {d["id"]: d["date"] for d in data["deadlines"]}
    assert ids["res1.4.2.1.1.translation-deadline"] == "2026-07-26"


def test_every_command_has_help_with_an_example():
    commands = cli_commands()
    assert len(commands) >= 6
    for path in commands:
        res = run(*path, "--help")
        assert res.exit_code == 0, path
        assert "Example: procedures " in res.stdout, f"{' '.join(path)} help has no example"


def test_a_reader_that_goes_away_ends_the_command_quietly_with_141():
    """`procedures plan agenda … | head -0`: no traceback, no message, the exit status other tools give."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "procedures", "plan", "agenda", str(REPO / "docs" / "example-plan-2026-2029.toml")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader goes away before the command writes (it takes a moment to start): every write fails
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141
    assert "Traceback" not in err and "Error" not in err
