"""The request of `procedures appointments check` and POST /api/appointments-check (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from typing import Optional

from procedures.jobs import DateOrder, Request, Source


class AppointmentsRequest(Request):
    OPTIONS = {"appointments": "FILE"}
    appointments: Source
    attendance: Optional[Source] = None
    sheet: Optional[str] = None
    attendance_sheet: Optional[str] = None
    date_order: DateOrder = "iso"
