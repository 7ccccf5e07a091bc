"""Date arithmetic: examples from SEMANTICS § 1 and properties that must always hold."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.errors import EvaluationError
from procedures.models import Offset
from procedures.offsets import add_months, apply_non_working_day, shift

DAYS_IN_CALENDAR = st.dates(min_value=dt.date(2025, 3, 1), max_value=dt.date(2030, 10, 31))


def off(amount, unit, direction="before", month_end=None):
    return Offset(amount=amount, unit=unit, direction=direction, month_end=month_end)


@pytest.mark.parametrize(
    "anchor,amount,direction,expected",
    [
        (dt.date(2026, 5, 31), 3, "before", dt.date(2026, 2, 28)),
        (dt.date(2028, 5, 30), 3, "before", dt.date(2028, 2, 29)),
        (dt.date(2028, 5, 31), 3, "before", dt.date(2028, 2, 29)),
        (dt.date(2026, 1, 31), 1, "after", dt.date(2026, 2, 28)),
        (dt.date(2026, 2, 28), 3, "after", dt.date(2026, 5, 28)),
        (dt.date(2026, 1, 30), 1, "after", dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), 1, "before", dt.date(2026, 2, 1)),
        (dt.date(2026, 12, 15), 1, "after", dt.date(2027, 1, 15)),
        (dt.date(2027, 1, 15), 1, "before", dt.date(2026, 12, 15)),
    ],
)
def test_months_clip_to_the_last_day(anchor, amount, direction, expected, ruleset):
    got, _ = shift(anchor, off(amount, "months", direction, "clip"), "date-minus-n", ruleset.calendar)
    assert got == expected


def test_months_reject_refuses_a_missing_day():
    with pytest.raises(EvaluationError, match="no day 31"):
        add_months(dt.date(2026, 5, 31), -3, "reject")
    assert add_months(dt.date(2026, 5, 28), -3, "reject") == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    "counting,expected",
    [("date-minus-n", dt.date(2026, 7, 31)), ("clear-days", dt.date(2026, 7, 30))],
)
def test_day_counting_conventions(counting, expected, ruleset):
    got, _ = shift(dt.date(2026, 9, 14), off(45, "calendar-days"), counting, ruleset.calendar)
    assert got == expected


def test_weeks_are_seven_days(ruleset):
    got, _ = shift(dt.date(2026, 9, 14), off(4, "weeks"), "date-minus-n", ruleset.calendar)
    assert got == dt.date(2026, 8, 17)
    got, _ = shift(dt.date(2027, 3, 5), off(3, "weeks", "after"), "date-minus-n", ruleset.calendar)
    assert got == dt.date(2027, 3, 26)


@pytest.mark.parametrize(
    "received,expected",
    [
        (dt.date(2026, 4, 2), dt.date(2026, 4, 9)),    # Good Friday and Easter Monday closed
        (dt.date(2026, 4, 1), dt.date(2026, 4, 8)),    # Thu 2, Tue 7, Wed 8
        (dt.date(2026, 3, 30), dt.date(2026, 4, 2)),   # before Easter: Tue, Wed, Thu
        (dt.date(2026, 12, 23), dt.date(2026, 12, 29)),  # Christmas closed: 24, 28, 29
        (dt.date(2026, 12, 30), dt.date(2027, 1, 6)),  # 31 Dec, 1 Jan closed, weekend: Mon 4, Tue 5, Wed 6
        (dt.date(2026, 3, 19), dt.date(2026, 3, 25)),  # Eid al-Fitr (20 Mar) closed
    ],
)
def test_three_working_days_after_receipt(received, expected, ruleset):
    got, _ = shift(received, off(3, "working-days", "after"), "date-minus-n", ruleset.calendar)
    assert got == expected


def test_non_working_day_policies(ruleset):
    cal = ruleset.calendar
    saturday = dt.date(2026, 8, 15)
    assert apply_non_working_day(saturday, "keep", cal)[0] == saturday
    assert apply_non_working_day(saturday, "next-working-day", cal)[0] == dt.date(2026, 8, 17)
    assert apply_non_working_day(saturday, "previous-working-day", cal)[0] == dt.date(2026, 8, 14)
    good_friday = dt.date(2026, 4, 3)
    assert apply_non_working_day(good_friday, "next-working-day", cal)[0] == dt.date(2026, 4, 7)
    monday = dt.date(2026, 8, 17)
    assert apply_non_working_day(monday, "previous-working-day", cal) == (monday, None)


@settings(max_examples=200)
@given(DAYS_IN_CALENDAR, st.integers(0, 400), st.sampled_from(["calendar-days", "weeks"]), st.sampled_from(["date-minus-n", "clear-days"]))
def test_a_before_deadline_is_never_after_its_anchor(anchor, amount, unit, counting):
    from procedures.offsets import shift as sh

    class NoCal:
        def is_working_day(self, d):
            return True

    got, _ = sh(anchor, off(amount, unit), counting, NoCal())
    assert got <= anchor


@settings(max_examples=300)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)), st.integers(-60, 60))
def test_month_offsets_clip_and_never_skip_a_month(anchor, months):
    got = add_months(anchor, months, "clip")
    assert (got.year * 12 + got.month) - (anchor.year * 12 + anchor.month) == months
    assert got.day == anchor.day or (got.day < anchor.day and (got + dt.timedelta(days=1)).day == 1)


@settings(max_examples=200, deadline=None)
@given(anchor=st.dates(min_value=dt.date(2025, 2, 1), max_value=dt.date(2030, 11, 30)), amount=st.integers(1, 20), direction=st.sampled_from(["before", "after"]))
def test_working_day_counts_never_land_on_a_closed_day(anchor, amount, direction, ruleset):
    got, _ = shift(anchor, off(amount, "working-days", direction), "date-minus-n", ruleset.calendar)
    assert ruleset.calendar.is_working_day(got)
    assert (got > anchor) == (direction == "after")
