"""The request of `procedures limit` (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from procedures.jobs import Number, Request, Text


class LimitRequest(Request):
    OPTIONS = {"rule_id": "RULE_ID"}
    rule_id: Text
    value: Number
    when: list[str] = []
