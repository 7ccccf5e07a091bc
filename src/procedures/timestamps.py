"""Reading dates, times and received timestamps from users (SEMANTICS § 1).

- A timestamp with an offset is converted to the ruleset's time zone.
- A timestamp without an offset is read as local time in that zone, and the
  result says so.
- A bare date is compared as a date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from procedures.errors import InputError


def parse_date(text: str, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
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


def parse_received(text: str, zone: str, what: str = "received") -> Received:
    raw = (text or "").strip()
    if not raw:
        raise InputError(f"{what} is empty; give a date (2026-09-02) or a timestamp (2026-09-02T10:12:00+02:00)")
    if len(raw) == 10:
        try:
            return Received(raw, dt.date.fromisoformat(raw), None, False)
        except ValueError:
            pass  # reported below, as not a date or timestamp
    try:
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00") if raw.endswith("Z") else raw)
    except ValueError:
        raise InputError(
            f"{what} '{text}' is not an ISO 8601 date or timestamp; e.g. 2026-09-02 or 2026-09-02T10:12:00+02:00"
        ) from None
    try:
        return _in_zone(raw, value, zone, what)
    except (OverflowError, ValueError):
        raise InputError(f"{what} '{text}' cannot be placed in {zone} time (out of range)") from None


def _in_zone(raw: str, value: dt.datetime, zone: str, what: str) -> Received:
    tz = ZoneInfo(zone)
    if value.tzinfo is None:
        local = value.replace(tzinfo=tz)
        # A wall-clock time skipped or repeated by a DST change is refused rather than guessed.
        round_trip = local.astimezone(dt.timezone.utc).astimezone(tz)
        if round_trip.replace(tzinfo=None) != value:
            raise InputError(f"{what} '{raw}' does not exist in {zone} (clocks changed that night); add an offset such as +01:00")
        return Received(raw, local.date(), local, True)
    local = value.astimezone(tz)
    return Received(raw, local.date(), local, False)
