"""Receipts and openings around the changes of the clocks (Europe/Zurich, 2026): instants compare as instants.

Python compares and subtracts two datetimes of one zone by their wall clocks, so a receipt in the repeated
hour of the autumn change was placed by its clock. Both the check and the batch's fast path now compare
instants; the batch stays byte-identical to checking each row alone. A wall-clock time without an offset
that the clocks skip or repeat is refused with one line naming it and the fix; an opening session at a
skipped time is refused, at a repeated time read as the first one, with a warning.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from procedures import batch as b
from procedures.cli import app
from test_batch_identity import reference

runner = CliRunner()

ROWS = [
    ("2026-10-25", "02:30", "2026-10-25T02:15:00+01:00"),
    ("2026-10-25", "02:30", "2026-10-25T02:29:59+02:00"),
    ("2026-10-25", "02:30", "2026-10-25T02:30:01+02:00"),
    ("2026-10-25", "02:30", "2026-10-25T01:29:59+01:00"),
    ("2026-10-25", "02:30", "2026-10-25T01:30:01+01:00"),
    ("2026-10-25", "02:30", "2026-10-25T02:29:59+01:00"),
    ("2026-10-25", "02:30", "2026-10-25T00:30:00Z"),
    ("2026-10-25", "09:30", "2026-10-24T09:30:00+02:00"),
    ("2026-10-25", "09:30", "2026-10-25T10:00:00+02:00"),
    ("2026-10-25", "09:30", "2026-10-25T02:30:00"),      # repeated, no offset: an error row
    ("2026-10-25", "09:30", "2026-10-25T03:30:00"),      # after the change: local, CET
    ("2026-10-25", "09:30", "2026-10-25T01:59:59"),      # before the repeated hour: local, CEST
    ("2026-03-29", "09:30", "2026-03-29T02:30:00"),      # skipped, no offset: an error row
    ("2026-03-29", "02:30", "2026-03-29T01:00:00+01:00"),  # an opening the clocks skip: an error row
    ("2026-11-09", "", "2026-10-28T23:59:59+02:00"),
    ("2026-11-09", "", "2026-10-28T23:00:00Z"),
]


def _check(opens: str, time: str, received: str):
    args = ["check", "--kind", "study-group", "--opens", opens, "--received", received]
    return runner.invoke(app, args + (["--opening-time", time] if time else []))


def test_a_receipt_in_the_repeated_hour_after_the_opening_is_refused():
    got = _check("2026-10-25", "02:30", "2026-10-25T02:15:00+01:00")
    assert got.exit_code == 0, got.output
    first = got.output.splitlines()[0]
    assert first.startswith("REFUSED:") and "45 min after the opening session (2026-10-25 02:30:00 CEST)" in first


def test_an_opening_at_a_repeated_time_is_read_as_the_first_and_says_so():
    got = _check("2026-10-25", "02:30", "2026-10-25T02:29:59+02:00")
    assert ("the opening time 02:30 occurs twice on 2026-10-25 in Europe/Zurich (the clocks went back that night): "
            "read as the first, 02:30 CEST; the second, 02:30 CET, is 1 h later") in got.output


def test_an_opening_at_an_unambiguous_time_on_the_change_day_has_no_such_warning():
    got = _check("2026-10-25", "09:30", "2026-10-25T02:29:59+02:00")
    assert "occurs twice" not in got.output


@pytest.mark.parametrize("opens, time, received, message", [
    ("2026-10-26", "", "2026-10-25T02:30:00",
     "error: --received '2026-10-25T02:30:00' occurs twice in Europe/Zurich (the clocks went back that night); "
     "give the offset, e.g. 2026-10-25T02:30:00+02:00 (the first) or 2026-10-25T02:30:00+01:00 (the second)"),
    ("2026-10-26", "", "2026-10-25T02:00:00",
     "error: --received '2026-10-25T02:00:00' occurs twice in Europe/Zurich"),
    ("2026-03-29", "02:30", "2026-03-29T01:00:00+01:00",
     "error: the opening time 02:30 does not exist on 2026-03-29 in Europe/Zurich (the clocks went forward that night): "
     "give the time the clock showed, e.g. 03:30"),
])
def test_a_time_the_clocks_skip_or_repeat_is_refused_in_one_line(opens, time, received, message):
    got = _check(opens, time, received)
    assert got.exit_code == 2
    assert message in got.output and "Traceback" not in got.output
    assert len(got.output.strip().splitlines()) == 1


@pytest.mark.parametrize("received", ["2026-10-25T01:59:59", "2026-10-25T03:00:00"])
def test_the_times_either_side_of_the_repeated_hour_are_read_as_local_time(received):
    got = _check("2026-10-26", "", received)
    assert got.exit_code == 0, got.output
    assert "read as Europe/Zurich local time" in got.output


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_batch_around_the_clock_changes_is_byte_identical_to_checking_each_row_alone(library, tmp_path, fmt):
    reg = tmp_path / "reg.csv"
    reg.write_text("id,kind,opens,opening_time,received\n"
                   + "".join(f"C{n},study-group,{o},{t},{r}\n" for n, (o, t, r) in enumerate(ROWS * 3)), encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    b.run_batch(library, reg, out, fmt, workers=1)
    got = out.read_text(encoding="utf-8")
    assert got == reference(library, reg, fmt)
    if fmt == "json":
        rows = json.loads(got)
        assert rows[0]["status"] == "refused" and "45 min after" in rows[0]["margin"]
        assert "1 day 1 h before" in rows[7]["margin"]
        assert "occurs twice" in rows[9]["error"] and "does not exist" in rows[12]["error"] and "does not exist" in rows[13]["error"]


def test_the_batch_answers_as_the_check_does_row_by_row(library, tmp_path):
    """The same rows through check-batch and through check, one by one: the same status and margin."""
    reg = tmp_path / "reg.csv"
    reg.write_text("id,kind,opens,opening_time,received\n"
                   + "".join(f"C{n},study-group,{o},{t},{r}\n" for n, (o, t, r) in enumerate(ROWS)), encoding="utf-8")
    out = tmp_path / "out.json"
    b.run_batch(library, reg, out, "json", workers=1)
    for (opens, time, received), row in zip(ROWS, json.loads(out.read_text(encoding="utf-8"))):
        got = _check(opens, time, received)
        if got.exit_code == 2:
            assert row["error"] == got.output.strip().removeprefix("error: ").replace("--received", "received"), (received, row)
            continue
        assert got.output.splitlines()[0].startswith(row["status"].upper() + ":"), (received, row)
        assert row["margin"][0].upper() + row["margin"][1:] in got.output.splitlines()[0], (received, row)
