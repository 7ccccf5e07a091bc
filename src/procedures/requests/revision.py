"""The request of `procedures recommendation check-revision` (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from procedures.jobs import Day, Request


class RevisionRequest(Request):
    approved: Day
    proposed: Day
    complements: bool = False
