"""Date arithmetic: days, weeks, months and working days, and the non-working-day shifts.

Pure functions. Each returns the date and a line of explanation for the trace.
The counting convention (SEMANTICS § 1) is a parameter, never assumed:

- ``date-minus-n``: N days before X is X − N (the whole of that day counts);
- ``clear-days``: N clear days before X is X − (N + 1) (both ends excluded).

Months never guess: a rule says ``clip`` (the last day of a shorter month) or
``reject`` (an error when the day number does not exist in the target month).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


from procedures.errors import EvaluationError
from procedures.models import DayCounting, NonWorkingDayPolicy, Offset


class WorkingDays(Protocol):
    def is_working_day(self, day: dt.date) -> bool: ...


def add_months(anchor: dt.date, months: int, month_end: str) -> dt.date:
    """Same day number ``months`` later (negative: earlier); month-end per policy.

    ``relativedelta`` does the calendar arithmetic and always clips to the
    month's last day; the policy decides whether that clipping is accepted.
    """
    from dateutil.relativedelta import relativedelta  # here: most commands count no months (issue 17: start-up)

    result = anchor + relativedelta(months=months)
    if result.day != anchor.day and month_end == "reject":
        raise EvaluationError(
            f"{anchor.isoformat()} {'+' if months >= 0 else '−'} {abs(months)} month(s) has no day "
            f"{anchor.day} in {result.year}-{result.month:02d}, and the rule's month_end is \"reject\""
        )
    return result


def add_working_days(anchor: dt.date, count: int, sign: int, calendar: WorkingDays) -> dt.date:
    """Count ``count`` working days from the day after (or before) ``anchor``."""
    day = anchor
    remaining = count
    while remaining > 0:
        day += dt.timedelta(days=sign)
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def shift(anchor: dt.date, offset: Offset, counting: DayCounting, calendar: WorkingDays) -> tuple[dt.date, str]:
    """Apply an offset to an anchor date. Returns the date and how it was computed."""
    try:
        return _shift(anchor, offset, counting, calendar)
    except (OverflowError, ValueError):
        raise EvaluationError(f"{offset.describe()} {anchor.isoformat()} falls outside the calendar's range of dates") from None


def _shift(anchor: dt.date, offset: Offset, counting: DayCounting, calendar: WorkingDays) -> tuple[dt.date, str]:
    sign = -1 if offset.direction == "before" else 1
    if offset.unit in ("calendar-days", "weeks"):
        return _shift_days(anchor, offset, counting, sign)
    if offset.unit == "months":
        return _shift_months(anchor, offset, sign)
    result = add_working_days(anchor, offset.amount, sign, calendar)
    return result, (
        f"{anchor.isoformat()} {_op(sign)} {offset.amount} working day(s), counting from the day "
        f"{'after' if sign > 0 else 'before'}, skipping weekends and closed days = {result.isoformat()}"
    )


def _op(sign: int) -> str:
    return "−" if sign < 0 else "+"


def _shift_days(anchor: dt.date, offset: Offset, counting: DayCounting, sign: int) -> tuple[dt.date, str]:
    """Calendar days or weeks, one more day for clear days (the deadline day itself excluded)."""
    op = _op(sign)
    days = offset.amount * (7 if offset.unit == "weeks" else 1)
    extra = 1 if counting == "clear-days" and days > 0 else 0
    result = anchor + dt.timedelta(days=sign * (days + extra))
    how = f"{anchor.isoformat()} {op} {days} day(s)"
    if offset.unit == "weeks":
        how = f"{anchor.isoformat()} {op} {offset.amount} week(s) ({days} days)"
    if extra:
        how += " − 1 (clear days: the deadline day itself is excluded)" if sign < 0 else " + 1 (clear days)"
    return result, f"{how} = {result.isoformat()}"


def _shift_months(anchor: dt.date, offset: Offset, sign: int) -> tuple[dt.date, str]:
    """Calendar months, with the rule's month-end policy for a day the month lacks."""
    result = add_months(anchor, sign * offset.amount, offset.month_end or "reject")
    how = f"{anchor.isoformat()} {_op(sign)} {offset.amount} month(s) = {result.isoformat()}"
    if result.day != anchor.day:
        how += f" (day {anchor.day} does not exist in that month: clipped to its last day)"
    return result, how


def apply_non_working_day(day: dt.date, policy: NonWorkingDayPolicy, calendar: WorkingDays) -> tuple[dt.date, str | None]:
    """Keep the date, or move it to the next/previous working day, per the rule's policy."""
    if policy == "keep" or calendar.is_working_day(day):
        return day, None
    step = 1 if policy == "next-working-day" else -1
    moved = day
    while not calendar.is_working_day(moved):
        moved += dt.timedelta(days=step)
    return moved, f"{day.isoformat()} is not a working day: moved to the {policy.replace('-', ' ')}, {moved.isoformat()}"
