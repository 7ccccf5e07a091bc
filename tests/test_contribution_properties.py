"""Invariants of the contribution check."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.contributions import Meeting, check
from procedures.timestamps import parse_received

ORDER = {"on-time": 0, "delayed": 1, "late-admitted": 2, "late": 3, "refused": 4}
MOMENTS = st.datetimes(min_value=dt.datetime(2026, 6, 1), max_value=dt.datetime(2026, 9, 20), timezones=st.just(dt.timezone.utc))


@settings(max_examples=300, deadline=None)
@given(a=MOMENTS, b=MOMENTS, kind=st.sampled_from(["study-group", "rapporteur-group", "tdag", "other-group"]), admitted=st.booleans())
def test_a_later_receipt_never_gets_a_better_status(a, b, kind, admitted, ruleset):
    early, late = sorted([a, b])
    # § 11.8: TDAG's written proposals are admitted only until the meeting's last day
    meeting = Meeting(kind, dt.date(2026, 9, 14), closes=dt.date(2026, 9, 18))
    flags = frozenset({"chair-admitted"}) if admitted else frozenset()
    zone = ruleset.head.time_zone
    s1 = check(ruleset, meeting, parse_received(early.isoformat(), zone), flags).status
    s2 = check(ruleset, meeting, parse_received(late.isoformat(), zone), flags).status
    assert ORDER[s1] <= ORDER[s2], (early, s1, late, s2)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=dt.date(2026, 6, 1), max_value=dt.date(2026, 9, 20)))
def test_a_bare_date_and_its_last_second_agree(day, ruleset):
    meeting = Meeting("study-group", dt.date(2026, 9, 14))
    zone = ruleset.head.time_zone
    by_date = check(ruleset, meeting, parse_received(day.isoformat(), zone)).status
    by_moment = check(ruleset, meeting, parse_received(f"{day.isoformat()}T23:59:59", zone)).status
    if day != dt.date(2026, 9, 14):
        assert by_date == by_moment


@settings(max_examples=200, deadline=None)
@given(moment=MOMENTS, micro=st.integers(min_value=0, max_value=999_999),
       kind=st.sampled_from(["study-group", "tdag", "other-group", "wtdc"]))
def test_fractions_of_a_second_never_change_the_status(moment, micro, kind, ruleset):
    """SEMANTICS § 1: a second counts whole; 23:59:59.999 is as much in time as 23:59:59."""
    meeting = Meeting(kind, dt.date(2026, 9, 14), closes=dt.date(2026, 9, 18))
    zone = ruleset.head.time_zone
    whole = moment.replace(microsecond=0)
    s1 = check(ruleset, meeting, parse_received(whole.isoformat(), zone)).status
    s2 = check(ruleset, meeting, parse_received(whole.replace(microsecond=micro).isoformat(), zone)).status
    assert s1 == s2, (whole, micro)
