"""The request of `procedures calendar` (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from procedures.jobs import Request, Year


class CalendarRequest(Request):
    year: Year
