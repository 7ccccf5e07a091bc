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


# --- the closures are data: generated from their sources, checked against them ------------------


def test_the_generated_closures_match_their_sources_for_every_covered_year(ruleset):
    """A drift test: the holidays package and the Umm al-Qura calendar still give the file's dates."""
    from procedures.calendar_edit import generate

    spec = ruleset.calendar.spec
    fresh = {g.year: g for g in generate(spec, spec.calendar.first_year, spec.calendar.last_year)}
    stored = {g.year: g for g in spec.generated}
    assert sorted(stored) == list(ruleset.calendar.years)
    for year in stored:
        assert stored[year].public_holidays == fresh[year].public_holidays, f"public holidays of {year} drifted; run 'procedures calendar generate'"
        assert stored[year].feasts == fresh[year].feasts, f"feasts of {year} drifted; run 'procedures calendar generate'"


def test_the_feasts_are_umm_al_qura_dates(ruleset):
    """One stated source for the Eid estimates: 1 Shawwal and 10 Dhu al-Hijjah of the Umm al-Qura calendar."""
    from hijridate import Gregorian

    feasts = [(d.date, d.name) for g in ruleset.calendar.spec.generated for d in g.feasts]
    assert len(feasts) == 2 * len(ruleset.calendar.years)
    for day, name in feasts:
        h = Gregorian(day.year, day.month, day.day).to_hijri()
        assert (h.month, h.day) == {"Eid al-Fitr": (10, 1), "Eid al-Adha": (12, 10)}[name], (day, name)
    assert (dt.date(2026, 3, 20), "Eid al-Fitr") in feasts and (dt.date(2030, 4, 13), "Eid al-Adha") in feasts


def test_a_command_imports_neither_the_holidays_package_nor_hijridate():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from procedures.cli import run\n"
        "run(['check', '--kind', 'study-group', '--opens', '2026-05-04', '--received', '2026-04-02'])\n"
        "run(['calendar', '--year', '2027'])\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('holidays', 'hijridate')}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "2026-04-09" in proc.stdout  # the working days were counted
    assert proc.stdout.strip().splitlines()[-1] == "[]"


# --- a closure on a weekend: no shift (default) or the nearest working day in lieu ------------


def _calendar(tmp_path, library, policy: str | None = None, official: str = "[]"):
    text = (Path(library.latest().folder) / "calendar.toml").read_text(encoding="utf-8")
    if policy is not None:
        text = text.replace('weekend_closures = "no-shift"', f'weekend_closures = "{policy}"')
    path = tmp_path / "calendar.toml"
    path.write_text(text.replace("official_years = []", f"official_years = {official}"), encoding="utf-8")
    return load_calendar(path)


def test_by_default_a_closure_on_a_weekend_closes_nothing_extra(tmp_path, library):
    cal = _calendar(tmp_path, library)
    assert cal.spec.calendar.weekend_closures == "no-shift"
    assert cal.closure(dt.date(2026, 8, 1)).name == "National Day"  # Saturday
    assert cal.is_working_day(dt.date(2026, 7, 31))  # Friday
    assert cal.closure(dt.date(2027, 8, 1)).name == "National Day"  # Sunday
    assert cal.is_working_day(dt.date(2027, 8, 2))  # Monday


def test_nearest_working_day_closes_the_friday_for_a_saturday_closure(tmp_path, library):
    cal = _calendar(tmp_path, library, "nearest-working-day")
    lieu = cal.closure(dt.date(2026, 7, 31))
    assert lieu.name == "National Day (in lieu)" and "Saturday 2026-08-01" in lieu.source and lieu.provisional
    assert cal.is_working_day(dt.date(2026, 7, 30)) and cal.is_working_day(dt.date(2026, 8, 3))
    # the Saturday Eid al-Adha of 2030 gives Friday 12 April
    assert cal.closure(dt.date(2030, 4, 12)).name == "Eid al-Adha (in lieu)"


def test_nearest_working_day_closes_the_monday_for_a_sunday_closure(tmp_path, library):
    cal = _calendar(tmp_path, library, "nearest-working-day")
    assert cal.closure(dt.date(2027, 8, 2)).name == "National Day (in lieu)"
    assert cal.is_working_day(dt.date(2027, 7, 30)) and cal.is_working_day(dt.date(2027, 8, 3))
    assert cal.closure(dt.date(2025, 3, 31)).name == "Eid al-Fitr (in lieu)"  # Eid al-Fitr 2025 was a Sunday


def test_a_day_in_lieu_passes_a_day_already_closed_even_into_the_previous_year(tmp_path, library):
    cal = _calendar(tmp_path, library, "nearest-working-day")
    # Saturday 1 January 2028: Friday 31 December 2027 is Restoration Day, so Thursday 30 December
    assert cal.closure(dt.date(2027, 12, 31)).name == "Restoration Day"
    assert cal.closure(dt.date(2027, 12, 30)).name == "New Year's Day (in lieu)"
    # Sunday 16 May 2027 (Eid al-Adha): Monday 17 is Whit Monday, so Tuesday 18
    assert cal.closure(dt.date(2027, 5, 18)).name == "Eid al-Adha (in lieu)"
    assert [c.date for c in cal.closed_days(2027) if "in lieu" in c.name] == [
        dt.date(2027, 5, 18), dt.date(2027, 8, 2), dt.date(2027, 12, 24), dt.date(2027, 12, 30)]


def test_an_official_year_follows_itus_list_whatever_the_policy(tmp_path, library):
    cal = _calendar(tmp_path, library, "nearest-working-day", official="[2026]")
    assert cal.is_working_day(dt.date(2026, 7, 31))
    assert not cal.is_working_day(dt.date(2027, 8, 2))  # 2027 is still provisional


def test_the_policy_moves_a_publication_date(tmp_path, capsys):
    """§ 4.2.1.3 counted across the Saturday National Day of 2026: Tue 4 August by default, Wed 5 with a day in lieu."""
    import json

    from procedures import loader
    from procedures.cli import run

    rules = tmp_path / "rules"
    assert run(["rules", "init", str(rules)]) == 0
    args = ["check", "--kind", "study-group", "--opens", "2026-09-07", "--received", "2026-07-30", "--rules", str(rules), "--format", "json"]

    def publish_by() -> str:
        loader.forget_loaded()  # in-process, as a new command would: the folder is read again after the edit
        capsys.readouterr()
        assert run(args) == 0
        return json.loads(capsys.readouterr().out)["publish_by"]

    assert publish_by() == "2026-08-04"
    path = rules / "res1-rev-baku-2025" / "calendar.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"no-shift"', '"nearest-working-day"'), encoding="utf-8")
    assert publish_by() == "2026-08-05"
