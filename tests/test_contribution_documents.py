"""The whole answer of a contribution check, pinned: every key of its JSON document, its sentence, its trace.

The scenarios (tests/scenarios/contributions/) pin the answers in the resolution's vocabulary (a status, a
paragraph, a margin, a warning); this file pins everything else a user or a program reads in a check's
result, for one receipt in each place a check can put it: each tier of each kind of meeting, as a date and
as a moment, on and beside each cut-off, with and without the chair's admission (granted, without effect,
lapsed, undecidable), a publication date met, passed or on a closed day, the other day-counting reading,
a time without an offset, a meeting opening on a weekend or at a given session time.

The expected documents are in tests/contribution_documents.json. After a change of output that is meant,
regenerate it and review the diff:

    PROCEDURES_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -n 0 tests/test_contribution_documents.py

Only the public functions are used (``check``; ``plan``, ``verdict``, ``margin``, ``receipt_warning`` and
``classify`` as the batch and the command line use them), so the file holds however the module is arranged.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import pytest

import golden
from procedures.contributions import Meeting, check, classify, margin, plan, publication, publication_warnings, receipt_warning, verdict
from procedures.deadlines import other_counting
from procedures.errors import InputError
from procedures.timestamps import parse_received

EXPECTED = Path(__file__).parent / "contribution_documents.json"
ADMITTED = frozenset({"chair-admitted"})

SG = dict(kind="study-group", opens=dt.date(2026, 9, 14))
TDAG = dict(kind="tdag", opens=dt.date(2027, 3, 1), closes=dt.date(2027, 3, 5))
WTDC = dict(kind="wtdc", opens=dt.date(2029, 11, 5))

#: name -> (meeting, received as given, chair-admitted)
CASES: dict[str, tuple[dict, str, bool]] = {
    "sg-on-the-45-day-date-as-a-date-other-reading-delayed": (SG, "2026-07-31", False),
    "sg-on-time-well-ahead-the-other-reading-agrees": (SG, "2026-07-01T10:00:00+02:00", False),
    "sg-exactly-at-the-45-day-cut-off": (SG, "2026-07-31T23:59:59+02:00", False),
    "sg-one-second-after-the-45-day-cut-off": (SG, "2026-08-01T00:00:00+02:00", False),
    "sg-a-time-without-offset-read-as-local": (SG, "2026-08-02T12:00:00", False),
    "sg-delayed-on-the-12-day-date": (SG, "2026-09-02", False),
    "sg-delayed-one-day-after-the-45-day-date": (SG, "2026-08-01", False),
    "sg-late-as-a-date": (SG, "2026-09-10", False),
    "sg-late-exactly-at-the-start-of-the-opening-day-minus-one-second": (SG, "2026-09-13T23:59:59+02:00", False),
    "sg-late-admitted-by-the-chair": (SG, "2026-09-10T12:00:00+02:00", True),
    "sg-refused-on-the-opening-day-as-a-date": (SG, "2026-09-14", False),
    "sg-refused-the-chair-admission-has-no-effect": (SG, "2026-09-14T10:00:00+02:00", True),
    "sg-on-time-the-chair-admission-has-no-effect": (SG, "2026-07-01", True),
    "sg-opening-session-met": (SG | {"opening_time": dt.time(9, 30)}, "2026-09-14T09:29:59+02:00", False),
    "sg-opening-session-missed": (SG | {"opening_time": dt.time(9, 30)}, "2026-09-14T09:30:00+02:00", False),
    "sg-for-information-on-time": (SG | {"purpose": "information"}, "2026-09-01", False),
    "sg-for-information-late": (SG | {"purpose": "information"}, "2026-09-03T09:00:00+02:00", False),
    "sg-opening-on-a-saturday": (dict(kind="study-group", opens=dt.date(2026, 9, 12)), "2026-07-30T12:00:00+02:00", False),
    "sg-opening-on-a-saturday-published-on-a-saturday": (dict(kind="study-group", opens=dt.date(2026, 9, 12)), "2026-07-29", False),
    "sg-publication-date-after-the-easter-closures": (dict(kind="study-group", opens=dt.date(2026, 5, 4)), "2026-04-02", False),
    "sg-on-the-45-day-date-a-closed-day": (dict(kind="study-group", opens=dt.date(2026, 5, 4)), "2026-03-20", False),
    "rapporteur-group-delayed": (dict(kind="rapporteur-group", opens=dt.date(2026, 9, 14)), "2026-08-20T08:00:00Z", False),
    "tdag-on-time": (TDAG, "2027-01-10", False),
    "tdag-written-proposal-on-the-first-day": (TDAG | {"opening_time": dt.time(9, 30)}, "2027-03-01T10:00:00+01:00", True),
    "tdag-before-the-opening-session": (TDAG | {"opening_time": dt.time(9, 30)}, "2027-03-01T09:00:00+01:00", False),
    "tdag-written-proposal-on-the-last-day-as-a-date": (TDAG, "2027-03-05", True),
    "tdag-written-proposal-after-the-meeting-closed": (TDAG, "2027-03-06T00:00:00+01:00", True),
    "tdag-written-proposal-after-the-meeting-as-a-date": (TDAG, "2027-03-06", True),
    "tdag-first-day-without-the-last-day": (dict(kind="tdag", opens=dt.date(2027, 3, 1)), "2027-03-01T15:00:00+01:00", True),
    "other-group-late-as-a-date": (dict(kind="other-group", opens=dt.date(2026, 11, 2)), "2026-10-25", False),
    "regional-meeting-late-admitted": (dict(kind="regional-meeting", opens=dt.date(2026, 11, 2)), "2026-10-31", True),
    "wtdc-on-time": (WTDC, "2029-10-15T23:59:59+02:00", False),
    "wtdc-late-the-advice-not-followed": (WTDC, "2029-10-16T00:00:00+02:00", False),
    "wtdc-on-the-14-day-publication-date": (WTDC, "2029-10-22", False),
    "wtdc-after-the-14-day-publication-date": (WTDC, "2029-10-25", False),
    "wtdc-after-the-opening": (WTDC, "2029-11-06", False),
}

#: name -> (meeting, received, chair-admitted): inputs a check refuses, with its whole message.
ERRORS: dict[str, tuple[dict, str, bool]] = {
    "tdag-second-day-without-the-last-day": (dict(kind="tdag", opens=dt.date(2027, 3, 1)), "2027-03-02", True),
    "tdag-weeks-later-without-the-last-day": (dict(kind="tdag", opens=dt.date(2027, 3, 1)), "2027-04-15T09:00:00+02:00", True),
    "a-kind-without-contribution-rules": (dict(kind="rpm", opens=dt.date(2026, 9, 14)), "2026-09-01", False),
    "a-purpose-not-in-the-vocabulary": (SG | {"purpose": "opinion"}, "2026-09-01", False),
    "a-kind-not-in-the-vocabulary": (dict(kind="study-groups", opens=dt.date(2026, 9, 14)), "2026-09-01", False),
    "the-last-day-before-the-first": (TDAG | {"closes": dt.date(2027, 2, 28)}, "2027-02-01", False),
}


def _meeting(m: dict) -> Meeting:
    return Meeting(m["kind"], m["opens"], m.get("purpose", "action"), m.get("opening_time"), closes=m.get("closes"))


def _document(ruleset, name: str) -> dict:
    m, received, admitted = CASES[name]
    result = check(ruleset, _meeting(m), parse_received(received, ruleset.head.time_zone), ADMITTED if admitted else frozenset())
    return {"document": result.as_dict(), "sentence": result.sentence()}


def _error(ruleset, name: str) -> str:
    m, received, admitted = ERRORS[name]
    with pytest.raises(InputError) as info:
        check(ruleset, _meeting(m), parse_received(received, ruleset.head.time_zone), ADMITTED if admitted else frozenset())
    return str(info.value)


def _expected() -> dict:
    return json.loads(EXPECTED.read_text(encoding="utf-8")) if EXPECTED.exists() else {"answers": {}, "errors": {}}


def test_the_expected_documents_are_those_of_the_cases(ruleset):
    """The file holds one document per case and one message per error, no more (regenerating writes it)."""
    if golden.updating():
        data = {"answers": {n: _document(ruleset, n) for n in CASES}, "errors": {n: _error(ruleset, n) for n in ERRORS}}
        EXPECTED.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    data = _expected()
    assert sorted(data["answers"]) == sorted(CASES) and sorted(data["errors"]) == sorted(ERRORS), (
        f"run 'PROCEDURES_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q -n 0 {Path(__file__).relative_to(EXPECTED.parents[1])}'")


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_check_gives_its_whole_document(ruleset, name):
    expected = _expected()["answers"].get(name)
    got = _document(ruleset, name)
    assert got["sentence"] == expected["sentence"]
    for key, value in expected["document"].items():  # key by key: a key added later does not break this
        assert got["document"].get(key, "<missing>") == value, (name, key)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_a_check_it_cannot_answer_is_one_message(ruleset, name):
    assert _error(ruleset, name) == _expected()["errors"].get(name)


def test_some_cases_show_each_part_of_the_answer():
    """The cases reach what they are meant to: otherwise a regenerated file could pin less than it says."""
    docs = [a["document"] for a in _expected()["answers"].values()]
    statuses = {d["status"] for d in docs}
    assert statuses == {"on-time", "delayed", "late", "late-admitted", "refused"}
    assert any(d["publish_by_passed"] for d in docs) and any(d["publish_by"] for d in docs)
    assert any(d["exception"] for d in docs) and any(d["received"]["assumed_local_time"] for d in docs)
    assert any(d["meeting"]["opening_time"] for d in docs) and any(d["meeting"]["closes"] for d in docs)
    assert any(len(d["margin_to"]) == 2 for d in docs) and any(m["received"] == "at" for d in docs for m in d["margin_to"])
    words = " ".join(w for d in docs for w in d["warnings"])
    for part in ("under the clear-days reading", "has no effect", "was not followed", "allows this only provided",
                 "had passed when the contribution was received", "is not a working day", "a weekend day",
                 "read as Europe/Zurich local time", "compared as a date", "admits it only up to the end of"):
        assert part in words, part
    steps = " ".join(s["text"] if isinstance(s, dict) and "text" in s else json.dumps(s) for d in docs for s in d["trace"])
    for part in ("? yes", "? no", "no bound, it takes every later receipt", "≤", "becomes late-admitted",
                 "within the meeting whatever its last day", "does not apply: received after the end of"):
        assert part in steps, part


# --- the batch's path: one plan per meeting, verdicts memoised on it ----------------------------------------------


def _answers_through_shared_plans(ruleset, names: list[str]) -> dict[str, dict]:
    """Each case through one plan per meeting (and one for the other reading), in the order given, as a batch does."""
    plans: dict[Meeting, tuple] = {}
    out = {}
    for name in names:
        m, received, admitted = CASES[name]
        meeting = _meeting(m)
        if meeting not in plans:
            plans[meeting] = (plan(ruleset, meeting), plan(ruleset, meeting, other_counting(ruleset)))
        p, alt = plans[meeting]
        result = classify(p, parse_received(received, ruleset.head.time_zone), ADMITTED if admitted else frozenset(), alt)
        out[name] = {"document": result.as_dict(), "sentence": result.sentence()}
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shared_plans_give_each_receipt_the_answer_it_gets_alone(ruleset, seed):
    """A verdict memoised on a plan is never handed to a receipt it does not fit, whatever came before."""
    names = sorted(CASES) * 2
    random.Random(seed).shuffle(names)
    alone = {n: _document(ruleset, n) for n in CASES}
    assert _answers_through_shared_plans(ruleset, names) == alone


def test_the_batch_parts_add_up_to_the_checks_answer(ruleset):
    """verdict + margin + receipt_warning (the batch's row) say what classify says, without the explanation."""
    for name, (m, received, admitted) in CASES.items():
        meeting = _meeting(m)
        p, alt = plan(ruleset, meeting), plan(ruleset, meeting, other_counting(ruleset))
        r = parse_received(received, ruleset.head.time_zone)
        flags = ADMITTED if admitted else frozenset()
        whole = classify(p, r, flags, alt)
        short = classify(p, r, flags, alt, explain=False)
        v = verdict(p, r, flags, alt)
        assert margin(r, v) == whole.margin == short.margin, name
        assert v.placed.status == whole.status == short.status, name
        assert list(v.warnings) + [w for w in [receipt_warning(ruleset, r)] if w] == short.warnings, name
        assert short.trace == [] and short.deadlines == [] and whole.trace, name
        assert whole.as_dict() == _document(ruleset, name)["document"], name
        assert (v.decided_by.label, v.decided_by.day) == (whole.decided_by.label, whole.decided_by.day), name
        # the batch's "cutoff" column: the tier's own bound when it is the first, else the one missed
        first = p.bounds[0]
        assert v.decided_by is (first if v.index == 0 else p.bounds[v.index - 1]), name
        assert v.within is True or (v.within is False and v.placed.lapsed is not None), name
        # the batch's fast path asks for the publication date of another receipt day in the same place
        publish, warnings = publication(p, v.placed, r.day)
        assert publish == v.publish and publication_warnings(p, v.publish, v.passed) == warnings, name
        assert all(w in v.warnings for w in warnings), name


def test_a_verdict_is_computed_once_per_place(ruleset):
    """Two receipts in the same place with the same flags get the very same verdict (the batch renders it once)."""
    meeting = _meeting(SG)
    p, alt = plan(ruleset, meeting), plan(ruleset, meeting, other_counting(ruleset))
    zone = ruleset.head.time_zone
    a = verdict(p, parse_received("2026-09-05T10:00:00+02:00", zone), frozenset(), alt)
    b = verdict(p, parse_received("2026-09-06T10:00:00+02:00", zone), frozenset(), alt)
    c = verdict(p, parse_received("2026-09-06T10:00:00+02:00", zone), ADMITTED, alt)
    assert a is b and c is not a and c.placed.status == "late-admitted"


def test_a_check_without_the_other_reading_gives_the_same_answer_without_its_warning(ruleset):
    """classify with no alternative plan: the answer of a check, less the other reading's warning (and nothing breaks)."""
    for name, (m, received, admitted) in CASES.items():
        p = plan(ruleset, _meeting(m))
        got = classify(p, parse_received(received, ruleset.head.time_zone), ADMITTED if admitted else frozenset()).as_dict()
        expected = dict(_expected()["answers"][name]["document"])
        expected["warnings"] = [w for w in expected["warnings"] if not w.startswith("under the clear-days reading")]
        assert got == expected, name


def test_a_plan_under_the_other_reading_dates_everything_under_it(ruleset):
    """plan(..., counting): the cut-offs and the publication dates are those of that reading, memo or not.

    Under clear days the 7-day publication date of a study group opening Monday 14 September 2026 is the 6th
    (not the 7th), and WTDC's 14-day date is Sunday 21 October 2029 (not the 22nd): a receipt on the 22nd
    finds it passed, one on the 20th does not, whatever order they come in."""
    zone = ruleset.head.time_zone
    sg = plan(ruleset, _meeting(SG), "clear-days")
    early = classify(sg, parse_received("2026-07-01", zone))
    assert early.status == "on-time" and early.publish_by.date == dt.date(2026, 9, 6)
    assert classify(sg, parse_received("2026-07-31", zone)).status == "delayed"
    wtdc = plan(ruleset, _meeting(WTDC), "clear-days")
    before = classify(wtdc, parse_received("2029-10-20", zone))
    after = classify(wtdc, parse_received("2029-10-22", zone))
    assert before.publish_by.date == dt.date(2029, 10, 21) and before.publish_by_passed is None
    assert after.publish_by is None and after.publish_by_passed.date == dt.date(2029, 10, 21)
    fresh = classify(plan(ruleset, _meeting(WTDC), "clear-days"), parse_received("2029-10-20", zone))
    assert fresh.as_dict() == before.as_dict()
