"""What users rely on in the evaluator's results, pinned: JSON keys and values, reasons, conventions, trace steps.

Written to kill the mutants that survived the scenario files (docs/testing.md, "Mutation testing"). Each
test asserts what a user reads or a program parses; results are compared key by key so that keys added
later do not break them, while a key renamed or dropped, or a value changed, does.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from procedures.deadlines import MissingEvent, Skipped, evaluate, evaluate_applicable, evaluate_cached, other_counting
from procedures.errors import InputError
from procedures.limits import check_limit, check_revision, judge, parse_count, parse_value
from procedures.models import PassCondition
from procedures.tally import check_condition, exact_comparison
from procedures.timeline import start_event, timeline, timeline_procedures

OPENS = {"meeting-opens": dt.date(2026, 9, 14)}


def includes(got: dict, expected: dict) -> None:
    """Every expected key is there with its value (later keys may be added)."""
    assert {k: got.get(k, "<missing>") for k in expected} == expected


# --- deadlines: the JSON of one date, its trace, the other counting -------------------------------


def test_a_deadline_in_json_names_its_rule_date_cut_off_paragraphs_and_calendar(ruleset):
    d = evaluate(ruleset, "res1.4.2.1.3.untranslated-deadline", OPENS)
    assert d.as_dict() == {
        "id": "res1.4.2.1.3.untranslated-deadline", "date": "2026-09-02", "weekday": "Wednesday",
        "cutoff": "2026-09-02T23:59:59+02:00", "cite": "Res. 1 § 4.2.1.3", "also_cites": ["Res. 1 § 4.1.3.2", "Res. 1 § 4.2.1.4"],
        "modality": "shall", "summary": "Last day to receive a contribution for action that is to be published (untranslated)",
        "non_working_day": False, "non_working_reason": None, "calendar_provisional": True, "only_if": None, "done_in_plan": None,
    }


def test_a_deadline_on_a_saturday_says_so(ruleset):
    d = timeline(ruleset, "recommendation-approval", dt.date(2026, 1, 31)).deadlines[0]
    includes(d.as_dict(), {"id": "res1.7.3.5.3.request", "date": "2026-02-28", "weekday": "Saturday",
                           "cutoff": "2026-02-28T23:59:59+01:00", "non_working_day": True, "non_working_reason": "Saturday"})


def test_the_trace_gives_each_step_with_its_rule_and_paragraph(ruleset):
    d = evaluate(ruleset, "res1.4.2.1.3.delayed-publication", {**OPENS, "received": dt.date(2026, 9, 1)})
    assert [s.as_dict() for s in d.trace] == [
        {"rule": "res1.4.2.1.3.delayed-publication", "cite": "Res. 1 § 4.2.1.3", "text": "received is 2026-09-01 (Tuesday)"},
        {"rule": "res1.4.2.1.3.delayed-publication", "cite": "Res. 1 § 4.2.1.3",
         "text": "3 working days after received: 2026-09-01 + 3 working day(s), counting from the day after, "
                 "skipping weekends and closed days = 2026-09-04"},
    ]


@pytest.mark.parametrize("counting, date, step", [
    ("date-minus-n", dt.date(2026, 9, 2), "12 calendar days before meeting-opens: 2026-09-14 − 12 day(s) = 2026-09-02"),
    ("clear-days", dt.date(2026, 9, 1),
     "12 calendar days before meeting-opens: 2026-09-14 − 12 day(s) − 1 (clear days: the deadline day itself is excluded) = 2026-09-01"),
])
def test_the_day_counting_convention_given_is_the_one_used(ruleset, counting, date, step):
    d = evaluate(ruleset, "res1.4.2.1.3.untranslated-deadline", OPENS, counting)
    assert d.date == date and d.trace[-1].text == step


def test_the_other_counting_is_the_one_the_ruleset_does_not_use(ruleset):
    assert ruleset.head.day_counting == "date-minus-n"
    assert other_counting(ruleset) == "clear-days"
    assert other_counting(_with_counting(ruleset, "clear-days")) == "date-minus-n"


def _with_counting(rs, counting):
    from copy import copy

    other = copy(rs)
    other.spec = rs.spec.model_copy(update={"ruleset": rs.head.model_copy(update={"day_counting": counting})})
    return other


def test_the_memo_gives_what_evaluate_gives_under_each_counting(ruleset):
    rs = ruleset
    rs.evaluated.clear()  # the library is loaded once per process: start from an empty memo
    rule = "res1.4.2.1.1.translation-deadline"
    for counting in (None, "date-minus-n", "clear-days"):
        got = evaluate_cached(rs, rule, OPENS, counting)
        assert got == evaluate(rs, rule, OPENS, counting)
        assert evaluate_cached(rs, rule, OPENS, counting) is got
    assert evaluate_cached(rs, rule, OPENS, "clear-days").date == dt.date(2026, 7, 30)
    assert evaluate_cached(rs, rule, OPENS).date == dt.date(2026, 7, 31)


def test_a_rule_that_needs_an_event_not_given_is_skipped_with_the_reason(ruleset):
    found, skipped = evaluate_applicable(ruleset, "study-group", OPENS)
    assert Skipped("res1.4.2.1.3.delayed-publication", "Res. 1 § 4.2.1.3",
                   "needs the date of 'received' (the day a contribution was received)") in skipped
    assert skipped[0].as_dict().keys() == {"id", "cite", "reason"}
    rule_id, cite, reason = skipped[0]
    assert rule_id not in {d.id for d in found}
    with pytest.raises(MissingEvent) as exc:
        evaluate(ruleset, "res1.4.2.1.3.delayed-publication", OPENS)
    assert exc.value.event == "received" and str(exc.value) == reason


# --- timelines ---------------------------------------------------------------------------------------


def test_a_timeline_in_json_gives_its_start_assumptions_warnings_and_notes(ruleset):
    t = timeline(ruleset, "recommendation-approval", dt.date(2026, 1, 31)).as_dict()
    includes(t, {
        "ruleset": "res1-rev-baku-2025", "procedure": "recommendation-approval",
        "start": {"event": "sg-adoption", "date": "2026-01-31"},
        "assumptions": ["the request for approval by consultation not given: assumed on 2026-02-28, the latest Res. 1 § 7.3.5.3 allows; "
                        "give --event consultation-request-sent=DATE for the real date"],
        "skipped": [],
        "warnings": ["2026-02-28 (Res. 1 § 7.3.5.3) falls on a non-working day: Saturday",
                     "the closure calendar for 2026 is provisional (computed, not yet checked against ITU's published list)"],
    })
    assert [d["id"] for d in t["deadlines"]] == ["res1.7.3.5.3.request", "res1.7.3.5.3.replies"]
    assert t["findings"] == [{
        "severity": "note", "rule": "res1.7.3.5.3.request", "cite": "Res. 1 § 7.3.5.3", "modality": "shall",
        "message": "request to Member States to approve by consultation sent by the Director due by 2026-02-28, on the same day as "
                   "2026-02-28: last day for a delegation that asked for more time to advise formal opposition, with reasons "
                   "(Res. 1 § 7.3.5.2); the meeting's last day not given: taken as the study group's adoption (2026-01-31), the earliest it can be; a formal "
                   "opposition still arriving by then sends the draft to the next WTDC instead, and the consultation stops",
        "dates": {"date": "2026-02-28", "other_rule": "res1.7.3.5.2.formal-opposition", "other_date": "2026-02-28",
                  "meeting-closes": "2026-01-31"},
        "meetings": [], "other_reading": None,
    }]


def test_a_request_sent_before_formal_opposition_ends_is_noted_with_the_date_given(ruleset):
    t = timeline(ruleset, "recommendation-approval", dt.date(2026, 9, 18),
                 {"meeting-closes": dt.date(2026, 9, 18), "consultation-request-sent": dt.date(2026, 10, 1)})
    notes = [f for f in t.findings if f.severity == "note"]
    assert len(notes) == 1
    assert "sent (consultation-request-sent) on 2026-10-01, before 2026-10-18" in notes[0].message
    assert notes[0].dates == {"date": "2026-10-01", "other_rule": "res1.7.3.5.2.formal-opposition", "other_date": "2026-10-18"}


def test_the_procedures_with_a_timeline_and_their_starting_events(ruleset):
    assert timeline_procedures(ruleset) == ["question-approval", "question-deletion", "recommendation-approval",
                                            "recommendation-deletion", "consultation-decision"]
    assert start_event(ruleset, "consultation-decision") == "meeting-closes"
    with pytest.raises(InputError, match="procedure 'recommendation-adoption' has no dates to compute; procedures with a timeline: question-approval"):
        start_event(ruleset, "recommendation-adoption")
    with pytest.raises(InputError, match="unknown procedure 'nope'; use one of: question-approval, question-deletion"):
        start_event(ruleset, "nope")


# --- limits: numbers and dates against bounds --------------------------------------------------------


def test_a_number_within_its_bound_in_json(ruleset):
    r = check_limit(ruleset, "res1.4.1.3.6.contribution-pages", Fraction(5))
    assert r.as_dict() == {
        "rule": "res1.4.1.3.6.contribution-pages", "subject": None, "quantity": "pages of a contribution", "unit": "pages",
        "value": "5", "at_most": 5, "at_least": None, "within": True, "severity": "ok", "modality": "should",
        "message": "5 pages: within at most 5", "comparison": "5 ≤ 5", "cite": ["Res. 1 § 4.1.3.6"], "exception": None,
        "remedy": None, "warnings": [],
    }
    assert r.line() == "OK: 5 pages: within at most 5 (Res. 1 § 4.1.3.6, should)."


def test_a_number_over_its_bound_gives_the_remedy_the_exception_and_the_other_reading(ruleset):
    r = check_limit(ruleset, "res1.4.1.3.6.contribution-pages", Fraction(6))
    includes(r.as_dict(), {
        "value": "6", "within": False, "severity": "warning", "comparison": "6 > 5",
        "message": "6 pages: more than allowed (at most 5) — a contribution runs in principle to at most five pages; "
                   "exception: after consulting the chair, a longer contribution for action may be accepted; a summary its "
                   "author drafts may be published (Res. 1 § 4.2.1.2, may)",
        "remedy": "refer to existing texts instead of repeating them, move information material to annexes or an information "
                  "document, or consult the chair (§ 4.2.1.2) and provide a summary for publication",
        "warnings": ["other reading (the five pages of § 4.1.3.6 do not count the cover page, so six with it): 6 pages, "
                     "which would be within at most 6"],
    })
    assert r.line().startswith("WARNING: 6 pages: more than allowed") and "\n  what can be done: refer to existing texts" in r.line()


@pytest.mark.parametrize("value, severity, within, comparison, message", [
    (50, "ok", True, "50 ≤ 50", "50 pages: at most 50 — an output report is published in the six official languages as soon as "
                                 "practicable; past 50 pages the cross-referenced rule applies"),
    (51, "note", True, "51 > 50", "51 pages: more than 50 — § 2.1.2.2 sends the publication to another rule: as printed, § 2.4.1, "
                                   "which defines ITU-D objectives/programmes, so the reference looks defective"),
])
def test_a_threshold_crossed_is_a_note_not_a_fault(ruleset, value, severity, within, comparison, message):
    r = check_limit(ruleset, "res1.2.1.2.2.report-publication", Fraction(value))
    includes(r.as_dict(), {"severity": severity, "within": within, "comparison": comparison, "message": message})
    assert (r.remedy is None) == (value == 50)


def test_a_range_missed_from_below_and_kept(ruleset):
    low = check_limit(ruleset, "res1.3.2.1.vice-chairs-per-region", Fraction(1))
    includes(low.as_dict(), {
        "at_most": 3, "at_least": 2, "within": False, "severity": "warning", "comparison": "1 < 2",
        "message": "1 vice-chair: fewer than allowed (at least 2 and at most 3) — two or three vice-chairs of a study group come "
                   "from each of the six regional telecommunication organizations",
        "warnings": ["other reading (a cap only: 'limited to two or three' bounds the number from above, so fewer than two is "
                     "fine): 1 vice-chair, which would be within at most 3"],
    })
    kept = check_limit(ruleset, "res1.3.2.1.vice-chairs-per-region", Fraction(3))
    includes(kept.as_dict(), {"within": True, "comparison": "2 ≤ 3 and 3 ≤ 3", "message": "3 vice-chairs: within at least 2 and at most 3",
                              "warnings": []})
    with pytest.raises(InputError, match=r"^--when bogus does not apply to res1.3.2.1.vice-chairs-per-region; these rules name no circumstance$"):
        check_limit(ruleset, "res1.3.2.1.vice-chairs-per-region", Fraction(3), frozenset({"bogus"}))


def test_a_grown_bound_reads_the_previous_value_or_says_what_it_assumed(ruleset):
    rule = ruleset.rules["res1.3.10.5.1.output-report-pages"]
    assumed = judge(rule, Fraction(60), frozenset({"revised-report"}))
    includes(assumed.as_dict(), {
        "at_most": 70, "within": True, "exception": "res1.3.10.5.3.revised-report", "cite": ["Res. 1 § 3.10.5.1", "Res. 1 § 3.10.5.3"],
        "message": "60 pages: within at most 70 (50 + 20) — a revised output report may run beyond 50 pages, by no more than 20 "
                   "pages added in each revision (may)",
        "warnings": ["previous-pages not given: taken to be at most 50, so the bound is 50 + 20"],
    })
    given = judge(rule, Fraction(80), frozenset({"revised-report"}), {"previous-pages": 65})
    includes(given.as_dict(), {
        "at_most": 85, "within": True, "comparison": "80 ≤ 85",
        "message": "80 pages: within at most 85 (65 previous + 20 added) — a revised output report may run beyond 50 pages, by no "
                   "more than 20 pages added in each revision (may)",
        "warnings": ["other reading (the 20 pages bound the whole excess over 50, whatever earlier revisions added): at most 70 "
                     "pages, so 80 pages would be more than allowed"],
    })
    small = judge(rule, Fraction(80), frozenset({"revised-report"}), {"previous-pages": 30})
    includes(small.as_dict(), {"at_most": 70, "within": False, "comparison": "80 > 70"})
    assert "(50 base + 20 added)" in small.message


def test_a_subject_leads_the_message(ruleset):
    r = judge(ruleset.rules["res1.3.3.1.questions-per-rapporteur"], Fraction(2), subject="Ana", detail=" (Q1/1, Q2/1)")
    assert r.message.startswith("Ana: 2 study Questions (Q1/1, Q2/1): more than allowed (at most 1)")
    assert r.as_dict()["subject"] == "Ana"


def test_a_rule_that_is_not_a_limit_is_refused_with_the_limits_named(ruleset):
    with pytest.raises(InputError, match=r"^'res1.7.3.5.3.request' is not a limit or role rule; they are: "
                                         r"res1.annex2.contribution-body-pages, res1.2.1.2.2.report-publication, .*, "
                                         r"res1.3.3.5.one-rapporteur-per-question$"):
        check_limit(ruleset, "res1.7.3.5.3.request", Fraction(1))
    with pytest.raises(InputError, match=r"^res1.7.1.2.revision-interval compares two dates \(recommendation-approved, revision-considered\), "
                                         r"not a number; check it with dates, e.g. procedures recommendation check-revision$"):
        check_limit(ruleset, "res1.7.1.2.revision-interval", Fraction(1))


def test_a_revision_too_soon_in_json(library):
    r = check_revision(library, dt.date(2026, 5, 10), dt.date(2027, 3, 1))
    d = r.as_dict()
    includes(d, {"approved": "2026-05-10", "proposed": "2027-03-01", "within": False})
    assert d["results"] == [{
        "rule": "res1.7.1.2.revision-interval", "subject": None,
        "quantity": "time from a Recommendation's approval to the approval of its revision", "unit": "years",
        "value": "2027-03-01", "at_most": None, "at_least": "2028-05-10", "within": False, "severity": "warning", "modality": "should",
        "message": "the revision's consideration on 2027-03-01 is before 2028-05-10 (24 months after the Recommendation's approval "
                   "on 2026-05-10) — a Recommendation is not normally revised within two years of its approval; exception: a "
                   "revision that complements the Recommendation rather than changing it may come sooner (Res. 1 § 7.1.2, may)",
        "comparison": "2027-03-01 < 2028-05-10 (2026-05-10 + 24 month(s) = 2028-05-10)", "cite": ["Res. 1 § 7.1.2"],
        "exception": None, "remedy": "wait until two years have passed, or show that the revision complements rather than changes "
                                     "the Recommendation",
        "warnings": [],
    }]


def test_a_revision_on_the_second_anniversary_is_in_time(library):
    with pytest.raises(InputError, match=r"^--when bogus does not apply to res1.7.1.2.revision-interval; use one of: complements$"):
        check_revision(library, dt.date(2026, 5, 10), dt.date(2028, 5, 10), frozenset({"bogus"}))
    r = check_revision(library, dt.date(2026, 5, 10), dt.date(2028, 5, 10))
    assert r.within
    includes(r.results[0].as_dict(), {
        "within": True, "severity": "ok", "exception": None, "remedy": None,
        "message": "the revision's consideration on 2028-05-10 is on or after 2028-05-10 (24 months after the Recommendation's approval on 2026-05-10)",
        "comparison": "2028-05-10 ≥ 2028-05-10 (2026-05-10 + 24 month(s) = 2028-05-10)",
        "warnings": [],
    })


def test_a_complementary_revision_may_come_sooner(library):
    r = check_revision(library, dt.date(2026, 5, 10), dt.date(2027, 3, 1), frozenset({"complements"}))
    includes(r.results[0].as_dict(), {
        "within": True, "severity": "ok", "exception": "res1.7.1.2.complementary-revision", "remedy": None,
        "cite": ["Res. 1 § 7.1.2"],
        "message": "the revision's consideration on 2027-03-01 is before 2028-05-10 (24 months after the Recommendation's approval on 2026-05-10), but a "
                   "revision that complements the Recommendation rather than changing it may come sooner (may)",
        "comparison": "2027-03-01 < 2028-05-10 (2026-05-10 + 24 month(s) = 2028-05-10); exception complements",
    })


def test_a_revision_before_the_approval_is_refused(library):
    with pytest.raises(InputError, match=r"^revision-considered 2026-01-01 is before recommendation-approved 2026-05-10; check the dates$"):
        check_revision(library, dt.date(2026, 5, 10), dt.date(2026, 1, 1))


@pytest.mark.parametrize("text, value", [("7", Fraction(7)), (" 1.5 ", Fraction(3, 2)), ("11/2", Fraction(11, 2)), ("0", Fraction(0)),
                                         ("123456789012345", Fraction(123456789012345))])
def test_a_value_is_read_exactly(text, value):
    assert parse_value(text) == value


@pytest.mark.parametrize("text, message", [
    ("1e3", "--value '1e3' is not a number of at most 15 characters; e.g. 7 or 1.5"),
    ("1234567890123456", "--value '1234567890123456' is not a number of at most 15 characters; e.g. 7 or 1.5"),
    ("123456789012345678901", "--value '12345678901234567890…' is not a number of at most 15 characters; e.g. 7 or 1.5"),
    ("٣", "--value '٣' is not a number of at most 15 characters; e.g. 7 or 1.5"),
    ("x7", "--value 'x7' is not a number; e.g. 7 or 1.5"),
    ("1/0", "--value '1/0' is not a number; e.g. 7 or 1.5"),
    ("-1", "--value -1 is negative; a count cannot be"),
    ("-0", "--value -0 is negative; a count cannot be"),  # found by tests/test_web_fuzz.py: Fraction('-0') is 0
    ("+5", "--value '+5' has a sign; write the count without it, e.g. 5"),
])
def test_a_value_that_is_not_a_count_is_refused_in_one_line(text, message):
    with pytest.raises(InputError) as exc:
        parse_value(text)
    assert str(exc.value) == message


def test_a_count_below_its_least_is_refused():
    assert parse_count("3", "--pages", 1) == 3
    assert parse_count("1", "--pages", 1) == 1
    with pytest.raises(InputError, match=r"^--pages 0 is below 1; give a count of 1 or more$"):
        parse_count("0", "--pages", 1)
    with pytest.raises(InputError, match=r"^--value -1 is negative"):
        parse_value("-1", "--value")


# --- the closure calendar: every closed day with its name, source and standing ------------------------

CALENDAR = """
[calendar]
name = "Test headquarters"
weekend = ["saturday", "sunday"]
first_year = 2027
last_year = 2028
official_years = [2028]
weekend_closures = "{policy}"

[public_holidays]
source = "holidays"
country = "CH"
subdivision = "GE"

[feasts]
calendar = "umm-al-qura"
source = "ITU closure (estimated date)"
days = [{{ name = "Eid al-Fitr", hijri_month = 10, hijri_day = 1 }}]

[[closure]]
date = 2027-01-02
name = "Staff day"
source = "ITU closure (Service Order 27/01)"

[[closure]]
date = 2027-06-06
name = "Open day"
source = "ITU closure (Service Order 27/02)"

[[correction]]
date = 2027-03-10
action = "add"
name = "Extra day"
note = "ITU list 2027"

[[correction]]
date = 2027-12-25
action = "remove"
name = "Christmas"
note = "not closed this year"

[[generated]]
year = 2027
public_holidays = [{{ date = 2027-01-01, name = "New Year" }}, {{ date = 2027-12-25, name = "Christmas" }}]
feasts = [{{ date = 2027-03-09, name = "Eid al-Fitr" }}]

[[generated]]
year = 2028
public_holidays = [{{ date = 2028-01-01, name = "New Year" }}]
"""


def _calendar(tmp_path, policy="no-shift", text=CALENDAR):
    from procedures.calendar import load_calendar

    folder = tmp_path / "rules-copy"
    folder.mkdir(exist_ok=True)
    path = folder / "calendar.toml"
    path.write_text(text.format(policy=policy))
    return load_calendar(path)


def _days(cal, year):
    return [(c.date.isoformat(), c.name, c.source, c.provisional) for c in cal.closed_days(year)]


def test_every_closed_day_has_its_name_source_and_standing(tmp_path):
    cal = _calendar(tmp_path)
    assert _days(cal, 2027) == [
        ("2027-01-01", "New Year", "public holiday (CH-GE, holidays package)", True),
        ("2027-01-02", "Staff day", "ITU closure (Service Order 27/01)", True),
        ("2027-03-09", "Eid al-Fitr", "ITU closure (estimated date)", True),
        ("2027-03-10", "Extra day", "correction: ITU list 2027", True),
        ("2027-06-06", "Open day", "ITU closure (Service Order 27/02)", True),
    ]
    assert _days(cal, 2028) == [("2028-01-01", "New Year", "public holiday (CH-GE, holidays package)", False)]
    assert cal.name == "Test headquarters" and list(cal.years) == [2027, 2028]


def test_a_closure_on_a_weekend_closes_the_nearest_working_day_in_a_provisional_year_only(tmp_path):
    cal = _calendar(tmp_path, "nearest-working-day")
    in_lieu = [d for d in _days(cal, 2027) if "in lieu" in d[1]]
    # Sunday 6 June → Monday 7 June; Saturday 2 January → Friday 1 January is closed, Thursday 31 December 2026 is not covered
    assert in_lieu == [("2027-06-07", "Open day (in lieu)", "in lieu of Sunday 2027-06-06 (a closure on a weekend)", True)]
    # 1 January 2028 is a Saturday of an official year: no day in lieu
    assert _days(cal, 2028) == [("2028-01-01", "New Year", "public holiday (CH-GE, holidays package)", False)]
    assert not cal.is_working_day(dt.date(2027, 6, 7)) and cal.is_working_day(dt.date(2027, 12, 31))


def test_a_saturday_closure_moves_back_to_friday(tmp_path):
    text = CALENDAR.replace("date = 2027-01-02\nname = \"Staff day\"", "date = 2027-01-09\nname = \"Staff day\"")
    cal = _calendar(tmp_path, "nearest-working-day", text)
    assert ("2027-01-08", "Staff day (in lieu)", "in lieu of Saturday 2027-01-09 (a closure on a weekend)", True) in _days(cal, 2027)


def test_why_a_day_is_not_a_working_day(tmp_path):
    cal = _calendar(tmp_path)
    assert cal.why_not_working(dt.date(2027, 1, 1)) == "New Year (ITU closed)"
    assert cal.why_not_working(dt.date(2027, 1, 3)) == "Sunday"
    assert cal.why_not_working(dt.date(2027, 1, 4)) is None
    assert cal.why_not_working(dt.date(2027, 12, 25)) == "Saturday"  # Christmas removed by a correction; still a weekend
    assert cal.closure(dt.date(2027, 12, 24)) is None


def test_a_date_outside_the_calendar_names_the_file_to_extend(tmp_path):
    from procedures.errors import CalendarError

    cal = _calendar(tmp_path)
    with pytest.raises(CalendarError) as exc:
        cal.is_working_day(dt.date(2029, 2, 1))
    assert str(exc.value) == ("2029-02-01 is in 2029, which the closure calendar 'Test headquarters' does not cover (2027–2028); "
                              "add the year's closures to rules-copy/calendar.toml and widen first_year/last_year")
    with pytest.raises(CalendarError, match="^2026-12-31 is in 2026"):
        cal.closure(dt.date(2026, 12, 31))
    with pytest.raises(CalendarError, match="^2029-01-01 is in 2029"):
        cal.closed_days(2029)


def test_a_public_holiday_source_without_a_subdivision(tmp_path):
    cal = _calendar(tmp_path, text=CALENDAR.replace('subdivision = "GE"\n', ""))
    assert cal.public_holiday_source() == "public holiday (CH, holidays package)"


def test_a_calendar_whose_generated_years_do_not_match_is_refused_with_the_fix(tmp_path):
    from procedures.errors import RuleFileError

    text = CALENDAR.replace("last_year = 2028", "last_year = 2030").replace("year = 2028\n", "year = 2031\n").replace(
        "date = 2028-01-01", "date = 2031-01-01")
    with pytest.raises(RuleFileError) as exc:
        _calendar(tmp_path, text=text)
    err = exc.value
    assert err.file.endswith("rules-copy/calendar.toml") and err.rule is None
    assert err.problem == ("no generated closures for 2028, 2029, 2030; generated closures for 2031, outside first_year–last_year "
                           "(the calendar covers 2027–2030)")
    assert err.fix == "run 'procedures calendar generate --years 2027-2030' (with --rules for a copy of the rules)"


# --- tallies: every row accounted for, with its reason; the JSON a circular is written from ---------------


def _replies(rows):
    from procedures.tally import Reply

    return [Reply(i + 2, *r) for i, r in enumerate(rows)]


MIXED = [("France", "approve", "2026-03-02 10:00"), ("Huawei", "approve", "2026-03-03"), ("FRA", "disapprove", "2026-03-04"),
         ("Kenya", "approve", "2026-02-27"), ("RUS", "approve", "2026-06-02"), ("Chile", "maybe", "2026-03-05"),
         ("", "approve", "2026-03-05"), ("Chile", "abstain", "2026-03-06"), ("Brazil", "approve", "2026-03-07"),
         ("India", "approve", ""), ("Japan", "approve", "2026-13-01")]


def test_a_tally_in_json_accounts_for_every_row_with_its_reason(ruleset):
    from procedures.tally import tally

    d = tally(ruleset, "recommendation-approval", _replies(MIXED), dt.date(2026, 2, 28)).as_dict()
    includes(d, {
        "procedure": "recommendation-approval", "rule": "res1.7.3.5.5.recommendation-approval", "outcome": "referred-back",
        "what_follows": "referred back to the study group", "passed": False,
        "counts": {"approve": 1, "disapprove": 1, "abstain": 1}, "replies_counted": 3, "share": "1/3",
        "threshold": {"answer": "approve", "comparison": "share_at_least", "value": "7/10", "of": "replies", "base": 3,
                      "words": "at least 70 % of the replies counted are 'approve'"},
        "comparison": "1 of 3 replies approves: ≈ 33.33 %, less than the 70 % required",
        "window": {"opens": "2026-02-28", "closes": "2026-05-28", "cutoff": "2026-05-28T23:59:59+02:00", "cite": "Res. 1 § 7.3.5.3"},
        "requested_by": None, "provisional": True, "unreadable_rows": [7, 8, 11, 12], "rows_read": 11,
        "cite": ["Res. 1 § 7.3.5.5", "Res. 1 § 7.3.5.3", "Res. 1 § 7.3.5.4"], "modality": "shall",
        "superseded": [{"row": 2, "member_state": "France (FRA)", "answer": "approve", "superseded_by": 4}],
        "warnings": ["received times without an offset were read as Europe/Zurich local time (line 2); add the offset (e.g. +02:00) "
                     "where a time was recorded elsewhere"],
    })
    assert d["excluded"] == [
        {"row": 2, "member_state": "France (FRA)", "answer": "approve", "reason": "superseded by the later reply on row 4"},
        {"row": 3, "member_state": "Huawei", "answer": "approve", "unreadable": False,
         "reason": "'Huawei' is not recognised as a Member State: only Member States' replies count"},
        {"row": 5, "member_state": "Kenya", "answer": "approve", "unreadable": False,
         "reason": "received 2026-02-27, before the circular of 2026-02-28"},
        {"row": 6, "member_state": "RUS", "answer": "approve", "unreadable": False,
         "reason": "received 2026-06-02, after the reply window closed on 2026-05-28 23:59:59 CEST (Res. 1 § 7.3.5.3)"},
        {"row": 7, "member_state": "Chile", "answer": "maybe", "unreadable": True,
         "reason": "unknown answer 'maybe'; answers for recommendation-approval: approve, disapprove, abstain"},
        {"row": 8, "member_state": "", "answer": "approve", "unreadable": True, "reason": "no member state named"},
        {"row": 11, "member_state": "India", "answer": "approve", "unreadable": True,
         "reason": "no received date: it cannot be placed in the reply window"},
        {"row": 12, "member_state": "Japan", "answer": "approve", "unreadable": True,
         "reason": "received '2026-13-01' is not an ISO 8601 date or timestamp; e.g. 2026-09-02 or 2026-09-02T10:12:00+02:00"},
    ]
    assert d["counted"] == [
        {"row": 4, "member_state": "France (FRA)", "answer": "disapprove", "received": "2026-03-04", "assumed_local_time": False},
        {"row": 9, "member_state": "Chile (CHL)", "answer": "abstain", "received": "2026-03-06", "assumed_local_time": False},
        {"row": 10, "member_state": "Brazil (BRA)", "answer": "approve", "received": "2026-03-07", "assumed_local_time": False},
    ]
    other = {"reading": "abstentions excluded from the replies", "replies_counted": 2, "share": "1/2", "outcome": "referred-back",
             "comparison": "1 of 2 replies approves: 50 %, less than the 70 % required"}
    assert d["other_reading"] == other and d["other_readings"] == [other]
    rule, window = "res1.7.3.5.5.recommendation-approval", "res1.7.3.5.3.replies"
    assert d["trace"] == [
        {"rule": window, "cite": "Res. 1 § 7.3.5.3", "text": "consultation-request-sent is 2026-02-28 (Saturday)"},
        {"rule": window, "cite": "Res. 1 § 7.3.5.3", "text": "3 months after consultation-request-sent: 2026-02-28 + 3 month(s) = 2026-05-28"},
        {"rule": rule, "cite": "Res. 1 § 7.3.5.5", "text": "11 rows read: 3 counted, 8 excluded (1 superseded)"},
        {"rule": rule, "cite": "Res. 1 § 7.3.5.5", "text": "counts: approve 1, disapprove 1, abstain 1; replies counted: 3"},
        {"rule": rule, "cite": "Res. 1 § 7.3.5.5", "text": "passes when at least 70 % of the replies counted are 'approve': "
                                                          "1 of 3 replies approves: ≈ 33.33 %, less than the 70 % required"},
        {"rule": rule, "cite": "Res. 1 § 7.3.5.5", "text": "in whole numbers: 1 × 10 < 7 × 3 (10 < 21)"},
    ]


def test_a_received_time_without_an_offset_is_marked_where_it_counts(ruleset):
    from procedures.tally import tally

    d = tally(ruleset, "recommendation-approval", _replies([("France", "approve", "2026-03-02 10:00")]), dt.date(2026, 2, 28)).as_dict()
    assert d["counted"] == [{"row": 2, "member_state": "France (FRA)", "answer": "approve", "received": "2026-03-02 10:00 CET",
                             "assumed_local_time": True}]


# --- tally explanations read as a person would write them (issue 18 item 10); the arithmetic stays in the trace ---


def cond(**kw) -> PassCondition:
    return PassCondition(**kw)


@pytest.mark.parametrize(
    "condition, counts, base, passes, words",
    [
        (cond(answer="approve", share_at_least="7/10"), {"approve": 7}, 10, True, "7 of 10 replies approve: 70 %, at least the 70 % required"),
        (cond(answer="approve", share_at_least="7/10"), {"approve": 6}, 10, False, "6 of 10 replies approve: 60 %, less than the 70 % required"),
        (cond(answer="approve", share_at_least="7/10"), {"approve": 1}, 1, True, "1 of 1 reply approves: 100 %, at least the 70 % required"),
        (cond(answer="approve", share_at_least="7/10"), {"approve": 2}, 3, False, "2 of 3 replies approve: ≈ 66.67 %, less than the 70 % required"),
        (cond(answer="no-objection", share_more_than="1/2"), {"no-objection": 3}, 5, True,
         "3 of 5 replies answer 'no-objection': 60 %, more than the 50 % required"),
        (cond(answer="no-objection", share_more_than="1/2"), {"no-objection": 1}, 2, False,
         "1 of 2 replies answers 'no-objection': 50 %, not more than the 50 % required"),
        (cond(answer="request", share_more_than="1/2", of="electorate"), {"request": 6}, 11, True,
         "6 of the 11 in the electorate request: ≈ 54.55 %, more than the 50 % required"),
        (cond(answer="object", count_below=2), {"object": 1}, 9, True, "1 reply objects: fewer than 2, as required"),
        (cond(answer="object", count_below=2), {"object": 2}, 9, False, "2 replies object: not fewer than 2"),
        (cond(answer="object", count_below=1), {}, 0, True, "0 replies object: fewer than 1, as required"),
        (cond(answer="support", count_at_least=4), {"support": 4}, 4, True, "4 replies support: at least the 4 required"),
        (cond(answer="support", count_at_least=4), {"support": 3}, 5, False, "3 replies support: fewer than the 4 required"),
        (cond(answer="approve", share_at_least="7/10"), {}, 0, False, "no replies counted, so there is no share to take: it fails"),
        (cond(answer="request", share_more_than="1/2", of="electorate"), {}, 0, False,
         "an electorate of none, so there is no share to take: it fails"),
    ],
)
def test_the_comparison_reads_as_a_sentence(condition, counts, base, passes, words):
    ok, _, text = check_condition(condition, counts, base)
    assert (ok, text) == (passes, words)


@pytest.mark.parametrize(
    "condition, counts, base, line",
    [
        (cond(answer="approve", share_at_least="7/10"), {"approve": 7}, 10, "in whole numbers: 7 × 10 ≥ 7 × 10 (70 ≥ 70)"),
        (cond(answer="approve", share_at_least="7/10"), {"approve": 6}, 10, "in whole numbers: 6 × 10 < 7 × 10 (60 < 70)"),
        (cond(answer="no-objection", share_more_than="1/2"), {"no-objection": 3}, 5, "in whole numbers: 3 × 2 > 1 × 5 (6 > 5)"),
        (cond(answer="no-objection", share_more_than="1/2"), {"no-objection": 1}, 2, "in whole numbers: 1 × 2 ≤ 1 × 2 (2 ≤ 2)"),
        (cond(answer="object", count_below=2), {"object": 1}, 3, None),
        (cond(answer="approve", share_at_least="7/10"), {}, 0, None),
    ],
)
def test_the_exact_arithmetic_is_one_line_of_the_trace(condition, counts, base, line):
    assert exact_comparison(condition, counts, base) == line


def test_an_answer_after_the_meeting_from_a_delegation_that_did_not_ask_is_excluded_with_who_may(ruleset):
    from procedures.tally import tally

    rows = [("Germany", "object", "2026-04-01"), ("France", "no-objection", "2026-03-20"), ("Italy", "object", "2026-04-02")]
    r = tally(ruleset, "consultation-decision", _replies(rows), dt.date(2026, 3, 20), requested_by=["Italy"])
    assert (r.outcome.outcome, r.comparison) == ("to-next-wtdc", "1 reply objects: not fewer than 1")
    assert [e.reason for e in r.excluded] == [
        "'object' received 2026-04-01, after the last day of the meeting (2026-03-20): only the delegations that asked for more time "
        "at the meeting may still give it (Res. 1 § 7.3.5.2), and Germany (DEU) is not among them"]
    assert ("after the last day of the meeting (2026-03-20), only the delegations that asked for more time at the meeting may still "
            "give 'object': Italy (ITA)") in [s.text for s in r.trace]
    assert r.requested_by == ["Italy (ITA)"] and r.warnings == [] and r.other_readings == []


def test_an_answer_after_the_meeting_from_someone_not_named_counts_and_the_other_reading_is_shown(ruleset):
    from procedures.tally import tally

    r = tally(ruleset, "consultation-decision", _replies([("Germany", "object", "2026-04-01"), ("France", "no-objection", "2026-03-20")]),
              dt.date(2026, 3, 20))
    assert r.outcome.outcome == "to-next-wtdc"
    assert r.warnings == [
        "the input cannot tell which answers come from the delegations that asked for more time at the meeting (Res. 1 § 7.3.5.2): "
        "1 'object' after the last day of the meeting (line 2) counted as if from them (the reading used; give --requested-by to say "
        "who asked, or 'none'); if none were, it would be consultation-proceeds (0 replies object: fewer than 1, as required)"]
    assert [o.as_dict() for o in r.other_readings] == [{
        "reading": "none of the answers after the last day of the meeting from the delegations that asked for more time at the meeting",
        "replies_counted": 1, "share": None, "outcome": "consultation-proceeds", "comparison": "0 replies object: fewer than 1, as required"}]


def test_participants_are_named_in_json_and_a_delegation_named_twice_shows_the_other_reading(ruleset):
    from procedures.tally import Reply, tally

    rows = [Reply(2, "France", "request", None, None, "Ana"), Reply(3, "France", "request"), Reply(4, "France", "no-request"),
            Reply(5, "Kenya", "no-request")]
    d = tally(ruleset, "information-translation", rows, electorate_size=5).as_dict()
    assert d["comparison"] == "2 of the 5 in the electorate request: 40 %, not more than the 50 % required"
    assert [c.get("participant") for c in d["counted"]] == ["Ana", None, None, None]
    assert d["warnings"] == [
        "the file names delegations, not participants: 2 answers come from delegations named more than once (lines 3, 4) and count as "
        "separate participants (the reading used: Res. 1 § 4.2.2.2 counts people; add a participant column to tell); counting one "
        "answer per delegation, it would be the same"]
    assert d["other_readings"] == [{"reading": "one answer per delegation", "replies_counted": 2, "share": "0/1",
                                    "outcome": "not-translated",
                                    "comparison": "0 of the 5 in the electorate request: 0 %, not more than the 50 % required"}]


def test_a_participant_column_is_not_used_where_one_answer_per_member_counts(ruleset):
    from procedures.tally import Reply, tally

    r = tally(ruleset, "recommendation-approval", [Reply(2, "France", "approve", None, None, "Ana")])
    assert r.warnings == ["no --circulated date: reply dates were not checked against the reply window of Res. 1 § 7.3.5.3",
                          "the participant column is not used: recommendation-approval counts one answer per member (Res. 1 § 7.3.5.5)"]
    assert "participant" not in r.as_dict()["counted"][0]


def test_with_only_abstentions_the_other_reading_has_no_valid_reply(ruleset):
    from procedures.tally import Reply, tally

    r = tally(ruleset, "recommendation-approval", [Reply(2, "France", "abstain")])
    assert r.outcome.outcome == "referred-back"
    assert r.as_dict()["other_readings"] == [{"reading": "abstentions excluded from the replies", "replies_counted": 0, "share": None,
                                              "outcome": "referred-back", "comparison": "no valid replies were received: nothing passes"}]


def test_a_timed_reply_and_a_dated_one_of_the_same_day_the_date_counts_as_midnight_utc(ruleset):
    from procedures.tally import tally

    rows = [("France", "disapprove", "2026-03-02T00:30:00+00:00"), ("FRA", "approve", "2026-03-02")]
    r = tally(ruleset, "recommendation-approval", _replies(rows))
    assert [(c.row, c.answer) for c in r.counted] == [(2, "disapprove")]
    assert [s.as_dict() for s in r.superseded] == [{"row": 3, "member_state": "France (FRA)", "answer": "approve", "superseded_by": 2}]
    assert r.excluded[0].get("unreadable", "not given") == "not given" and r.excluded[0]["row"] == 3


def test_a_timed_reply_on_the_last_day_elsewhere_is_late_when_geneva_has_passed_the_cut_off(ruleset):
    from procedures.tally import tally

    rows = [("France", "approve", "2026-05-28T23:30:00-05:00"), ("Kenya", "approve", "2026-05-28T23:30:00+02:00")]
    r = tally(ruleset, "recommendation-approval", _replies(rows), dt.date(2026, 2, 28))
    assert [c.row for c in r.counted] == [3]
    assert r.excluded[0].reason == ("received 2026-05-29 06:30 CEST, after the reply window closed on 2026-05-28 23:59:59 CEST "
                                    "(Res. 1 § 7.3.5.3)")


@pytest.mark.parametrize("rule, words", [
    ("res1.4.2.2.2.information-translation", "more than 50 % of the electorate are 'request'"),
    ("res1.5.3.6.question-approval", "fewer than 2 replies are 'object'"),
    ("res1.5.3.3.question-support", "at least 4 replies are 'support'"),
    ("res1.6.1.2.1.question-deletion", "more than 50 % of the replies counted are 'no-objection'"),
    ("res1.7.3.5.5.recommendation-approval", "at least 70 % of the replies counted are 'approve'"),
])
def test_the_threshold_in_words(ruleset, rule, words):
    from procedures.tally import threshold_words

    assert threshold_words(ruleset.rules[rule].passes_when) == words


def test_the_procedures_that_tally(ruleset):
    from procedures.tally import procedure_names

    assert procedure_names(ruleset) == ["question-approval", "question-deletion", "recommendation-approval", "recommendation-deletion",
                                        "recommendation-deletion-agreement", "recommendation-adoption", "consultation-decision",
                                        "information-translation", "question-support"]


def test_percentages_are_exact_where_they_terminate():
    from procedures.tally import percent

    assert [percent(f) for f in (Fraction(7, 10), Fraction(1, 8), Fraction(1, 3), Fraction(2, 3))] == ["70 %", "12.5 %", "≈ 33.33 %", "≈ 66.67 %"]


def test_lines_are_listed_up_to_twenty():
    from procedures.tally import _lines

    assert _lines([3]) == "line 3"
    assert _lines([3, 4]) == "lines 3, 4"
    assert _lines(list(range(1, 21))) == "lines " + ", ".join(map(str, range(1, 21)))
    assert _lines(list(range(1, 24))) == "lines " + ", ".join(map(str, range(1, 21))) + " and 3 more"


def test_an_exception_that_lifts_the_bound(ruleset):
    r = check_limit(ruleset, "res1.4.1.3.6.contribution-pages", Fraction(12), frozenset({"chair-consulted"}))
    includes(r.as_dict(), {
        "at_most": None, "at_least": None, "within": True, "severity": "ok", "comparison": "no bound under the exception",
        "message": "12 pages: allowed, the exception lifts the bound — after consulting the chair, a longer contribution for action may "
                   "be accepted; a summary its author drafts may be published (may)",
        "cite": ["Res. 1 § 4.1.3.6", "Res. 1 § 4.2.1.2"], "exception": "res1.4.2.1.2.longer-contribution", "remedy": None, "warnings": [],
    })
    assert r.line().endswith("(Res. 1 § 4.1.3.6, Res. 1 § 4.2.1.2, should).")


@pytest.mark.parametrize("value, previous, note, warnings", [
    (70, 65, "(65 previous + 20 added)", []),
    (71, 65, "(65 previous + 20 added)", ["other reading (the 20 pages bound the whole excess over 50, whatever earlier revisions "
                                         "added): at most 70 pages, so 71 pages would be more than allowed"]),
    (60, 50, "(50 previous + 20 added)", []),
])
def test_the_other_reading_of_a_grown_bound_is_shown_from_the_first_page_it_changes(ruleset, value, previous, note, warnings):
    r = judge(ruleset.rules["res1.3.10.5.1.output-report-pages"], Fraction(value), frozenset({"revised-report"}), {"previous-pages": previous})
    assert note in r.message and r.warnings == warnings


def test_a_complementary_revision_on_the_anniversary_needs_no_exception(library):
    r = check_revision(library, dt.date(2026, 5, 10), dt.date(2028, 5, 10), frozenset({"complements"}))
    includes(r.results[0].as_dict(), {"within": True, "exception": None, "cite": ["Res. 1 § 7.1.2"]})


def test_the_middle_of_a_study_period_is_halfway_between_the_conferences(ruleset):
    d = evaluate(ruleset, "res1.5.3.8.list-of-new-questions", {"wtdc-closed": dt.date(2025, 11, 28), "wtdc-opens": dt.date(2029, 11, 5)})
    rule, cite = "res1.5.3.8.list-of-new-questions", "Res. 1 § 5.3.8"
    assert d.date == dt.date(2027, 11, 17)
    assert [s.as_dict() for s in d.trace] == [
        {"rule": rule, "cite": cite, "text": "study-period-middle: halfway from wtdc-closed 2025-11-28 to wtdc-opens 2029-11-05 "
                                             "(1438 days; 719 on) = 2027-11-17"},
        {"rule": rule, "cite": cite, "text": "0 calendar days before study-period-middle: 2027-11-17 − 0 day(s) = 2027-11-17"},
    ]
    with pytest.raises(MissingEvent) as exc:
        evaluate(ruleset, rule, {"wtdc-closed": dt.date(2025, 11, 28)})
    assert exc.value.event == "wtdc-opens" and str(exc.value) == "needs the date of 'wtdc-opens' (the opening day of the next WTDC)"


def test_an_event_not_given_is_taken_as_the_latest_its_rule_allows_and_the_trace_says_so(ruleset):
    d = evaluate(ruleset, "res1.7.3.5.3.replies", {"sg-adoption": dt.date(2026, 1, 31)})
    request, replies, cite = "res1.7.3.5.3.request", "res1.7.3.5.3.replies", "Res. 1 § 7.3.5.3"
    assert d.date == dt.date(2026, 5, 28)
    assert [s.as_dict() for s in d.trace] == [
        {"rule": request, "cite": cite, "text": "sg-adoption is 2026-01-31 (Saturday)"},
        {"rule": request, "cite": cite, "text": "1 month after sg-adoption: 2026-01-31 + 1 month(s) = 2026-02-28 (day 31 does not exist "
                                                "in that month: clipped to its last day)"},
        {"rule": replies, "cite": cite, "text": "consultation-request-sent not given: taken as the latest date res1.7.3.5.3.request "
                                                "allows, 2026-02-28"},
        {"rule": replies, "cite": cite, "text": "3 months after consultation-request-sent: 2026-02-28 + 3 month(s) = 2026-05-28"},
    ]
    with pytest.raises(MissingEvent) as exc:
        evaluate(ruleset, replies, {})
    assert exc.value.event == "sg-adoption"
    assert str(exc.value) == "needs the date of 'sg-adoption' (the day the study group adopted the draft Recommendation)"


@pytest.mark.parametrize("months, message", [
    (1, "2026-01-31 + 1 month(s) has no day 31 in 2026-02, and the rule's month_end is \"reject\""),
    (-2, "2026-01-31 − 2 month(s) has no day 31 in 2025-11, and the rule's month_end is \"reject\""),
])
def test_a_month_end_that_is_rejected_says_which_day_is_missing(months, message):
    from procedures.errors import EvaluationError
    from procedures.offsets import add_months

    with pytest.raises(EvaluationError) as exc:
        add_months(dt.date(2026, 1, 31), months, "reject")
    assert str(exc.value) == message
    assert add_months(dt.date(2026, 1, 31), 0, "reject") == dt.date(2026, 1, 31)


def test_an_official_year_keeps_its_closures_standing_and_gives_no_day_in_lieu(tmp_path):
    text = CALENDAR.replace("official_years = [2028]", "official_years = [2027]").replace(
        "[[correction]]\ndate = 2027-03-10", "[[closure]]\ndate = 2028-01-08\nname = \"Winter day\"\nsource = \"ITU closure\"\n\n"
        "[[correction]]\ndate = 2028-02-01\naction = \"add\"\nname = \"Late day\"\nnote = \"by hand\"\n\n"
        "[[correction]]\ndate = 2028-02-02\naction = \"remove\"\nname = \"Not closed\"\nnote = \"never was\"\n\n"
        "[[correction]]\ndate = 2027-03-10")
    cal = _calendar(tmp_path, "nearest-working-day", text)
    # Saturday 1 January 2028, provisional: Friday 31 December 2027 is in an official year, so no day in lieu there
    assert cal.closure(dt.date(2027, 12, 31)) is None
    assert _days(cal, 2028) == [
        ("2028-01-01", "New Year", "public holiday (CH-GE, holidays package)", True),
        ("2028-01-07", "Winter day (in lieu)", "in lieu of Saturday 2028-01-08 (a closure on a weekend)", True),
        ("2028-01-08", "Winter day", "ITU closure", True),
        ("2028-02-01", "Late day", "correction: by hand", True),
    ]
    assert [d[3] for d in _days(cal, 2027)] == [False] * len(_days(cal, 2027))


def test_a_calendar_built_without_a_file_name_names_its_default(tmp_path):
    from procedures.calendar import ClosureCalendar
    from procedures.errors import CalendarError

    cal = ClosureCalendar(_calendar(tmp_path).spec)
    assert cal.file == "calendar"
    with pytest.raises(CalendarError, match=r"add the year's closures to /calendar and widen first_year/last_year$"):
        cal.closure(dt.date(2030, 1, 1))


# --- offsets: the arithmetic and how it is explained --------------------------------------------------


@pytest.mark.parametrize("offset, counting, anchor, day, how", [
    ({"amount": 2, "unit": "weeks", "direction": "before"}, "date-minus-n", dt.date(2026, 9, 14), dt.date(2026, 8, 31),
     "2026-09-14 − 2 week(s) (14 days) = 2026-08-31"),
    ({"amount": 2, "unit": "weeks", "direction": "after"}, "clear-days", dt.date(2026, 9, 14), dt.date(2026, 9, 29),
     "2026-09-14 + 2 week(s) (14 days) + 1 (clear days) = 2026-09-29"),
    ({"amount": 1, "unit": "calendar-days", "direction": "after"}, "clear-days", dt.date(2026, 9, 14), dt.date(2026, 9, 16),
     "2026-09-14 + 1 day(s) + 1 (clear days) = 2026-09-16"),
    ({"amount": 0, "unit": "calendar-days", "direction": "after"}, "clear-days", dt.date(2026, 9, 14), dt.date(2026, 9, 14),
     "2026-09-14 + 0 day(s) = 2026-09-14"),
    ({"amount": 1, "unit": "months", "direction": "after", "month_end": "clip"}, "date-minus-n", dt.date(2026, 1, 30),
     dt.date(2026, 2, 28), "2026-01-30 + 1 month(s) = 2026-02-28 (day 30 does not exist in that month: clipped to its last day)"),
    ({"amount": 1, "unit": "months", "direction": "before", "month_end": "clip"}, "date-minus-n", dt.date(2026, 3, 15),
     dt.date(2026, 2, 15), "2026-03-15 − 1 month(s) = 2026-02-15"),
    ({"amount": 2, "unit": "working-days", "direction": "before"}, "date-minus-n", dt.date(2026, 9, 14), dt.date(2026, 9, 9),  # 10 September: Jeûne genevois
     "2026-09-14 − 2 working day(s), counting from the day before, skipping weekends and closed days = 2026-09-09"),
])
def test_an_offset_is_computed_and_explained(ruleset, offset, counting, anchor, day, how):
    from procedures.models import Offset
    from procedures.offsets import shift

    assert shift(anchor, Offset(**offset), counting, ruleset.calendar) == (day, how)


def test_a_month_end_the_rule_rejects_is_an_error_and_a_date_off_the_calendar_too(ruleset):
    from procedures.errors import EvaluationError
    from procedures.models import Offset
    from procedures.offsets import shift

    with pytest.raises(EvaluationError, match="has no day 31 in 2026-02"):
        shift(dt.date(2026, 1, 31), Offset(amount=1, unit="months", direction="after", month_end="reject"), "date-minus-n", ruleset.calendar)
    with pytest.raises(EvaluationError) as exc:
        shift(dt.date(9999, 12, 30), Offset(amount=3, unit="calendar-days", direction="after"), "date-minus-n", ruleset.calendar)
    assert str(exc.value) == "3 calendar days after 9999-12-30 falls outside the calendar's range of dates"


@pytest.mark.parametrize("policy, day, moved, text", [
    ("next-working-day", dt.date(2026, 9, 13), dt.date(2026, 9, 14), "2026-09-13 is not a working day: moved to the next working day, 2026-09-14"),
    ("previous-working-day", dt.date(2026, 9, 13), dt.date(2026, 9, 11),
     "2026-09-13 is not a working day: moved to the previous working day, 2026-09-11"),
    ("keep", dt.date(2026, 9, 13), dt.date(2026, 9, 13), None),
    ("next-working-day", dt.date(2026, 9, 14), dt.date(2026, 9, 14), None),
])
def test_a_date_on_a_non_working_day_moves_as_the_rule_says(ruleset, policy, day, moved, text):
    from procedures.offsets import apply_non_working_day

    assert apply_non_working_day(day, policy, ruleset.calendar) == (moved, text)


def test_silence_passes_where_only_objections_stop_a_text_and_fails_where_a_share_is_needed(ruleset):
    from procedures.tally import tally

    approval = tally(ruleset, "question-approval", [])
    assert (approval.outcome.outcome, approval.comparison) == ("approved", "0 replies object: fewer than 2, as required")
    assert approval.warnings[-1] == ("no valid replies were received: fewer than 2 replies are 'object' holds with none, so the result of silence is "
                                     "approved (Res. 1 § 5.3.6)")
    assert approval.trace[-1].text == "passes when fewer than 2 replies are 'object': 0 replies object: fewer than 2, as required"
    share = tally(ruleset, "recommendation-approval", [])
    assert (share.outcome.outcome, share.comparison) == ("referred-back", "no valid replies were received: nothing passes")
    assert share.warnings[-1] == "no valid replies were received: nothing passes"
    assert [s.text for s in share.trace][-1] == ("passes when at least 70 % of the replies counted are 'approve': no valid replies were "
                                                 "received: nothing passes")


def test_an_exception_changes_what_follows_and_is_named_otherwise(ruleset):
    from procedures.tally import Reply, tally

    plain = tally(ruleset, "recommendation-adoption", [Reply(2, "France", "object")])
    assert plain.what_follows == ("the objecting Member State gives its reasons; the Director makes them available to the next study "
                                  "group meeting; if no meeting before wtdc: the chair forwards the text to WTDC (Res. 1 § 7.2.6)")
    assert plain.cite == ["Res. 1 § 7.2.4", "Res. 1 § 7.2.5"]
    flagged = tally(ruleset, "recommendation-adoption", [Reply(2, "France", "object")], flags=frozenset({"no-meeting-before-wtdc"}))
    assert flagged.what_follows == "no study group meeting remains before WTDC: the chair forwards the text to WTDC"
    assert flagged.cite == ["Res. 1 § 7.2.4", "Res. 1 § 7.2.5", "Res. 1 § 7.2.6"]
    assert flagged.trace[-1].as_dict() == {
        "rule": "res1.7.2.4.recommendation-adoption", "cite": "Res. 1 § 7.2.6",
        "text": "exception res1.7.2.6.no-meeting-before-wtdc (no-meeting-before-wtdc): no study group meeting remains before WTDC: "
                "the chair forwards the text to WTDC"}


def test_a_tally_refuses_what_it_cannot_count_in_one_line(ruleset):
    from procedures.tally import Reply, find_rule, tally

    with pytest.raises(InputError, match=r"^unknown procedure 'nope'; use one of: question-approval, question-deletion, "):
        find_rule(ruleset, "nope")
    with pytest.raises(InputError, match=r"^3 participants replied but --electorate-size is 2; check the number$"):
        tally(ruleset, "information-translation", [Reply(2, "France", "request", None, None, p) for p in ("A", "B", "C")], electorate_size=2)
    with pytest.raises(InputError, match=r"^--electorate-size must be zero or more$"):
        tally(ruleset, "information-translation", [], electorate_size=-1)
    with pytest.raises(InputError, match=r"^procedure 'information-translation' compares with the whole electorate \(participants\); "
                                         r"give --electorate-size N$"):
        tally(ruleset, "information-translation", [])
