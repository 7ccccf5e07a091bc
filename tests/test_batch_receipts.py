"""The batch's fast reading of a receipt written as a time agrees with the full parser wherever it answers.

``batchfast.read_time`` reads 'YYYY-MM-DDTHH:MM:SS' with an offset, 'Z' or
none from memos of its pieces and the zone's offsets by day; anything else
(and a time without an offset within a day of a change of the clocks) it
leaves to ``read_receipt`` and the full parser. Where it answers, the
instant, the wall clock, the zone's abbreviation and "read as local time"
must be what ``timestamps.parse_received`` makes of the same text.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from procedures.batchfast import DAY, EPOCH, Zone, read_receipt, read_time
from procedures.errors import ProceduresError
from procedures.timestamps import parse_received

ZONES = ["Europe/Zurich", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Kiritimati", "UTC"]
#: Days around the changes of the clocks in 2026 (Europe: 29 March, 25 October; New York: 8 March, 1 November;
#: Lord Howe: 5 April, 4 October) and a few ordinary ones.
DAYS = [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 3, 8), dt.date(2026, 11, 1),
        dt.date(2026, 4, 5), dt.date(2026, 10, 4), dt.date(2026, 1, 15), dt.date(2026, 7, 1), dt.date(1970, 1, 1)]
OFFSETS = ["", "Z", "z", "+00:00", "-00:00", "+01:00", "+02:00", "-04:00", "-05:00", "+05:30", "+05:45", "+10:30",
           "+14:00", "-12:00", "+24:00", "+1:00", "+01:0", "+0100"]
ZONE_OBJECTS = {name: Zone(name) for name in ZONES}


@st.composite
def receipts(draw) -> str:
    day = draw(st.sampled_from(DAYS)) + dt.timedelta(days=draw(st.integers(-2, 2)))
    clock = f"{draw(st.integers(0, 24)):02d}:{draw(st.sampled_from([0, 1, 30, 59, 60])):02d}:{draw(st.sampled_from([0, 5, 59, 60])):02d}"
    sep = draw(st.sampled_from(["T", "T", "T", " ", "t"]))
    return f"{day.isoformat()}{sep}{clock}{draw(st.sampled_from(OFFSETS))}"


def _full(text: str, zone: str):
    """What the full parser makes of a receipt, as (instant, wall clock, abbreviation, read as local)."""
    r = parse_received(text, zone)
    wall = r.moment.replace(tzinfo=None) - EPOCH
    return int(r.moment.timestamp()), wall.days * DAY + wall.seconds, r.moment.tzname(), r.assumed_local


@settings(max_examples=600, deadline=None)
@given(receipts(), st.sampled_from(ZONES))
def test_the_fast_reading_of_a_time_is_the_full_parsers_wherever_it_answers(text, zone):
    fast = read_time(text, ZONE_OBJECTS[zone])
    if fast is None:
        return
    try:
        full = _full(text, zone)
    except ProceduresError as exc:  # pragma: no cover - the failure this test is for
        raise AssertionError(f"the fast reading answered {fast} where the full parser says: {exc}") from None
    assert fast == full
    moment, wall, abbreviation, local = fast
    assert read_receipt(text, ZONE_OBJECTS[zone]) == (wall, abbreviation, local, moment)


def test_the_usual_receipts_are_read_the_fast_way_and_one_by_a_change_of_the_clocks_is_not():
    zurich = Zone("Europe/Zurich")
    assert read_time("2026-01-27T18:11:00+01:00", zurich)[2:] == ("CET", False)
    assert read_time("2026-01-27T17:11:00Z", zurich)[:2] == read_time("2026-01-27T18:11:00+01:00", zurich)[:2]
    assert read_time("2026-07-01T09:30:00", zurich)[2:] == ("CEST", True)
    # without an offset, within a day of the change of the clocks: left to the full parser (which may refuse it)
    assert read_time("2026-10-25T02:30:00", zurich) is None
    assert read_time("2026-10-24T12:00:00", zurich) is None
    # with an offset the instant is plain; the abbreviation is the zone's then
    assert read_time("2026-10-25T02:30:00+02:00", zurich)[2] == "CEST"
    assert read_time("2026-10-25T02:30:00+01:00", zurich)[2] == "CET"
    for odd in ["2026-01-27 18:11:00+01:00", "2026-01-27T18:11+01:00", "2026-01-27T18:11:00.5+01:00",
                "2026-01-27T24:00:00Z", "2026-02-30T10:00:00Z", "2026-01-27T18:11:00+24:00", ""]:
        assert read_time(odd, zurich) is None, odd
