"""The request of `procedures calendar` (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from typing import Annotated

from procedures.jobs import Request, _read, _year


class CalendarRequest(Request):
    year: Annotated[int, _read(_year)]
