"""Calendar files (iCalendar, RFC 5545) for timetables and agendas, built with icalendar.

One all-day event per deadline. The UID is derived from the ruleset, the
meeting's name and the rule id, never from the date: re-importing a file
after a meeting moves updates its events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

UID_DOMAIN = "procedures.itu-d.invalid"


@dataclass(frozen=True)
class CalendarEntry:
    key: str
    date: dt.date
    summary: str
    description: str
    categories: tuple[str, ...] = ()


def uid_for(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def to_ics(entries: list[CalendarEntry], name: str, stamp: dt.datetime | None = None,
           refresh: dt.timedelta | None = None) -> bytes:
    """The calendar file; ``refresh`` marks it as a feed clients fetch again that often (RFC 7986)."""
    from icalendar import Calendar, Event, vDuration  # imported only when a calendar file is asked for

    cal = Calendar()
    cal.add("prodid", "-//procedures//ITU-D deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    if refresh is not None:
        cal.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", vDuration(refresh))
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    for e in entries:
        ev = Event()
        ev.add("uid", e.key)
        ev.add("dtstamp", stamp)
        ev.add("dtstart", e.date)
        ev.add("dtend", e.date + dt.timedelta(days=1))
        ev.add("summary", e.summary)
        ev.add("description", e.description)
        ev.add("transp", "TRANSPARENT")
        if e.categories:
            ev.add("categories", list(e.categories))
        cal.add_component(ev)
    return cal.to_ical()


def deadline_entry(ruleset_id: str, meeting: str, deadline, done: dt.date | None = None) -> CalendarEntry:
    rule = deadline.rule
    lines = [
        f"{rule.summary}.",
        f"Paragraph: {', '.join(c.label() for c in rule.cites())} ({rule.modality}).",
        f"Deadline: end of {deadline.date.isoformat()}, {deadline.cutoff.isoformat()}.",
        f"Rule: {rule.id} (ruleset {ruleset_id}).",
    ]
    if deadline.non_working:
        lines.append(f"Not a working day: {deadline.non_working}.")
    if done:
        lines.append(f"Done: {done.isoformat()}.")
    return CalendarEntry(
        key=uid_for(ruleset_id, meeting, rule.id),
        date=deadline.date,
        summary=f"{meeting}: {rule.summary}",
        description="\n".join(lines),
        categories=(rule.modality, deadline.cite),
    )
