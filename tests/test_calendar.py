"""The Geneva closure calendar: data, coverage, corrections."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from procedures.calendar import load_calendar
from procedures.errors import CalendarError


def test_2026_closed_days_with_their_source(ruleset):
    days = {c.date: c for c in ruleset.calendar.closed_days(2026)}
    assert dt.date(2026, 4, 3) in days and "Good Friday" in days[dt.date(2026, 4, 3)].name
    assert dt.date(2026, 4, 6) in days  # Easter Monday
    assert dt.date(2026, 9, 10) in days  # Jeûne genevois
    assert dt.date(2026, 12, 31) in days  # Restauration de la République
    assert days[dt.date(2026, 3, 20)].name == "Eid al-Fitr"
    assert days[dt.date(2026, 5, 27)].name == "Eid al-Adha"
    assert "holidays package" in days[dt.date(2026, 1, 1)].source
    assert all(c.provisional for c in days.values())
    assert dt.date(2026, 4, 2) not in days


def test_a_year_outside_the_calendar_is_an_error(ruleset):
    with pytest.raises(CalendarError, match="2031.*does not cover"):
        ruleset.calendar.is_working_day(dt.date(2031, 1, 6))
    with pytest.raises(CalendarError):
        ruleset.calendar.closed_days(2024)


def test_weekends_are_not_working_days(ruleset):
    assert not ruleset.calendar.is_working_day(dt.date(2026, 8, 15))
    assert ruleset.calendar.is_working_day(dt.date(2026, 8, 14))


def test_corrections_add_and_remove_days(tmp_path, library):
    src = Path(library.latest().folder) / "calendar.toml"
    text = src.read_text() + """
[[correction]]
date = 2026-12-24
action = "add"
name = "Christmas Eve"
note = "test correction"

[[correction]]
date = 2026-03-20
action = "remove"
name = "Eid al-Fitr"
note = "test: ITU list differs"
"""
    path = tmp_path / "calendar.toml"
    path.write_text(text.replace("official_years = []", "official_years = [2026]"))
    cal = load_calendar(path)
    assert not cal.is_working_day(dt.date(2026, 12, 24))
    assert cal.is_working_day(dt.date(2026, 3, 20))
    assert not cal.is_provisional(2026) and cal.is_provisional(2027)
