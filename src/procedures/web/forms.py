"""What the page's forms take beyond the API's fields, and how the page shows dates.

- "Received" as a date field, a time field and a time zone (the rules' zone,
  Geneva, by default), or a timestamp pasted as ISO 8601: combined here into
  the one text ``CheckRequest`` parses, as the API's ``received`` takes it.
- Dates shown in words ("Mon 14 Sep 2026") in a ``<time>`` element whose
  ``datetime`` attribute keeps the ISO date.
"""

from __future__ import annotations

import datetime as dt
import re

from markupsafe import Markup, escape

from procedures.errors import InputError

#: Zones offered beside the rules' own (Geneva), for a receipt stamped elsewhere; any IANA name is taken.
COMMON_ZONES = (
    "UTC", "Africa/Abidjan", "Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi",
    "America/Bogota", "America/Los_Angeles", "America/Mexico_City", "America/New_York", "America/Sao_Paulo",
    "Asia/Almaty", "Asia/Baku", "Asia/Bangkok", "Asia/Dubai", "Asia/Kolkata", "Asia/Riyadh", "Asia/Shanghai",
    "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Europe/London", "Europe/Moscow", "Europe/Paris",
    "Pacific/Auckland",
)
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*")


def zone_named(text: str, what: str = "received_zone") -> str:
    """An IANA time zone's name (Europe/Zurich, UTC), or a one-line error."""
    from zoneinfo import ZoneInfo

    name = text.strip()
    try:
        if len(name) > 60 or not _ZONE_NAME.fullmatch(name):
            raise ValueError
        ZoneInfo(name)
    except (ValueError, OSError, LookupError):  # ZoneInfoNotFoundError is a KeyError
        from procedures.inputs import shown

        raise InputError(f"{what} '{shown(name[:60])}' is not a time zone; choose one from the list (e.g. Europe/Zurich or UTC)") from None
    return name


def received_text(received: str, date: str, time: str, zone: str, home: str) -> str:
    """The receipt as CheckRequest reads it: the pasted timestamp, or the date and time in ``zone``
    (``home``, the rules' zone, by default; a date alone is a day at headquarters, as on the command line)."""
    from procedures.timestamps import parse_date, parse_received, parse_time

    pasted, date, time = received.strip(), date.strip(), time.strip()
    if pasted and (date or time):
        raise InputError("received: give the date and time fields or a pasted timestamp, not both; clear one of them")
    if pasted:
        return pasted
    if not date:
        raise InputError("received_date is required (or paste a timestamp in 'received')" if time else
                         "received is required: give the date (and time) the contribution was received, or paste a timestamp")
    day = parse_date(date, "received_date")
    zone = zone_named(zone) if zone.strip() else home
    if not time:
        if zone != home:
            raise InputError(f"received_time is required with a time zone other than {home}: a date alone is a day at headquarters")
        return day.isoformat()
    local = f"{day.isoformat()}T{parse_time(time, 'received_time').isoformat()}"
    # with the offset the zone gives that day (a time skipped or repeated by a change of clocks is refused)
    return parse_received(local, zone, "received" if zone == home else f"received (in {zone})").moment.isoformat()


def in_words(value) -> str:
    """A date as the page shows it: Mon 14 Sep 2026."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    day = day.date() if isinstance(day, dt.datetime) else day
    return f"{day:%a} {day.day} {day:%b %Y}"


def day_element(value) -> Markup:
    """A date in words in a <time> element, its ISO date in ``datetime``."""
    if value is None or value == "":
        return Markup("")
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    day = day.date() if isinstance(day, dt.datetime) else day
    return Markup('<time datetime="{}">{}</time>').format(escape(day.isoformat()), in_words(day))
