"""The request of `procedures document check` (procedures.jobs: made when first asked for)."""

from __future__ import annotations

from typing import Optional

from procedures.jobs import Request, Text


class DocumentRequest(Request):
    type: Text
    pages: str
    previous_pages: Optional[str] = None
    question_total: Optional[str] = None
    when: list[str] = []
