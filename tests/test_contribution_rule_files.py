"""Contribution rules a check cannot use, in a rules folder that loads: each is one line naming the rule and why.

The loader accepts these (they are well-formed); only a check finds that it cannot place a receipt with them:
two tiers rules for one kind and purpose, a tier bounded by an event other than the opening, an exception
that holds until an event other than the opening or the last day.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from conftest import REPO
from procedures.contributions import Meeting, check
from procedures.errors import InputError
from procedures.loader import forget_loaded, load_library
from procedures.timestamps import parse_received

FILES = {"documents": "section-4-documents.toml", "tdag": "section-11-tdag.toml"}
ACTION = 'id = "res1.4.2.contributions-for-action"'


def _edited(tmp_path, file: str, edit) -> object:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    path = rules / "res1-rev-baku-2025" / FILES[file]
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    forget_loaded()
    try:
        return load_library(rules).latest()
    finally:
        forget_loaded()


def _second_rule_for_study_groups(text: str) -> str:
    start, end = text.index(f"[[tiers]]\n{ACTION}"), text.index("# § 4.2 b): information documents")
    again = (text[start:end].replace(ACTION, 'id = "res1.4.2.contributions-for-action-again"')
             .replace('id = "res1.4.2.1.4.chair-admission"', 'id = "res1.4.2.1.4.chair-admission-again"')
             .replace('applies_to = ["study-group", "rapporteur-group"]', 'applies_to = ["study-group"]', 1))
    return text + "\n" + again


def _late_until_the_last_day(text: str) -> str:
    at = text.index('before = "meeting-opens"', text.index(ACTION))
    return text[:at] + 'before = "meeting-closes"' + text[at + len('before = "meeting-opens"'):]


def _until_the_first_meeting_of_the_year(text: str) -> str:
    return text.replace('until_end_of = "meeting-closes"', 'until_end_of = "first-meeting-of-year"', 1)


@pytest.mark.parametrize("file,edit,meeting,message", [
    ("documents", _second_rule_for_study_groups, Meeting("study-group", dt.date(2026, 9, 14)),
     "rules res1.4.2.contributions-for-action, res1.4.2.contributions-for-action-again all apply to a study-group for action; keep one"),
    ("documents", _late_until_the_last_day, Meeting("study-group", dt.date(2026, 9, 14), closes=dt.date(2026, 9, 18)),
     "tier 'late' of res1.4.2.contributions-for-action is bounded by 'meeting-closes', which a contribution check cannot date"),
    ("tdag", _until_the_first_meeting_of_the_year, Meeting("tdag", dt.date(2027, 3, 1), closes=dt.date(2027, 3, 5)),
     "exception res1.11.8.written-proposals holds until 'first-meeting-of-year', which a contribution check cannot date"),
], ids=["two-rules-for-one-kind-and-purpose", "a-tier-bounded-by-the-last-day", "an-exception-until-another-event"])
def test_a_rule_a_check_cannot_use_is_one_line(tmp_path, file, edit, meeting, message):
    rs = _edited(tmp_path, file, edit)  # should the loader come to refuse one, its case belongs in tests/broken/
    with pytest.raises(InputError) as info:
        check(rs, meeting, parse_received("2026-09-01", rs.head.time_zone))
    assert str(info.value) == message
