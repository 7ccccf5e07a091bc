"""The requests of `procedures plan check` and `plan agenda`, POST /api/plan-check and /api/plan-agenda (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from typing import Optional

from procedures.jobs import Day, Request, Source


class PlanRequest(Request):
    plan: Source


class AgendaRequest(PlanRequest):
    OPTIONS = {"start": "--from", "end": "--to"}
    FIELDS = {"start": "from", "end": "to"}
    start: Optional[Day] = None
    end: Optional[Day] = None
    today: Optional[Day] = None
