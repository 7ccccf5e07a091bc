"""`procedures calendar generate` and `procedures calendar import`: the calendar file written as data (issue 17 item 1)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from procedures.calendar import load_calendar
from procedures.cli import run

ITU_2026 = """date,name
2026-01-01,New Year's Day
2026-01-02,Day after New Year
2026-04-03,Good Friday
2026-04-06,Easter Monday
2026-05-14,Ascension Day
2026-05-25,Whit Monday
2026-05-27,Eid al-Adha
2026-09-10,Jeune genevois
2026-12-24,Christmas Eve
2026-12-25,Christmas Day
2026-12-31,Restoration of the Republic
"""


@pytest.fixture
def rules(tmp_path, capsys):
    folder = tmp_path / "rules"
    assert run(["rules", "init", str(folder)]) == 0
    capsys.readouterr()
    return folder


def calendar_file(rules):
    return rules / "res1-rev-baku-2025" / "calendar.toml"


def call(capsys, *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def closed(capsys, rules, year: int) -> dict[str, str]:
    capsys.readouterr()
    code, out, err = call(capsys, "calendar", "--year", str(year), "--format", "json", "--rules", str(rules))
    assert code == 0, err
    return {d["date"]: d["name"] for d in json.loads(out)["closed_days"]}


# --- generate -----------------------------------------------------------------------------------


def test_generate_on_the_built_in_years_changes_nothing(capsys, rules):
    before = calendar_file(rules).read_text(encoding="utf-8")
    code, out, err = call(capsys, "calendar", "generate", "--rules", str(rules))
    assert code == 0, err
    assert "2025–2030, 54 public holidays, 12 feasts (unchanged)" in out
    assert calendar_file(rules).read_text(encoding="utf-8") == before


def test_generate_widens_the_covered_years(capsys, rules):
    code, _, err = call(capsys, "calendar", "--year", "2031", "--rules", str(rules))
    assert code == 2 and "does not cover (2025–2030)" in err
    code, out, err = call(capsys, "calendar", "generate", "--years", "2025-2031", "--rules", str(rules))
    assert code == 0, err
    assert "2025–2031, 63 public holidays, 14 feasts" in out
    days = closed(capsys, rules, 2031)
    assert days["2031-01-24"] == "Eid al-Fitr" and days["2031-04-02"] == "Eid al-Adha" and days["2031-04-11"] == "Good Friday"
    text = calendar_file(rules).read_text(encoding="utf-8")
    assert "last_year = 2031\n" in text and "first_year = 2025\n" in text
    assert "(--years 2025-2031): do not edit below this line" in text
    # the hand-written part is kept as it was, comments included
    assert "# Geneva cantonal public holidays" in text and 'weekend_closures = "no-shift"' in text
    assert run(["rules", "validate", str(rules)]) == 0


def test_a_year_widened_by_hand_without_generating_is_refused_at_load(capsys, rules):
    path = calendar_file(rules)
    path.write_text(path.read_text(encoding="utf-8").replace("last_year = 2030", "last_year = 2031"), encoding="utf-8")
    code, _, err = call(capsys, "calendar", "--year", "2026", "--rules", str(rules))
    assert code == 2
    assert "calendar.toml: no generated closures for 2031 (the calendar covers 2025–2031)" in err
    assert "run 'procedures calendar generate --years 2025-2031'" in err
    code, _, err = call(capsys, "calendar", "generate", "--rules", str(rules))
    assert code == 0, err
    assert closed(capsys, rules, 2031)["2031-12-25"] == "Christmas Day"


def test_generate_keeps_what_is_not_generated_below_the_marker_or_refuses(capsys, rules):
    path = calendar_file(rules)
    path.write_text(path.read_text(encoding="utf-8") + '\n[[correction]]\ndate = 2026-12-24\naction = "add"\nname = "Christmas Eve"\nnote = "x"\n',
                    encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    code, _, err = call(capsys, "calendar", "generate", "--rules", str(rules))
    assert code == 2 and "correction below the line" in err and "move it above that line" in err
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("years,message", [
    ("2031-2025", "2025 is before 2031"),
    ("twenty", "is not a range of years"),
    ("2090-2091", "outside the Umm al-Qura calendar's range"),
])
def test_generate_refuses_bad_years_in_one_line(capsys, rules, years, message):
    before = calendar_file(rules).read_text(encoding="utf-8")
    code, _, err = call(capsys, "calendar", "generate", "--years", years, "--rules", str(rules))
    assert code == 2 and len(err.strip().splitlines()) == 1 and message in err, err
    assert calendar_file(rules).read_text(encoding="utf-8") == before


def test_generate_can_start_earlier(capsys, rules):
    assert run(["calendar", "generate", "--years", "2020-2030", "--rules", str(rules)]) == 0
    assert closed(capsys, rules, 2020)["2020-05-24"] == "Eid al-Fitr"


# --- import ITU's published list --------------------------------------------------------------


def test_import_writes_the_corrections_and_marks_the_year_official(capsys, rules, tmp_path):
    listed = tmp_path / "itu-2026.csv"
    listed.write_text(ITU_2026, encoding="utf-8")
    code, out, err = call(capsys, "calendar", "import", str(listed), "--year", "2026", "--rules", str(rules))
    assert code == 0, err
    assert "2026 is official (11 closures listed); 3 corrections written" in out
    assert "add     2026-01-02  Fri  Day after New Year" in out
    assert "remove  2026-03-20  Fri  Eid al-Fitr" in out
    assert "add     2026-12-24  Thu  Christmas Eve" in out
    cal = load_calendar(calendar_file(rules))
    assert cal.spec.calendar.official_years == [2026] and not cal.is_provisional(2026) and cal.is_provisional(2027)
    assert {c.note for c in cal.spec.correction} == {"ITU's published list for 2026 (itu-2026.csv)"}
    # the year's closures are now the list; the Saturday National Day, which closes nothing, stays as it was
    days = closed(capsys, rules, 2026)
    assert set(days) == {line.split(",")[0] for line in ITU_2026.splitlines()[1:]} | {"2026-08-01"}
    assert days["2026-12-24"] == "Christmas Eve" and days["2026-09-10"] == "Genevan Fast"
    code, out, err = call(capsys, "calendar", "--year", "2026", "--rules", str(rules))
    assert "provisional" not in out.splitlines()[0]
    assert "correction: ITU's published list for 2026 (itu-2026.csv)" in out
    # importing the same list again writes nothing new
    code, out, err = call(capsys, "calendar", "import", str(listed), "--year", "2026", "--rules", str(rules), "--note", "Service Order 26/01")
    assert code == 0 and "0 corrections written" in out
    # and the generated part can still be regenerated around the corrections
    assert run(["calendar", "generate", "--rules", str(rules)]) == 0
    assert closed(capsys, rules, 2026) == days


def test_import_then_an_official_year_gives_no_day_in_lieu(capsys, rules, tmp_path):
    path = calendar_file(rules)
    path.write_text(path.read_text(encoding="utf-8").replace('"no-shift"', '"nearest-working-day"'), encoding="utf-8")
    assert closed(capsys, rules, 2026)["2026-07-31"] == "National Day (in lieu)"
    listed = tmp_path / "itu-2026.csv"
    listed.write_text(ITU_2026, encoding="utf-8")
    assert run(["calendar", "import", str(listed), "--year", "2026", "--rules", str(rules)]) == 0
    assert "2026-07-31" not in closed(capsys, rules, 2026)


@pytest.mark.parametrize("content,message", [
    ("day,name\n2026-01-01,x\n", "lacks column(s) date"),
    ("date,name\n01/01/2026,New Year\n", "line 2: '01/01/2026' is not a date; write it as YYYY-MM-DD"),
    ("date,name\n2026-02-30,x\n", "'2026-02-30' is not a date"),
    ("date,name\n2027-01-01,New Year\n", "line 2: 2027-01-01 is not in 2026"),
    ("date,name\n2026-01-01,New Year\n2026-01-01,Again\n", "line 3: 2026-01-01 is listed twice (also line 2)"),
    ("date,name\n2026-01-01,\n", "the name of 2026-01-01 is empty"),
    ("date,name\n", "lists no dates"),
])
def test_import_refuses_a_bad_list_in_one_line_and_writes_nothing(capsys, rules, tmp_path, content, message):
    before = calendar_file(rules).read_text(encoding="utf-8")
    listed = tmp_path / "list.csv"
    listed.write_text(content, encoding="utf-8")
    code, _, err = call(capsys, "calendar", "import", str(listed), "--year", "2026", "--rules", str(rules))
    assert code == 2 and len(err.strip().splitlines()) == 1 and err.startswith("error: ") and message in err, err
    assert calendar_file(rules).read_text(encoding="utf-8") == before


def test_import_for_a_year_the_calendar_does_not_cover_is_refused(capsys, rules, tmp_path):
    listed = tmp_path / "list.csv"
    listed.write_text("date,name\n2035-01-01,New Year\n", encoding="utf-8")
    code, _, err = call(capsys, "calendar", "import", str(listed), "--year", "2035", "--rules", str(rules))
    assert code == 2 and "does not cover (2025–2030)" in err


def test_import_of_a_missing_file_is_one_line(capsys, rules, tmp_path):
    code, _, err = call(capsys, "calendar", "import", str(tmp_path / "nope.csv"), "--year", "2026", "--rules", str(rules))
    assert code == 2 and "nope.csv" in err and len(err.strip().splitlines()) == 1


def test_import_compares_the_declared_closures_not_the_days_in_lieu(tmp_path, library):
    """A day in lieu ITU lists is written as an addition: the policy does not apply to an official year."""
    from procedures.calendar_edit import corrections_for

    text = (Path(library.latest().folder) / "calendar.toml").read_text(encoding="utf-8").replace('"no-shift"', '"nearest-working-day"')
    path = tmp_path / "calendar.toml"
    path.write_text(text, encoding="utf-8")
    cal = load_calendar(path)
    fixes = corrections_for(cal, 2026, [(dt.date(2026, 7, 31), "National Day (in lieu)")], "n")
    assert [(c.date, c.action) for c in fixes if c.date.month in (7, 8)] == [(dt.date(2026, 7, 31), "add")]



# --- the one-line edit of the [calendar] table ---------------------------------------------------


def test_a_calendar_key_is_set_in_place_or_added_to_its_table(tmp_path):
    from procedures.calendar_edit import _set_calendar_key

    path = tmp_path / "calendar.toml"
    text = '[calendar]\nfirst_year = 2025  # the first\n# a comment\n\n[[closure]]\nfirst_year = 1\n'
    assert _set_calendar_key(text, "first_year", "2026", path) == '[calendar]\nfirst_year = 2026  # the first\n# a comment\n\n[[closure]]\nfirst_year = 1\n'
    assert _set_calendar_key(text, "last_year", "2030", path) == '[calendar]\nfirst_year = 2025  # the first\nlast_year = 2030\n# a comment\n\n[[closure]]\nfirst_year = 1\n'


@pytest.mark.parametrize(
    "text,message",
    [
        ("[other]\nfirst_year = 2025\n", "has no [calendar] table — add it (see docs/rule-format.md)"),
        ("[calendar]\nofficial_years = [2025,\n  2026]\n", "[calendar].official_years spans several lines — write it on one line: official_years = …"),
    ],
)
def test_a_calendar_key_the_edit_cannot_set_is_refused(tmp_path, text, message):
    from procedures.calendar_edit import _set_calendar_key
    from procedures.errors import RuleFileError

    with pytest.raises(RuleFileError) as raised:
        _set_calendar_key(text, "official_years", "[2025]", tmp_path / "calendar.toml")
    assert str(raised.value).endswith(message)
