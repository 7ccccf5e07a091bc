"""The requests of `procedures rules list` and `rules show` (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from typing import Optional

from procedures.jobs import Request, Text


class RulesListRequest(Request):
    OPTIONS = {"applies_to": "--applies-to"}
    applies_to: Optional[Text] = None


class RuleShowRequest(Request):
    OPTIONS = {"rule_id": "RULE_ID"}
    rule_id: str
