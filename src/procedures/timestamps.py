"""Reading dates, times and received timestamps from users (SEMANTICS § 1).

- A timestamp with an offset is converted to the ruleset's time zone.
- A timestamp without an offset is read as local time in that zone, and the
  result says so.
- A bare date is compared as a date.

Dates are ISO 8601 (2027-02-05) unless the user states an order: with
``dmy`` (day first) or ``mdy`` (month first), dates written as people write
them (05/02/2027, 5.2.2027, 05-02-2027, optionally with a time 14:30) are read
in that order. Without an order such a date is an error naming the option; a
year of two digits is never completed (the century is not guessed), and a day
or month out of range under the stated order is an error, never the other order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from procedures.errors import InputError


#: The orders a date written with its year last can be read in; ISO: only YYYY-MM-DD, as the user said.
DATE_ORDERS = ("dmy", "mdy")
ISO = "iso"
#: A date written with its year last (05/02/2027, 5.2.2027, 05-02-2027), optionally with a time.
WRITTEN = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d+)(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
#: What the option that states the order is called, in messages.
ORDER_OPTION = "--date-order"


def written_date(text: str, order: str | None, what: str = "date") -> str | None:
    """A date written with its year last, as ISO 8601 text (with its time, if any); None if not written so.

    ``order`` is 'dmy' or 'mdy'; 'iso' (the command has the option, not given)
    makes such a date an error naming the option; None (no such option) leaves
    it to the ISO reading.
    """
    if order is None:
        return None
    m = WRITTEN.match(text.strip())
    if m is None:
        return None
    a, _, b, year, hour, minute, second = m.groups()
    if order == ISO:
        raise InputError(
            f"{what} '{text.strip()}' is not written YYYY-MM-DD: say how to read it with {ORDER_OPTION} dmy "
            f"(day first, {int(a)} {_month(b)}) or {ORDER_OPTION} mdy (month first), or write it as YYYY-MM-DD")
    if order not in DATE_ORDERS:
        raise InputError(f"{ORDER_OPTION} '{order}' is not a date order; use dmy (day first) or mdy (month first)")
    if len(year) != 4:
        raise InputError(f"{what} '{text.strip()}': write the year in full (four digits); the century is not guessed")
    day, month = (a, b) if order == "dmy" else (b, a)
    try:
        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        why = f"there is no month {int(month)}" if not 1 <= int(month) <= 12 else f"{_month(month)} has no day {int(day)}"
        raise InputError(f"{what} '{text.strip()}' read {_order_words(order)}: {why}; check the date or the order") from None
    if hour is None:
        return date.isoformat()
    return f"{date.isoformat()}T{int(hour):02d}:{minute}" + (f":{second}" if second else "")


def _month(text: str) -> str:
    n = int(text)
    return dt.date(2000, n, 1).strftime("%B") if 1 <= n <= 12 else f"month {n}"


def _order_words(order: str) -> str:
    return "day first (--date-order dmy)" if order == "dmy" else "month first (--date-order mdy)"


def parse_date(text: str, what: str = "date", order: str | None = None) -> dt.date:
    """A date: ISO 8601, or (with ``order``) written with its year last."""
    try:
        raw = text.strip()
    except AttributeError:
        raise InputError(f"{what} '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-09-14") from None
    written = written_date(raw, order, what)
    if written is not None:
        if "T" in written:
            raise InputError(f"{what} '{raw}' has a time; give the date alone")
        raw = written
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"{what} '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-09-14") from None


def parse_event(pair: str, what: str = "--event") -> tuple[str, dt.date]:
    """'NAME=DATE' (e.g. consultation-request-sent=2026-02-10) as (name, date)."""
    name, sep, value = pair.partition("=")
    if not sep:
        raise InputError(f"{what} '{pair}' is not NAME=DATE, e.g. consultation-request-sent=2026-02-10")
    return name.strip(), parse_date(value, f"{what} {name.strip()}")


def parse_time(text: str, what: str = "time") -> dt.time:
    try:
        value = dt.time.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InputError(f"{what} '{text}' is not a time of day; write it as HH:MM, e.g. 09:30") from None
    if value.tzinfo is not None:
        raise InputError(f"{what} '{text}' carries an offset; give the local time of the meeting's place, e.g. 09:30")
    return value


@dataclass(frozen=True)
class Received:
    """When something was received, as the user gave it, read in the ruleset's zone."""

    text: str
    day: dt.date
    #: The moment in the ruleset's zone, or None for a bare date.
    moment: dt.datetime | None
    #: True when no offset was given and the time was read as local time.
    assumed_local: bool

    def describe(self) -> str:
        if self.moment is None:
            return self.day.isoformat()
        return self.moment.strftime("%Y-%m-%d %H:%M %Z" if self.moment.second == 0 else "%Y-%m-%d %H:%M:%S %Z")


#: The receipts a registry writes most: a date, or a timestamp to the second with an offset (Z or ±HH:MM).
_PLAIN_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_PLAIN_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})\Z")


def read_received(text: str, zone: str, what: str = "received", order: str | None = None) -> Received:
    """``parse_received`` on a fast path for the usual forms; anything else (or wrong) goes to it, so every
    answer and message is the same."""
    if text.__class__ is str:
        try:
            if _PLAIN_STAMP.match(text):
                moment = dt.datetime.fromisoformat(text).astimezone(ZoneInfo(zone))
                return Received(text, moment.date(), moment, False)
            if _PLAIN_DAY.match(text):
                return Received(text, dt.date.fromisoformat(text), None, False)
        except (ValueError, OverflowError):
            pass
    return parse_received(text, zone, what, order)


def parse_received(text: str, zone: str, what: str = "received", order: str | None = None) -> Received:
    """A date or timestamp: ISO 8601, or (with ``order``) a date written with its year last, and its time."""
    raw = (text or "").strip()
    if not raw:
        raise InputError(f"{what} is empty; give a date (2026-09-02) or a timestamp (2026-09-02T10:12:00+02:00)")
    written = written_date(raw, order, what)
    if written is not None:
        import dataclasses

        return dataclasses.replace(parse_received(written, zone, what), text=raw)
    if len(raw) == 10:
        try:
            return Received(raw, dt.date.fromisoformat(raw), None, False)
        except ValueError:
            pass  # reported below, as not a date or timestamp
    try:
        value = dt.datetime.fromisoformat(raw[:-1] + "+00:00" if raw[-1:] in ("Z", "z") else raw)  # RFC 3339 allows "z"
    except ValueError:
        raise InputError(
            f"{what} '{text}' is not an ISO 8601 date or timestamp; e.g. 2026-09-02 or 2026-09-02T10:12:00+02:00"
        ) from None
    try:
        return _in_zone(raw, value, zone, what)
    except (OverflowError, ValueError):
        raise InputError(f"{what} '{text}' cannot be placed in {zone} time (out of range)") from None


def clock_change(local: dt.datetime) -> str | None:
    """Whether a wall-clock time (aware, in its zone) was skipped ('skipped') or repeated ('repeated') by a
    change of the clocks, else None."""
    first, second = local.replace(fold=0), local.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    round_trip = first.astimezone(dt.timezone.utc).astimezone(local.tzinfo)
    return "skipped" if round_trip.replace(tzinfo=None) != first.replace(tzinfo=None) else "repeated"


def offsets_of(local: dt.datetime) -> tuple[str, str]:
    """The two offsets a repeated wall-clock time may have, earlier first, as ±HH:MM."""
    return _offset_text(local.replace(fold=0)), _offset_text(local.replace(fold=1))


def _offset_text(moment: dt.datetime) -> str:
    minutes = int(moment.utcoffset().total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _in_zone(raw: str, value: dt.datetime, zone: str, what: str) -> Received:
    tz = ZoneInfo(zone)
    if value.tzinfo is None:
        local = value.replace(tzinfo=tz)
        # A wall-clock time skipped or repeated by a DST change is refused rather than guessed.
        change = clock_change(local)
        if change == "skipped":
            raise InputError(f"{what} '{raw}' does not exist in {zone} (clocks changed that night); add an offset such as +01:00")
        if change == "repeated":
            first, second = offsets_of(local)
            raise InputError(f"{what} '{raw}' occurs twice in {zone} (the clocks went back that night); "
                             f"give the offset, e.g. {raw}{first} (the first) or {raw}{second} (the second)")
        local.astimezone(dt.timezone.utc)  # an instant before year 1 or after 9999 in UTC: OverflowError, refused
        return Received(raw, local.date(), local, True)
    local = value.astimezone(tz)
    return Received(raw, local.date(), local, False)
