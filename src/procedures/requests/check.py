"""The request of `procedures check` and GET /api/check (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from typing import Optional

from procedures.jobs import Day, Request, Text, Time


class CheckRequest(Request):
    kind: Text
    opens: Day
    received: Text
    purpose: Text = "action"
    opening_time: Optional[Time] = None
    closes: Optional[Day] = None
    chair_admitted: bool = False
