"""The request of `procedures schedule` and GET /api/timetable (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from typing import Optional

from procedures.jobs import Day, Events, Request, Text, Time


class ScheduleRequest(Request):
    kind: Optional[Text] = None
    opens: Optional[Day] = None
    closes: Optional[Day] = None
    opening_time: Optional[Time] = None
    event: Events = ()
    today: Optional[Day] = None
    earliest_from: Optional[Day] = None
