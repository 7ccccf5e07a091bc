"""The request of `procedures tally` and POST /api/tally (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from typing import Optional

from procedures.jobs import DateOrder, Day, Participants, Request, Source, Text


class TallyRequest(Request):
    procedure: Text
    replies: Source
    circulated: Optional[Day] = None
    electorate_size: Optional[Participants] = None
    no_meeting_before_wtdc: bool = False
    requested_by: Optional[list[str]] = None
    sheet: Optional[str] = None
    date_order: DateOrder = "iso"
