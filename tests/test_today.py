"""Where a deadline stands from today (`--today`): days left, passed N days ago, a 'shall' passed flagged."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, strategies as st

from procedures.today import TODAY_ENV, standing, today_in

D = dt.date(2026, 7, 31)


def test_the_day_before_the_day_itself_and_the_day_after():
    assert standing(D, dt.date(2026, 7, 30)).words() == "tomorrow"
    assert standing(D, D).words() == "today" and not standing(D, D).passed
    assert standing(D, dt.date(2026, 8, 1)).words() == "passed yesterday"
    assert standing(D, dt.date(2026, 8, 3)).words() == "passed 3 days ago"
    assert standing(D, dt.date(2026, 7, 20)).words() == "in 11 days"


def test_only_a_shall_that_has_passed_is_flagged():
    after = dt.date(2026, 8, 1)
    assert standing(D, after, "shall").missed
    assert not standing(D, after, "should").missed
    assert not standing(D, D, "shall").missed


def test_json_carries_days_left_and_passed():
    assert standing(D, dt.date(2026, 8, 2)).as_dict() == {"days_left": -2, "passed": True}


@given(st.dates(), st.dates())
def test_a_later_today_never_leaves_more_days(date, today):
    later = today + dt.timedelta(days=1) if today < dt.date.max else today
    assert standing(date, later).days_left <= standing(date, today).days_left


def test_today_is_the_option_else_the_environment_else_the_clock(monkeypatch):
    monkeypatch.setenv(TODAY_ENV, "2026-06-01")
    assert today_in("Europe/Zurich", dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)
    assert today_in("Europe/Zurich") == dt.date(2026, 6, 1)
    monkeypatch.delenv(TODAY_ENV)
    assert abs((today_in("Europe/Zurich") - dt.date.today()).days) <= 1
