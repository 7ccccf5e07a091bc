"""The request of `procedures timeline` and GET /api/timeline (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from typing import Optional

from procedures.jobs import Day, Events, Request, Text


class TimelineRequest(Request):
    procedure: Text
    start: Day
    event: Events = ()
    today: Optional[Day] = None
